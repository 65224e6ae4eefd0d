"""HTTP API of progress reports and the mid-term gate (their events are under
`/api/reports/{id}/events/…` and `/api/midterm-gates/{id}/events/…`)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import Provide
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.bindings import GATES, REPORTS
from grants.common.deps import request_id_of
from grants.common.pagination import Window, provide_window
from grants.common.schemas import Page
from grants.db.models import MidtermGate
from grants.errors import NotFound
from grants.reports import reviewing, schemas
from grants.reports.answering import answer
from grants.reports.binding import grant_scope
from grants.reports.views import grant_reports, one_gate, one_report
from grants.reviews.assignment.queries import views
from grants.reviews.assignment.schemas import Assignment
from grants.reviews.scoring.visibility import ReviewItem
from grants.security import policy
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings


class ReportController(Controller):
    path = "/api"
    tags = ["reports"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {"window": Provide(provide_window, sync_to_thread=False)}  # noqa: RUF012

    @get("/grants/{grant_id:uuid}/reports", name="reports:list")
    async def list_reports(
        self, principal: Principal, grant_id: uuid.UUID, db_session: AsyncSession, window: Window
    ) -> Page[schemas.ProgressReport]:
        """The grant's progress reports, one per project year, with every round's answers.

        Whoever sees the grant (anyone else 404); the consortium without the officers' names.
        A constant number of queries. Changes nothing.
        """
        scope, _ = await grant_scope(db_session, principal, grant_id)
        found = await grant_reports(db_session, grant_id, officers=scope.officers_shown)
        return Page.of(found[window.offset : window.offset + window.limit], len(found), window)

    @get("/reports/{report_id:uuid}", name="reports:show")
    async def show(
        self, principal: Principal, report_id: uuid.UUID, db_session: AsyncSession
    ) -> schemas.ProgressReport:
        """One progress report with every round's answers.

        Submit it through `/api/reports/{id}/events/submit`. Whoever sees the grant, the
        consortium without the officers' names; anyone else 404. Changes nothing.
        """
        target = await REPORTS.load(db_session, principal, report_id, None)
        return await one_report(db_session, target.entity, officers=target.scope.officers_shown)

    @post("/reports/{report_id:uuid}/decisions", name="reports:answer", status_code=201)
    async def decide(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        report_id: uuid.UUID,
        data: schemas.ReportDecisionCreate,
        db_session: AsyncSession,
        settings: Settings,
    ) -> schemas.ProgressReport:
        """Record your agency's answer on the report's current round: accept, revise or stop
        (a comment is required for the last two, 422).

        An officer of the agency named in `agency` (another agency's officer 403), never a
        member of the consortium (409), once per agency per round (409), while the report is
        submitted and the grant active (409). Every agency accepting accepts the report; a
        revision returns it to the PIs; a stop stops it, terminates the grant and withholds
        every tranche not yet disbursed. The `decide` event, audited as `progress_report.decide`
        with what follows, in one transaction.
        """
        target = await answer(
            db_session,
            principal,
            REPORTS,
            report_id,
            data,
            settings=settings,
            request_id=request_id_of(request),
        )
        return await one_report(db_session, target.entity, officers=target.scope.officers_shown)

    @post("/reports/{report_id:uuid}/reviewers", name="reports:invite-reviewer", status_code=201)
    async def invite_reviewer(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        report_id: uuid.UUID,
        data: schemas.ReportReviewerCreate,
        db_session: AsyncSession,
        settings: Settings,
    ) -> Assignment:
        """Invite a reviewer of your agency's pool to review the report, in its own review round
        (round = the report's project year; the selection is round 0).

        An officer of a co-funding agency (anyone else who sees the grant 403), while the report
        is submitted (409). The reviewer must serve on the call for your agency or have a profile
        in its pool (422); a conflict of interest (consortium member, same institution, …) or an
        assignment already on this round is a 409 with the reasons. The assignment is created and
        invited (its mail queued), audited as `review_assignment.create` and `.invite`; the
        reviewer then accepts and reviews through `/api/assignments/{id}/…`.
        """
        row = await reviewing.invite(
            db_session,
            principal,
            report_id,
            data,
            settings=settings,
            request_id=request_id_of(request),
        )
        return (await views(db_session, [row], principal.locale))[0]

    @get("/reports/{report_id:uuid}/reviews", name="reports:reviews")
    async def reviews(
        self, principal: Principal, report_id: uuid.UUID, db_session: AsyncSession, window: Window
    ) -> Page[ReviewItem]:
        """The submitted reviews of the report's review round.

        Officers, auditors and admins with reviewers' names and confidential comments (of the
        pools they may read, as in the selection); the consortium once the report is accepted or
        stopped: scores, comments to applicants and recommendation, never names (an empty list
        before). Anyone else 404. Earlier rounds are not listed here. Changes nothing.
        """
        return await reviewing.report_reviews(db_session, principal, report_id, window)

    @get("/grants/{grant_id:uuid}/midterm", name="midterm:show")
    async def midterm(
        self, principal: Principal, grant_id: uuid.UUID, db_session: AsyncSession
    ) -> schemas.MidtermGate:
        """The grant's mid-term gate with each agency's decision.

        Projects of 5 years or more have one (404 otherwise). Whoever sees the grant; anyone
        else 404. Changes nothing.
        """
        scope, _ = await grant_scope(db_session, principal, grant_id, gate=True)
        return await one_gate(
            db_session, await _gate(db_session, grant_id), officers=scope.officers_shown
        )

    @post("/grants/{grant_id:uuid}/midterm/decisions", name="midterm:answer", status_code=201)
    async def decide_midterm(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        grant_id: uuid.UUID,
        data: schemas.GateDecisionCreate,
        db_session: AsyncSession,
        settings: Settings,
    ) -> schemas.MidtermGate:
        """Record your agency's decision at the mid-term gate: continue or stop, with a
        rationale.

        An officer of the agency named in `agency` (another agency's officer 403), never a
        member of the consortium, once per agency, only once the report of the gate's year is
        accepted and while the grant is active (409 with every reason). Every agency continuing
        passes the gate; a stop fails it, terminates the grant and withholds every tranche not
        yet disbursed, in one transaction.
        """
        await grant_scope(db_session, principal, grant_id, gate=True)
        gate = await _gate(db_session, grant_id)
        target = await answer(
            db_session,
            principal,
            GATES,
            gate.id,
            data,
            settings=settings,
            request_id=request_id_of(request),
        )
        return await one_gate(db_session, target.entity, officers=target.scope.officers_shown)


async def _gate(session: AsyncSession, grant_id: uuid.UUID) -> MidtermGate:
    gate = await session.scalar(select(MidtermGate).where(MidtermGate.grant_id == grant_id))
    if gate is None:
        raise NotFound(policy.NO_SUCH_GATE())
    return gate
