"""Tranche machine: one agency's yearly payment, requested by the PI, approved by its officer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from messages import Message, define
from workflows.engine import Machine, Transition
from workflows.roles import AGENCY_OFFICER, JOINT_DECISION, PI, REQUESTER

GRANT_INACTIVE = define("tranche.guard.grant_inactive", "The grant is not active.")
PREVIOUS_REPORT_PENDING = define(
    "tranche.guard.previous_report_pending",
    "The previous year's progress report is not yet accepted by: {agencies}.",
)
MIDTERM_GATE_PENDING = define(
    "tranche.guard.midterm_gate_pending", "The mid-term gate has not been passed by every agency."
)
OWN_REQUEST = define("tranche.guard.own_request", "The requester cannot approve their own request.")
CONSORTIUM_MEMBER = define(
    "tranche.guard.consortium_member",
    "A member of the project's consortium cannot approve its tranches.",
)


class TrancheState(StrEnum):
    """States of a tranche."""

    PLANNED = "planned"
    REQUESTED = "requested"
    RETURNED = "returned"
    APPROVED = "approved"
    DISBURSED = "disbursed"
    WITHHELD = "withheld"


class TrancheEvent(StrEnum):
    """Events of the tranche machine."""

    REQUEST = "request"
    RETURN = "return"
    RESUBMIT = "resubmit"
    APPROVE = "approve"
    DISBURSE = "disburse"
    WITHHOLD = "withhold"


@dataclass(frozen=True)
class TrancheContext:
    """Facts the tranche guards read.

    `grant_active`: the grant is in state active. `problems`: every item missing or wrong in the
    request (progress report, financial statement), one message each.
    `previous_report_pending`: codes of agencies that have not accepted the previous year's
    progress report (empty for the first tranche). `midterm_gate_pending`: a mid-term gate falls
    before this tranche and continuation has not been decided by every agency.
    `actor_is_requester`: the actor requested this tranche. `actor_in_consortium`: the actor is
    a member of the project's consortium.
    """

    grant_active: bool
    problems: tuple[Message, ...]
    previous_report_pending: tuple[str, ...]
    midterm_gate_pending: bool
    actor_is_requester: bool
    actor_in_consortium: bool


def grant_active(ctx: TrancheContext) -> Iterator[Message]:
    """The grant is active (not suspended, completed or terminated)."""
    if not ctx.grant_active:
        yield GRANT_INACTIVE()


def request_complete(ctx: TrancheContext) -> Iterator[Message]:
    """The request carries everything it needs."""
    yield from ctx.problems


def previous_report_accepted(ctx: TrancheContext) -> Iterator[Message]:
    """The previous year's progress report is accepted by every agency."""
    if ctx.previous_report_pending:
        yield PREVIOUS_REPORT_PENDING(agencies=ctx.previous_report_pending)


def midterm_gate_passed(ctx: TrancheContext) -> Iterator[Message]:
    """Any mid-term gate before this tranche is passed."""
    if ctx.midterm_gate_pending:
        yield MIDTERM_GATE_PENDING()


def independent_approver(ctx: TrancheContext) -> Iterator[Message]:
    """The approver is neither the requester nor a consortium member."""
    if ctx.actor_is_requester:
        yield OWN_REQUEST()
    if ctx.actor_in_consortium:
        yield CONSORTIUM_MEMBER()


_REQUEST_GUARDS = (grant_active, request_complete, previous_report_accepted, midterm_gate_passed)
_OFFICERS = (AGENCY_OFFICER,)
_S = TrancheState

TRANCHE = Machine(
    name="tranche",
    states=tuple(TrancheState),
    initial=_S.PLANNED,
    transitions=(
        Transition(
            TrancheEvent.REQUEST,
            (_S.PLANNED,),
            _S.REQUESTED,
            (PI,),
            _REQUEST_GUARDS,
            "Request the payment with the progress report and financial statement.",
        ),
        Transition(
            TrancheEvent.RETURN,
            (_S.REQUESTED,),
            _S.RETURNED,
            _OFFICERS,
            description="Send the request back for corrections.",
        ),
        Transition(
            TrancheEvent.RESUBMIT,
            (_S.RETURNED,),
            _S.REQUESTED,
            (REQUESTER, PI),
            _REQUEST_GUARDS,
            "Send the corrected request again.",
        ),
        Transition(
            TrancheEvent.APPROVE,
            (_S.REQUESTED,),
            _S.APPROVED,
            _OFFICERS,
            (grant_active, independent_approver),
            "Approve the payment of this agency's side.",
        ),
        Transition(
            TrancheEvent.DISBURSE,
            (_S.APPROVED,),
            _S.DISBURSED,
            _OFFICERS,
            description="Record the payment reference and date.",
        ),
        Transition(
            TrancheEvent.WITHHOLD,
            (_S.PLANNED, _S.REQUESTED, _S.RETURNED, _S.APPROVED),
            _S.WITHHELD,
            (*_OFFICERS, JOINT_DECISION),
            description="Stop this year's payment for good.",
        ),
    ),
    final=(_S.DISBURSED, _S.WITHHELD),
    context=TrancheContext,
)
