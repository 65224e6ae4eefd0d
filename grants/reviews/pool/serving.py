"""Business verbs of serving on a call: officers invite pooled reviewers, who accept or decline;
reviewers then bid on the call's proposals; applicants name reviewers they do not want."""

from __future__ import annotations

import uuid
from typing import Any, cast

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.common.actors import Actor
from grants.common.emails import normalise
from grants.common.pagination import Window
from grants.db.models import (
    Agency,
    Bid,
    Call,
    CallReviewer,
    Proposal,
    ProposalExclusion,
    ReviewerPool,
    ReviewerProfile,
)
from grants.errors import Conflict, FieldError, Invalid
from grants.reviews.pool import schemas
from grants.reviews.pool.conflicts import (
    REVIEWABLE_STATES,
    active_conflict_exists,
    active_conflicts,
)
from grants.reviews.pool.decisions import record
from grants.reviews.pool.reasons import BID_DECLARED, reason_of
from messages import define
from workflows.machines.call_service import ServiceState

MAX_EXCLUSIONS = 3
SERVICE_STATES = tuple(ServiceState)

UNKNOWN_POOL = define("pool.invite.unknown_pool", "Unknown pool.")
NOT_COFUNDER = define("pool.invite.not_cofunder", "not a co-funding agency of this call")
NOT_IN_POOL = define("pool.invite.not_in_pool", "Not in that pool.")
NOT_POOL_REVIEWER = define("pool.invite.not_pool_reviewer", "not a reviewer of the {agency} pool")
ALREADY_ASKED = define(
    "pool.invite.already_asked", "This reviewer was already asked to serve on this call."
)
BID_CONFLICTED = define(
    "pool.bid.conflicted",
    "You have a conflict of interest with this proposal; you cannot bid on it.",
)
TOO_MANY_EXCLUSIONS = define("pool.exclusions.too_many", "Too many non-preferred reviewers.")
EXCLUSIONS_AT_MOST = define("pool.exclusions.at_most", "at most {count} non-preferred reviewers")


async def invite(
    session: AsyncSession, call: Call, data: schemas.ServeInvite, *, actor: Actor
) -> CallReviewer:
    """Ask a reviewer of a co-funding agency's pool to serve on the call (state `invited`).

    Raises Invalid (the agency does not co-fund the call, or the reviewer is not in its pool)
    or Conflict (already asked).
    """
    agency = await session.scalar(select(Agency).where(Agency.code == data.agency.upper()))
    if agency is None or agency.id not in {t.agency_id for t in call.agencies}:
        raise Invalid(UNKNOWN_POOL(), errors=[FieldError("agency", NOT_COFUNDER())])
    pooled = await session.scalar(
        select(ReviewerPool.id)
        .join(ReviewerProfile, ReviewerProfile.id == ReviewerPool.profile_id)
        .where(ReviewerProfile.user_id == data.reviewer, ReviewerPool.agency_id == agency.id)
    )
    if pooled is None:
        raise Invalid(
            NOT_IN_POOL(),
            errors=[FieldError("reviewer", NOT_POOL_REVIEWER(agency=agency.code))],
        )
    taken = await session.scalar(
        select(CallReviewer.id).where(
            CallReviewer.call_id == call.id, CallReviewer.reviewer_id == data.reviewer
        )
    )
    if taken:
        raise Conflict(ALREADY_ASKED())
    service = CallReviewer(call_id=call.id, reviewer_id=data.reviewer, agency_id=agency.id)
    session.add(service)
    await session.flush()
    changes = {"reviewer_id": [None, data.reviewer], "agency": [None, agency.code]}
    await _audit(session, service, "invite", changes, actor)
    return service


async def _audit(
    session: AsyncSession, service: CallReviewer, verb: str, changes: dict[str, Any], actor: Actor
) -> None:
    await append(
        session,
        actor=actor,
        action=f"call_reviewer.{verb}",
        entity_type="call_reviewer",
        entity_id=service.id,
        changes=changes,
    )


def service_view(service: CallReviewer, call: Call, agency: Agency) -> schemas.CallService:
    """The API view of a reviewer's service on a call."""
    return schemas.CallService(
        id=service.id,
        call_id=call.id,
        call_code=call.code,
        reviewer_id=service.reviewer_id,
        agency_code=agency.code,
        state=ServiceState(service.state),
        decline_reason=service.decline_reason,
        version=service.version,
    )


async def view_of(session: AsyncSession, service: CallReviewer) -> schemas.CallService:
    """The API view of one service, with its call's code and its pool's agency code."""
    call = await session.get(Call, service.call_id)
    agency = await session.get(Agency, service.agency_id)
    assert call is not None  # a foreign key guarantees it
    assert agency is not None
    return service_view(service, call, agency)


async def page_of(
    session: AsyncSession, query: Select[Any], window: Window
) -> tuple[list[Any], int]:
    """Rows (tuples) of one page and the total count: two statements whatever the size."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.execute(query.limit(window.limit).offset(window.offset))
    return list(rows.tuples()), int(total or 0)


def call_services_query(call_id: uuid.UUID, state: str | None) -> Select[Any]:
    """The reviewers asked to serve on a call (with the call and pool agency), oldest first."""
    query = (
        select(CallReviewer, Call, Agency)
        .join(Call, Call.id == CallReviewer.call_id)
        .join(Agency, Agency.id == CallReviewer.agency_id)
        .where(CallReviewer.call_id == call_id)
        .order_by(CallReviewer.created_at, CallReviewer.id)
    )
    return query.where(CallReviewer.state == state) if state else query


async def my_services(session: AsyncSession, user_id: uuid.UUID) -> list[schemas.CallService]:
    """The calls the user was asked to serve on, newest first (one statement)."""
    rows = await session.execute(
        select(CallReviewer, Call, Agency)
        .join(Call, Call.id == CallReviewer.call_id)
        .join(Agency, Agency.id == CallReviewer.agency_id)
        .where(CallReviewer.reviewer_id == user_id)
        .order_by(CallReviewer.created_at.desc())
    )
    return [service_view(s, c, a) for s, c, a in rows.tuples()]


def biddable_query(call_id: uuid.UUID, reviewer_id: uuid.UUID) -> Select[Any]:
    """Reviewable proposals of the call with the reviewer's bid, leaving out every proposal the
    pair has an active conflict with (such a proposal is never listed nor shown)."""
    return (
        select(Proposal, Bid.level)
        .outerjoin(Bid, and_(Bid.proposal_id == Proposal.id, Bid.reviewer_id == reviewer_id))
        .where(
            Proposal.call_id == call_id,
            Proposal.state.in_(REVIEWABLE_STATES),
            ~active_conflict_exists(Proposal.id, reviewer_id),
        )
        .order_by(Proposal.id)
    )


def biddable_view(proposal: Proposal, level: str | None) -> schemas.BiddableProposal:
    """Title, abstract and keywords only: no consortium, no budget, no documents."""
    return schemas.BiddableProposal(
        id=proposal.id,
        reference=proposal.reference,
        title=proposal.title,
        abstract=proposal.abstract,
        keywords=list(proposal.keywords),
        bid=cast("schemas.BidLevel | None", level),
    )


async def place_bid(
    session: AsyncSession, proposal: Proposal, reviewer_id: uuid.UUID, level: str, *, actor: Actor
) -> Bid:
    """Save the reviewer's bid; a `conflict` bid also records a declared conflict.

    Raises Conflict naming the pair's active conflict; nothing is saved then.
    """
    found = await active_conflicts(session, proposal.id, reviewer_id)
    if found:
        raise Conflict(BID_CONFLICTED(), reasons=[reason_of(c) for c in found])
    bid = await session.scalar(
        select(Bid).where(Bid.proposal_id == proposal.id, Bid.reviewer_id == reviewer_id)
    )
    before = bid.level if bid else None
    if bid is None:
        bid = Bid(proposal_id=proposal.id, reviewer_id=reviewer_id, level=level)
        session.add(bid)
    bid.level = level
    await session.flush()
    await append(
        session,
        actor=actor,
        action="bid.place",
        entity_type="bid",
        entity_id=bid.id,
        changes={"level": [before, level], "proposal_id": str(proposal.id)},
    )
    if level == "conflict":
        declared = BID_DECLARED()
        await record(
            session, proposal.id, reviewer_id, "declared_by_reviewer", declared, actor=actor
        )
    return bid


async def exclusions_of(session: AsyncSession, proposal_id: uuid.UUID) -> list[ProposalExclusion]:
    """The proposal's non-preferred reviewers in the order they were named."""
    rows = await session.scalars(
        select(ProposalExclusion)
        .where(ProposalExclusion.proposal_id == proposal_id)
        .order_by(ProposalExclusion.created_at, ProposalExclusion.id)
    )
    return list(rows)


async def replace_exclusions(
    session: AsyncSession,
    proposal: Proposal,
    items: list[schemas.Exclusion],
    *,
    actor: Actor,
) -> list[ProposalExclusion]:
    """Replace the draft's non-preferred reviewers (at most three); raises Invalid beyond."""
    if len(items) > MAX_EXCLUSIONS:
        raise Invalid(
            TOO_MANY_EXCLUSIONS(),
            errors=[FieldError("body", EXCLUSIONS_AT_MOST(count=MAX_EXCLUSIONS))],
        )
    old = await exclusions_of(session, proposal.id)
    for row in old:
        await session.delete(row)
    await session.flush()
    rows = [
        ProposalExclusion(
            proposal_id=proposal.id,
            name=i.name,
            email=normalise(i.email) if i.email else None,
            orcid=i.orcid,
            reason=i.reason,
        )
        for i in items
    ]
    session.add_all(rows)
    await session.flush()
    await append(
        session,
        actor=actor,
        action="proposal.exclusions",
        entity_type="proposal",
        entity_id=proposal.id,
        changes={"exclusions": [[r.name for r in old], [r.name for r in rows]]},
    )
    return rows
