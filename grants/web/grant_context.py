"""What the grant page shows, read through the same functions as the grant API: the grant and
its sides (`grant_detail`), both agencies' tranches on their fiscal calendars (`grant_tranches`)
with what each waits for (`tranche_waits`), the progress reports and the mid-term gate, the
amendments, and for each the workflow's events this reader may fire (the same options as
`GET …/transitions`)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.amendments import services as amendments
from grants.amendments.schemas import Amendment
from grants.awards.views import grant_detail
from grants.bindings import AMENDMENTS, GATES, REPORTS, TRANCHES
from grants.common.pagination import Window
from grants.db.models import Call, Grant, MidtermGate, Proposal, Tranche
from grants.db.models.proposals import BUDGET_CATEGORIES
from grants.reports.tranche_facts import tranche_waits
from grants.reports.views import grant_reports, one_gate
from grants.security import policy
from grants.security.principal import Principal
from grants.tranches.schemas import Tranche as TrancheView
from grants.tranches.views import grant_tranches
from grants.web.reviewer_pages import Action, actions
from grants.web.terms import STATES
from messages import render
from workflows.machines.amendment import AmendmentState
from workflows.machines.midterm_gate import GateState
from workflows.machines.progress_report import ReportState
from workflows.machines.tranche import (
    MIDTERM_GATE_PENDING,
    PREVIOUS_REPORT_PENDING,
    TrancheState,
)

SETTLED = frozenset({TrancheState.DISBURSED, TrancheState.WITHHELD})
WAITING = frozenset({TrancheState.PLANNED, TrancheState.RETURNED, TrancheState.REQUESTED})


@dataclass(frozen=True, slots=True)
class TrancheRow:
    """One tranche as the page draws it: its figures, where it sits on the project's timeline
    (percentages of the project's days, applied by grant.js), what it waits for and the
    reader's actions on it."""

    tranche: TrancheView
    offset: str
    width: str
    waits: tuple[str, ...]
    actions: list[Action]


@dataclass(frozen=True, slots=True)
class SideRow:
    agency: str
    number: str
    currency: str
    awarded: int
    disbursed: int
    tranches: list[TrancheRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Answerable:
    """A report, the gate or an amendment with the reader's actions on it."""

    item: Any
    actions: list[Action]


async def grant_context(
    session: AsyncSession,
    principal: Principal,
    grant: Grant,
    proposal: Proposal,
    call: Call,
    roles: frozenset[str],
    locale: str,
) -> dict[str, Any]:
    detail = await grant_detail(session, grant, proposal, call)
    officers = policy.tranche_officers_shown(roles)
    tranches = await grant_tranches(session, grant.id, officers=officers)
    rows = {
        t.id: t for t in await session.scalars(select(Tranche).where(Tranche.grant_id == grant.id))
    }
    sides = []
    for side in detail.sides:
        own = [t for t in tranches if t.agency == side.agency]
        first_live = next((t.id for t in own if t.state not in SETTLED), None)
        sides.append(
            SideRow(
                side.agency,
                side.number,
                side.awarded.currency,
                side.awarded.amount,
                sum(t.disbursed.amount.amount for t in own if t.disbursed),
                [
                    await _row(
                        session, principal, grant, call, rows[t.id], t, locale, t.id == first_live
                    )
                    for t in own
                ],
            )
        )
    reports = [
        Answerable(
            r,
            await _actions(
                session, REPORTS, r.id, principal, locale, r.state == ReportState.SUBMITTED
            ),
        )
        for r in await grant_reports(session, grant.id, officers=officers)
    ]
    gate = await _gate(session, principal, grant.id, officers, locale)
    page = await amendments.list_amendments(session, principal, grant.id, Window(100, 0))
    changes = [
        Answerable(
            a,
            await _actions(
                session, AMENDMENTS, a.id, principal, locale, a.state == AmendmentState.REQUESTED
            ),
        )
        for a in page.items
    ]
    return {
        "grant": detail,
        "sides": sides,
        "years": _years(grant.start_date, grant.end_date),
        "reports": reports,
        "gate": gate,
        "amendments": changes,
        "is_officer": "cofunding_officer" in roles,
        "is_pi": "pi" in roles,
        "own_agency": _own_agency(principal, call),
        "categories_options": [
            (c, render(STATES[f"category.{c}"](), locale)) for c in BUDGET_CATEGORIES
        ],
    }


def _own_agency(principal: Principal, call: Call) -> str | None:
    return next(
        (t.agency.code for t in call.agencies if t.agency_id == principal.officer_agency_id),
        None,
    )


async def _row(
    session: AsyncSession,
    principal: Principal,
    grant: Grant,
    call: Call,
    row: Tranche,
    view: TrancheView,
    locale: str,
    first_live: bool,
) -> TrancheRow:
    """The tranche's row; its refused actions are shown on the side's first tranche still
    open only (the later ones wait for the same, which their row says)."""
    total = max((grant.end_date - grant.start_date).days, 1)
    start = max((row.first_day - grant.start_date).days, 0)
    days = (row.last_day - row.first_day).days + 1
    waits: tuple[str, ...] = ()
    if row.state in WAITING:
        found = await tranche_waits(session, row, call)
        said = []
        if found.report_pending:
            said.append(render(PREVIOUS_REPORT_PENDING(agencies=found.report_pending), locale))
        if found.gate_pending:
            said.append(render(MIDTERM_GATE_PENDING(), locale))
        waits = tuple(said)
    live = row.state not in SETTLED
    allowed = await _actions(session, TRANCHES, row.id, principal, locale, live)
    return TrancheRow(
        view,
        f"{100 * start / total:.2f}",
        f"{min(100 * days / total, 100 - 100 * start / total):.2f}",
        waits,
        [a for a in allowed if a.allowed or first_live],
    )


async def _actions(
    session: AsyncSession,
    binding: Any,
    entity_id: uuid.UUID,
    principal: Principal,
    locale: str,
    live: bool,
) -> list[Action]:
    if not live:
        return []
    return await actions(session, binding, entity_id, principal, locale)


async def _gate(
    session: AsyncSession, principal: Principal, grant_id: uuid.UUID, officers: bool, locale: str
) -> Answerable | None:
    gate = await session.scalar(select(MidtermGate).where(MidtermGate.grant_id == grant_id))
    if gate is None:
        return None
    view = await one_gate(session, gate, officers=officers)
    live = view.state not in (GateState.PASSED, GateState.FAILED)
    return Answerable(view, await _actions(session, GATES, gate.id, principal, locale, live))


def _years(start: datetime.date, end: datetime.date) -> list[tuple[int, str, str]]:
    """The calendar years the project spans, each with its offset and width on the timeline."""
    total = max((end - start).days, 1)
    years = []
    for year in range(start.year, end.year + 1):
        first = max(datetime.date(year, 1, 1), start)
        last = min(datetime.date(year + 1, 1, 1), end)
        if last <= first:
            continue
        offset = 100 * (first - start).days / total
        width = 100 * (last - first).days / total
        years.append((year, f"{offset:.2f}", f"{width:.2f}"))
    return years


__all__ = ["Amendment", "Answerable", "SideRow", "TrancheRow", "grant_context"]
