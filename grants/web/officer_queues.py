"""What an officer's dashboard lists: the calls their agency co-funds (the same query and policy
as `GET /api/calls?agency=…`), each with its submitted proposals and how many of them still wait
for this agency's eligibility decision, and whether this agency's key to publish a draft is in."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import Purpose
from grants.calls.access import calls_query
from grants.calls.zones import call_zones
from grants.db.models import Agency, Approval, Call, Proposal
from grants.security.principal import Principal
from workflows.machines.call import CallState
from workflows.machines.proposal import ProposalState


@dataclass(frozen=True, slots=True)
class CallRow:
    """One call on the dashboard."""

    call: Call
    zones: tuple[str, ...]
    submitted: int
    awaiting_us: int
    our_key: bool


async def own_agency(session: AsyncSession, principal: Principal) -> Agency | None:
    """The officer's agency (None for an officer of none)."""
    if principal.officer_agency_id is None:
        return None
    return await session.get(Agency, principal.officer_agency_id)


async def call_rows(session: AsyncSession, principal: Principal, agency: Agency) -> list[CallRow]:
    """The calls `agency` co-funds that the officer may see, newest first; three queries."""
    query = calls_query(principal, state=None, agency=agency.code, q=None)
    calls = list(await session.scalars(query))
    ids = [c.id for c in calls]
    submitted = await _submitted(session, ids)
    answered = await _answered(session, ids, agency.id)
    keys = await _keys(session, calls, agency.id)
    return [
        CallRow(
            c,
            call_zones(c),
            submitted.get(c.id, 0),
            submitted.get(c.id, 0) - answered.get(c.id, 0),
            c.id in keys,
        )
        for c in calls
    ]


async def _submitted(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        select(Proposal.call_id, func.count())
        .where(Proposal.call_id.in_(ids), Proposal.state == ProposalState.SUBMITTED)
        .group_by(Proposal.call_id)
    )
    return {call_id: int(n) for call_id, n in rows.tuples()}


async def _answered(
    session: AsyncSession, ids: list[uuid.UUID], agency_id: uuid.UUID
) -> dict[uuid.UUID, int]:
    """Submitted proposals per call on whose eligibility the agency has answered."""
    rows = await session.execute(
        select(Proposal.call_id, func.count())
        .join(Approval, Approval.subject_id == Proposal.id)
        .where(
            Proposal.call_id.in_(ids),
            Proposal.state == ProposalState.SUBMITTED,
            Approval.subject_type == "proposal",
            Approval.purpose == Purpose.ELIGIBILITY,
            Approval.agency_id == agency_id,
        )
        .group_by(Proposal.call_id)
    )
    return {call_id: int(n) for call_id, n in rows.tuples()}


async def _keys(session: AsyncSession, calls: list[Call], agency_id: uuid.UUID) -> set[uuid.UUID]:
    """Draft calls whose current version the agency approved to publish."""
    drafts = {c.id: c.version for c in calls if c.state == CallState.DRAFT}
    rows = await session.execute(
        select(Approval.subject_id, Approval.subject_version).where(
            Approval.subject_type == "call",
            Approval.purpose == Purpose.PUBLISH_CALL,
            Approval.agency_id == agency_id,
            Approval.decision == "approve",
            Approval.subject_id.in_(list(drafts)),
        )
    )
    return {call_id for call_id, version in rows.tuples() if drafts[call_id] == version}
