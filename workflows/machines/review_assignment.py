"""Review assignment machine: an officer invites, the reviewer accepts and scores."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from messages import Message, define
from workflows.engine import Machine, Transition
from workflows.roles import ASSIGNED_REVIEWER, COFUNDING_OFFICER

CONFLICT = define("assignment.guard.conflict", "Unresolved conflict of interest: {reason}")
NOT_SCORED = define("assignment.guard.not_scored", "Criteria not scored: {criteria}.")


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
    dismissed, no waiver), one reason each: its message, or the words on record. `missing`:
    names of rubric criteria not yet scored in the review.
    """

    conflicts: tuple[Message | str, ...]
    missing: tuple[str, ...]


def no_conflict(ctx: AssignmentContext) -> Iterator[Message]:
    """The reviewer has no unresolved conflict of interest with the proposal."""
    for reason in ctx.conflicts:
        # Words on record (an officer's, a detector's) are shown inside a sentence of ours.
        yield reason if isinstance(reason, Message) else CONFLICT(reason=reason)


def fully_scored(ctx: AssignmentContext) -> Iterator[Message]:
    """Every criterion of the rubric is scored."""
    if ctx.missing:
        yield NOT_SCORED(criteria=ctx.missing)


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
