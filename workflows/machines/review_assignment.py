"""Review assignment machine: an officer invites, the reviewer accepts and scores."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from workflows.engine import Machine, Transition
from workflows.machines._wording import names
from workflows.roles import ASSIGNED_REVIEWER, COFUNDING_OFFICER


class AssignmentState(StrEnum):
    """States of a review assignment."""

    PROPOSED = "proposed"
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    SUBMITTED = "submitted"


class AssignmentEvent(StrEnum):
    """Events of the review assignment machine."""

    INVITE = "invite"
    ACCEPT = "accept"
    DECLINE = "decline"
    SUBMIT = "submit"
    REOPEN = "reopen"


@dataclass(frozen=True)
class AssignmentContext:
    """Facts the review assignment guards read.

    `conflicts`: unresolved conflicts of interest between the reviewer and the proposal (not
    dismissed, no waiver), one sentence each. `missing`: names of rubric criteria not yet
    scored in the review.
    """

    conflicts: tuple[str, ...]
    missing: tuple[str, ...]


def no_conflict(ctx: AssignmentContext) -> Iterator[str]:
    """The reviewer has no unresolved conflict of interest with the proposal."""
    yield from ctx.conflicts


def fully_scored(ctx: AssignmentContext) -> Iterator[str]:
    """Every criterion of the rubric is scored."""
    if ctx.missing:
        yield f"Criteria not scored: {names(ctx.missing)}."


_S = AssignmentState

REVIEW_ASSIGNMENT = Machine(
    name="review_assignment",
    states=tuple(AssignmentState),
    initial=_S.PROPOSED,
    transitions=(
        Transition(
            AssignmentEvent.INVITE,
            (_S.PROPOSED,),
            _S.INVITED,
            (COFUNDING_OFFICER,),
            (no_conflict,),
            "Send the invitation to the reviewer.",
        ),
        Transition(
            AssignmentEvent.ACCEPT,
            (_S.INVITED,),
            _S.ACCEPTED,
            (ASSIGNED_REVIEWER,),
            (no_conflict,),
            "The reviewer agrees to review.",
        ),
        Transition(
            AssignmentEvent.DECLINE,
            (_S.INVITED,),
            _S.DECLINED,
            (ASSIGNED_REVIEWER,),
            description="The reviewer refuses; the officer invites someone else.",
        ),
        Transition(
            AssignmentEvent.SUBMIT,
            (_S.ACCEPTED,),
            _S.SUBMITTED,
            (ASSIGNED_REVIEWER,),
            (no_conflict, fully_scored),
            "Submit the review; it then becomes visible to the panel.",
        ),
        Transition(
            AssignmentEvent.REOPEN,
            (_S.SUBMITTED,),
            _S.ACCEPTED,
            (COFUNDING_OFFICER,),
            description="Return the review to its reviewer for changes.",
        ),
    ),
    final=(_S.DECLINED,),
    context=AssignmentContext,
)
