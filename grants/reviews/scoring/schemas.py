"""Request and response bodies of online scoring, score aggregation and the rankings."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal

from pydantic import Field

from grants.common.schemas import Input, Integer, Output, examples
from reviewers.aggregation import Method
from workflows.machines.ranking import RankingState
from workflows.machines.review_assignment import AssignmentState

# One vocabulary for reviews, agency rankings and the joint ranking (the joint ranking once said
# `reserve`; migration 0009 rewrote those entries to `fund_if_possible`).
Recommendation = Literal["fund", "fund_if_possible", "do_not_fund"]
# Three proposals of one call in the order and with the recommendations a ranking example gives.
_EXAMPLE_ORDER = (
    ("0193a6d0-1b2c-7d3e-8f40-5a6b7c8d9e02", "fund"),
    ("0193a6d0-1b2c-7d3e-8f40-5a6b7c8d9e01", "fund_if_possible"),
    ("0193a6d0-1b2c-7d3e-8f40-5a6b7c8d9e03", "do_not_fund"),
)


class ReviewUpdate(Input):
    """A draft as the reviewer has typed it so far; it replaces the stored draft.

    `scores` may be partial; each value is checked against its criterion's scale by the
    service (so the error names `scores.<key>`). `version` is the assignment's version the
    client saw (the resource in the path, as for its events): a save moves it on."""

    model_config = examples(
        {"version": 3, "scores": {"novelty": 4}},
        {
            "version": 4,
            "scores": {"novelty": 4, "feasibility": 4, "impact": 3},
            "comments_to_applicants": "Clear aims and a credible bilateral plan.",
            "confidential_comments": "The Vietnamese side's equipment budget looks thin.",
            "recommendation": "fund_if_possible",
            "confidence": 4,
        },
    )

    version: Integer = Field(ge=1)
    scores: dict[str, Any] = Field(default_factory=dict)
    comments_to_applicants: str | None = Field(default=None, max_length=20000)
    confidential_comments: str | None = Field(default=None, max_length=20000)
    recommendation: Recommendation | None = None
    confidence: Integer | None = Field(default=None, ge=1, le=5)


class ReviewForm(Output):
    """The caller's review of one assignment: the draft, or an empty form before the first
    save. `version` is the assignment's: send it to save the draft or to fire `submit`."""

    assignment_id: uuid.UUID
    assignment_state: AssignmentState
    proposal_id: uuid.UUID
    proposal_reference: str | None
    round: int
    rubric: list[dict[str, Any]]
    scores: dict[str, int]
    comments_to_applicants: str | None
    confidential_comments: str | None
    recommendation: Recommendation | None
    confidence: int | None
    submitted_at: datetime.datetime | None
    version: int


class PanelReview(Output):
    """A submitted review as the call's officers, auditors and admins see it: with the
    reviewer's display name and the confidential comments to the panel."""

    id: uuid.UUID
    round: int
    pool_agency: str
    reviewer: str
    scores: dict[str, int]
    comments_to_applicants: str | None
    confidential_comments: str | None
    recommendation: Recommendation | None
    confidence: int | None
    submitted_at: datetime.datetime | None


class PeerReview(Output):
    """A submitted review as a fellow reviewer sees it: no reviewer's name, no confidential
    comments to the panel."""

    id: uuid.UUID
    round: int
    pool_agency: str
    scores: dict[str, int]
    comments_to_applicants: str | None
    recommendation: Recommendation | None
    confidence: int | None
    submitted_at: datetime.datetime | None


class ApplicantReview(Output):
    """A review as the applicants see it: no reviewer, no confidential comments."""

    round: int
    scores: dict[str, int]
    comments_to_applicants: str | None
    recommendation: Recommendation | None


class ProposalScore(Output):
    """One proposal's aggregate; None where it has no submitted review."""

    proposal_id: uuid.UUID
    reference: str | None
    position: int
    criterion_scores: dict[str, float | None]
    total: float | None
    n_reviews: int
    spread: float | None
    disagreement: bool
    recommendation: Recommendation | None


class CallScores(Output):
    """The aggregate of a call's reviews in one pool (`agency`; None for every pool)."""

    call_id: uuid.UUID
    agency: str | None
    round: int
    method: Method
    calibrate: bool
    confidence_weighted: bool
    disagreement_threshold: float
    proposals: list[ProposalScore]


class RankingEntry(Output):
    proposal_id: uuid.UUID
    reference: str | None
    position: int
    score: float | None
    recommendation: Recommendation | None


class RankingView(Output):
    id: uuid.UUID
    call_id: uuid.UUID
    agency: str | None
    round: int
    state: RankingState
    entries: list[RankingEntry]
    minutes: str | None
    finalised_by: uuid.UUID | None
    finalised_at: datetime.datetime | None
    approved_by: list[str]
    version: int


class RankingEntryUpdate(Input):
    proposal_id: uuid.UUID
    recommendation: Recommendation | None = None


class RankingUpdate(Input):
    """The agency ranking's entries in their new order (every entry exactly once)."""

    model_config = examples(
        {
            "version": 1,
            "entries": [{"proposal_id": p, "recommendation": r} for p, r in _EXAMPLE_ORDER],
        }
    )

    version: Integer = Field(ge=1)
    entries: list[RankingEntryUpdate]


class VersionBody(Input):
    version: Integer = Field(ge=1)


class JointEntry(Input):
    proposal_id: uuid.UUID
    position: Integer = Field(ge=1)
    recommendation: Recommendation


class JointRankingCreate(Input):
    """The joint panel's ranking: every ranked proposal once, positions 1..n, and minutes."""

    model_config = examples(
        {
            "entries": [
                {"proposal_id": p, "position": n, "recommendation": r}
                for n, (p, r) in enumerate(_EXAMPLE_ORDER, start=1)
            ],
            "minutes": "Joint panel, Hanoi: consensus on the order; JST and NAFOSTED agree.",
        }
    )

    entries: list[JointEntry] = Field(min_length=1)
    minutes: str = Field(min_length=1, max_length=50000)
