"""Schema building blocks shared by every feature: strict input, pagination."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

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
