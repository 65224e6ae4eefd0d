"""The problem+json body (RFC 9457) as a schema, so OpenAPI declares what errors really send."""

from __future__ import annotations

from typing import Any

from litestar.openapi.datastructures import ResponseSpec
from pydantic import BaseModel, Field

_CODE = (
    "The message code (stable, for clients that render messages themselves); null for text "
    "that is not ours to translate (a value the client sent, a library's words)."
)
_PARAMS = (
    "The message's parameters: money as {amount, currency} in minor units, instants as "
    "ISO 8601 UTC, lists as arrays."
)


class FieldProblem(BaseModel):
    """One refused field: its dotted path in the request and why, in the reader's language."""

    field: str = Field(examples=["data.reason"])
    reason: str = Field(examples=["This field is required."])
    code: str | None = Field(description=_CODE, examples=["validation.missing"])
    params: dict[str, Any] = Field(description=_PARAMS, examples=[{}])


class Reason(BaseModel):
    """One reason a workflow guard or a rule refused the request."""

    code: str | None = Field(description=_CODE, examples=["proposal.guard.deadline_passed"])
    params: dict[str, Any] = Field(
        description=_PARAMS, examples=[{"closes_at": "2027-03-31T08:00:00Z"}]
    )
    message: str = Field(
        description="The reason rendered in the reader's language (saved, else "
        "Accept-Language, else English).",
        examples=["The call closed at Mar 31, 2027, 5:00 PM (Japan Time)."],
    )


class Problem(BaseModel):
    """An error (`application/problem+json`): `detail` in the reader's language with its
    `code` and `params`; `errors` names refused fields, `reasons` lists every reason a
    workflow guard or a rule refused the request. The `Content-Language` header names the
    language."""

    type: str = Field(examples=["urn:cofund:problem:conflict"])
    title: str = Field(examples=["Conflict"])
    status: int = Field(examples=[409])
    detail: str = Field(examples=["The event is refused."])
    instance: str = Field(examples=["/api/proposals/0193e3c4-5b1e-7d2a-9f3c-2a1b4c5d6e7f"])
    code: str | None = Field(description=_CODE, examples=["problem.invalid_fields"])
    params: dict[str, Any] = Field(description=_PARAMS, examples=[{}])
    errors: list[FieldProblem] | None = None
    reasons: list[Reason] | None = None
    request_id: str | None = None


def problem_responses(**described: str) -> dict[int, ResponseSpec]:
    """OpenAPI responses for the given statuses (`s403="…"`), each a problem+json body."""
    return {
        # Litestar would invent random strings as examples for the fields that declare none.
        int(status.removeprefix("s")): ResponseSpec(
            data_container=Problem,
            description=text,
            media_type="application/problem+json",
            generate_examples=False,
        )
        for status, text in described.items()
    }
