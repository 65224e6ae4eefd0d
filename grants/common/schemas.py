"""Schema building blocks shared by every feature: strict input, pagination."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from messages import Message, params_json, render

if TYPE_CHECKING:
    from grants.common.pagination import Window

T = TypeVar("T")


def whole_number(value: object) -> object:
    """Refuse what is not a JSON integer. Litestar validates bodies with `strict=False`, which
    overrides a field's own `strict=True`: without this, `true` is 1 and `"3"` is 3."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError(
            "int_type",
            "Input should be a whole number, not {kind} {value}",
            {"kind": type(value).__name__, "value": repr(value)},
        )
    return value


Integer = Annotated[int, BeforeValidator(whole_number)]
"""An integer field of a request body: booleans, numeric strings and floats are refused."""


class Input(BaseModel):
    """Request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    """One page of a list; `total` counts every match, not just this page."""

    items: list[T]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, items: list[T], total: int, window: Window) -> Page[T]:
        """The page of `items` shown through `window`."""
        return cls(items=items, total=total, limit=window.limit, offset=window.offset)


class EventBody(Input):
    """Body of `POST …/events/{event}`: the version the client saw and the event's data."""

    version: Integer = Field(ge=1)
    data: dict[str, str] = Field(default_factory=dict)


class Reason(Output):
    """One reason a rule refuses: its message code and parameters (so a client can render it
    itself) beside its text in the reader's language."""

    code: str | None = Field(examples=["proposal.guard.deadline_passed"])
    params: dict[str, Any] = Field(examples=[{"deadline": "2027-03-31T08:00:00Z"}])
    message: str

    @classmethod
    def of(cls, reason: Message | str, locale: str) -> Reason:
        """`reason` rendered in `locale`; a plain text (words on record) has no code."""
        if isinstance(reason, str):
            return cls(code=None, params={}, message=reason)
        return cls(
            code=reason.code, params=params_json(reason.params), message=render(reason, locale)
        )


class TransitionOption(Output):
    event: str
    target: str
    description: str
    allowed: bool
    reasons: list[Reason]
