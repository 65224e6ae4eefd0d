"""Read-only queries around a proposal: its documents, PIs elsewhere in the call, possible
duplicate funding, and the list of proposals a caller may see."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, Select, exists, func, inspect, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from grants.common.emails import normalise
from grants.db.models import (
    BudgetLine,
    CallAgency,
    Document,
    PartMember,
    Proposal,
    ProposalPart,
    ReviewAssignment,
)
from grants.db.models import Conflict as ConflictOfInterest
from grants.db.models.reviews import ConflictStatus
from grants.proposals import checks, schemas
from grants.proposals.access import REVIEWING_STATES
from grants.security import policy
from grants.security.principal import Principal
from workflows.machines.proposal import ProposalState

# States in which a proposal no longer counts as active (duplicate funding, PI once per call).
INACTIVE = (
    ProposalState.DRAFT,
    ProposalState.WITHDRAWN,
    ProposalState.REJECTED,
    ProposalState.INELIGIBLE,
)


async def load_budgets(session: AsyncSession, proposal: Proposal) -> None:
    """Load the budget lines of the proposal's parts that have none loaded (the relationship
    is lazy="raise": only the views and checks that read budgets ask), in one query; a budget
    already in memory (say, just replaced) is kept as it is."""
    parts = [p for p in proposal.parts if "budget" in inspect(p).unloaded]
    if not parts:
        return
    lines: dict[uuid.UUID, list[BudgetLine]] = {p.id: [] for p in parts}
    query = select(BudgetLine).where(BudgetLine.part_id.in_(lines))
    for line in await session.scalars(query.order_by(BudgetLine.year, BudgetLine.category)):
        lines[line.part_id].append(line)
    for part in parts:
        set_committed_value(part, "budget", lines[part.id])


async def documents(session: AsyncSession, proposal_id: uuid.UUID) -> list[schemas.DocumentSummary]:
    """Every stored version of the proposal's documents, newest version of each kind first."""
    rows = list(
        await session.scalars(
            select(Document)
            .where(Document.proposal_id == proposal_id)
            .order_by(Document.kind, Document.version.desc())
        )
    )
    latest: dict[str, uuid.UUID] = {}
    for row in rows:
        latest.setdefault(row.kind, row.id)
    return [
        schemas.DocumentSummary(
            id=d.id,
            kind=d.kind,
            version=d.version,
            latest=latest[d.kind] == d.id,
            original_name=d.original_name,
            content_type=d.content_type,
            size=d.size,
            sha256=d.sha256,
            uploaded_by=d.uploaded_by,
            uploaded_at=d.created_at,
        )
        for d in rows
    ]


async def document_kinds(session: AsyncSession, proposal_id: uuid.UUID) -> set[str]:
    """The kinds of document the proposal has at least one version of."""
    rows = await session.scalars(
        select(Document.kind).where(Document.proposal_id == proposal_id).distinct()
    )
    return set(rows)


async def pis_elsewhere(session: AsyncSession, proposal: Proposal) -> list[checks.PiElsewhere]:
    """PIs of this proposal's parts, on agencies with `pi_once_per_call`, who are already PI of
    another active (submitted or later) proposal in the same call."""
    pi_ids = [p.pi_user_id for p in proposal.parts if p.pi_user_id is not None]
    if not pi_ids:
        return []
    once = set(
        await session.scalars(
            select(CallAgency.agency_id).where(
                CallAgency.call_id == proposal.call_id, CallAgency.pi_once_per_call.is_(True)
            )
        )
    )
    rows = await session.execute(
        select(ProposalPart.pi_user_id, Proposal.reference)
        .join(Proposal, Proposal.id == ProposalPart.proposal_id)
        .where(
            Proposal.call_id == proposal.call_id,
            Proposal.id != proposal.id,
            Proposal.state.not_in(INACTIVE),
            ProposalPart.pi_user_id.in_(pi_ids),
        )
        .order_by(Proposal.reference)
    )
    found: list[checks.PiElsewhere] = []
    for pi_id, reference in rows:
        for part in proposal.parts:
            if part.pi_user_id == pi_id and part.agency_id in once:
                email = next((m.email for m in part.members if m.user_id == pi_id), str(pi_id))
                found.append(checks.PiElsewhere(email, part.agency_id, reference or "?"))
    return found


def _person(
    people: list[PartMember], user_id: object, email: str, orcid: object, erad: object
) -> str:
    """Our member's email for a member row of another proposal that matched one of ours."""
    for m in people:
        same_ids = (user_id is not None and m.user_id == user_id) or normalise(m.email) == email
        if same_ids or (orcid and m.orcid == orcid) or (erad and m.erad_number == erad):
            return m.email
    return email


async def duplicate_funding(
    session: AsyncSession, proposal: Proposal
) -> list[schemas.DuplicateFunding]:
    """Consortium members (matched by account, email, ORCID iD or e-Rad number) on other active
    proposals whose project years overlap this one's."""
    people = [m for part in proposal.parts for m in part.members]
    rows = await session.execute(
        select(
            PartMember.user_id,
            func.lower(PartMember.email),
            PartMember.orcid,
            PartMember.erad_number,
            Proposal.id,
            Proposal.reference,
            Proposal.planned_start,
            Proposal.duration_years,
        )
        .join(ProposalPart, ProposalPart.id == PartMember.part_id)
        .join(Proposal, Proposal.id == ProposalPart.proposal_id)
        .where(
            Proposal.id != proposal.id,
            Proposal.state.not_in(INACTIVE),
            or_(
                PartMember.user_id.in_([m.user_id for m in people if m.user_id]),
                func.lower(PartMember.email).in_([normalise(m.email) for m in people]),
                PartMember.orcid.in_([m.orcid for m in people if m.orcid]),
                PartMember.erad_number.in_([m.erad_number for m in people if m.erad_number]),
            ),
        )
    )
    flags: dict[tuple[str, uuid.UUID], schemas.DuplicateFunding] = {}
    for user_id, email, orcid, erad, other_id, reference, start, years in rows:
        person = _person(people, user_id, email, orcid, erad)
        overlap = checks.overlap_years(
            proposal.planned_start, proposal.duration_years, start, years
        )
        if overlap:
            flags[(person, other_id)] = schemas.DuplicateFunding(
                person=person, other_proposal=reference, overlap_years=overlap
            )
    return sorted(flags.values(), key=lambda f: (f.other_proposal or "", f.person))


def reviewing(principal: Principal) -> Select[tuple[uuid.UUID]]:
    """Ids of the proposals the caller reviews (as `access.assigned_to_review`)."""
    conflicted = exists().where(
        ConflictOfInterest.proposal_id == ReviewAssignment.proposal_id,
        ConflictOfInterest.reviewer_id == principal.user_id,
        ConflictOfInterest.status == ConflictStatus.ACTIVE,
    )
    return select(ReviewAssignment.proposal_id).where(
        ReviewAssignment.reviewer_id == principal.user_id,
        ReviewAssignment.state.in_(REVIEWING_STATES),
        ~conflicted,
    )


def visible_query(
    principal: Principal, *, call_id: uuid.UUID | None, state: str | None
) -> Select[tuple[Proposal]]:
    """Proposals the caller may see (`policy.list_scope(principal, "proposals")`, the same
    rules as on the read endpoints): their own in any state, those they review (accepted, no
    active conflict of interest), and the submitted ones (not a draft again) of the scope."""
    mine = select(ProposalPart.proposal_id).where(
        or_(
            ProposalPart.pi_user_id == principal.user_id,
            ProposalPart.id.in_(
                select(PartMember.part_id).where(PartMember.user_id == principal.user_id)
            ),
        )
    )
    seen: list[ColumnElement[bool]] = [Proposal.id.in_(mine)]
    submitted = (Proposal.state != ProposalState.DRAFT) & ~(
        (Proposal.state == ProposalState.WITHDRAWN) & Proposal.submitted_at.is_(None)
    )
    seen.append(submitted & Proposal.id.in_(reviewing(principal)))
    scope = policy.list_scope(principal, "proposals")
    if scope.every_submitted:
        seen.append(submitted)
    elif scope.cofunded_by is not None:
        cofunded = select(CallAgency.call_id).where(CallAgency.agency_id == scope.cofunded_by)
        seen.append(submitted & Proposal.call_id.in_(cofunded))
    query = select(Proposal).where(or_(*seen))
    if call_id is not None:
        query = query.where(Proposal.call_id == call_id)
    if state is not None:
        query = query.where(Proposal.state == state)
    return query.order_by(Proposal.created_at.desc(), Proposal.id)
