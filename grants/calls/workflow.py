"""Facts the call machine's guards need, gathered from the database in a constant number of
queries: proposals per state, proposals short of submitted reviews, agencies whose ranking is
final, the joint ranking's approvals and the agencies' keys to publish. A proposal past the
eligibility check awaits a decision until it is awarded or rejected (one rejection settles it).
"""

from __future__ import annotations

import uuid

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import Purpose, Subject, answers, not_approved
from grants.calls.problems import configuration_problems
from grants.calls.services import setup_of
from grants.calls.zones import call_zones
from grants.db.models import Approval, Call, Proposal, Ranking, Review, ReviewAssignment
from grants.times import utcnow
from workflows.machines.call import CallContext
from workflows.machines.proposal import ProposalState
from workflows.machines.ranking import RankingState
from workflows.machines.review_assignment import AssignmentState

AWAITING_DECISION = (ProposalState.ELIGIBLE, ProposalState.UNDER_REVIEW, ProposalState.REVIEWED)
IN_REVIEW = (ProposalState.ELIGIBLE, ProposalState.UNDER_REVIEW)
SELECTION_ROUND = 0


async def proposal_counts(session: AsyncSession, call: Call) -> dict[str, int]:
    """The number of the call's proposals in each state (one query)."""
    rows = await session.execute(
        select(Proposal.state, func.count())
        .where(Proposal.call_id == call.id)
        .group_by(Proposal.state)
    )
    return {state: int(n) for state, n in rows.tuples()}


def reviews_required(call: Call) -> int:
    """Submitted reviews each proposal needs: k per agency pool in parallel mode, k in joint."""
    pools = len(call.agencies) if call.review_mode == "parallel" else 1
    return call.reviewers_per_proposal * max(pools, 1)


async def proposals_short_of_reviews(session: AsyncSession, call: Call) -> int:
    """Eligible or under-review proposals with fewer submitted selection reviews than required
    (one query)."""
    submitted = (
        select(ReviewAssignment.proposal_id, func.count(Review.id).label("n"))
        .join(Review, Review.assignment_id == ReviewAssignment.id)
        .where(
            ReviewAssignment.round == SELECTION_ROUND,
            ReviewAssignment.state == AssignmentState.SUBMITTED,
        )
        .group_by(ReviewAssignment.proposal_id)
        .subquery()
    )
    short = await session.scalar(
        select(func.count())
        .select_from(Proposal)
        .outerjoin(submitted, submitted.c.proposal_id == Proposal.id)
        .where(
            Proposal.call_id == call.id,
            Proposal.state.in_(IN_REVIEW),
            func.coalesce(submitted.c.n, 0) < reviews_required(call),
        )
    )
    return int(short or 0)


async def agencies_without_final_ranking(session: AsyncSession, call: Call) -> tuple[str, ...]:
    """Codes of co-funding agencies whose own ranking is not final, in the call's agency
    order; none in joint review mode, which has no agency rankings (one query)."""
    if call.review_mode != "parallel":
        return ()
    final = set(
        await session.scalars(
            select(Ranking.agency_id).where(
                Ranking.call_id == call.id,
                Ranking.round == SELECTION_ROUND,
                Ranking.state == RankingState.FINAL,
                Ranking.agency_id.is_not(None),
            )
        )
    )
    return tuple(t.agency.code for t in call.agencies if t.agency_id not in final)


async def joint_ranking_recorded(session: AsyncSession, call: Call) -> bool:
    """True when the joint ranking exists and every co-funding agency approved it (one
    query)."""
    cofunders = [t.agency_id for t in call.agencies]
    approved = await session.scalar(
        select(func.count(distinct(Approval.agency_id)))
        .join(Ranking, Ranking.id == Approval.subject_id)
        .where(
            Approval.subject_type == "ranking",
            Approval.purpose == "joint_ranking",
            Approval.decision == "approve",
            Ranking.call_id == call.id,
            Ranking.agency_id.is_(None),
            Ranking.round == SELECTION_ROUND,
            Approval.agency_id.in_(cofunders),
        )
    )
    return bool(cofunders) and int(approved or 0) == len(cofunders)


async def call_context(
    session: AsyncSession, call: Call, agency_id: uuid.UUID | None = None
) -> CallContext:
    """The call's facts now, for a caller of agency `agency_id` (None: no agency); five
    queries whatever the number of proposals, reviews and agencies."""
    counts = await proposal_counts(session, call)
    answered = await answers(session, publication(call))
    cofunders = [(t.agency_id, t.agency.code) for t in call.agencies]
    return CallContext(
        now=utcnow(),
        closes_at=call.closes_at,
        zones=call_zones(call),
        configuration_problems=configuration_problems(setup_of(call)),
        unchecked_proposals=counts.get(ProposalState.SUBMITTED, 0),
        proposals_short_of_reviews=await proposals_short_of_reviews(session, call),
        agencies_without_final_ranking=await agencies_without_final_ranking(session, call),
        joint_ranking_recorded=await joint_ranking_recorded(session, call),
        proposals_undecided=sum(counts.get(s, 0) for s in AWAITING_DECISION),
        agencies_not_approved=not_approved(answered, cofunders),
        caller_approved=agency_id in answered,
    )


def publication(call: Call) -> Subject:
    """The co-funding agencies' keys to publish the call as it stands (its current version)."""
    return Subject("call", call.id, Purpose.PUBLISH_CALL, call.version)
