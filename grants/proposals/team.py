"""Business verbs on one agency's part of a draft: host institution, team members, budget.

Only the part's own team (its PI and co-investigators) changes it, and only in a draft
(`access.require_part_editor`). Every change bumps the proposal's version and is audited;
every refusal happens before anything is written.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import Actor, append
from grants.db.models import BudgetLine, Call, PartMember, Proposal, ProposalPart, User
from grants.db.models.proposals import BUDGET_CATEGORIES
from grants.errors import Conflict, FieldError, Invalid, NotFound
from grants.money import MAX_AMOUNT, minor_exponent
from grants.proposals import access, checks, schemas
from grants.proposals.services import touch
from grants.security.principal import Principal


def find_part(proposal: Proposal, part_id: uuid.UUID) -> ProposalPart:
    """The proposal's part `part_id`; raises NotFound."""
    part = next((p for p in proposal.parts if p.id == part_id), None)
    if part is None:
        raise NotFound("No such part of this proposal.")
    return part


async def _audit(
    session: AsyncSession, proposal: Proposal, actor: Actor, action: str, changes: Any
) -> None:
    touch(proposal)
    await session.flush()
    await append(
        session,
        actor=actor,
        action=f"proposal.{action}",
        entity_type="proposal",
        entity_id=proposal.id,
        changes=changes,
    )


async def update_part(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    part: ProposalPart,
    data: schemas.PartUpdate,
) -> ProposalPart:
    """Set the part's host institution (ROR id, already validated, and its name)."""
    access.require_part_editor(principal, part, proposal)
    changes = {
        name: [getattr(part, name), getattr(data, name)]
        for name in data.model_fields_set
        if getattr(data, name) != getattr(part, name)
    }
    for name, (_, value) in changes.items():
        setattr(part, name, value)
    if changes:
        await _audit(
            session, proposal, principal.actor, "part_update", {"part": str(part.id), **changes}
        )
    return part


async def _co_investigator_account(session: AsyncSession, email: str) -> uuid.UUID | None:
    return await session.scalar(select(User.id).where(func.lower(User.email) == email.lower()))


def _erad_errors(part: ProposalPart, erad_number: str | None) -> list[FieldError]:
    if erad_number is not None and part.agency.country != "JP":
        return [
            FieldError("erad_number", "an e-Rad researcher number is for the Japanese side only")
        ]
    return []


async def add_member(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    part: ProposalPart,
    data: schemas.MemberCreate,
) -> PartMember:
    """Add a person to the part's team; a co-investigator with an account gets access.
    Raises Invalid (e-Rad number off the Japanese side) and Conflict (email already listed)."""
    access.require_part_editor(principal, part, proposal)
    email = str(data.email).strip().lower()
    errors = _erad_errors(part, data.erad_number)
    if errors:
        raise Invalid("The member cannot be added.", errors=errors)
    if any(m.email.lower() == email for m in part.members):
        raise Conflict(
            "This person is already on the team.", errors=[FieldError("email", "already listed")]
        )
    member = PartMember(
        part_id=part.id,
        name=data.name,
        email=email,
        orcid=data.orcid,
        erad_number=data.erad_number,
        role=data.role,
        user_id=await _co_investigator_account(session, email)
        if data.role == "co_investigator"
        else None,
    )
    part.members.append(member)
    await _audit(
        session,
        proposal,
        principal.actor,
        "member_add",
        {
            "part": str(part.id),
            "email": [None, email],
            "role": [None, data.role],
            "orcid": [None, data.orcid],
            "erad_number": [None, data.erad_number],
        },
    )
    return member


def find_member(
    proposal: Proposal, part_id: uuid.UUID, member_id: uuid.UUID
) -> tuple[ProposalPart, PartMember]:
    """The part `part_id` and its member `member_id`; raises NotFound."""
    part = find_part(proposal, part_id)
    member = next((m for m in part.members if m.id == member_id), None)
    if member is None:
        raise NotFound("No such member of this part.")
    return part, member


async def update_member(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    part: ProposalPart,
    member: PartMember,
    data: schemas.MemberUpdate,
) -> PartMember:
    """Change a member's name, ORCID iD, e-Rad number or role (a PI stays PI)."""
    access.require_part_editor(principal, part, proposal)
    errors = _erad_errors(part, data.erad_number)
    if member.role == "pi" and data.role is not None:
        errors.append(FieldError("role", "the PI's role does not change here"))
    if errors:
        raise Invalid("The member cannot be changed.", errors=errors)
    changes = {
        name: [getattr(member, name), getattr(data, name)]
        for name in data.model_fields_set
        if getattr(data, name) != getattr(member, name)
    }
    for name, (_, value) in changes.items():
        setattr(member, name, value)
    if "role" in changes:
        co_i = member.role == "co_investigator"
        member.user_id = await _co_investigator_account(session, member.email) if co_i else None
    if changes:
        await _audit(
            session,
            proposal,
            principal.actor,
            "member_update",
            {"member": str(member.id), **changes},
        )
    return member


async def remove_member(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    part: ProposalPart,
    member: PartMember,
) -> None:
    """Take a person off the team; the PI cannot be removed (Conflict)."""
    access.require_part_editor(principal, part, proposal)
    if member.role == "pi":
        raise Conflict("The part's PI cannot be removed from its team.")
    part.members.remove(member)
    await _audit(
        session,
        proposal,
        principal.actor,
        "member_remove",
        {
            "member": str(member.id),
            "email": [member.email, None],
        },
    )


def _line_errors(
    i: int, line: schemas.BudgetLineIn, currency: str, duration: int
) -> list[FieldError]:
    field = f"lines[{i}]"
    errors = []
    if not 1 <= line.year <= duration:
        errors.append(FieldError(f"{field}.year", f"a year of the project: 1 to {duration}"))
    if line.category not in BUDGET_CATEGORIES:
        errors.append(FieldError(f"{field}.category", f"one of {', '.join(BUDGET_CATEGORIES)}"))
    amount = line.amount
    if not isinstance(amount, int):
        unit = "has no minor unit" if minor_exponent(currency) == 0 else "is counted in minor units"
        errors.append(FieldError(f"{field}.amount", f"{currency} {unit}: give a whole number"))
    elif not 0 <= amount <= MAX_AMOUNT:
        errors.append(
            FieldError(f"{field}.amount", "must not be negative" if amount < 0 else "too large")
        )
    if line.currency != currency:
        errors.append(FieldError(f"{field}.currency", f"this part's budget is in {currency}"))
    return errors


def _validated_lines(data: schemas.BudgetReplace, currency: str, duration: int) -> list[BudgetLine]:
    errors: list[FieldError] = []
    seen: set[tuple[int, str]] = set()
    for i, line in enumerate(data.lines):
        errors += _line_errors(i, line, currency, duration)
        if (line.year, line.category) in seen:
            errors.append(
                FieldError(f"lines[{i}]", f"year {line.year} {line.category} is listed twice")
            )
        seen.add((line.year, line.category))
    if errors:
        raise Invalid("Some budget lines are invalid.", errors=errors)
    return [
        BudgetLine(
            year=line.year, category=line.category, amount=int(line.amount), currency=currency
        )
        for line in data.lines
    ]


async def replace_budget(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    call: Call,
    part: ProposalPart,
    data: schemas.BudgetReplace,
) -> ProposalPart:
    """Replace the part's whole budget. Raises Invalid naming every bad line's field (a year
    outside the project, an unknown category, a non-integer or negative amount, another
    currency than the agency's) and every year or total over the agency's caps. An indirect
    share over the limit is kept in a draft: the view warns and the submit guard refuses it."""
    access.require_part_editor(principal, part, proposal)
    terms = checks.terms_for(call, part)
    lines = _validated_lines(data, terms.currency, proposal.duration_years)
    breaches = checks.cap_breaches(lines, terms, part.agency.code, principal.locale)
    if breaches:
        raise Invalid(
            "The budget is over the call's caps.",
            errors=[FieldError("lines", breach) for breach in breaches],
        )
    before = [[b.year, b.category, b.amount] for b in part.budget]
    part.budget.clear()
    await session.flush()
    part.budget.extend(lines)
    await _audit(
        session,
        proposal,
        principal.actor,
        "budget_replace",
        {
            "part": str(part.id),
            "currency": terms.currency,
            "lines": [before, [[b.year, b.category, b.amount] for b in lines]],
        },
    )
    return part
