"""Instants given in a query string, checked like the instants of a body."""

from __future__ import annotations

import datetime

from grants.errors import INVALID_FIELDS, FieldError, Invalid
from grants.times import InstantOutOfRange, NaiveDatetimeError, ensure_utc


def query_instant(field: str, value: datetime.datetime) -> datetime.datetime:
    """`value` in UTC; raises Invalid naming `field` when it has no zone or is out of range
    (the database driver would otherwise overflow converting it)."""
    try:
        return ensure_utc(value)
    except (NaiveDatetimeError, InstantOutOfRange) as exc:
        raise Invalid(INVALID_FIELDS(), errors=[FieldError(field, exc.message)]) from None
