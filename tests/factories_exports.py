"""The exports' world: JST and NAFOSTED's call JV-2026 in `deciding` with one reviewed
proposal (both parts' budget lines), a review from each agency's pool, and another call that
only a third agency (FWO) co-funds, with its own submitted proposal; an auditor to export."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Call, Proposal, Review, ReviewAssignment, User
from tests.factories import (
    AgencyFactory,
    ReviewFactory,
    bearer,
    make_call,
    make_proposal,
    make_user,
    persist,
)
from tests.factories_awards import make_deciding
from tests.factories_scoring import Panel, assign

SUBMITTED = datetime.datetime(2026, 6, 1, 3, 4, 5, 123456, tzinfo=datetime.UTC)


@dataclass
class ExportWorld:
    panel: Panel
    proposal: Proposal
    fwo: Agency
    fwo_officer: User
    other_call: Call
    other_proposal: Proposal
    jst_reviewer: User
    nafosted_reviewer: User
    jst_review: Review
    nafosted_review: Review
    jst_assignment: ReviewAssignment
    auditor: dict[str, str]
    fwo_headers: dict[str, str]
    reviewer_headers: dict[str, str]


async def _reviewed(
    db: AsyncSession, proposal: Proposal, reviewer: User, pool: Agency, scores: dict[str, int]
) -> tuple[ReviewAssignment, Review]:
    assignment = await assign(db, proposal, reviewer, pool, state="submitted", affinity=0.25)
    review = ReviewFactory(
        assignment_id=assignment.id,
        scores=scores,
        comments_to_applicants='Strong, "novel" plan,\nwell argued.',
        recommendation="fund",
        confidence=4,
        submitted_at=SUBMITTED,
    )
    await persist(db, review)
    return assignment, review


async def make_export_world(db: AsyncSession) -> ExportWorld:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]
    proposal.submitted_at = SUBMITTED
    fwo = AgencyFactory(code="FWO", name="Research Foundation Flanders", country="BE")
    fwo.currency = "EUR"
    await persist(db, fwo, proposal)
    fwo_officer = await make_user(db, "officer", agency=fwo)
    other_call = await make_call(db, fwo_officer, fwo, code="FWO-2026", state="open")
    fwo_pi = await make_user(db, "researcher", email="pi@example.be")
    other = await make_proposal(
        db,
        other_call,
        {fwo.id: fwo_pi},
        state="submitted",
        number=1,
        reference="FWO-2026-0001",
        submitted_at=SUBMITTED,
    )
    jst_reviewer = await make_user(db, "reviewer", email="jst.reviewer@example.jp")
    nafosted_reviewer = await make_user(db, "reviewer", email="vn.reviewer@example.vn")
    jst_assignment, jst_review = await _reviewed(
        db, proposal, jst_reviewer, panel.jst, {"novelty": 4, "feasibility": 3, "impact": 5}
    )
    _, nafosted_review = await _reviewed(
        db,
        proposal,
        nafosted_reviewer,
        panel.nafosted,
        {"novelty": 2, "feasibility": 2, "impact": 3},
    )
    return ExportWorld(
        panel=panel,
        proposal=proposal,
        fwo=fwo,
        fwo_officer=fwo_officer,
        other_call=other_call,
        other_proposal=other,
        jst_reviewer=jst_reviewer,
        nafosted_reviewer=nafosted_reviewer,
        jst_review=jst_review,
        nafosted_review=nafosted_review,
        jst_assignment=jst_assignment,
        auditor=await bearer(db, await make_user(db, "auditor")),
        fwo_headers=await bearer(db, fwo_officer),
        reviewer_headers=await bearer(db, jst_reviewer),
    )
