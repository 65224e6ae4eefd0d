"""Business verbs on a part's team: add, change and remove members.

Nobody is enrolled silently: adding a member never links an account, and no answer tells
whether an e-mail address has one. A co-investigator is invited (`invitations.invite_member`)
and gets draft access only by accepting. Changing a member's e-mail or role, or removing them,
voids a pending invitation (and unlinks an account linked through the old e-mail or role).

Like the part's own fields, only the part's team edits it, in a draft, under the member's
version the client saw; every change is audited, every refusal comes before any write.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.edits import apply_patch, merge_patch
from grants.common.emails import normalise
from grants.db.models import Call, PartMember, Proposal, ProposalPart
from grants.errors import Conflict, FieldError, Invalid, NotFound
from grants.proposals import access, checks, invitations, schemas
from grants.proposals.team import audit_change, find_part, lock_and_check
from grants.security.principal import Principal
from messages import define

MEMBER_FIELDS = ("name", "email", "orcid", "erad_number", "role", "based_in")
REQUIRED = ("name", "email", "role")
CO_INVESTIGATOR = "co_investigator"

NO_SUCH_MEMBER = define("member.not_found", "No such member of this part.")
ERAD_JAPAN_ONLY = define(
    "member.erad_japan_only", "an e-Rad researcher number is for the Japanese side only"
)
EMAIL_LISTED = define("member.email_listed", "this e-mail is already on the proposal's team")
ORCID_LISTED = define("member.orcid_listed", "this ORCID iD is already on the proposal's team")
ERAD_LISTED = define("member.erad_listed", "this e-Rad number is already on the proposal's team")
ALREADY_LISTED = define("member.already_listed", "This person is already on the proposal's team.")
ADD_REFUSED = define("member.add_refused", "The member cannot be added.")
UPDATE_REFUSED = define("member.update_refused", "The member cannot be changed.")
ABROAD_NOT_ALLOWED = define(
    "member.abroad_not_allowed",
    "{agency} does not allow members based outside {country} on its part in this call",
)
PI_ROLE_FIXED = define("member.pi_role_fixed", "the PI's role does not change here")
PI_EMAIL_FIXED = define("member.pi_email_fixed", "the PI's e-mail is their account's")
PI_NOT_REMOVABLE = define(
    "member.pi_not_removable", "The part's PI cannot be removed from its team."
)


def find_member(
    proposal: Proposal, part_id: uuid.UUID, member_id: uuid.UUID
) -> tuple[ProposalPart, PartMember]:
    """The part `part_id` and its member `member_id`; raises NotFound."""
    part = find_part(proposal, part_id)
    member = next((m for m in part.members if m.id == member_id), None)
    if member is None:
        raise NotFound(NO_SUCH_MEMBER())
    return part, member


def _erad_errors(part: ProposalPart, erad_number: str | None) -> list[FieldError]:
    if erad_number is not None and part.agency.country != "JP":
        return [FieldError("erad_number", ERAD_JAPAN_ONLY())]
    return []


async def _call(session: AsyncSession, proposal: Proposal, call: Call | None) -> Call:
    """The proposal's call (with its agencies' terms), loaded unless given."""
    if call is not None:
        return call
    found = await session.scalar(select(Call).where(Call.id == proposal.call_id))
    assert found is not None  # a foreign key guarantees it
    return found


def _abroad_errors(
    part: ProposalPart, call: Call, based_in: str | None, sent: bool
) -> list[FieldError]:
    """A member based abroad only where the part's agency allows it in the call."""
    if not sent or based_in is None or based_in == part.agency.country:
        return []
    if checks.terms_for(call, part).members_abroad_allowed:
        return []
    code, country = part.agency.code, part.agency.country
    return [FieldError("based_in", ABROAD_NOT_ALLOWED(agency=code, country=country))]


_IDENTIFIERS = {"email": EMAIL_LISTED, "orcid": ORCID_LISTED, "erad_number": ERAD_LISTED}


def _check_unlisted(
    proposal: Proposal, sent: dict[str, Any], member: PartMember | None = None
) -> None:
    """Raises Conflict naming each of `sent`'s e-mail, ORCID iD and e-Rad number that another
    member of any part of the proposal (its PIs included) already has: one person, one entry."""
    others = [m for p in proposal.parts for m in p.members if m is not member]
    errors = [
        FieldError(name, listed())
        for name, listed in _IDENTIFIERS.items()
        if sent.get(name) and any(_same(name, getattr(m, name), sent[name]) for m in others)
    ]
    if errors:
        raise Conflict(ALREADY_LISTED(), errors=errors)


def _same(name: str, stored: str | None, sent: str) -> bool:
    if stored is None:
        return False
    return normalise(stored) == normalise(sent) if name == "email" else stored == sent


async def add_member(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    part: ProposalPart,
    data: schemas.MemberCreate,
    *,
    base_url: str,
    call: Call | None = None,
) -> PartMember:
    """List a person on the part's team, never linked to an account; a co-investigator is
    invited (mail queued, linking to `base_url`). Raises Forbidden, Invalid (e-Rad number off
    the Japanese side) and Conflict (not a draft, or the e-mail, ORCID iD or e-Rad number is
    already on any part's team)."""
    access.require_part_editor(principal, part, proposal)
    email = normalise(str(data.email))
    errors = _erad_errors(part, data.erad_number)
    if data.based_in is not None:
        errors += _abroad_errors(part, await _call(session, proposal, call), data.based_in, True)
    if errors:
        raise Invalid(ADD_REFUSED(), errors=errors)
    _check_unlisted(
        proposal, {"email": email, "orcid": data.orcid, "erad_number": data.erad_number}
    )
    member = PartMember(
        part_id=part.id,
        name=data.name,
        email=email,
        orcid=data.orcid,
        erad_number=data.erad_number,
        role=data.role,
        based_in=data.based_in,
    )
    part.members.append(member)
    await session.flush()
    changes: dict[str, Any] = {"part": str(part.id), "member": str(member.id)}
    changes |= {
        name: [None, getattr(member, name)]
        for name in MEMBER_FIELDS
        if name != "name" and (name != "based_in" or member.based_in)
    }
    if member.role == CO_INVESTIGATOR:
        invited = await invitations.invite_member(
            session, principal, proposal, part, member, base_url=base_url
        )
        changes["invitation"] = str(invited.id)
    await audit_change(session, proposal, principal.actor, "member_add", changes)
    return member


def _patch(
    proposal: Proposal,
    call: Call,
    part: ProposalPart,
    member: PartMember,
    data: schemas.MemberUpdate,
) -> dict[str, Any]:
    """The merge patch's values, checked: raises Invalid (a required field cleared, an e-Rad
    number off the Japanese side, the PI's role or e-mail) and Conflict (the e-mail, ORCID iD
    or e-Rad number is another member's on any part)."""
    sent = merge_patch(data, MEMBER_FIELDS, required=REQUIRED)
    errors = _erad_errors(part, sent.get("erad_number"))
    errors += _abroad_errors(part, call, sent.get("based_in"), sent="based_in" in sent)
    if member.role == "pi":
        if "role" in sent:
            errors.append(FieldError("role", PI_ROLE_FIXED()))
        if "email" in sent:
            errors.append(FieldError("email", PI_EMAIL_FIXED()))
    if errors:
        raise Invalid(UPDATE_REFUSED(), errors=errors)
    if "email" in sent:
        sent["email"] = normalise(str(sent["email"]))
    _check_unlisted(proposal, sent, member)
    return sent


async def update_member(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    part: ProposalPart,
    member: PartMember,
    data: schemas.MemberUpdate,
    *,
    base_url: str,
    call: Call | None = None,
) -> PartMember:
    """Merge-patch a member's name, e-mail, ORCID iD, e-Rad number or role (a PI stays PI).
    A new e-mail or role voids the pending invitation and unlinks the account; a member who
    is (still) a co-investigator is invited anew. Raises Forbidden, Conflict, StaleVersion and
    Invalid (see `_patch`)."""
    access.require_part_editor(principal, part, proposal)
    await lock_and_check(session, member, data.version)
    terms_of = await _call(session, proposal, call)
    changes: dict[str, Any] = apply_patch(member, _patch(proposal, terms_of, part, member, data))
    if {"email", "role"} & changes.keys():
        changes |= await _reinvite(session, principal, proposal, part, member, base_url)
    if changes:
        await audit_change(
            session,
            proposal,
            principal.actor,
            "member_update",
            {"member": str(member.id), **changes},
        )
    return member


async def _reinvite(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    part: ProposalPart,
    member: PartMember,
    base_url: str,
) -> dict[str, Any]:
    """The person behind the member may have changed: the old invitation and link end."""
    changes: dict[str, Any] = {}
    if member.user_id is not None:  # before any query autoflushes: one version bump
        changes["user_id"] = [member.user_id, None]
        member.user_id = None
    voided = await invitations.void_member_invitations(session, member)
    if voided:
        changes["invitations_voided"] = voided
    if member.role == CO_INVESTIGATOR:
        await session.flush()
        invited = await invitations.invite_member(
            session, principal, proposal, part, member, base_url=base_url
        )
        changes["invitation"] = str(invited.id)
    return changes


async def remove_member(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    part: ProposalPart,
    member: PartMember,
    version: int,
) -> None:
    """Take a person off the team, voiding their pending invitation. Raises Forbidden,
    StaleVersion (`version` is the member's the client saw) and Conflict (not a draft, or the
    part's PI)."""
    access.require_part_editor(principal, part, proposal)
    await lock_and_check(session, member, version)
    if member.role == "pi":
        raise Conflict(PI_NOT_REMOVABLE())
    changes: dict[str, Any] = {"member": str(member.id), "email": [member.email, None]}
    voided = await invitations.void_member_invitations(session, member)
    if voided:
        changes["invitations_voided"] = voided
    part.members.remove(member)
    await audit_change(session, proposal, principal.actor, "member_remove", changes)
