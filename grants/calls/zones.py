"""The time zones a call's instants are shown in: its co-funders' (a deadline means the same
instant in Tokyo and in Hanoi, and each reader sees it in both)."""

from __future__ import annotations

from grants.db.models import Call


def call_zones(call: Call) -> tuple[str, ...]:
    """The co-funding agencies' time zones in the call's agency order, each once."""
    return tuple(dict.fromkeys(t.agency.time_zone for t in call.agencies))
