"""Enterprise contributions beside the agencies' money: per co-funding agency of a call, what
the partners on its grants' sides committed and actually contributed (the latest version of
each year's financial statement), counted in the agency's currency, and the leverage ratio
(enterprise contributions per unit of agency funding). A fixed number of queries whatever the
number of grants and partners. Partners never receive agency money: these figures stand beside
the agencies', never in them."""

from __future__ import annotations

import datetime
import uuid

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.awards.schemas import Amount
from grants.db.models import (
    Call,
    EnterprisePartner,
    FinancialStatement,
    Grant,
    GrantSide,
    PartnerActual,
    PartnerContribution,
)
from grants.fx.services import recorded_rates
from grants.partners import matching
from grants.reporting import schemas

Sums = dict[uuid.UUID, list[tuple[int, str]]]


async def _committed(session: AsyncSession, call: Call) -> Sums:
    """Per agency: (amount, currency) committed by the partners on its sides of the call's
    grants."""
    rows = await session.execute(
        select(
            GrantSide.agency_id, PartnerContribution.currency, func.sum(PartnerContribution.amount)
        )
        .join(EnterprisePartner, EnterprisePartner.id == PartnerContribution.partner_id)
        .join(GrantSide, GrantSide.part_id == EnterprisePartner.part_id)
        .join(Grant, Grant.id == GrantSide.grant_id)
        .where(Grant.call_id == call.id)
        .group_by(GrantSide.agency_id, PartnerContribution.currency)
    )
    found: Sums = {}
    for agency, currency, total in rows.tuples():
        found.setdefault(agency, []).append((int(total or 0), currency))
    return found


async def _actual(session: AsyncSession, call: Call) -> Sums:
    """Per agency: (amount, currency) the latest statement of each side and year reports."""
    latest = (
        select(
            FinancialStatement.side_id,
            FinancialStatement.year,
            func.max(FinancialStatement.version).label("version"),
        )
        .join(Grant, Grant.id == FinancialStatement.grant_id)
        .where(Grant.call_id == call.id)
        .group_by(FinancialStatement.side_id, FinancialStatement.year)
        .subquery()
    )
    rows = await session.execute(
        select(GrantSide.agency_id, PartnerActual.currency, func.sum(PartnerActual.amount))
        .join(FinancialStatement, FinancialStatement.id == PartnerActual.statement_id)
        .join(
            latest,
            and_(
                latest.c.side_id == FinancialStatement.side_id,
                latest.c.year == FinancialStatement.year,
                latest.c.version == FinancialStatement.version,
            ),
        )
        .join(GrantSide, GrantSide.id == FinancialStatement.side_id)
        .group_by(GrantSide.agency_id, PartnerActual.currency)
    )
    found: Sums = {}
    for agency, currency, total in rows.tuples():
        found.setdefault(agency, []).append((int(total or 0), currency))
    return found


async def call_enterprise(
    session: AsyncSession, call: Call, funded: dict[uuid.UUID, int], as_of: datetime.date
) -> dict[uuid.UUID, schemas.EnterpriseMoney]:
    """Per co-funding agency of `call`: its funding (`funded`, the awarded totals), the
    enterprise contributions committed and actual in its currency (converted with the rates
    recorded on or before `as_of`), and the leverage ratios."""
    committed, actual = await _committed(session, call), await _actual(session, call)
    found = {}
    for terms in call.agencies:
        agency, currency = terms.agency_id, terms.currency
        mine = committed.get(agency, []) + actual.get(agency, [])
        foreign = {c for _, c in mine} - {currency}
        rates = await recorded_rates(session, foreign, currency, as_of) if foreign else []
        promised = matching.counted_in(committed.get(agency, []), currency, rates, as_of)
        given = matching.counted_in(actual.get(agency, []), currency, rates, as_of)
        funding = funded.get(agency, 0)
        found[agency] = schemas.EnterpriseMoney(
            funding=Amount(amount=funding, currency=currency),
            committed=Amount(amount=promised.total, currency=currency),
            actual=Amount(amount=given.total, currency=currency),
            leverage=matching.leverage(promised.total, funding),
            actual_leverage=matching.leverage(given.total, funding),
            unconverted=sorted(set(promised.unconverted) | set(given.unconverted)),
        )
    return found
