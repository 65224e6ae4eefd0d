"""A call's money per co-funding agency: its envelope, what its grants committed, what was
requested, approved and paid, and what remains; in its own currency and converted. A fixed
number of queries whatever the number of grants and tranches."""

from __future__ import annotations

import datetime
import uuid
from typing import cast

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from grants.awards.schemas import Amount
from grants.calls.schemas import CofundingMode
from grants.db.models import Call, CallAgency, Grant, GrantSide, Tranche
from grants.fx.services import recorded_rates
from grants.partners.money import call_enterprise
from grants.reporting import schemas
from grants.reporting.conversion import convert, figures_remaining
from workflows.machines.tranche import TrancheState


async def _committed(session: AsyncSession, call: Call) -> dict[uuid.UUID, tuple[int, int]]:
    """Per agency: the awarded totals of its sides of the call's grants and their number."""
    rows = await session.execute(
        select(
            GrantSide.agency_id,
            func.coalesce(func.sum(GrantSide.awarded_total), 0),
            func.count(GrantSide.id),
        )
        .join(Grant, Grant.id == GrantSide.grant_id)
        .where(Grant.call_id == call.id)
        .group_by(GrantSide.agency_id)
    )
    return {agency: (int(total), int(n)) for agency, total, n in rows.tuples()}


def _sum_in(state: TrancheState, column: InstrumentedAttribute[int | None]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((Tranche.state == state, column), else_=0)), 0)


async def _paid(session: AsyncSession, call: Call) -> dict[uuid.UUID, tuple[int, int, int]]:
    """Per agency: amounts requested (awaiting approval), approved (awaiting payment) and
    disbursed, over the tranches of the call's grants."""
    rows = await session.execute(
        select(
            GrantSide.agency_id,
            _sum_in(TrancheState.REQUESTED, Tranche.requested_amount),
            _sum_in(TrancheState.APPROVED, Tranche.approved_amount),
            func.coalesce(func.sum(Tranche.disbursed_amount), 0),
        )
        .join(GrantSide, GrantSide.id == Tranche.side_id)
        .join(Grant, Grant.id == Tranche.grant_id)
        .where(Grant.call_id == call.id)
        .group_by(GrantSide.agency_id)
    )
    return {a: (int(r), int(ap), int(d or 0)) for a, r, ap, d in rows.tuples()}


def _figures(terms: CallAgency, committed: int, paid: tuple[int, int, int]) -> schemas.MoneyFigures:
    def amount(value: int) -> Amount:
        return Amount(amount=value, currency=terms.currency)

    envelope = None if terms.envelope is None else amount(terms.envelope)
    spent = amount(committed)
    return schemas.MoneyFigures(
        envelope=envelope,
        committed=spent,
        requested=amount(paid[0]),
        approved_not_disbursed=amount(paid[1]),
        disbursed=amount(paid[2]),
        remaining=figures_remaining(envelope, spent),
    )


async def call_money(
    session: AsyncSession,
    call: Call,
    *,
    target: str | None,
    as_of: datetime.date,
    locale: str,
) -> schemas.CallMoney:
    """The call's money per agency in the call's agency order; converted to `target` with the
    rates recorded on or before `as_of` when a target is given. Changes nothing."""
    committed = await _committed(session, call)
    paid = await _paid(session, call)
    funded = {agency: total for agency, (total, _) in committed.items()}
    enterprise = await call_enterprise(session, call, funded, as_of)
    currencies = {t.currency for t in call.agencies}
    rates = await recorded_rates(session, currencies, target, as_of) if target else []
    agencies = []
    for terms in call.agencies:
        total, _ = committed.get(terms.agency_id, (0, 0))
        figures = _figures(terms, total, paid.get(terms.agency_id, (0, 0, 0)))
        code = terms.agency.code
        converted = None
        if target:
            converted = convert(
                figures,
                agency=code,
                currency=terms.currency,
                target=target,
                rates=rates,
                as_of=as_of,
                locale=locale,
            )
        agencies.append(
            schemas.AgencyMoney(
                agency=code,
                currency=terms.currency,
                share_percent=terms.share_percent,
                figures=figures,
                converted=converted,
                enterprise=enterprise[terms.agency_id],
            )
        )
    return schemas.CallMoney(
        call_id=call.id,
        call_code=call.code,
        cofunding_mode=cast(CofundingMode, call.cofunding_mode),  # the CHECK holds it
        as_of=as_of,
        grants=max((n for _, n in committed.values()), default=0),
        agencies=agencies,
        consolidated=None if target is None else _consolidated(agencies, target),
    )


def _consolidated(agencies: list[schemas.AgencyMoney], target: str) -> schemas.Consolidated:
    """Every agency's converted figures added; an envelope only when every agency has one."""
    converted = [a.converted for a in agencies if a.converted is not None]
    missing = [c.reason for c in converted if c.reason is not None]
    if missing:
        return schemas.Consolidated(currency=target, figures=None, reasons=missing)
    parts = [c.figures for c in converted if c.figures is not None]

    def total(name: str) -> Amount:
        values = [getattr(p, name) for p in parts]
        return Amount(amount=sum(v.amount for v in values), currency=target)

    envelopes = [p.envelope for p in parts]
    envelope = None if None in envelopes else total("envelope")
    committed = total("committed")
    figures = schemas.MoneyFigures(
        envelope=envelope,
        committed=committed,
        requested=total("requested"),
        approved_not_disbursed=total("approved_not_disbursed"),
        disbursed=total("disbursed"),
        remaining=figures_remaining(envelope, committed),
    )
    return schemas.Consolidated(currency=target, figures=figures, reasons=[])
