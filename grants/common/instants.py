"""Instants given in a query string, checked like the instants of a body."""

from __future__ import annotations

import datetime

from grants.errors import FieldError, Invalid
from grants.times import InstantOutOfRange, NaiveDatetimeError, ensure_utc


def query_instant(field: str, value: datetime.datetime) -> datetime.datetime:
    """`value` in UTC; raises Invalid naming `field` when it has no zone or is out of range
    (the database driver would otherwise overflow converting it)."""
    try:
        return ensure_utc(value)
    except (NaiveDatetimeError, InstantOutOfRange) as exc:
        raise Invalid(
            "The request has invalid fields.", errors=[FieldError(field, str(exc))]
        ) from None
