"""The officer's queue (`/officer/tranches`): what waits for their agency across the grants of
the calls it co-funds — its tranches requested (to approve, return or withhold) and approved
(to disburse), progress reports submitted and amendments requested (to answer). The rows come
from the same scope as `GET /api/grants` (`policy.list_scope(principal, "grants")`); each links
to the grant page, where the actions are."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.awards.queries import visible_query
from grants.db.models import Amendment, GrantSide, ProgressReport, Tranche
from grants.errors import Forbidden
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings
from grants.web.i18n import page_locale
from grants.web.layout import Crumb, page
from messages import define
from messages.render import catalog
from workflows.machines.amendment import AmendmentState
from workflows.machines.progress_report import ReportState
from workflows.machines.tranche import TrancheState

OFFICERS_ONLY = define("web.queue.officers_only", "The tranche queue is for agencies' officers.")
TO_ACT = (TrancheState.REQUESTED, TrancheState.APPROVED)


@dataclass(frozen=True, slots=True)
class QueueRow:
    grant_id: uuid.UUID
    reference: str | None
    call_code: str
    what: str
    state: str
    label: str
    amount: int | None
    currency: str | None


class GrantQueuePages(Controller):
    include_in_schema = False
    guards = [authenticated]  # noqa: RUF012

    @get("/officer/tranches", name="web:officer-tranches")
    async def queue(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
    ) -> Template:
        """Three statements whatever the number of grants."""
        if not principal.has("officer") or principal.officer_agency_id is None:
            raise Forbidden(OFFICERS_ONLY())
        grants = visible_query(principal).subquery()
        rows = await _tranches(db_session, principal.officer_agency_id, grants)
        rows += await _reports(db_session, grants)
        rows += await _amendments(db_session, grants)
        words = catalog(page_locale(request))
        return page(
            request,
            "officer/tranches.html",
            settings=settings,
            principal=principal,
            crumbs=[
                Crumb(words.gettext("Calls to run"), "/officer"),
                Crumb(words.gettext("Tranches")),
            ],
            tranches=[r for r in rows if r.what == "tranche"],
            reports=[r for r in rows if r.what == "report"],
            amendments=[r for r in rows if r.what == "amendment"],
        )


async def _tranches(session: AsyncSession, agency_id: uuid.UUID, grants: Any) -> list[QueueRow]:
    found = await session.execute(
        select(Tranche, grants.c.reference, grants.c.code)
        .join(GrantSide, GrantSide.id == Tranche.side_id)
        .join(grants, grants.c.id == Tranche.grant_id)
        .where(GrantSide.agency_id == agency_id, Tranche.state.in_(TO_ACT))
        .order_by(Tranche.due_date, Tranche.id)
    )
    return [
        QueueRow(
            t.grant_id,
            ref,
            code,
            "tranche",
            t.state,
            t.label,
            t.requested_amount if t.state == TrancheState.REQUESTED else t.approved_amount,
            t.currency,
        )
        for t, ref, code in found.tuples()
    ]


async def _reports(session: AsyncSession, grants: Any) -> list[QueueRow]:
    found = await session.execute(
        select(ProgressReport, grants.c.reference, grants.c.code)
        .join(grants, grants.c.id == ProgressReport.grant_id)
        .where(ProgressReport.state == ReportState.SUBMITTED)
        .order_by(ProgressReport.due_date, ProgressReport.id)
    )
    return [
        QueueRow(r.grant_id, ref, code, "report", r.state, str(r.year), None, None)
        for r, ref, code in found.tuples()
    ]


async def _amendments(session: AsyncSession, grants: Any) -> list[QueueRow]:
    found = await session.execute(
        select(Amendment, grants.c.reference, grants.c.code)
        .join(grants, grants.c.id == Amendment.grant_id)
        .where(Amendment.state == AmendmentState.REQUESTED)
        .order_by(Amendment.requested_at, Amendment.id)
    )
    return [
        QueueRow(a.grant_id, ref, code, "amendment", a.state, a.kind, None, None)
        for a, ref, code in found.tuples()
    ]
