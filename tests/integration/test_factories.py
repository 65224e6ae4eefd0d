"""The shared factories build rows the database accepts (constraints and relationships)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Proposal, ReviewerProfile
from grants.proposals.queries import load_budgets
from grants.reviews.pool.profiles import WITH_POOLS
from tests.factories import (
    AgencyFactory,
    BidFactory,
    BudgetLineFactory,
    CallReviewerFactory,
    ConflictFactory,
    DocumentFactory,
    RankingFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
    make_call,
    make_proposal,
    make_reviewer,
    make_user,
    persist,
)


async def test_call_and_proposal_factories_persist(db: AsyncSession) -> None:
    jst, nafosted = (
        AgencyFactory(code="JST"),
        AgencyFactory(code="NAFOSTED", country="VN", currency="VND"),
    )
    await persist(db, jst, nafosted)
    officer = await make_user(db, "officer", agency=jst)
    jp_pi = await make_user(db, "researcher", country="JP")
    vn_pi = await make_user(db, "researcher", country="VN")
    call = await make_call(db, officer, jst, nafosted)

    proposal = await make_proposal(db, call, {jst.id: jp_pi, nafosted.id: vn_pi})
    proposal.parts[0].budget.append(BudgetLineFactory(part_id=proposal.parts[0].id))
    await persist(db, DocumentFactory(proposal_id=proposal.id, uploaded_by=jp_pi.id))
    db.expunge_all()
    loaded = await db.scalar(select(Proposal).where(Proposal.id == proposal.id))

    assert loaded is not None
    await load_budgets(db, loaded)
    assert [p.agency.code for p in loaded.parts] == ["JST", "NAFOSTED"]
    assert [m.role for m in loaded.parts[1].members] == ["pi"]
    assert [(b.year, b.category, b.amount) for b in loaded.parts[0].budget] == [
        (1, "personnel", 1_000_000)
    ]


async def test_reviewer_factories_persist(db: AsyncSession) -> None:
    jst = AgencyFactory(code="JST")
    await persist(db, jst)
    officer = await make_user(db, "officer", agency=jst)
    pi = await make_user(db, "researcher", country="JP")
    call = await make_call(db, officer, jst)
    proposal = await make_proposal(db, call, {jst.id: pi})
    reviewer = await make_reviewer(db, jst)
    assignment = ReviewAssignmentFactory(
        proposal_id=proposal.id, reviewer_id=reviewer.id, pool_agency_id=jst.id
    )
    await persist(
        db,
        assignment,
        ConflictFactory(proposal_id=proposal.id, reviewer_id=pi.id),
        BidFactory(proposal_id=proposal.id, reviewer_id=reviewer.id),
        CallReviewerFactory(call_id=call.id, reviewer_id=reviewer.id, agency_id=jst.id),
        RankingFactory(call_id=call.id, agency_id=jst.id),
    )
    await persist(db, ReviewFactory(assignment_id=assignment.id))
    db.expunge_all()
    profile = await db.scalar(
        select(ReviewerProfile).where(ReviewerProfile.user_id == reviewer.id).options(WITH_POOLS)
    )

    assert profile is not None
    assert [p.agency.code for p in profile.pools] == ["JST"]
