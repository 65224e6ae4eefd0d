"""Decisions and awards in `shared` co-funding mode: one budget, split between the agencies by
the call's fixed percentages.

Where the one budget lives: a proposal has one part per agency, each with its own budget; in
`shared` mode the joint budget is the **lead part's** (the part of the call's first co-funding
agency), in the lead agency's currency. Each agency's decision approves that joint grid (each
line at most what the lead part requested, within the lead agency's caps), and every agency
approves the same grid: the second approval must repeat the first (the two keys of one
budget). At the award each line is split by the percentages (largest remainder: every line's
parts add up to it), each agency's part converted once into its own currency with the latest
rate recorded on or before the award day (refused when there is none), checked against that
agency's envelope and stored on its grant side with the rate used (`GrantSideShare`); stored
amounts are never converted again.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import Answer, Purpose, Subject, answers
from grants.awards.budget_checks import approval_errors
from grants.awards.schemas import DecisionData
from grants.db.models import (
    ApprovedBudgetLine,
    BudgetLine,
    Call,
    CallAgency,
    FxRate,
    Grant,
    GrantSide,
    GrantSideShare,
    Proposal,
)
from grants.errors import Conflict, Invalid
from grants.fx.services import recorded_rates
from grants.money import Money, minor_exponent
from messages import define
from schedules.fx import Quote, convert_minor, pick_rate
from schedules.shares import Line, split_lines

JOINT_REFUSED = define(
    "decision.shared.refused",
    "The approved joint budget goes beyond what the {lead} part requested or {lead}'s caps.",
)
GRID_DIFFERS = define(
    "decision.shared.grid_differs",
    "{agency} approved another joint budget; in shared mode every agency approves the same one.",
)
NO_RATE = define(
    "award.shared.no_rate",
    "No {base}/{quote} rate (nor {quote}/{base}) is recorded on or before {day}: {agency}'s "
    "share cannot be converted. Record one, then decide again.",
)
SHARE_OVER_ENVELOPE = define(
    "award.shared.over_envelope",
    "{agency}'s share of {share} would take it past its envelope of {envelope}: {remaining} "
    "remain uncommitted.",
)


def lead(call: Call) -> CallAgency:
    """The agency whose part holds the joint budget: the call's first co-funder."""
    return call.agencies[0]


def _grid(lines: list[tuple[int, str, int]]) -> list[tuple[int, str, int]]:
    return sorted(lines)


async def checked_joint_total(
    session: AsyncSession, proposal: Proposal, call: Call, deciding: CallAgency, data: DecisionData
) -> int:
    """The approved joint budget's total; raises Invalid naming every refused line (another
    currency than the lead's, over the lead part's request or the lead's caps) and Conflict
    when another agency approved a different grid."""
    terms = lead(call)
    part = next(p for p in proposal.parts if p.agency_id == terms.agency_id)
    rows = await session.execute(
        select(BudgetLine.year, BudgetLine.category, BudgetLine.amount).where(
            BudgetLine.part_id == part.id
        )
    )
    requested = {(year, category): amount for year, category, amount in rows.tuples()}
    code = terms.agency.code
    errors = approval_errors(
        data.budget,
        requested,
        terms,
        agency=code,
        duration=proposal.duration_years,
        field="data.budget",
    )
    if errors:
        raise Invalid(JOINT_REFUSED(lead=code), errors=errors)
    await _same_as_others(session, proposal, call, deciding, data)
    return sum(line.amount for line in data.budget)


async def _same_as_others(
    session: AsyncSession, proposal: Proposal, call: Call, deciding: CallAgency, data: DecisionData
) -> None:
    # The subject of `grants.awards.decisions.funding` (which imports this module).
    subject = Subject("proposal", proposal.id, Purpose.FUNDING, 0)
    approved = {
        a.id: a
        for a in (await answers(session, subject)).values()
        if a.decision == Answer.APPROVE and a.agency_id != deciding.agency_id
    }
    if not approved:
        return
    rows = await session.execute(
        select(
            ApprovedBudgetLine.approval_id,
            ApprovedBudgetLine.year,
            ApprovedBudgetLine.category,
            ApprovedBudgetLine.amount,
        ).where(ApprovedBudgetLine.approval_id.in_(list(approved)))
    )
    grids: dict[uuid.UUID, list[Line]] = {a: [] for a in approved}
    for approval_id, year, category, amount in rows.tuples():
        grids[approval_id].append((year, category, amount))
    mine = _grid([(x.year, x.category, x.amount) for x in data.budget if x.amount])
    codes = {t.agency_id: t.agency.code for t in call.agencies}
    for approval_id, grid in grids.items():
        if _grid([x for x in grid if x[2]]) != mine:
            other = codes[approved[approval_id].agency_id]
            raise Conflict(GRID_DIFFERS(agency=other))


@dataclass(frozen=True, slots=True)
class SideShare:
    """One agency's part of the joint budget, in its own currency, and the rate used."""

    lines: list[Line]
    share: GrantSideShare


async def split_at_award(
    session: AsyncSession, call: Call, joint: list[Line], day: datetime.date
) -> dict[uuid.UUID, SideShare]:
    """Each agency's lines (split by the call's percentages, converted with the latest rate on
    or before `day`) and its share record, by agency id. Raises Conflict when a rate is
    missing or a share does not fit in its agency's envelope."""
    terms = list(call.agencies)
    joint_currency = lead(call).currency
    parts = split_lines(joint, [t.share_percent or 0 for t in terms])
    rates = await recorded_rates(session, {t.currency for t in terms}, joint_currency, day)
    committed = await _awarded(session, call)
    shares: dict[uuid.UUID, SideShare] = {}
    for t, part in zip(terms, parts, strict=True):
        quote = None
        if t.currency != joint_currency:
            quote = pick_rate(rates, joint_currency, t.currency, day)
            if quote is None:
                raise Conflict(
                    NO_RATE(base=joint_currency, quote=t.currency, day=day, agency=t.agency.code)
                )
        lines = [(y, c, _converted(a, joint_currency, t.currency, quote)) for y, c, a in part]
        _check_envelope(t, sum(a for _, _, a in lines), committed.get(t.agency_id, 0))
        record = await _share_record(session, t, joint_currency, sum(a for *_, a in joint), quote)
        shares[t.agency_id] = SideShare(lines, record)
    return shares


def _converted(amount: int, joint: str, own: str, quote: Quote | None) -> int:
    if quote is None:
        return amount
    return convert_minor(
        amount,
        quote.recorded.rate,
        from_exponent=minor_exponent(joint),
        to_exponent=minor_exponent(own),
        inverse=quote.inverse,
    )


async def _awarded(session: AsyncSession, call: Call) -> dict[uuid.UUID, int]:
    """Per agency, the awarded totals of its sides of the call's grants (one query)."""
    rows = await session.execute(
        select(GrantSide.agency_id, func.coalesce(func.sum(GrantSide.awarded_total), 0))
        .join(Grant, Grant.id == GrantSide.grant_id)
        .where(Grant.call_id == call.id)
        .group_by(GrantSide.agency_id)
    )
    return {agency: int(total) for agency, total in rows.tuples()}


def _check_envelope(terms: CallAgency, share: int, used: int) -> None:
    if terms.envelope is None or used + share <= terms.envelope:
        return
    money = terms.currency
    raise Conflict(
        SHARE_OVER_ENVELOPE(
            agency=terms.agency.code,
            share=Money(share, money),
            envelope=Money(terms.envelope, money),
            remaining=Money(max(terms.envelope - used, 0), money),
        )
    )


async def _share_record(
    session: AsyncSession, terms: CallAgency, joint: str, total: int, quote: Quote | None
) -> GrantSideShare:
    record = GrantSideShare(
        share_percent=terms.share_percent, joint_currency=joint, joint_total=total
    )
    if quote is not None:
        r = quote.recorded
        record.fx_rate_id = await session.scalar(
            select(FxRate.id).where(
                FxRate.rate_date == r.day,
                FxRate.base == r.base,
                FxRate.quote == r.quote,
                FxRate.source == r.source,
            )
        )
        record.rate_date, record.base, record.quote = r.day, r.base, r.quote
        record.rate, record.source, record.inverse = r.rate, r.source, quote.inverse
    return record
