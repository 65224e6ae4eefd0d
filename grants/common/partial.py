"""Every problem of a request body in one answer.

Pydantic reports the fields it refuses and never reaches the checks that need several fields
(a call's rubric weights, its closing after its opening), so a client fixed one round of errors
only to meet the next. `valid_fields` gives those checks the fields that did validate, and
`with_errors` adds what they find to Pydantic's own errors (see `CallCreate`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

from grants.errors import FieldError
from messages import Message, MessageError


@functools.cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    field = model.model_fields[name]
    annotation: Any = field.annotation
    if field.metadata:
        annotation = Annotated[(annotation, *field.metadata)]
    return TypeAdapter(annotation)


def valid_fields(model: type[BaseModel], data: Any, exc: ValidationError) -> dict[str, Any] | None:
    """The fields of `data` that `exc` did not refuse, validated and dumped to plain data (nested
    models as dicts), defaults for those left out; None when the body is no object at all."""
    if not isinstance(data, Mapping):
        return None
    failed = {e["loc"][0] for e in exc.errors() if e["loc"]}
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if name in failed:
            continue
        if name in data:
            adapter = _adapter(model, name)
            values[name] = adapter.dump_python(adapter.validate_python(data[name]))
        elif not field.is_required():
            values[name] = field.get_default(call_default_factory=True)
    return values


def _loc(field: str) -> tuple[str | int, ...]:
    # `rubric[2].scale_max` → ("rubric", 2, "scale_max"), the path Pydantic itself reports.
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\[\]]+", field) if p)


def _rebuilt(error: ErrorDetails) -> InitErrorDetails:
    # Type and context travel along: the edge renders an error from them (a validator's
    # MessageError is in the context), not from Pydantic's English `msg`.
    kind = PydanticCustomError(error["type"], error["msg"], error.get("ctx"))
    return {"type": kind, "loc": error["loc"], "input": error["input"]}


def _inconsistent(error: FieldError) -> InitErrorDetails:
    reason = error.reason
    context = {"error": MessageError(reason)} if isinstance(reason, Message) else None
    kind = PydanticCustomError("inconsistent", str(reason), context)
    return {"type": kind, "loc": _loc(error.field), "input": None}


def with_errors(exc: ValidationError, errors: Sequence[FieldError]) -> ValidationError:
    """`exc` with `errors` added after Pydantic's own, each keeping its message (code and
    parameters), so the edge renders every one in the reader's language."""
    line_errors = [_rebuilt(e) for e in exc.errors()] + [_inconsistent(e) for e in errors]
    return ValidationError.from_exception_data(exc.title, line_errors)
