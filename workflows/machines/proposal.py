"""Proposal machine: submission, eligibility, review and the agencies' joint decision."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from messages import Instant, Message, define
from workflows.engine import Machine, Transition
from workflows.machines.call import CallState
from workflows.roles import COFUNDING_OFFICER, PI

CALL_NOT_OPEN = define("proposal.guard.call_not_open", "The call is {state}, not open.")
DEADLINE_PASSED = define("proposal.guard.deadline_passed", "The deadline {deadline} has passed.")
BEFORE_DEADLINE = define(
    "proposal.guard.before_deadline", "Eligibility is decided after the deadline {deadline}."
)
ALREADY_ASSESSED = define(
    "proposal.guard.already_assessed",
    "Your agency has decided on this proposal's eligibility already.",
)
PARTS_NOT_ELIGIBLE = define(
    "proposal.guard.parts_not_eligible",
    "Agencies that have not found their part eligible: {agencies}.",
)
CALL_NOT_REVIEWING = define(
    "proposal.guard.call_not_reviewing", "The call is {state}, not reviewing."
)
NO_REVIEW = define("proposal.guard.no_review", "No review has been submitted.")
REVIEWS_OUTSTANDING = define(
    "proposal.guard.reviews_outstanding", "Reviews still outstanding: {count}."
)
CALL_NOT_DECIDING = define("proposal.guard.call_not_deciding", "The call is {state}, not deciding.")
UNDECIDED = define("proposal.guard.undecided", "Agencies without a decision: {agencies}.")
REJECTED_BY = define("proposal.guard.rejected_by", "Rejected by: {agencies}.")
NONE_REJECTED = define("proposal.guard.none_rejected", "No agency rejected the proposal.")
CALLER_DECIDED = define(
    "proposal.decision.already_recorded", "Your agency has recorded its decision already."
)
ALREADY_DECIDED = define(
    "proposal.guard.already_decided", "An agency has already recorded its decision."
)


class ProposalState(StrEnum):
    """States of a proposal."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNDER_REVIEW = "under_review"
    REVIEWED = "reviewed"
    AWARDED = "awarded"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ProposalEvent(StrEnum):
    """Events of the proposal machine."""

    SUBMIT = "submit"
    REOPEN = "reopen"
    DECLARE_ELIGIBLE = "declare_eligible"
    ADMIT = "admit"
    DECLARE_INELIGIBLE = "declare_ineligible"
    START_REVIEW = "start_review"
    COMPLETE_REVIEW = "complete_review"
    DECIDE = "decide"
    AWARD = "award"
    REJECT = "reject"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class ProposalContext:
    """Facts the proposal guards read; times are aware UTC datetimes.

    `closes_at`: the call's deadline, shown in `zones`, its co-funding agencies' time zones
    (with none, in UTC). `call_state`: the state of the proposal's call. `problems`: every
    item the application finds missing or wrong for submission, one message each.
    `reviews_outstanding`: reviews invited or accepted but not submitted. `reviews_submitted`:
    submitted reviews of this proposal. `decisions_recorded`: agency decisions recorded on it.
    `undecided_agencies` and `rejecting_agencies`: codes of co-funding agencies without a
    decision / that rejected it. `eligibility_pending`: codes of co-funding agencies that have
    not found their part eligible; `caller_assessed`: the caller's agency has answered on
    eligibility already. `caller_decided`: the caller's agency has recorded its funding
    decision already.
    """

    now: datetime
    closes_at: datetime
    call_state: CallState
    problems: tuple[Message, ...]
    reviews_outstanding: int
    reviews_submitted: int
    decisions_recorded: int
    undecided_agencies: tuple[str, ...]
    rejecting_agencies: tuple[str, ...]
    eligibility_pending: tuple[str, ...] = ()
    caller_assessed: bool = False
    zones: tuple[str, ...] = ()
    caller_decided: bool = False


def call_open(ctx: ProposalContext) -> Iterator[Message]:
    """The call is open."""
    if ctx.call_state != CallState.OPEN:
        yield CALL_NOT_OPEN(state=ctx.call_state.value)


def before_deadline(ctx: ProposalContext) -> Iterator[Message]:
    """The deadline has not passed; it holds at its exact instant."""
    if ctx.now >= ctx.closes_at:
        yield DEADLINE_PASSED(deadline=Instant(ctx.closes_at, ctx.zones))


def complete(ctx: ProposalContext) -> Iterator[Message]:
    """Nothing required for submission is missing."""
    yield from ctx.problems


def after_deadline(ctx: ProposalContext) -> Iterator[Message]:
    """Eligibility is decided only after the deadline, when the PI can no longer reopen."""
    if ctx.now < ctx.closes_at:
        yield BEFORE_DEADLINE(deadline=Instant(ctx.closes_at, ctx.zones))


def caller_not_yet_assessed(ctx: ProposalContext) -> Iterator[Message]:
    """Each agency decides its own part's eligibility once."""
    if ctx.caller_assessed:
        yield ALREADY_ASSESSED()


def every_part_eligible(ctx: ProposalContext) -> Iterator[Message]:
    """Every co-funding agency found its part eligible."""
    if ctx.eligibility_pending:
        yield PARTS_NOT_ELIGIBLE(agencies=ctx.eligibility_pending)


def call_reviewing(ctx: ProposalContext) -> Iterator[Message]:
    """The call is in review."""
    if ctx.call_state != CallState.REVIEWING:
        yield CALL_NOT_REVIEWING(state=ctx.call_state.value)


def reviews_in(ctx: ProposalContext) -> Iterator[Message]:
    """At least one review is submitted and none is outstanding."""
    if ctx.reviews_submitted < 1:
        yield NO_REVIEW()
    if ctx.reviews_outstanding > 0:
        yield REVIEWS_OUTSTANDING(count=ctx.reviews_outstanding)


def call_deciding(ctx: ProposalContext) -> Iterator[Message]:
    """The call is in its decision phase."""
    if ctx.call_state != CallState.DECIDING:
        yield CALL_NOT_DECIDING(state=ctx.call_state.value)


def caller_not_yet_decided(ctx: ProposalContext) -> Iterator[Message]:
    """Each agency records one funding decision on its own side."""
    if ctx.caller_decided:
        yield CALLER_DECIDED()


def all_agencies_decided(ctx: ProposalContext) -> Iterator[Message]:
    """Every co-funding agency has recorded its decision."""
    if ctx.undecided_agencies:
        yield UNDECIDED(agencies=ctx.undecided_agencies)


def no_agency_rejected(ctx: ProposalContext) -> Iterator[Message]:
    """No agency rejected the proposal (an award needs every agency's approval)."""
    if ctx.rejecting_agencies:
        yield REJECTED_BY(agencies=ctx.rejecting_agencies)


def some_agency_rejected(ctx: ProposalContext) -> Iterator[Message]:
    """At least one agency rejected the proposal."""
    if not ctx.rejecting_agencies:
        yield NONE_REJECTED()


def no_decision_yet(ctx: ProposalContext) -> Iterator[Message]:
    """No agency has recorded a decision yet."""
    if ctx.decisions_recorded > 0:
        yield ALREADY_DECIDED()


_OFFICERS = (COFUNDING_OFFICER,)
_S = ProposalState

PROPOSAL = Machine(
    name="proposal",
    states=tuple(ProposalState),
    initial=_S.DRAFT,
    transitions=(
        Transition(
            ProposalEvent.SUBMIT,
            (_S.DRAFT,),
            _S.SUBMITTED,
            (PI,),
            (call_open, before_deadline, complete),
            "Submit to every co-funding agency at once.",
        ),
        Transition(
            ProposalEvent.REOPEN,
            (_S.SUBMITTED,),
            _S.DRAFT,
            (PI,),
            (before_deadline,),
            "Take the proposal back for changes before the deadline.",
        ),
        Transition(
            ProposalEvent.DECLARE_ELIGIBLE,
            (_S.SUBMITTED,),
            _S.SUBMITTED,
            _OFFICERS,
            (after_deadline, caller_not_yet_assessed),
            "Your agency finds its part eligible (its key); the last key admits the proposal.",
        ),
        Transition(
            ProposalEvent.ADMIT,
            (_S.SUBMITTED,),
            _S.ELIGIBLE,
            _OFFICERS,
            (after_deadline, every_part_eligible),
            "Every co-funding agency found its part eligible: the proposal goes to review.",
        ),
        Transition(
            ProposalEvent.DECLARE_INELIGIBLE,
            (_S.SUBMITTED,),
            _S.INELIGIBLE,
            _OFFICERS,
            (after_deadline, caller_not_yet_assessed),
            "Your agency finds its part ineligible, with a reason: one key is enough to refuse.",
        ),
        Transition(
            ProposalEvent.START_REVIEW,
            (_S.ELIGIBLE,),
            _S.UNDER_REVIEW,
            _OFFICERS,
            (call_reviewing,),
            "Reviewers may now be assigned and score it.",
        ),
        Transition(
            ProposalEvent.COMPLETE_REVIEW,
            (_S.UNDER_REVIEW,),
            _S.REVIEWED,
            _OFFICERS,
            (reviews_in,),
            "The reviews are in; the proposal goes to ranking.",
        ),
        Transition(
            ProposalEvent.DECIDE,
            (_S.REVIEWED,),
            _S.REVIEWED,
            _OFFICERS,
            (call_deciding, caller_not_yet_decided),
            "Record your agency's funding decision on its own side (approve with the approved "
            "budget, or reject, with a rationale); the last approval awards it, a rejection "
            "rejects it.",
        ),
        Transition(
            ProposalEvent.AWARD,
            (_S.REVIEWED,),
            _S.AWARDED,
            _OFFICERS,
            (call_deciding, all_agencies_decided, no_agency_rejected),
            "Every agency approved: the grant is created.",
        ),
        Transition(
            ProposalEvent.REJECT,
            (_S.REVIEWED,),
            _S.REJECTED,
            _OFFICERS,
            (call_deciding, some_agency_rejected),
            "Some agency rejected it (one key is enough to refuse): no grant.",
        ),
        Transition(
            ProposalEvent.WITHDRAW,
            (_S.DRAFT, _S.SUBMITTED, _S.ELIGIBLE, _S.UNDER_REVIEW, _S.REVIEWED),
            _S.WITHDRAWN,
            (PI,),
            (no_decision_yet,),
            "The PI withdraws before any decision.",
        ),
    ),
    final=(_S.INELIGIBLE, _S.AWARDED, _S.REJECTED, _S.WITHDRAWN),
    context=ProposalContext,
)
