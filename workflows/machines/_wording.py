"""Small helpers that keep the guards' sentences uniform across machines."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime


def instant(moment: datetime) -> str:
    """Return `moment` as ISO 8601, the form every agency's zone can be derived from."""
    return moment.isoformat()


def names(items: Iterable[str]) -> str:
    """Return `items` joined as 'A, B, C' in the order given."""
    return ", ".join(items)


def count(number: int, singular: str, plural: str) -> str:
    """Return '1 proposal' / '3 proposals'."""
    return f"{number} {singular if number == 1 else plural}"
