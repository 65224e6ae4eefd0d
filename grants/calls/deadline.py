"""Whether a call accepts submissions at an instant: the deadline holds on the server itself.

Pure, so the proposal features ask it at the moment of submitting instead of trusting that a job
has closed the call already. A call closes at the exact instant of `closes_at`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from grants.times import ensure_utc
from messages import Instant, Message, define
from workflows.machines.call import CallState

NOT_OPEN = define("call.submissions.not_open", "The call is {state}, not open.")
NOT_YET_OPEN = define("call.submissions.not_yet_open", "The call opens at {opens_at}.")
CLOSED = define("call.submissions.closed", "The call closed at {closed_at}.")


class Deadlined(Protocol):
    """What the check reads from a call."""

    state: str
    opens_at: datetime
    closes_at: datetime


def accepting_submissions(
    call: Deadlined, now: datetime, zones: Sequence[str] = ()
) -> list[Message]:
    """Every reason the call does not accept a submission at `now` (empty when it does), its
    instants shown in `zones` (the co-funders' zones, `call_zones`; UTC when none).

    Raises NaiveDatetimeError when `now` or a call time has no time zone.
    """
    now, shown = ensure_utc(now), tuple(zones)
    reasons = []
    if call.state != CallState.OPEN:
        reasons.append(NOT_OPEN(state=str(call.state)))
    if now < ensure_utc(call.opens_at):
        reasons.append(NOT_YET_OPEN(opens_at=Instant(ensure_utc(call.opens_at), shown)))
    if now >= ensure_utc(call.closes_at):
        reasons.append(CLOSED(closed_at=Instant(ensure_utc(call.closes_at), shown)))
    return reasons
