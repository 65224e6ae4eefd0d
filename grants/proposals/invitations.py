"""Invitations to join a draft: a PI invites the counterpart PI of another agency's part, and
listing a co-investigator invites them. The invitee accepts under `/api/invitations` with an
account of that e-mail address: then they become the part's PI, or the co-investigator member
is linked to their account (and so gets draft access). Nobody is enrolled without accepting.

Only the secret's SHA-256 is stored; the invitation mail is queued in the caller's transaction.
"""

from __future__ import annotations

import datetime
import uuid

import structlog
from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.common.emails import normalise
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
from grants.proposals.invitation_mail import mail_invitation
from grants.security.principal import Principal
from grants.security.tokens import digest, new_secret
from grants.times import utcnow
from messages import define
from workflows.machines.proposal import ProposalState
from workflows.roles import PI

INVITATION_LIFETIME = datetime.timedelta(days=14)
log = structlog.get_logger("grants.proposals")

PI_ONLY = define("invitation.pi_only", "Only a PI of the proposal invites the counterpart PI.")
NOT_DRAFT = define("invitation.not_draft", "The proposal is {state}; invitations are for drafts.")
NO_SUCH_PART = define("invitation.no_such_part", "No such part.")
NOT_A_PART = define(
    "invitation.not_a_part", "not an agency of this proposal; its parts are {agencies}"
)
PI_TAKEN = define("part.pi_taken", "The {agency} part already has its PI.")
SELF_INVITED = define("invitation.self", "You cannot invite yourself as the counterpart PI.")
SELF_INVITED_FIELD = define("invitation.self_field", "your own address: invite the counterpart PI")
NO_SUCH_INVITATION = define("invitation.not_found", "No such invitation.")
ACCEPTED_ALREADY = define("invitation.accepted_already", "This invitation was accepted already.")
PI_OF_ANOTHER_PART = define(
    "invitation.pi_of_another_part", "You are already PI of another part of this proposal."
)
ON_TEAM_ALREADY = define("invitation.on_team_already", "You are already on this proposal's team.")


async def invite(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    call: Call,
    roles: frozenset[str],
    data: schemas.InvitationCreate,
    *,
    base_url: str = "",
) -> schemas.Invitation:
    """Record an invitation to be the PI of the part of agency `data.agency` and queue its
    mail (linking to `base_url`). Raises Forbidden (caller is not a PI), Conflict (not a
    draft, or that part has a PI) and Invalid (no such part, or the caller's own address)."""
    if PI not in roles:
        raise Forbidden(PI_ONLY())
    if proposal.state != ProposalState.DRAFT:
        raise Conflict(NOT_DRAFT(state=str(proposal.state)))
    part = next((p for p in proposal.parts if p.agency.code == data.agency), None)
    if part is None:
        codes = [p.agency.code for p in proposal.parts]
        raise Invalid(NO_SUCH_PART(), errors=[FieldError("agency", NOT_A_PART(agencies=codes))])
    if part.pi_user_id is not None:
        raise Conflict(PI_TAKEN(agency=part.agency.code))
    if normalise(str(data.email)) == normalise(principal.email):
        raise Invalid(SELF_INVITED(), errors=[FieldError("email", SELF_INVITED_FIELD())])
    invitation = await _record(session, principal, proposal, part, str(data.email))
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
    await mail_invitation(session, invitation, proposal, call.code, part.agency, base_url)
    log.info("invitation recorded", invitation_id=str(invitation.id), proposal_id=str(proposal.id))
    return _view(invitation, proposal, call.code, part.agency)


async def invite_member(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    part: ProposalPart,
    member: PartMember,
    *,
    base_url: str,
) -> ProposalInvitation:
    """Invite a listed co-investigator: the same invitation as a PI's (hashed secret, expiry,
    mail), bound to the member row. The caller audits it with the member change."""
    call_code = await session.scalar(select(Call.code).where(Call.id == proposal.call_id))
    invitation = await _record(session, principal, proposal, part, member.email, member)
    await mail_invitation(session, invitation, proposal, call_code or "", part.agency, base_url)
    return invitation


async def void_member_invitations(session: AsyncSession, member: PartMember) -> list[str]:
    """End the member's open invitations now (e-mail changed, role dropped, member removed);
    returns their ids for the caller's audit event."""
    now = utcnow()
    rows = await session.scalars(
        select(ProposalInvitation).where(
            ProposalInvitation.member_id == member.id,
            ProposalInvitation.accepted_at.is_(None),
            ProposalInvitation.expires_at > now,
        )
    )
    voided = []
    for row in rows:
        row.expires_at = now
        voided.append(str(row.id))
    return voided


async def _record(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    part: ProposalPart,
    email: str,
    member: PartMember | None = None,
) -> ProposalInvitation:
    invitation = ProposalInvitation(
        proposal_id=proposal.id,
        part_id=part.id,
        member_id=member.id if member else None,
        email=normalise(email),
        token_hash=digest(new_secret()),
        invited_by=principal.user_id,
        expires_at=utcnow() + INVITATION_LIFETIME,
    )
    session.add(invitation)
    await session.flush()
    return invitation


def _pending(principal: Principal) -> Select[tuple[ProposalInvitation, Proposal, str, Agency]]:
    return (
        select(ProposalInvitation, Proposal, Call.code, Agency)
        .join(Proposal, Proposal.id == ProposalInvitation.proposal_id)
        .join(Call, Call.id == Proposal.call_id)
        .join(ProposalPart, ProposalPart.id == ProposalInvitation.part_id)
        .join(Agency, Agency.id == ProposalPart.agency_id)
        .where(
            func.lower(ProposalInvitation.email) == normalise(principal.email),
            ProposalInvitation.accepted_at.is_(None),
            ProposalInvitation.expires_at > utcnow(),
            Proposal.state == ProposalState.DRAFT,
            # A co-investigator's invitation lapses once that member is linked or re-roled.
            or_(
                ProposalInvitation.member_id.is_(None),
                ProposalInvitation.member_id.in_(
                    select(PartMember.id).where(
                        PartMember.user_id.is_(None), PartMember.role == "co_investigator"
                    )
                ),
            ),
        )
    )


async def pending(session: AsyncSession, principal: Principal) -> list[schemas.Invitation]:
    """The caller's open invitations to their email: to be PI of a part of their country's
    agency, or a co-investigator (of any country)."""
    country = await session.scalar(select(User.country).where(User.id == principal.user_id))
    own_side = or_(ProposalInvitation.member_id.is_not(None), Agency.country == country)
    rows = await session.execute(
        _pending(principal).where(own_side).order_by(ProposalInvitation.created_at)
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
        role="co_investigator" if inv.member_id else PI,
        email=inv.email,
        expires_at=inv.expires_at,
        accepted_at=inv.accepted_at,
    )


async def accept(
    session: AsyncSession, principal: Principal, invitation_id: uuid.UUID
) -> schemas.Invitation:
    """Accept an open invitation: the caller becomes the part's PI (and a team member with
    role `pi`), or the invited co-investigator member is linked to the caller's account.
    Raises NotFound for anyone but the invitee, or when it is expired or voided, the proposal
    left draft, or (PI) the caller's country is not the agency's; Conflict when the invitee
    accepted it already, the part got a PI meanwhile or the caller is already on the team."""
    user = await session.get(User, principal.user_id)
    assert user is not None  # the authenticated principal's account exists
    row = (
        await session.execute(_pending(principal).where(ProposalInvitation.id == invitation_id))
    ).first()
    if row is None or (row[0].member_id is None and row[3].country != user.country):
        await _refuse_accepted(session, principal, invitation_id)
        raise NotFound(NO_SUCH_INVITATION())
    inv, proposal, call_code, agency = row
    part = next(p for p in proposal.parts if p.id == inv.part_id)
    if inv.member_id is None:
        linked = _accept_pi(proposal, part, user)
    else:
        linked = _accept_member(proposal, part, inv, user)
    inv.accepted_at, inv.accepted_by = utcnow(), user.id
    proposal.updated_at = inv.accepted_at
    await session.flush()
    await append(
        session,
        actor=principal.actor,
        action="proposal.invitation_accept",
        entity_type="proposal",
        entity_id=proposal.id,
        changes={"invitation": str(inv.id), "agency": agency.code, **linked},
    )
    return _view(inv, proposal, call_code, agency)


async def _refuse_accepted(
    session: AsyncSession, principal: Principal, invitation_id: uuid.UUID
) -> None:
    """Raises Conflict when the caller's own invitation was accepted already (a second click
    on the link); anyone else's stays a NotFound, telling nothing."""
    accepted = await session.scalar(
        select(ProposalInvitation.id).where(
            ProposalInvitation.id == invitation_id,
            func.lower(ProposalInvitation.email) == normalise(principal.email),
            ProposalInvitation.accepted_at.is_not(None),
        )
    )
    if accepted is not None:
        raise Conflict(ACCEPTED_ALREADY())


def _accept_pi(proposal: Proposal, part: ProposalPart, user: User) -> dict[str, object]:
    if part.pi_user_id is not None:
        raise Conflict(PI_TAKEN(agency=part.agency.code))
    if any(p.pi_user_id == user.id for p in proposal.parts):
        raise Conflict(PI_OF_ANOTHER_PART())
    _make_pi(part, user)
    return {"pi_user_id": [None, user.id]}


def _accept_member(
    proposal: Proposal, part: ProposalPart, inv: ProposalInvitation, user: User
) -> dict[str, object]:
    member = next(m for m in part.members if m.id == inv.member_id)  # `_pending` checked it
    on_team = any(
        p.pi_user_id == user.id or any(m.user_id == user.id for m in p.members)
        for p in proposal.parts
    )
    if on_team:
        raise Conflict(ON_TEAM_ALREADY())
    member.user_id = user.id
    return {"member": str(member.id), "user_id": [None, user.id]}


def _make_pi(part: ProposalPart, user: User) -> None:
    part.pi_user_id = user.id
    listed = next((m for m in part.members if normalise(m.email) == normalise(user.email)), None)
    if listed is None:
        part.members.append(
            PartMember(user_id=user.id, role="pi", name=user.display_name, email=user.email)
        )
    else:
        listed.user_id, listed.role = user.id, "pi"
