"""The grant created when every co-funding agency approved: one side per agency with its
grant number, awarded total, the approved grid and its tranche schedule on the agency's fiscal
calendar, and the joint progress reports (and mid-term gate), in the award's transaction. In
`shared` mode each side's grid is its share of the joint budget, converted once
(`grants.awards.shared`), read under the agencies' row locks."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import answers
from grants.audit.chain import append
from grants.awards import numbers, shared
from grants.awards.dates import project_end
from grants.awards.decisions import approved_grids, funding
from grants.db.models import (
    Agency,
    Call,
    Grant,
    GrantBudgetLine,
    GrantSide,
    GrantSideShare,
    Proposal,
    Tranche,
)
from grants.errors import Conflict
from grants.fx.checks import rate_text
from grants.reports.planning import planned_reports
from grants.times import fiscal_year_of, utcnow
from grants.tranches.planning import side_tranches
from grants.workflow.binding import Firing
from messages import define
from workflows.machines.grant import GrantState

END_OUT_OF_RANGE = define(
    "grant.dates.out_of_range",
    "A project starting on {start} for {years} years would end after the year 9999.",
)
NUMBERS_EXHAUSTED = define(
    "grant.number.exhausted",
    "{agency}'s grant number pattern {pattern} has no number left after {last}.",
)


async def create_grant(
    session: AsyncSession, proposal: Proposal, call: Call, firing: Firing
) -> dict[str, Any]:
    """Create the proposal's grant from the agencies' approvals (the award's guards ensure
    every co-funding agency approved) and audit it; returns the award's audit detail. Raises
    Conflict when an agency's pattern has no number left or the end date is beyond 9999."""
    try:
        end = project_end(proposal.planned_start, proposal.duration_years)
    except ValueError as beyond:
        start, years = proposal.planned_start, proposal.duration_years
        raise Conflict(END_OUT_OF_RANGE(start=start, years=years)) from beyond
    approvals = await answers(session, funding(proposal))
    grids = await approved_grids(session, (a.id for a in approvals.values()))
    agencies = await _locked_agencies(session, [t.agency_id for t in call.agencies])
    shares = None
    if call.cofunding_mode == "shared":
        lead = grids.get(approvals[shared.lead(call).agency_id].id, [])
        joint = [(x.year, x.category, x.amount) for x in lead]
        shares = await shared.split_at_award(session, call, joint, utcnow().date())
    grant = Grant(
        proposal_id=proposal.id,
        call_id=call.id,
        state=GrantState.ACTIVE,
        start_date=proposal.planned_start,
        end_date=end,
        duration_years=proposal.duration_years,
    )
    for position, terms in enumerate(call.agencies):
        agency, approval = agencies[terms.agency_id], approvals[terms.agency_id]
        lines = [(x.year, x.category, x.amount) for x in grids.get(approval.id, [])]
        if shares is not None:
            lines = shares[agency.id].lines
        scope, seq, number = await _next_number(session, agency, call, grant)
        grant.sides.append(
            GrantSide(
                agency_id=agency.id,
                part_id=next(p.id for p in proposal.parts if p.agency_id == agency.id),
                decision_id=approval.id,
                position=position,
                number=number,
                number_scope=scope,
                number_seq=seq,
                currency=terms.currency,
                awarded_total=sum(amount for _, _, amount in lines),
                lines=[GrantBudgetLine(year=y, category=c, amount=a) for y, c, a in lines],
            )
        )
    session.add(grant)
    await session.flush()
    if shares is not None:
        for side in grant.sides:
            shares[side.agency_id].share.side_id = side.id
        session.add_all(s.share for s in shares.values())
    schedules = {
        side.id: side_tranches(
            side,
            grant.start_date,
            grant.duration_years,
            agencies[side.agency_id].fiscal_year_start_month,
        )
        for side in grant.sides
    }
    session.add_all([t for planned in schedules.values() for t in planned])
    session.add_all(planned_reports(grant))
    await session.flush()
    detail = _detail(grant, agencies, schedules)
    if shares is not None:
        for side in detail["sides"]:
            agency_id = next(a.id for a in agencies.values() if a.code == side["agency"])
            side["share"] = _share_detail(shares[agency_id].share)
    await append(
        session,
        actor=firing.principal.actor,
        action="grant.create",
        entity_type="grant",
        entity_id=grant.id,
        changes={"proposal": str(proposal.id), "state": [None, grant.state], **detail},
        request_id=firing.request_id,
    )
    return {"grant": {"id": str(grant.id), **detail}}


def _detail(
    grant: Grant, agencies: dict[uuid.UUID, Agency], schedules: dict[uuid.UUID, list[Tranche]]
) -> dict[str, Any]:
    return {
        "start_date": grant.start_date.isoformat(),
        "end_date": grant.end_date.isoformat(),
        "sides": [
            {
                "agency": agencies[s.agency_id].code,
                "number": s.number,
                "awarded": {"amount": s.awarded_total, "currency": s.currency},
                "tranches": [
                    {"label": t.label, "due": t.due_date.isoformat(), "amount": t.planned_amount}
                    for t in schedules[s.id]
                ],
            }
            for s in grant.sides
        ],
    }


def _share_detail(share: GrantSideShare) -> dict[str, Any]:
    """What the audit records of a shared-mode side's share and the rate it was converted with."""
    detail: dict[str, Any] = {
        "percent": share.share_percent,
        "joint_total": {"amount": share.joint_total, "currency": share.joint_currency},
    }
    if share.rate is not None and share.rate_date is not None:
        detail["rate"] = {
            "rate": rate_text(share.rate),
            "rate_date": share.rate_date.isoformat(),
            "base": share.base,
            "quote": share.quote,
            "source": share.source,
            "inverse": share.inverse,
        }
    return detail


async def _locked_agencies(
    session: AsyncSession, agency_ids: list[uuid.UUID]
) -> dict[uuid.UUID, Agency]:
    """The agencies, locked in id order (awards of several proposals number one at a time per
    agency, and never wait on each other in a cycle)."""
    rows = await session.scalars(
        select(Agency)
        .where(Agency.id.in_(agency_ids))
        .order_by(Agency.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {agency.id: agency for agency in rows}


async def _next_number(
    session: AsyncSession, agency: Agency, call: Call, grant: Grant
) -> tuple[str, int, str]:
    """The scope, sequence and number of the agency's next grant (under its row lock)."""
    pattern = numbers.parse(agency.grant_number_pattern or numbers.DEFAULT_PATTERN)
    fiscal_year = fiscal_year_of(grant.start_date, agency.fiscal_year_start_month)
    parts = numbers.NumberParts(agency.code, call.code, fiscal_year)
    scope = pattern.scope(parts)
    last = await session.scalar(
        select(func.max(GrantSide.number_seq)).where(
            GrantSide.agency_id == agency.id, GrantSide.number_scope == scope
        )
    )
    seq = int(last or 0) + 1
    if seq > pattern.capacity:
        last_number = pattern.number(parts, pattern.capacity)
        raise Conflict(
            NUMBERS_EXHAUSTED(agency=agency.code, pattern=pattern.text, last=last_number)
        )
    return scope, seq, pattern.number(parts, seq)
