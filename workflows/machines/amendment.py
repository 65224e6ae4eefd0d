"""Amendment machine: a PI asks to change an awarded grant (a budget move within one side, or
a no-cost extension of the joint project); the deciding agencies answer, each with its key.

A budget move is decided by the one agency whose side it moves (one key); a no-cost extension
by every co-funding agency (two keys). Each officer's answer is the `decide` event (the state
stays `requested`); the kernel then tries `approve` (every deciding agency approved) and
`reject` (one rejected). A small budget move (under its agency's threshold) needs no answer:
right after it is requested its requester records it (`record`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from messages import Message, define
from workflows.engine import Machine, Transition
from workflows.roles import AGENCY_OFFICER, REQUESTER

GRANT_INACTIVE = define("amendment.guard.grant_inactive", "The grant is not active.")
CALLER_ANSWERED = define(
    "amendment.guard.caller_answered", "Your agency has answered this amendment already."
)
CONSORTIUM_MEMBER = define(
    "amendment.guard.consortium_member",
    "A member of the project's consortium cannot decide on its amendments.",
)
UNANSWERED = define("amendment.guard.unanswered", "Agencies without an approval: {agencies}.")
REJECTED_BY = define("amendment.guard.rejected_by", "Rejected by: {agencies}.")
NONE_REJECTED = define("amendment.guard.none_rejected", "No agency rejected the amendment.")
NEEDS_APPROVAL = define(
    "amendment.guard.needs_approval",
    "This amendment needs its agencies' approval: only a budget move under the agency's "
    "threshold is recorded without one.",
)


class AmendmentState(StrEnum):
    """States of an amendment."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    RECORDED = "recorded"


class AmendmentEvent(StrEnum):
    """Events of the amendment machine."""

    DECIDE = "decide"
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    RECORD = "record"


@dataclass(frozen=True)
class AmendmentContext:
    """Facts the amendment guards read.

    `grant_active`: the grant is in state active. `caller_answered`: the actor's agency has
    answered already. `actor_in_consortium`: the actor is a member of the project's
    consortium. `unapproved`: codes of the deciding agencies that have not approved (yet).
    `rejecting`: codes of those that rejected. `small_move`: a budget move under its agency's
    threshold, recorded without approval.
    """

    grant_active: bool
    caller_answered: bool
    actor_in_consortium: bool
    unapproved: tuple[str, ...]
    rejecting: tuple[str, ...]
    small_move: bool


def grant_active(ctx: AmendmentContext) -> Iterator[Message]:
    """The grant is active: a suspended, completed or terminated grant is not amended."""
    if not ctx.grant_active:
        yield GRANT_INACTIVE()


def independent_decider(ctx: AmendmentContext) -> Iterator[Message]:
    """The decider is no consortium member and their agency answers once."""
    if ctx.actor_in_consortium:
        yield CONSORTIUM_MEMBER()
    if ctx.caller_answered:
        yield CALLER_ANSWERED()


def every_agency_approved(ctx: AmendmentContext) -> Iterator[Message]:
    """Every deciding agency approved."""
    if ctx.unapproved:
        yield UNANSWERED(agencies=ctx.unapproved)


def no_agency_rejected(ctx: AmendmentContext) -> Iterator[Message]:
    """No deciding agency rejected."""
    if ctx.rejecting:
        yield REJECTED_BY(agencies=ctx.rejecting)


def some_agency_rejected(ctx: AmendmentContext) -> Iterator[Message]:
    """At least one deciding agency rejected."""
    if not ctx.rejecting:
        yield NONE_REJECTED()


def small_move(ctx: AmendmentContext) -> Iterator[Message]:
    """A budget move under its agency's threshold."""
    if not ctx.small_move:
        yield NEEDS_APPROVAL()


_S = AmendmentState
_OFFICERS = (AGENCY_OFFICER,)

AMENDMENT = Machine(
    name="amendment",
    states=tuple(AmendmentState),
    initial=_S.REQUESTED,
    transitions=(
        Transition(
            AmendmentEvent.DECIDE,
            (_S.REQUESTED,),
            _S.REQUESTED,
            _OFFICERS,
            (grant_active, independent_decider),
            "Your agency approves (possibly less than proposed) or rejects (its key); the "
            "last key approves or rejects the amendment.",
        ),
        Transition(
            AmendmentEvent.APPROVE,
            (_S.REQUESTED,),
            _S.APPROVED,
            _OFFICERS,
            (grant_active, every_agency_approved, no_agency_rejected),
            "Apply the amendment once every deciding agency approved it.",
        ),
        Transition(
            AmendmentEvent.REJECT,
            (_S.REQUESTED,),
            _S.REJECTED,
            _OFFICERS,
            (some_agency_rejected,),
            "Close the amendment once a deciding agency rejected it.",
        ),
        Transition(
            AmendmentEvent.WITHDRAW,
            (_S.REQUESTED,),
            _S.WITHDRAWN,
            (REQUESTER,),
            description="Take the request back before it is decided.",
        ),
        Transition(
            AmendmentEvent.RECORD,
            (_S.REQUESTED,),
            _S.RECORDED,
            (REQUESTER,),
            (grant_active, small_move),
            "Record a budget move under the agency's threshold: it needs no approval.",
        ),
    ),
    final=(_S.APPROVED, _S.REJECTED, _S.WITHDRAWN, _S.RECORDED),
    context=AmendmentContext,
)
