"""Ranking machine: an agency's ranking (or the joint panel's) is a draft until it is final.

Which ranking an event applies to is a matter of roles, not guards: the application grants
`agency_officer` only on an agency's own ranking and `cofunding_officer` only on the joint one,
so finalising the joint ranking or approving an agency's is refused by role.

Like every machine, the application applies it through its one workflow service, the only
place a ranking's state changes. An agency ranking is finalised by an officer of that agency;
the joint ranking becomes final (recorded) when every co-funding agency has approved it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from messages import Message, define
from workflows.engine import Machine, Transition
from workflows.roles import AGENCY_OFFICER, COFUNDING_OFFICER

RANKINGS_NOT_FINAL = define(
    "ranking.guard.rankings_not_final", "Agencies whose ranking is not final: {agencies}."
)
ALREADY_APPROVED = define(
    "ranking.guard.already_approved", "Your agency has approved the joint ranking already."
)
NOT_APPROVED_BY = define(
    "ranking.guard.not_approved_by", "Agencies that have not approved: {agencies}."
)


class RankingState(StrEnum):
    """States of a ranking."""

    DRAFT = "draft"
    FINAL = "final"


class RankingEvent(StrEnum):
    """Events of the ranking machine."""

    FINALISE = "finalise"
    APPROVE = "approve"
    RECORD = "record"


@dataclass(frozen=True)
class RankingContext:
    """`joint`: the ranking is the joint panel's. `unapproved`: codes of co-funding agencies
    that have not approved the joint ranking. `agencies_without_final_ranking`: codes of
    co-funding agencies whose own ranking is not final. `caller_approved`: the caller's agency
    has approved the joint ranking already."""

    joint: bool
    unapproved: tuple[str, ...]
    agencies_without_final_ranking: tuple[str, ...] = ()
    caller_approved: bool = False


def agency_rankings_final(ctx: RankingContext) -> Iterator[Message]:
    """The joint panel works from every agency's final ranking."""
    if ctx.agencies_without_final_ranking:
        yield RANKINGS_NOT_FINAL(agencies=ctx.agencies_without_final_ranking)


def caller_not_yet_approved(ctx: RankingContext) -> Iterator[Message]:
    """Each agency approves the joint ranking once."""
    if ctx.caller_approved:
        yield ALREADY_APPROVED()


def approved_by_all(ctx: RankingContext) -> Iterator[Message]:
    """Every co-funding agency approved the joint ranking."""
    if ctx.unapproved:
        yield NOT_APPROVED_BY(agencies=ctx.unapproved)


RANKING = Machine(
    name="ranking",
    states=tuple(RankingState),
    initial=RankingState.DRAFT,
    transitions=(
        Transition(
            RankingEvent.FINALISE,
            (RankingState.DRAFT,),
            RankingState.FINAL,
            (AGENCY_OFFICER,),
            (),
            "The agency's ranking is final and can no longer change.",
        ),
        Transition(
            RankingEvent.APPROVE,
            (RankingState.DRAFT,),
            RankingState.DRAFT,
            (COFUNDING_OFFICER,),
            (agency_rankings_final, caller_not_yet_approved),
            "Approve the joint ranking (your agency's key); the last key records it.",
        ),
        Transition(
            RankingEvent.RECORD,
            (RankingState.DRAFT,),
            RankingState.FINAL,
            (COFUNDING_OFFICER,),
            (approved_by_all,),
            "Every agency approved: the joint ranking is recorded.",
        ),
    ),
    final=(RankingState.FINAL,),
    context=RankingContext,
)
