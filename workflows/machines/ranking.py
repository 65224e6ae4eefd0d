"""Ranking machine: an agency's ranking (or the joint panel's) is a draft until it is final.

Like every machine, the application applies it through its one workflow service, the only
place a ranking's state changes. An agency ranking is finalised by an officer of that agency;
the joint ranking becomes final (recorded) when every co-funding agency has approved it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from workflows.engine import Machine, Transition
from workflows.machines._wording import names
from workflows.roles import AGENCY_OFFICER, COFUNDING_OFFICER


class RankingState(StrEnum):
    """States of a ranking."""

    DRAFT = "draft"
    FINAL = "final"


class RankingEvent(StrEnum):
    """Events of the ranking machine."""

    FINALISE = "finalise"
    RECORD = "record"


@dataclass(frozen=True)
class RankingContext:
    """`joint`: the ranking is the joint panel's. `unapproved`: codes of co-funding agencies
    that have not approved the joint ranking."""

    joint: bool
    unapproved: tuple[str, ...]


def agency_ranking(ctx: RankingContext) -> Iterator[str]:
    """Only an agency's own ranking is finalised directly."""
    if ctx.joint:
        yield "The joint ranking is recorded by every agency's approval."


def approved_by_all(ctx: RankingContext) -> Iterator[str]:
    """Every co-funding agency approved the joint ranking."""
    if not ctx.joint:
        yield "Only the joint ranking is recorded by approvals."
    if ctx.unapproved:
        yield f"Agencies that have not approved: {names(ctx.unapproved)}."


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
            (agency_ranking,),
            "The agency's ranking is final and can no longer change.",
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
