"""Schema building blocks shared by every feature: strict input, pagination."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, JsonValue
from pydantic_core import PydanticCustomError

from grants.common.problems import Reason

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


def examples(*bodies: dict[str, Any]) -> ConfigDict:
    """The config of a request body with examples, set as `model_config = examples(…)` on the
    body's own class (Pydantic merges it with `Input`'s): the OpenAPI shows them as the
    schema's `examples` (`grants.openapi.InputModelsSchemaPlugin`), and a test checks that
    each is valid for the model and for its schema in the OpenAPI."""
    return ConfigDict(json_schema_extra={"examples": cast("list[JsonValue]", list(bodies))})


def examples_of(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The request examples a model declares (see `examples`); none when it declares none."""
    extra = model.model_config.get("json_schema_extra")
    found = extra.get("examples") if isinstance(extra, dict) else None
    return cast("list[dict[str, Any]]", found or [])


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


class TransitionOption(Output):
    """An event of the resource's state: whether the caller may fire it now, and if not every
    reason, in the reader's language with its message code and parameters."""

    event: str
    target: str
    description: str
    allowed: bool
    reasons: list[Reason]
