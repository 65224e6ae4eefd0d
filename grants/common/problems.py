"""The problem+json body (RFC 9457) as a schema, so OpenAPI declares what errors really send."""

from __future__ import annotations

from typing import Any

from litestar.openapi.datastructures import ResponseSpec
from pydantic import BaseModel, Field

_CODE = "The message's code (stable; a client may render the message itself from it)."
_PARAMS = (
    "The message's parameters: money as `{amount, currency}` (minor units), instants and dates "
    "as ISO 8601, lists as lists."
)


class FieldProblem(BaseModel):
    """One refused field: its dotted path in the request and why, in the reader's language,
    with the message's code and parameters."""

    field: str = Field(examples=["data.reason"])
    reason: str = Field(examples=["This field is required."])
    code: str | None = Field(default=None, description=_CODE, examples=["validation.missing"])
    params: dict[str, Any] = Field(default_factory=dict, description=_PARAMS)


class Reason(BaseModel):
    """One reason a workflow guard or a rule refused the request."""

    code: str | None = Field(description=_CODE, examples=["call.setup.no_rubric"])
    params: dict[str, Any] = Field(description=_PARAMS)
    message: str = Field(examples=["The call has no review rubric."])


class Problem(BaseModel):
    """An error (`application/problem+json`), every text in the reader's language (their saved
    locale, else `Accept-Language`, else English; `Content-Language` says which): `detail` with
    its message `code` and `params`; `errors` names refused fields, `reasons` lists every reason
    a workflow guard or a rule refused the request."""

    type: str = Field(examples=["urn:cofund:problem:conflict"])
    title: str = Field(examples=["Conflict"])
    status: int = Field(examples=[409])
    detail: str
    instance: str
    code: str | None = Field(default=None, description=_CODE)
    params: dict[str, Any] = Field(default_factory=dict, description=_PARAMS)
    errors: list[FieldProblem] | None = None
    reasons: list[Reason] | None = None
    request_id: str | None = None


def problem_responses(**described: str) -> dict[int, ResponseSpec]:
    """OpenAPI responses for the given statuses (`s403="…"`), each a problem+json body."""
    return {
        int(status.removeprefix("s")): ResponseSpec(
            data_container=Problem, description=text, media_type="application/problem+json"
        )
        for status, text in described.items()
    }
