"""Query parameters that filter a list by a closed vocabulary (a state, a status, a role).

Each is an `enum` in the OpenAPI, and an unknown value answers 422 naming the query parameter
and every value it may take. Litestar would check an enum-typed parameter itself, but it names
a refused one by the handler's argument (`call_state`, since `state` is a name Litestar
reserves) and says only "Invalid enum value"; a client needs the parameter and the values.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, overload

from litestar.openapi.spec import OpenAPIType, Schema
from litestar.params import Parameter

from grants.common.pydantic_messages import pydantic_message
from grants.errors import INVALID_FIELDS, FieldError, Invalid


def one_of(name: str, values: Iterable[str], *, default: str | None = None) -> Any:
    """The `Parameter` of the query parameter `name`, taking one of `values` (absent: the
    `default`); check what the handler receives with `checked`."""
    allowed = [str(v) for v in values]
    enum = Schema(type=OpenAPIType.STRING, enum=allowed)
    shape = (
        {"one_of": [enum, Schema(type=OpenAPIType.NULL)]} if default is None else {"enum": allowed}
    )
    # No `max_length`: Litestar would refuse a long value naming the handler's argument.
    return Parameter(
        query=name,
        default=default,
        description=f"Only those whose {name} is this one." if default is None else None,
        schema_extra=shape,
    )


@overload
def checked(name: str, value: str, values: Iterable[str]) -> str: ...
@overload
def checked(name: str, value: str | None, values: Iterable[str]) -> str | None: ...
def checked(name: str, value: str | None, values: Iterable[str]) -> str | None:
    """`value` when it is one of `values` (or None). Raises Invalid naming `name` otherwise."""
    allowed = [str(v) for v in values]
    if value is None or value in allowed:
        return value
    # The message of Pydantic's own refusal of a value outside a `Literal`, with its quoting.
    reason = pydantic_message({"type": "literal_error", "ctx": {"expected": _choices(allowed)}})
    raise Invalid(INVALID_FIELDS(), errors=[FieldError(name, reason)])


def _choices(values: list[str]) -> str:
    """`'a', 'b' or 'c'`, as Pydantic lists a `Literal`'s values."""
    quoted = [repr(v) for v in values]
    return " or ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)
