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
from messages import define
from workflows.machines.review_assignment import AssignmentState

OTHER_POOL = define(
    "assignment.manual.other_pool", "Only officers of {agency} assign reviewers from its pool."
)
ALREADY_ASSIGNED = define(
    "assignment.manual.already_assigned", "{reviewer} is already on this proposal ({state})."
)
CONFLICTED = define(
    "assignment.manual.conflicted", "{reviewer} has a conflict of interest with this proposal."
)
AT_LOAD_CAP = define(
    "assignment.manual.load_cap",
    "{reviewer} already has {load} assignments in this call; their load cap is {cap}.",
)
CANNOT_BE_MADE = define("assignment.manual.invalid", "The assignment cannot be made.")
NOT_COFUNDER = define(
    "assignment.manual.agency_not_cofunding",
    "not a co-funding agency of this call; its co-funders are {agencies}",
)
NOT_ASSIGNABLE = define(
    "assignment.manual.proposal_not_assignable", "not a proposal under review in this call"
)
NOT_SERVING = define(
    "assignment.manual.reviewer_not_serving", "not serving in the {agency} pool of this call"
)
POOL_FULL = define(
    "assignment.manual.pool_full",
    "The proposal already has {count} reviewers from the {agency} pool.",
)
FULL = define("assignment.manual.full", "The proposal already has its {count} reviewers.")
COUNTRY_QUOTA = define(
    "assignment.manual.country_quota",
    "The proposal needs at least {count} reviewers from each co-funding country; this one "
    "would leave too few slots for them.",
)
NOT_PROPOSED = define(
    "assignment.withdraw.not_proposed",
    "The assignment is {state}; only a proposed one can be withdrawn.",
)


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
        raise Forbidden(OTHER_POOL(agency=pool.code))
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
        raise Conflict(ALREADY_ASSIGNED(reviewer=reviewer.name, state=existing))
    reasons = await pair_conflicts(session, proposal.id, reviewer.user_id)
    if reasons:
        raise Conflict(CONFLICTED(reviewer=reviewer.name), reasons=reasons)
    load = (await load_counts(session, call)).get(reviewer.user_id, 0)
    if load >= reviewer.load_cap:
        raise Conflict(AT_LOAD_CAP(reviewer=reviewer.name, load=load, cap=reviewer.load_cap))
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
        raise Conflict(NOT_PROPOSED(state=row.state))
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
        codes = [a.code for a in agencies]
        errors.append(FieldError("agency", NOT_COFUNDER(agencies=codes)))
    proposals = {p.id: p for p in await assignable_proposals(session, call)}
    if data.proposal_id not in proposals:
        errors.append(FieldError("proposal_id", NOT_ASSIGNABLE()))
    found = await serving_reviewers(session, call, agencies, only=data.reviewer_id)
    if agency is not None and (not found or found[0].pool_agency_id != agency.id):
        errors.append(FieldError("reviewer_id", NOT_SERVING(agency=agency.code)))
    if errors or agency is None:
        raise Invalid(CANNOT_BE_MADE(), errors=errors)
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
            raise Conflict(POOL_FULL(count=k, agency=agency.code))
        return
    if sum(per_pool.values()) >= k:
        raise Conflict(FULL(count=k))
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
        raise Conflict(COUNTRY_QUOTA(count=m))


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
