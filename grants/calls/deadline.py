"""Whether a call accepts submissions at an instant: the deadline holds on the server itself.

Pure, so the proposal features ask it at the moment of submitting instead of trusting that a job
has closed the call already. A call closes at the exact instant of `closes_at`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from grants.times import ensure_utc
from workflows.machines.call import CallState


class Deadlined(Protocol):
    """What the check reads from a call."""

    state: str
    opens_at: datetime
    closes_at: datetime


def accepting_submissions(call: Deadlined, now: datetime) -> list[str]:
    """Every reason the call does not accept a submission at `now` (empty when it does).

    Raises NaiveDatetimeError when `now` or a call time has no time zone.
    """
    now = ensure_utc(now)
    reasons = []
    if call.state != CallState.OPEN:
        reasons.append(f"The call is {call.state}, not open.")
    if now < ensure_utc(call.opens_at):
        reasons.append(f"The call opens at {ensure_utc(call.opens_at).isoformat()}.")
    if now >= ensure_utc(call.closes_at):
        reasons.append(f"The call closed at {ensure_utc(call.closes_at).isoformat()}.")
    return reasons
