"""After the award: what a grant side's enterprise partners actually contributed, as each
year's financial statement reports it, against what they committed for that year."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.agreements import schemas
from grants.awards.schemas import Amount
from grants.db.models import EnterprisePartner, FinancialStatement, PartnerActual
from grants.db.models.partners import CONTRIBUTION_KINDS
from grants.errors import FieldError
from grants.money import MAX_AMOUNT
from grants.partners.services import (
    IN_MINOR_UNITS,
    NEGATIVE,
    NO_MINOR_UNIT,
    OTHER_CURRENCY,
    TOO_LARGE,
    UNKNOWN_KIND,
    exponent,
)
from messages import define

PARTNER_TWICE = define(
    "statement.contribution.listed_twice", "this partner's {kind} contribution is listed twice"
)
NOT_A_PARTNER = define(
    "statement.contribution.not_a_partner", "not an enterprise partner of {agency}'s side"
)


async def partners_of(
    session: AsyncSession, part_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[EnterprisePartner]]:
    """The partners (with their commitments) of each part, in the order they were listed."""
    found: dict[uuid.UUID, list[EnterprisePartner]] = {p: [] for p in part_ids}
    rows = await session.scalars(
        select(EnterprisePartner)
        .where(EnterprisePartner.part_id.in_(list(found)))
        .order_by(EnterprisePartner.created_at, EnterprisePartner.id)
    )
    for row in rows:
        found[row.part_id].append(row)
    return found


async def actuals_of(
    session: AsyncSession, statement_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[PartnerActual]]:
    """The actual contributions each statement reports."""
    found: dict[uuid.UUID, list[PartnerActual]] = {s: [] for s in statement_ids}
    for row in await session.scalars(
        select(PartnerActual).where(PartnerActual.statement_id.in_(list(found)))
    ):
        found[row.statement_id].append(row)
    return found


def actual_rows(
    sent: Sequence[schemas.ActualContributionIn], partners: Sequence[EnterprisePartner], agency: str
) -> tuple[list[PartnerActual], list[FieldError]]:
    """Rows of the valid contributions, and an error naming each field of the others: not a
    partner of the side, an unknown kind, a decimal, negative or too large amount, another
    currency than the partner's, a partner and kind listed twice."""
    by_id = {p.id: p for p in partners}
    rows: list[Any] = []
    errors: list[FieldError] = []
    seen: set[tuple[Any, str]] = set()
    for i, c in enumerate(sent):
        field, before = f"contributions[{i}]", len(errors)
        partner = by_id.get(c.partner_id)
        if partner is None:
            errors.append(FieldError(f"{field}.partner_id", NOT_A_PARTNER(agency=agency)))
        if c.kind not in CONTRIBUTION_KINDS:
            errors.append(FieldError(f"{field}.kind", UNKNOWN_KIND()))
        currency = partner.currency if partner else c.currency
        if not isinstance(c.amount, int):
            whole = NO_MINOR_UNIT if exponent(currency) == 0 else IN_MINOR_UNITS
            errors.append(FieldError(f"{field}.amount", whole(currency=currency)))
        elif not 0 <= c.amount <= MAX_AMOUNT:
            reason = NEGATIVE() if c.amount < 0 else TOO_LARGE()
            errors.append(FieldError(f"{field}.amount", reason))
        if partner is not None and c.currency != partner.currency:
            errors.append(FieldError(f"{field}.currency", OTHER_CURRENCY(currency=currency)))
        if (c.partner_id, c.kind) in seen:
            errors.append(FieldError(field, PARTNER_TWICE(kind=c.kind)))
        seen.add((c.partner_id, c.kind))
        if len(errors) == before:
            rows.append(
                PartnerActual(
                    partner_id=c.partner_id, kind=c.kind, amount=int(c.amount), currency=currency
                )
            )
    return rows, errors


def partner_years(
    statement: FinancialStatement,
    partners: Sequence[EnterprisePartner],
    actuals: Sequence[PartnerActual],
) -> list[schemas.PartnerYear]:
    """Each partner of the side: committed for the statement's year against actual."""
    reported = {(a.partner_id, a.kind): a.amount for a in actuals}
    years = []
    for p in partners:
        committed = {c.kind: c.amount for c in p.contributions if c.year == statement.year}

        def money(value: int, currency: str = p.currency) -> Amount:
            return Amount(amount=value, currency=currency)

        years.append(
            schemas.PartnerYear(
                partner_id=p.id,
                legal_name_en=p.legal_name_en,
                committed_cash=money(committed.get("cash", 0)),
                committed_in_kind=money(committed.get("in_kind", 0)),
                actual_cash=money(reported.get((p.id, "cash"), 0)),
                actual_in_kind=money(reported.get((p.id, "in_kind"), 0)),
            )
        )
    return years
