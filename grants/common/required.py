"""The fields a request body must have, named as deep as they go (`title.en`, not `title`), for
the errors of a missing body or a missing nested object. Pure Pydantic, no `grants.errors`
(which uses it)."""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel


def _model(annotation: Any, *, through_lists: bool) -> type[BaseModel] | None:
    """The model `annotation` holds (through `X | None`, and `list[X]` when asked)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType) or (through_lists and origin is list):
        models = [_model(a, through_lists=through_lists) for a in get_args(annotation)]
        found = [m for m in models if m is not None]
        return found[0] if len(found) == 1 else None
    return None


def body_model(annotation: Any) -> type[BaseModel] | None:
    """The model of a handler's `data` annotation, None for any other body."""
    return _model(annotation, through_lists=False)


def model_at(model: type[BaseModel], path: Sequence[str]) -> type[BaseModel] | None:
    """The model of the field at `path` (`["agencies", "0", "terms"]`), None if it is none
    (a list of models is one only with its index: `agencies` is a list, `agencies.0` a model)."""
    current: type[BaseModel] | None = model
    for i, part in enumerate(path):
        if part.isdigit():
            continue  # an index into the list the previous part named
        if current is None or part not in current.model_fields:
            return None
        indexed = i + 1 < len(path) and path[i + 1].isdigit()
        current = _model(current.model_fields[part].annotation, through_lists=indexed)
    return current


def required_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every required field of `model`, a required nested object by its own required fields."""
    paths = []
    for name, field in model.model_fields.items():
        if not field.is_required():
            continue
        nested = _model(field.annotation, through_lists=False)
        path = f"{prefix}{name}"
        paths += required_paths(nested, f"{path}.") if nested else [path]
    return paths
