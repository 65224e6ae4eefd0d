"""Call for proposals machine: from draft through review and ranking to the decisions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from workflows.engine import Machine, Transition
from workflows.machines._wording import count, instant, names
from workflows.roles import COFUNDING_OFFICER


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

    `configuration_problems`: every defect the application finds in the call's set-up (no
    co-funding agency, no rubric, caps above the envelope, ...), one sentence each.
    `unchecked_proposals`: submitted proposals without an eligibility decision.
    `proposals_short_of_reviews`: eligible proposals with fewer submitted reviews than the call
    requires. `agencies_without_final_ranking`: codes of agencies whose own ranking is not final.
    `proposals_undecided`: proposals still missing a decision of some co-funding agency.
    `agencies_not_approved`: codes of co-funding agencies that have not approved publishing the
    call's current set-up; `caller_approved`: the caller's agency has approved it.
    """

    now: datetime
    closes_at: datetime
    configuration_problems: tuple[str, ...]
    unchecked_proposals: int
    proposals_short_of_reviews: int
    agencies_without_final_ranking: tuple[str, ...]
    joint_ranking_recorded: bool
    proposals_undecided: int
    agencies_not_approved: tuple[str, ...] = ()
    caller_approved: bool = False


def configuration_complete(ctx: CallContext) -> Iterator[str]:
    """The call's configuration has no problem left."""
    yield from ctx.configuration_problems


def closes_in_future(ctx: CallContext) -> Iterator[str]:
    """The closing time is still in the future."""
    if ctx.now >= ctx.closes_at:
        yield f"The closing time {instant(ctx.closes_at)} is not in the future."


def caller_not_yet_approved(ctx: CallContext) -> Iterator[str]:
    """Each agency approves its side of the set-up once."""
    if ctx.caller_approved:
        yield "Your agency has approved this set-up already."


def approved_by_every_agency(ctx: CallContext) -> Iterator[str]:
    """Every co-funding agency approved publishing the call as it stands."""
    if ctx.agencies_not_approved:
        yield f"Agencies that have not approved publishing: {names(ctx.agencies_not_approved)}."


def deadline_reached(ctx: CallContext) -> Iterator[str]:
    """A call closes only at or after its closing time."""
    if ctx.now < ctx.closes_at:
        yield f"The call is open until {instant(ctx.closes_at)}."


def eligibility_checked(ctx: CallContext) -> Iterator[str]:
    """Every submitted proposal has an eligibility decision."""
    if ctx.unchecked_proposals > 0:
        waiting = count(ctx.unchecked_proposals, "proposal awaits", "proposals await")
        yield f"{waiting} an eligibility decision."


def reviews_complete(ctx: CallContext) -> Iterator[str]:
    """Every eligible proposal has the reviews the call requires."""
    if ctx.proposals_short_of_reviews > 0:
        short = count(ctx.proposals_short_of_reviews, "proposal has", "proposals have")
        yield f"{short} fewer submitted reviews than the call requires."


def rankings_final(ctx: CallContext) -> Iterator[str]:
    """Every agency has finalised its ranking."""
    if ctx.agencies_without_final_ranking:
        agencies = names(ctx.agencies_without_final_ranking)
        yield f"Agencies whose ranking is not final: {agencies}."


def joint_ranking_recorded(ctx: CallContext) -> Iterator[str]:
    """The joint ranking is recorded."""
    if not ctx.joint_ranking_recorded:
        yield "The joint ranking has not been recorded."


def every_proposal_decided(ctx: CallContext) -> Iterator[str]:
    """Every proposal has every co-funding agency's decision."""
    if ctx.proposals_undecided > 0:
        waiting = count(ctx.proposals_undecided, "proposal awaits", "proposals await")
        yield f"{waiting} a decision of some agency."


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
