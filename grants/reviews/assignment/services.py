"""Officers' hand changes to a call's assignment, with the solver's constraints checked:
add a reviewer to a proposal, withdraw a mere proposal."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.calls.access import call_facts
from grants.common.actors import Actor
from grants.db.models import Agency, Call, Proposal, ReviewAssignment
from grants.errors import Conflict, FieldError, Forbidden, Invalid
from grants.reviews.assignment import schemas
from grants.reviews.assignment.forbidden import pair_conflicts
from grants.reviews.assignment.inputs import (
    SELECTION_ROUND,
    Serving,
    assignable_proposals,
    cofunders,
    lock_for_assignment,
    serving_reviewers,
)
from grants.reviews.assignment.queries import load_counts
from grants.reviews.pool.conflicts import detect_conflicts
from grants.security import policy
from grants.security.principal import Principal
from workflows.machines.review_assignment import AssignmentState


async def add(
    session: AsyncSession, call: Call, data: schemas.AssignmentCreate, *, principal: Principal
) -> ReviewAssignment:
    """Propose a reviewer for a proposal by hand (state `proposed`, source `manual`).

    Raises Forbidden (403) for a pool the caller's agency does not oversee (each agency assigns
    from its own pool in parallel review); Invalid (422) for an unknown pool, a proposal not
    under review in the call or a reviewer not serving in that pool; Conflict (409) for a pair
    already assigned, an active conflict of interest (with its reasons), a reviewer at their
    load cap, or a proposal whose slots in that pool are full. Conflict detection runs first,
    so an undetected conflict cannot slip through. Nothing is written when refused. Side
    effect: one row and its audit event.
    """
    pool = next((a for a in cofunders(call) if a.code == data.agency.upper()), None)
    if pool is not None and not policy.oversees_pool(principal, call_facts(call), pool.id):
        raise Forbidden(f"Only officers of {pool.code} assign reviewers from its pool.")
    actor = principal.actor
    await lock_for_assignment(session, call)
    await detect_conflicts(session, call, actor=actor)
    agency, proposal, reviewer = await _validated(session, call, data)
    existing = await session.scalar(
        select(ReviewAssignment.state).where(
            ReviewAssignment.proposal_id == proposal.id,
            ReviewAssignment.reviewer_id == reviewer.user_id,
            ReviewAssignment.round == SELECTION_ROUND,
        )
    )
    if existing is not None:
        raise Conflict(f"{reviewer.name} is already on this proposal ({existing}).")
    reasons = await pair_conflicts(session, proposal.id, reviewer.user_id)
    if reasons:
        raise Conflict(
            f"{reviewer.name} has a conflict of interest with this proposal.", reasons=reasons
        )
    load = (await load_counts(session, call)).get(reviewer.user_id, 0)
    if load >= reviewer.load_cap:
        raise Conflict(
            f"{reviewer.name} already has {load} assignments in this call; "
            f"their load cap is {reviewer.load_cap}."
        )
    await _check_slots(session, call, proposal, agency, reviewer)
    row = ReviewAssignment(
        proposal_id=proposal.id,
        reviewer_id=reviewer.user_id,
        pool_agency_id=agency.id,
        round=SELECTION_ROUND,
        state=AssignmentState.PROPOSED,
        source="manual",
    )
    session.add(row)
    await session.flush()
    await _audit(session, row, actor, "review_assignment.create", [None, AssignmentState.PROPOSED])
    return row


async def withdraw(session: AsyncSession, row: ReviewAssignment, *, actor: Actor) -> None:
    """Delete a `proposed` assignment (nobody was told of it yet; the audit event keeps it).

    Raises Conflict for any other state: from the invitation on, the workflow's events apply.
    """
    if row.state != AssignmentState.PROPOSED:
        raise Conflict(
            f"The assignment is {row.state}; only a proposed one can be withdrawn.",
        )
    await _audit(
        session, row, actor, "review_assignment.withdraw", [AssignmentState.PROPOSED, None]
    )
    await session.delete(row)
    await session.flush()


async def _validated(
    session: AsyncSession, call: Call, data: schemas.AssignmentCreate
) -> tuple[Agency, Proposal, Serving]:
    agencies = cofunders(call)
    agency = next((a for a in agencies if a.code == data.agency.upper()), None)
    errors = []
    if agency is None:
        codes = ", ".join(a.code for a in agencies)
        errors.append(FieldError("agency", f"not a co-funding agency of this call ({codes})"))
    proposals = {p.id: p for p in await assignable_proposals(session, call)}
    if data.proposal_id not in proposals:
        errors.append(FieldError("proposal_id", "not a proposal under review in this call"))
    found = await serving_reviewers(session, call, agencies, only=data.reviewer_id)
    if agency is not None and (not found or found[0].pool_agency_id != agency.id):
        errors.append(
            FieldError("reviewer_id", f"not serving in the {agency.code} pool of this call")
        )
    if errors or agency is None:
        raise Invalid("The assignment cannot be made.", errors=errors)
    return agency, proposals[data.proposal_id], found[0]


async def _check_slots(
    session: AsyncSession, call: Call, proposal: Proposal, agency: Agency, reviewer: Serving
) -> None:
    """Parallel mode: at most k per pool. Joint mode: at most k, leaving room for every
    co-funding country's minimum."""
    taken = await session.execute(
        select(ReviewAssignment.pool_agency_id, func.count())
        .where(ReviewAssignment.proposal_id == proposal.id)
        .where(
            ReviewAssignment.round == SELECTION_ROUND,
            ReviewAssignment.state != AssignmentState.DECLINED,
        )
        .group_by(ReviewAssignment.pool_agency_id)
    )
    per_pool = dict(taken.tuples().all())
    k = call.reviewers_per_proposal
    if call.review_mode == "parallel":
        if per_pool.get(agency.id, 0) >= k:
            raise Conflict(f"The proposal already has {k} reviewers from the {agency.code} pool.")
        return
    if sum(per_pool.values()) >= k:
        raise Conflict(f"The proposal already has its {k} reviewers.")
    await _check_quota(session, call, proposal, reviewer)


async def _check_quota(
    session: AsyncSession, call: Call, proposal: Proposal, reviewer: Serving
) -> None:
    m = call.min_reviewers_per_country
    if m == 0:
        return
    agencies = cofunders(call)
    serving = {r.user_id: r.country for r in await serving_reviewers(session, call, agencies)}
    holders = await session.scalars(
        select(ReviewAssignment.reviewer_id)
        .where(ReviewAssignment.proposal_id == proposal.id)
        .where(
            ReviewAssignment.round == SELECTION_ROUND,
            ReviewAssignment.state != AssignmentState.DECLINED,
        )
    )
    countries = [serving.get(r, "") for r in holders] + [reviewer.country]
    owed = sum(max(0, m - countries.count(c)) for c in dict.fromkeys(a.country for a in agencies))
    if owed > call.reviewers_per_proposal - len(countries):
        raise Conflict(
            f"The proposal needs at least {m} reviewers from each co-funding country; "
            f"this one would leave too few slots for them."
        )


async def _audit(
    session: AsyncSession, row: ReviewAssignment, actor: Actor, action: str, state: list[object]
) -> None:
    await append(
        session,
        actor=actor,
        action=action,
        entity_type="review_assignment",
        entity_id=row.id,
        changes={
            "state": state,
            "proposal_id": str(row.proposal_id),
            "reviewer_id": str(row.reviewer_id),
            "pool_agency_id": str(row.pool_agency_id),
        },
    )
