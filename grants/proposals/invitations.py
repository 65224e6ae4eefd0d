"""A PI invites the counterpart PI of another agency's part; the invitee accepts and becomes
that part's PI. Only the secret's SHA-256 is stored; delivery by email is not done here."""

from __future__ import annotations

import datetime
import uuid

import structlog
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.db.models import (
    Agency,
    Call,
    PartMember,
    Proposal,
    ProposalInvitation,
    ProposalPart,
    User,
)
from grants.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from grants.proposals import schemas
from grants.security.principal import Principal
from grants.security.tokens import digest, new_secret
from grants.times import utcnow
from workflows.roles import PI

INVITATION_LIFETIME = datetime.timedelta(days=14)
log = structlog.get_logger("grants.proposals")


async def invite(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    call: Call,
    roles: frozenset[str],
    data: schemas.InvitationCreate,
) -> schemas.Invitation:
    """Record an invitation to be the PI of the part of agency `data.agency`. Raises Forbidden
    (caller is not a PI), Conflict (not a draft, or that part has a PI) and Invalid (no such
    part)."""
    if PI not in roles:
        raise Forbidden("Only a PI of the proposal invites the counterpart PI.")
    if proposal.state != "draft":
        raise Conflict(f"The proposal is {proposal.state}; invitations are for drafts.")
    part = next((p for p in proposal.parts if p.agency.code == data.agency), None)
    if part is None:
        codes = ", ".join(p.agency.code for p in proposal.parts)
        raise Invalid("No such part.", errors=[FieldError("agency", f"one of {codes}")])
    if part.pi_user_id is not None:
        raise Conflict(f"The {part.agency.code} part already has its PI.")
    invitation = ProposalInvitation(
        proposal_id=proposal.id,
        part_id=part.id,
        email=str(data.email).strip().lower(),
        token_hash=digest(new_secret()),
        invited_by=principal.user_id,
        expires_at=utcnow() + INVITATION_LIFETIME,
    )
    session.add(invitation)
    await session.flush()
    await append(
        session,
        actor=principal.actor,
        action="proposal.invite",
        entity_type="proposal",
        entity_id=proposal.id,
        changes={
            "invitation": str(invitation.id),
            "agency": part.agency.code,
            "email": [None, invitation.email],
        },
    )
    log.info("invitation recorded", invitation_id=str(invitation.id), proposal_id=str(proposal.id))
    return _view(invitation, proposal, call.code, part.agency)


def _pending(principal: Principal) -> Select[tuple[ProposalInvitation, Proposal, str, Agency]]:
    return (
        select(ProposalInvitation, Proposal, Call.code, Agency)
        .join(Proposal, Proposal.id == ProposalInvitation.proposal_id)
        .join(Call, Call.id == Proposal.call_id)
        .join(ProposalPart, ProposalPart.id == ProposalInvitation.part_id)
        .join(Agency, Agency.id == ProposalPart.agency_id)
        .where(
            func.lower(ProposalInvitation.email) == principal.email.lower(),
            ProposalInvitation.accepted_at.is_(None),
            ProposalInvitation.expires_at > utcnow(),
            Proposal.state == "draft",
        )
    )


async def pending(session: AsyncSession, principal: Principal) -> list[schemas.Invitation]:
    """The caller's open invitations: to their email, for a part of their country's agency."""
    country = await session.scalar(select(User.country).where(User.id == principal.user_id))
    rows = await session.execute(
        _pending(principal).where(Agency.country == country).order_by(ProposalInvitation.created_at)
    )
    return [_view(inv, proposal, code, agency) for inv, proposal, code, agency in rows]


def _view(
    inv: ProposalInvitation, proposal: Proposal, call_code: str, agency: Agency
) -> schemas.Invitation:
    return schemas.Invitation(
        id=inv.id,
        proposal_id=proposal.id,
        proposal_title=proposal.title.get("en", ""),
        call_code=call_code,
        agency=agency.code,
        email=inv.email,
        expires_at=inv.expires_at,
        accepted_at=inv.accepted_at,
    )


async def accept(
    session: AsyncSession, principal: Principal, invitation_id: uuid.UUID
) -> schemas.Invitation:
    """Accept an open invitation: the caller becomes the part's PI (and a team member with
    role `pi`). Raises NotFound for anyone but the invitee, or when it is expired, accepted,
    the proposal left draft, or the caller's country is not the agency's; Conflict when the
    part got a PI meanwhile or the caller is already PI of another part."""
    user = await session.get(User, principal.user_id)
    assert user is not None  # the authenticated principal's account exists
    row = (
        await session.execute(_pending(principal).where(ProposalInvitation.id == invitation_id))
    ).first()
    if row is None or row[3].country != user.country:
        raise NotFound("No such invitation.")
    inv, proposal, call_code, agency = row
    part = next(p for p in proposal.parts if p.id == inv.part_id)
    if part.pi_user_id is not None:
        raise Conflict(f"The {agency.code} part already has its PI.")
    if any(p.pi_user_id == user.id for p in proposal.parts):
        raise Conflict("You are already PI of another part of this proposal.")
    _make_pi(part, user)
    inv.accepted_at, inv.accepted_by = utcnow(), user.id
    proposal.updated_at = inv.accepted_at
    await session.flush()
    await append(
        session,
        actor=principal.actor,
        action="proposal.invitation_accept",
        entity_type="proposal",
        entity_id=proposal.id,
        changes={"invitation": str(inv.id), "agency": agency.code, "pi_user_id": [None, user.id]},
    )
    return _view(inv, proposal, call_code, agency)


def _make_pi(part: ProposalPart, user: User) -> None:
    part.pi_user_id = user.id
    listed = next((m for m in part.members if m.email.lower() == user.email.lower()), None)
    if listed is None:
        part.members.append(
            PartMember(user_id=user.id, role="pi", name=user.display_name, email=user.email)
        )
    else:
        listed.user_id, listed.role = user.id, "pi"
