"""Mid-term gate machine: for a project of 5 years or more, every co-funding agency decides
whether it continues once the report of the gate's year is accepted."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from messages import Message, define
from workflows.engine import Machine, Transition
from workflows.roles import COFUNDING_OFFICER

GRANT_INACTIVE = define("midterm.guard.grant_inactive", "The grant is not active.")
REPORT_PENDING = define(
    "midterm.guard.report_pending",
    "The gate is decided once the year {year} progress report is accepted.",
)
ANSWERED = define("midterm.guard.answered_already", "Your agency has decided on the gate already.")
CONSORTIUM_MEMBER = define(
    "midterm.guard.consortium_member",
    "A member of the project's consortium cannot decide on its continuation.",
)
UNDECIDED = define(
    "midterm.guard.undecided", "Agencies that have not decided to continue: {agencies}."
)
NO_STOP = define("midterm.guard.no_stop", "No agency decided to stop the project.")


class GateState(StrEnum):
    """States of a mid-term gate."""

    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"


class GateEvent(StrEnum):
    """Events of the mid-term gate machine."""

    DECIDE = "decide"
    PASS = "pass"  # noqa: S105 - an event's name, not a password
    FAIL = "fail"


@dataclass(frozen=True)
class GateContext:
    """Facts the gate guards read.

    `grant_active`: the grant is active. `after_year`: the project year the gate follows;
    `report_accepted`: that year's report is accepted. `caller_answered`: the caller's agency
    decided. `actor_in_consortium`: the actor is on the project's team. `not_continuing`: codes
    of the agencies that have not decided to continue; `stopping`: of those that decided to stop.
    """

    grant_active: bool
    after_year: int
    report_accepted: bool
    caller_answered: bool
    actor_in_consortium: bool
    not_continuing: tuple[str, ...]
    stopping: tuple[str, ...]


def grant_active(ctx: GateContext) -> Iterator[Message]:
    """The gate is decided only while the grant is active."""
    if not ctx.grant_active:
        yield GRANT_INACTIVE()


def report_accepted(ctx: GateContext) -> Iterator[Message]:
    """Continuation is decided on the accepted report of the gate's year."""
    if not ctx.report_accepted:
        yield REPORT_PENDING(year=ctx.after_year)


def caller_not_yet_answered(ctx: GateContext) -> Iterator[Message]:
    """One decision per agency."""
    if ctx.caller_answered:
        yield ANSWERED()


def independent_officer(ctx: GateContext) -> Iterator[Message]:
    """A consortium member never decides on their own project's continuation."""
    if ctx.actor_in_consortium:
        yield CONSORTIUM_MEMBER()


def every_agency_continues(ctx: GateContext) -> Iterator[Message]:
    """Every co-funding agency decided to continue."""
    if ctx.not_continuing:
        yield UNDECIDED(agencies=ctx.not_continuing)


def stop_decided(ctx: GateContext) -> Iterator[Message]:
    """An agency decided to stop."""
    if not ctx.stopping:
        yield NO_STOP()


_OFFICERS = (COFUNDING_OFFICER,)
_S = GateState

MIDTERM_GATE = Machine(
    name="midterm_gate",
    states=tuple(GateState),
    initial=_S.PENDING,
    transitions=(
        Transition(
            GateEvent.DECIDE,
            (_S.PENDING,),
            _S.PENDING,
            _OFFICERS,
            (grant_active, report_accepted, caller_not_yet_answered, independent_officer),
            "Record your agency's decision: continue or stop.",
        ),
        Transition(
            GateEvent.PASS,
            (_S.PENDING,),
            _S.PASSED,
            _OFFICERS,
            (every_agency_continues,),
            "Every agency continues: the later tranches may be requested.",
        ),
        Transition(
            GateEvent.FAIL,
            (_S.PENDING,),
            _S.FAILED,
            _OFFICERS,
            (stop_decided,),
            "An agency stops: the grant is terminated, the remaining tranches withheld.",
        ),
    ),
    final=(_S.PASSED, _S.FAILED),
    context=GateContext,
)
