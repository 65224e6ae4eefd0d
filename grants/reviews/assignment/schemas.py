"""Request and response schemas of reviewer assignment."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal

from pydantic import Field

from grants.calls.schemas import ReviewMode
from grants.common.problems import Reason
from grants.common.schemas import Input, Output, Page
from reviewers.shortfall import ShortfallReason
from workflows.machines.review_assignment import AssignmentState

# Who made an assignment: the solver's run or an officer by hand.
AssignmentSource = Literal["solver", "manual"]


class AssignedReviewer(Output):
    """One reviewer of a proposal in a solver report, with why they match."""

    assignment_id: uuid.UUID | None
    reviewer_id: uuid.UUID
    reviewer_name: str
    pool: str
    state: AssignmentState
    affinity: float
    shared_terms: list[str]


class ProposalCoverage(Output):
    proposal_id: uuid.UUID
    reference: str | None
    title: str
    reviewers: list[AssignedReviewer]


class ReviewerLoad(Output):
    reviewer_id: uuid.UUID
    reviewer_name: str
    pool: str
    load: int
    cap: int


class Shortfall(Output):
    """Slots of a proposal the best assignment cannot fill. `pool` is the agency code of the
    pool (parallel mode), the country whose quota is short, or `any` (joint mode).
    `explanation` says why in the reader's language (`explanation_code` and
    `explanation_params`: the same as a message code, for a client to render itself)."""

    proposal_id: uuid.UUID
    reference: str | None
    pool: str
    needed: int
    assigned: int
    available: int
    reason: ShortfallReason
    explanation: str
    explanation_code: str
    explanation_params: dict[str, Any]


class AssignmentReport(Output):
    """The outcome of a solver run: coverage per proposal, loads, and what is missing. `pool`
    is the agency code of the one pool an officer's run covers in parallel review (reviewers,
    loads, slots and totals are that pool's), None for a whole-call run."""

    call_id: uuid.UUID
    call_code: str
    review_mode: ReviewMode
    pool: str | None
    feasible: bool
    slots_required: int
    slots_filled: int
    proposals_covered: int
    proposals_total: int
    total_affinity: float
    added: int
    removed: int
    proposals: list[ProposalCoverage]
    loads: list[ReviewerLoad]
    shortfalls: list[Shortfall]


class Assignment(Output):
    """A review assignment as officers (and the assigned reviewer) see it."""

    id: uuid.UUID
    call_id: uuid.UUID
    proposal_id: uuid.UUID
    proposal_reference: str | None
    reviewer_id: uuid.UUID
    reviewer_name: str
    pool: str
    round: int
    state: AssignmentState
    version: int
    affinity: float | None
    source: AssignmentSource
    decline_reason: str | None
    conflicts: list[str]
    created_at: datetime.datetime


class AssignmentPage(Page[Assignment]):
    """One page of a call's assignments, with every serving reviewer's load in the call."""

    loads: list[ReviewerLoad]


class AssignmentCreate(Input):
    """A manual assignment: the reviewer, the proposal and the pool (agency code) it fills."""

    proposal_id: uuid.UUID
    reviewer_id: uuid.UUID
    agency: str = Field(min_length=1, max_length=32)


class RefusedInvitation(Output):
    """A proposed assignment whose invitation a guard refused (it stays proposed), with every
    reason as problem+json gives them: code, parameters and the reader's language."""

    assignment_id: uuid.UUID
    reasons: list[Reason]


class InvitationRound(Output):
    """The outcome of inviting every proposed assignment of a call at once."""

    invited: int
    refused: list[RefusedInvitation]
