"""A call in review for scoring tests: JST and NAFOSTED co-fund it, each with an officer and a
reviewer pool; proposals past eligibility; assignments and reviews built with the shared
factories and persisted in the test session."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Call, Proposal, Review, ReviewAssignment, User
from tests.factories import (
    ReviewAssignmentFactory,
    ReviewFactory,
    bearer,
    make_call,
    make_proposal,
    make_reviewer,
    make_user,
    persist,
)
from tests.factories_calls import make_cofunders


@dataclass
class Panel:
    jst: Agency
    nafosted: Agency
    call: Call
    jst_officer: User
    nafosted_officer: User
    jst_headers: dict[str, str]
    nafosted_headers: dict[str, str]
    jp_pi: User
    vn_pi: User
    proposals: list[Proposal] = field(default_factory=list)


async def make_panel(
    db: AsyncSession, n_proposals: int = 1, proposal_state: str = "under_review", **call: Any
) -> Panel:
    """Co-funders, a call (reviewing by default) and `n_proposals` numbered proposals."""
    co = await make_cofunders(db)
    fields = {"state": "reviewing", "code": "JV-2026", **call}
    made = await make_call(db, co.jst_officer, co.jst, co.nafosted, **fields)
    jp_pi = await make_user(db, "researcher", country="JP", email="jp.pi@example.jp")
    vn_pi = await make_user(db, "researcher", country="VN", email="vn.pi@example.vn")
    panel = Panel(
        co.jst, co.nafosted, made, co.jst_officer, co.nafosted_officer,
        co.jst_headers, co.nafosted_headers, jp_pi, vn_pi,
    )  # fmt: skip
    for n in range(1, n_proposals + 1):
        proposal = await make_proposal(
            db,
            made,
            {co.jst.id: jp_pi, co.nafosted.id: vn_pi},
            state=proposal_state,
            number=n,
            reference=f"JV-2026-{n:04d}",
            submitted_at=datetime.datetime.now(datetime.UTC),
        )
        panel.proposals.append(proposal)
    return panel


async def assign(
    db: AsyncSession,
    proposal: Proposal,
    reviewer: User,
    pool: Agency,
    **fields: Any,
) -> ReviewAssignment:
    """A persisted assignment (accepted, round 0 unless told otherwise)."""
    assignment = ReviewAssignmentFactory(
        proposal_id=proposal.id, reviewer_id=reviewer.id, pool_agency_id=pool.id, **fields
    )
    await persist(db, assignment)
    return assignment


async def submitted(
    db: AsyncSession, assignment: ReviewAssignment, scores: dict[str, int], **fields: Any
) -> Review:
    """A submitted review of `assignment` (whose state becomes `submitted`)."""
    assignment.state = "submitted"
    review = ReviewFactory(
        assignment_id=assignment.id,
        scores=scores,
        submitted_at=datetime.datetime.now(datetime.UTC),
        **fields,
    )
    await persist(db, assignment, review)
    return review


async def reviewer_with_headers(db: AsyncSession, *pools: Agency) -> tuple[User, dict[str, str]]:
    """A reviewer in the pools of `pools` and bearer headers for them."""
    reviewer = await make_reviewer(db, *pools)
    return reviewer, await bearer(db, reviewer)


def full_scores(novelty: int = 4, feasibility: int = 3, impact: int = 5) -> dict[str, int]:
    return {"novelty": novelty, "feasibility": feasibility, "impact": impact}
