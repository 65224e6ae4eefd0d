"""Call for proposals machine: from draft through review and ranking to the decisions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from messages import Instant, Message, define
from workflows.engine import Machine, Transition
from workflows.roles import COFUNDING_OFFICER

CLOSING_TIME_PAST = define(
    "call.guard.closing_time_past", "The closing time {closes_at} is not in the future."
)
ALREADY_APPROVED = define(
    "call.guard.already_approved", "Your agency has approved this set-up already."
)
NOT_APPROVED_BY = define(
    "call.guard.not_approved_by", "Agencies that have not approved publishing: {agencies}."
)
STILL_OPEN = define("call.guard.still_open", "The call is open until {closes_at}.")
ELIGIBILITY_UNCHECKED = define(
    "call.guard.eligibility_unchecked", "Proposals awaiting an eligibility decision: {count}."
)
REVIEWS_SHORT = define(
    "call.guard.reviews_short",
    "Proposals with fewer submitted reviews than the call requires: {count}.",
)
RANKINGS_NOT_FINAL = define(
    "call.guard.rankings_not_final", "Agencies whose ranking is not final: {agencies}."
)
JOINT_RANKING_MISSING = define(
    "call.guard.joint_ranking_missing", "The joint ranking has not been recorded."
)
UNDECIDED = define("call.guard.undecided", "Proposals awaiting a decision of some agency: {count}.")


class CallState(StrEnum):
    """States of a call for proposals."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    REVIEWING = "reviewing"
    RANKING = "ranking"
    DECIDING = "deciding"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class CallEvent(StrEnum):
    """Events of the call machine."""

    APPROVE = "approve"
    PUBLISH = "publish"
    CLOSE = "close"
    START_REVIEW = "start_review"
    START_RANKING = "start_ranking"
    START_DECIDING = "start_deciding"
    FINISH = "finish"
    CANCEL = "cancel"


@dataclass(frozen=True)
class CallContext:
    """Facts the call guards read; times are aware UTC datetimes.

    `zones`: the co-funding agencies' time zones, in which the guards show the closing time.
    `configuration_problems`: every defect the application finds in the call's set-up (no
    co-funding agency, no rubric, caps above the envelope, ...), one message each.
    `unchecked_proposals`: submitted proposals without an eligibility decision.
    `proposals_short_of_reviews`: eligible proposals with fewer submitted reviews than the call
    requires. `agencies_without_final_ranking`: codes of agencies whose own ranking is not final.
    `proposals_undecided`: proposals still missing a decision of some co-funding agency.
    `agencies_not_approved`: codes of co-funding agencies that have not approved publishing the
    call's current set-up; `caller_approved`: the caller's agency has approved it.
    """

    now: datetime
    closes_at: datetime
    zones: tuple[str, ...]
    configuration_problems: tuple[Message, ...]
    unchecked_proposals: int
    proposals_short_of_reviews: int
    agencies_without_final_ranking: tuple[str, ...]
    joint_ranking_recorded: bool
    proposals_undecided: int
    agencies_not_approved: tuple[str, ...] = ()
    caller_approved: bool = False


def configuration_complete(ctx: CallContext) -> Iterator[Message]:
    """The call's configuration has no problem left."""
    yield from ctx.configuration_problems


def closes_in_future(ctx: CallContext) -> Iterator[Message]:
    """The closing time is still in the future."""
    if ctx.now >= ctx.closes_at:
        yield CLOSING_TIME_PAST(closes_at=Instant(ctx.closes_at, ctx.zones))


def caller_not_yet_approved(ctx: CallContext) -> Iterator[Message]:
    """Each agency approves its side of the set-up once."""
    if ctx.caller_approved:
        yield ALREADY_APPROVED()


def approved_by_every_agency(ctx: CallContext) -> Iterator[Message]:
    """Every co-funding agency approved publishing the call as it stands."""
    if ctx.agencies_not_approved:
        yield NOT_APPROVED_BY(agencies=ctx.agencies_not_approved)


def deadline_reached(ctx: CallContext) -> Iterator[Message]:
    """A call closes only at or after its closing time."""
    if ctx.now < ctx.closes_at:
        yield STILL_OPEN(closes_at=Instant(ctx.closes_at, ctx.zones))


def eligibility_checked(ctx: CallContext) -> Iterator[Message]:
    """Every submitted proposal has an eligibility decision."""
    if ctx.unchecked_proposals > 0:
        yield ELIGIBILITY_UNCHECKED(count=ctx.unchecked_proposals)


def reviews_complete(ctx: CallContext) -> Iterator[Message]:
    """Every eligible proposal has the reviews the call requires."""
    if ctx.proposals_short_of_reviews > 0:
        yield REVIEWS_SHORT(count=ctx.proposals_short_of_reviews)


def rankings_final(ctx: CallContext) -> Iterator[Message]:
    """Every agency has finalised its ranking."""
    if ctx.agencies_without_final_ranking:
        yield RANKINGS_NOT_FINAL(agencies=ctx.agencies_without_final_ranking)


def joint_ranking_recorded(ctx: CallContext) -> Iterator[Message]:
    """The joint ranking is recorded."""
    if not ctx.joint_ranking_recorded:
        yield JOINT_RANKING_MISSING()


def every_proposal_decided(ctx: CallContext) -> Iterator[Message]:
    """Every proposal has every co-funding agency's decision."""
    if ctx.proposals_undecided > 0:
        yield UNDECIDED(count=ctx.proposals_undecided)


_OFFICERS = (COFUNDING_OFFICER,)

CALL = Machine(
    name="call",
    states=tuple(CallState),
    initial=CallState.DRAFT,
    transitions=(
        Transition(
            CallEvent.APPROVE,
            (CallState.DRAFT,),
            CallState.DRAFT,
            _OFFICERS,
            (configuration_complete, closes_in_future, caller_not_yet_approved),
            "Approve publishing the call as set up (your agency's key); the last key opens it.",
        ),
        Transition(
            CallEvent.PUBLISH,
            (CallState.DRAFT,),
            CallState.OPEN,
            _OFFICERS,
            (configuration_complete, closes_in_future, approved_by_every_agency),
            "Open the call to submissions once every co-funding agency approved.",
        ),
        Transition(
            CallEvent.CLOSE,
            (CallState.OPEN,),
            CallState.CLOSED,
            _OFFICERS,
            (deadline_reached,),
            "Stop submissions once the deadline has passed.",
        ),
        Transition(
            CallEvent.START_REVIEW,
            (CallState.CLOSED,),
            CallState.REVIEWING,
            _OFFICERS,
            (eligibility_checked,),
            "Send the eligible proposals to review.",
        ),
        Transition(
            CallEvent.START_RANKING,
            (CallState.REVIEWING,),
            CallState.RANKING,
            _OFFICERS,
            (reviews_complete,),
            "Each agency ranks, then the joint ranking is recorded.",
        ),
        Transition(
            CallEvent.START_DECIDING,
            (CallState.RANKING,),
            CallState.DECIDING,
            _OFFICERS,
            (rankings_final, joint_ranking_recorded),
            "Agencies record their funding decisions.",
        ),
        Transition(
            CallEvent.FINISH,
            (CallState.DECIDING,),
            CallState.FINISHED,
            _OFFICERS,
            (every_proposal_decided,),
            "Close the call's selection.",
        ),
        Transition(
            CallEvent.CANCEL,
            (CallState.DRAFT, CallState.OPEN),
            CallState.CANCELLED,
            _OFFICERS,
            description="Abandon the call before it closes.",
        ),
    ),
    final=(CallState.FINISHED, CallState.CANCELLED),
    context=CallContext,
)
