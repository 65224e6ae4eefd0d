"""Expected problem+json parts that carry a message: its code and parameters beside the text."""

from __future__ import annotations

from typing import Any


def field_error(field: str, reason: str, code: str | None, /, **params: Any) -> dict[str, Any]:
    """One entry of a problem's `errors`."""
    return {"field": field, "reason": reason, "code": code, "params": params}


def coded(message: str, code: str, /, **params: Any) -> dict[str, Any]:
    """One entry of a problem's `reasons`."""
    return {"code": code, "params": params, "message": message}
