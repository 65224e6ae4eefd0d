"""Progress report machine: one joint report per project year, submitted by a PI and answered
by every co-funding agency on its current round (accept, revise or stop)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from messages import Message, define
from workflows.engine import Machine, Transition
from workflows.roles import COFUNDING_OFFICER, PI

GRANT_INACTIVE = define("report.guard.grant_inactive", "The grant is not active.")
ANSWERED = define(
    "report.guard.answered_already", "Your agency has answered on this round already."
)
CONSORTIUM_MEMBER = define(
    "report.guard.consortium_member",
    "A member of the project's consortium cannot answer on its progress report.",
)
NOT_ACCEPTED = define("report.guard.not_accepted", "The report is not yet accepted by: {agencies}.")
NO_REVISION = define("report.guard.no_revision", "No agency asked for a revision.")
NO_STOP = define("report.guard.no_stop", "No agency decided to stop the project.")


class ReportState(StrEnum):
    """States of a progress report."""

    DUE = "due"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    STOPPED = "stopped"


class ReportEvent(StrEnum):
    """Events of the progress report machine."""

    SUBMIT = "submit"
    RESUBMIT = "resubmit"
    DECIDE = "decide"
    ACCEPT = "accept"
    RETURN = "return"
    STOP = "stop"


@dataclass(frozen=True)
class ReportContext:
    """Facts the report guards read, about the current round.

    `grant_active`: the grant is active. `caller_answered`: the caller's agency answered on
    this round. `actor_in_consortium`: the actor is on the project's team. `not_accepted`:
    codes of the co-funding agencies that have not accepted this round. `revising` and
    `stopping`: codes of the agencies that asked for a revision or decided to stop.
    """

    grant_active: bool
    caller_answered: bool
    actor_in_consortium: bool
    not_accepted: tuple[str, ...]
    revising: tuple[str, ...]
    stopping: tuple[str, ...]


def grant_active(ctx: ReportContext) -> Iterator[Message]:
    """Reports move only while the grant is active."""
    if not ctx.grant_active:
        yield GRANT_INACTIVE()


def caller_not_yet_answered(ctx: ReportContext) -> Iterator[Message]:
    """One answer per agency per round."""
    if ctx.caller_answered:
        yield ANSWERED()


def independent_officer(ctx: ReportContext) -> Iterator[Message]:
    """A consortium member never answers for an agency on their own project."""
    if ctx.actor_in_consortium:
        yield CONSORTIUM_MEMBER()


def every_agency_accepted(ctx: ReportContext) -> Iterator[Message]:
    """Every co-funding agency accepted this round."""
    if ctx.not_accepted:
        yield NOT_ACCEPTED(agencies=ctx.not_accepted)


def revision_asked(ctx: ReportContext) -> Iterator[Message]:
    """An agency asked for a revision (and none decided to stop: stopping wins)."""
    if not ctx.revising or ctx.stopping:
        yield NO_REVISION()


def stop_decided(ctx: ReportContext) -> Iterator[Message]:
    """An agency decided to stop the project."""
    if not ctx.stopping:
        yield NO_STOP()


_OFFICERS = (COFUNDING_OFFICER,)
_S = ReportState

PROGRESS_REPORT = Machine(
    name="progress_report",
    states=tuple(ReportState),
    initial=_S.DUE,
    transitions=(
        Transition(
            ReportEvent.SUBMIT,
            (_S.DUE,),
            _S.SUBMITTED,
            (PI,),
            (grant_active,),
            "Submit the year's narrative document and figures.",
        ),
        Transition(
            ReportEvent.RESUBMIT,
            (_S.RETURNED,),
            _S.SUBMITTED,
            (PI,),
            (grant_active,),
            "Submit the revised report: a new round, answered afresh by every agency.",
        ),
        Transition(
            ReportEvent.DECIDE,
            (_S.SUBMITTED,),
            _S.SUBMITTED,
            _OFFICERS,
            (grant_active, caller_not_yet_answered, independent_officer),
            "Record your agency's answer on this round: accept, revise or stop.",
        ),
        Transition(
            ReportEvent.ACCEPT,
            (_S.SUBMITTED,),
            _S.ACCEPTED,
            _OFFICERS,
            (every_agency_accepted,),
            "Every agency accepted: the next tranches may be requested.",
        ),
        Transition(
            ReportEvent.RETURN,
            (_S.SUBMITTED,),
            _S.RETURNED,
            _OFFICERS,
            (revision_asked,),
            "An agency asked for a revision: the report goes back to the PIs.",
        ),
        Transition(
            ReportEvent.STOP,
            (_S.SUBMITTED,),
            _S.STOPPED,
            _OFFICERS,
            (stop_decided,),
            "An agency decided to stop: the grant is terminated, open tranches withheld.",
        ),
    ),
    final=(_S.ACCEPTED, _S.STOPPED),
    context=ReportContext,
)
