"""Reasons as the API sends them (problem+json `reasons`, a transitions listing's `reasons`),
and the fixed instants the workflow tests show them at."""

from __future__ import annotations

import datetime
from typing import Any

UTC = datetime.UTC

PAST_OPENS = datetime.datetime(2026, 1, 5, 0, 0, tzinfo=UTC)
PAST_CLOSES = datetime.datetime(2026, 3, 31, 8, 0, tzinfo=UTC)
PAST_CLOSES_EN = (
    "Mar 31, 2026, 5:00\u202fPM (Japan Time) / Mar 31, 2026, 3:00\u202fPM (Vietnam Time)"
)
"""`PAST_CLOSES` as an English reader sees it: in JST's zone and in NAFOSTED's."""

FUTURE_CLOSES = datetime.datetime(2099, 3, 31, 8, 0, tzinfo=UTC)
FUTURE_CLOSES_EN = (
    "Mar 31, 2099, 5:00\u202fPM (Japan Time) / Mar 31, 2099, 3:00\u202fPM (Vietnam Time)"
)


def reason(code: str | None, message: str, **params: Any) -> dict[str, Any]:
    """One reason: its message code, its parameters as JSON and its text."""
    return {"code": code, "params": params, "message": message}
