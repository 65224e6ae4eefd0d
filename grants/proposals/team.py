"""Business verbs on one agency's part of a draft: host institution and budget (its team
members are in `members`).

Only the part's own team (its PI and co-investigators) changes it, and only in a draft
(`access.require_part_editor`), under the part's version the client saw (`lock_and_check`).
Every change bumps the proposal's version and is audited; every refusal happens before
anything is written.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.common.actors import Actor
from grants.common.edits import Versioned, apply_patch, check_version, merge_patch
from grants.db.models import BudgetLine, Call, Proposal, ProposalPart
from grants.db.models.proposals import BUDGET_CATEGORIES
from grants.errors import FieldError, Invalid, NotFound
from grants.money import MAX_AMOUNT, minor_exponent
from grants.proposals import access, checks, queries, schemas
from grants.proposals.services import touch
from grants.security.principal import Principal
from grants.times import utcnow
from messages import define

PART_FIELDS = ("institution_ror", "institution_name")

NO_SUCH_PART = define("part.not_found", "No such part of this proposal.")
YEAR_OUTSIDE = define("budget.line.year_outside", "a year of the project: 1 to {duration}")
UNKNOWN_CATEGORY = define(
    "budget.line.unknown_category", "not a budget category; the categories are {categories}"
)
NO_MINOR_UNIT = define(
    "budget.line.no_minor_unit", "{currency} has no minor unit: give a whole number"
)
IN_MINOR_UNITS = define(
    "budget.line.in_minor_units", "{currency} is counted in minor units: give a whole number"
)
NEGATIVE = define("budget.line.negative", "must not be negative")
TOO_LARGE = define("budget.line.too_large", "too large")
OTHER_CURRENCY = define("budget.line.other_currency", "this part's budget is in {currency}")
LISTED_TWICE = define("budget.line.listed_twice", "year {year} {category} is listed twice")
LINES_INVALID = define("budget.lines_invalid", "Some budget lines are invalid.")
OVER_CAPS = define("budget.over_caps", "The budget is over the call's caps.")


def find_part(proposal: Proposal, part_id: uuid.UUID) -> ProposalPart:
    """The proposal's part `part_id`; raises NotFound."""
    part = next((p for p in proposal.parts if p.id == part_id), None)
    if part is None:
        raise NotFound(NO_SUCH_PART())
    return part


async def lock_and_check(session: AsyncSession, entity: Versioned, seen: int) -> None:
    """Lock the row (PostgreSQL `FOR UPDATE`: a racing writer waits, then reads the version
    the winner committed) and compare it with the version the client saw. Raises
    StaleVersion before anything is written."""
    await session.refresh(entity, with_for_update=True)
    check_version(entity, seen)


async def audit_change(
    session: AsyncSession, proposal: Proposal, actor: Actor, action: str, changes: Any
) -> None:
    """Flush the change, bump the proposal's version and append the `proposal.<action>`
    audit event."""
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
    """Merge-patch the part's host institution (ROR id, already validated, and its name;
    `null` clears one). Raises Forbidden, Conflict (not a draft) and StaleVersion."""
    access.require_part_editor(principal, part, proposal)
    await lock_and_check(session, part, data.version)
    changes = apply_patch(part, merge_patch(data, PART_FIELDS))
    if changes:
        await audit_change(
            session, proposal, principal.actor, "part_update", {"part": str(part.id), **changes}
        )
    return part


def _line_errors(
    i: int, line: schemas.BudgetLineIn, currency: str, duration: int
) -> list[FieldError]:
    field = f"lines[{i}]"
    errors = []
    if not 1 <= line.year <= duration:
        errors.append(FieldError(f"{field}.year", YEAR_OUTSIDE(duration=duration)))
    if line.category not in BUDGET_CATEGORIES:
        categories = list(BUDGET_CATEGORIES)
        errors.append(FieldError(f"{field}.category", UNKNOWN_CATEGORY(categories=categories)))
    amount = line.amount
    if not isinstance(amount, int):
        whole = NO_MINOR_UNIT if minor_exponent(currency) == 0 else IN_MINOR_UNITS
        errors.append(FieldError(f"{field}.amount", whole(currency=currency)))
    elif not 0 <= amount <= MAX_AMOUNT:
        errors.append(FieldError(f"{field}.amount", NEGATIVE() if amount < 0 else TOO_LARGE()))
    if line.currency != currency:
        errors.append(FieldError(f"{field}.currency", OTHER_CURRENCY(currency=currency)))
    return errors


def _validated_lines(
    data: schemas.BudgetReplace, currency: str, duration: int
) -> tuple[list[BudgetLine], list[FieldError]]:
    """The lines that are valid, as rows, and an error naming each field of the others."""
    errors: list[FieldError] = []
    valid: list[BudgetLine] = []
    seen: set[tuple[int, str]] = set()
    for i, line in enumerate(data.lines):
        line_errors = _line_errors(i, line, currency, duration)
        if (line.year, line.category) in seen:
            line_errors.append(
                FieldError(f"lines[{i}]", LISTED_TWICE(year=line.year, category=line.category))
            )
        seen.add((line.year, line.category))
        errors += line_errors
        if not line_errors:
            valid.append(
                BudgetLine(
                    year=line.year,
                    category=line.category,
                    amount=int(line.amount),
                    currency=currency,
                )
            )
    return valid, errors


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
    share over the limit is kept in a draft: the view warns and the submit guard refuses it.
    Raises StaleVersion when the client saw another version of the part; replacing the budget
    bumps it, so of two people editing one budget the second is refused, not overwriting."""
    access.require_part_editor(principal, part, proposal)
    await lock_and_check(session, part, data.version)
    terms = checks.terms_for(call, part)
    lines, errors = _validated_lines(data, terms.currency, proposal.duration_years)
    # The valid lines alone may already break a cap: say so with the bad lines, at once.
    breaches = checks.cap_breaches(lines, terms, part.agency.code)
    errors += [FieldError("lines", breach) for breach in breaches]
    if errors:
        detail = LINES_INVALID() if len(lines) < len(data.lines) else OVER_CAPS()
        raise Invalid(detail, errors=errors)
    await queries.load_budgets(session, proposal)
    before = [[b.year, b.category, b.amount] for b in part.budget]
    part.updated_at = utcnow()  # the budget lives in its own rows: this bumps the part's version
    part.budget.clear()
    await session.flush()
    part.budget.extend(lines)
    await audit_change(
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
