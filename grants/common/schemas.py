"""Schema building blocks shared by every feature: strict input, pagination."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from grants.common.pagination import Window

T = TypeVar("T")


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

    version: int = Field(ge=1)
    data: dict[str, str] = Field(default_factory=dict)


class TransitionOption(Output):
    event: str
    target: str
    description: str
    allowed: bool
    reasons: list[str]
