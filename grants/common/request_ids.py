"""The id of the unit of work in progress (an HTTP request, or one CLI command), carried in a
context variable so every audit event and log line of that unit names it without being told."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[str | None] = ContextVar("cofund_request_id", default=None)


def current_request_id() -> str | None:
    """The id bound by the innermost `bound_request_id` block, or None outside any."""
    return _current.get()


@contextmanager
def bound_request_id(request_id: str) -> Iterator[str]:
    """Bind `request_id` for the block (tasks started inside inherit it)."""
    token = _current.set(request_id)
    try:
        yield request_id
    finally:
        _current.reset(token)


def new_cli_request_id() -> str:
    """An id grouping the events of one CLI command: `cli-` and 32 hex digits (fits the
    64-character column)."""
    return f"cli-{uuid.uuid4().hex}"
