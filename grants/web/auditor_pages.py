"""The auditors' pages: the audit log browser (`/audit`, filters, keyset pages, field diffs),
one event in full (`/audit/events/{seq}`), and the latest checkpoint with its signatures and an
inclusion proof for any event (`/audit/checkpoint`, `/audit/proofs/{seq}`), each verified on
the server with the transparency package and again in the browser (`auditor.js`, Web Crypto).

The log's content is for auditors and admins, as `GET /api/audit/events`; the checkpoint and
proofs for whoever `policy.decide_log_read` admits (officers too), officers seeing hashes only,
never an event's content. Exports and audit packs are in `grants.web.audit_exports`.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent
from grants.errors import NotFound
from grants.security import policy
from grants.security.enforce import require
from grants.security.guards import authenticated, requires
from grants.security.principal import Principal, Role
from grants.settings import Settings
from grants.times import format_in_zone
from grants.web import audit_checks, audit_log
from grants.web.i18n import page_locale
from grants.web.layout import Crumb, page
from messages import Message, define, render

LOG_CRUMB = define("web.audit.crumb.log", "Audit log")
EVENT_CRUMB = define("web.audit.crumb.event", "Event {seq}")
CHECKPOINT_CRUMB = define("web.audit.crumb.checkpoint", "Checkpoint")
NO_EVENT = define("web.audit.no_event", "There is no audit event {seq}.")
NO_CHECKPOINT = define("web.audit.no_checkpoint", "The log has signed no checkpoint yet.")
LOG_READERS = (Role.AUDITOR, Role.ADMIN)


def _render(
    request: Request[Any, Any, Any],
    principal: Principal,
    settings: Settings,
    template: str,
    crumbs: tuple[Crumb, ...],
    status: int = 200,
    **context: Any,
) -> Template:
    """`template` in the layout, with the page's formatters and message renderer."""
    locale = page_locale(request)
    return page(
        request,
        template,
        settings=settings,
        principal=principal,
        crumbs=crumbs,
        status=status,
        when=lambda at: format_in_zone(at, principal.time_zone, locale),
        say=lambda message: render(message, locale),
        reads_log=principal.has(*LOG_READERS),
        **context,
    )


def _log_crumb(request: Request[Any, Any, Any], here: bool) -> Crumb:
    label = render(LOG_CRUMB(), page_locale(request))
    return Crumb(label) if here else Crumb(label, request.app.route_reverse("web:audit"))


def _is_htmx(request: Request[Any, Any, Any]) -> bool:
    return bool(request.headers.get("hx-request"))


async def _proof_context(
    session: AsyncSession, principal: Principal, seq: int | None
) -> dict[str, Any]:
    """The latest checkpoint and, when `seq` is given, event `seq`'s proof in it (or why not)."""
    checkpoint = await audit_checks.latest_checkpoint(session)
    if checkpoint is None:
        return {"checkpoint_row": None, "proof": None, "proof_problem": NO_CHECKPOINT()}
    if seq is None:
        return {"checkpoint_row": checkpoint, "proof": None, "proof_problem": None}
    if await session.get(AuditEvent, seq) is None:
        return {
            "checkpoint_row": checkpoint,
            "proof": None,
            "proof_problem": NO_EVENT(seq=str(seq)),
        }
    shown = await audit_checks.proof_view(
        session, seq, checkpoint, with_leaf=principal.has(*LOG_READERS)
    )
    if isinstance(shown, Message):
        return {"checkpoint_row": checkpoint, "proof": None, "proof_problem": shown}
    return {"checkpoint_row": checkpoint, "proof": shown, "proof_problem": None}


class AuditorPages(Controller):
    path = "/audit"
    include_in_schema = False
    guards = [authenticated]  # noqa: RUF012

    @get("/", name="web:audit", guards=[requires(*LOG_READERS)])
    async def log(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
    ) -> Template:
        """The audit log, newest first, filtered; a bad filter is named next to its field."""
        filters = audit_log.read_filters(request.query_params)
        shown = await audit_log.page_of(db_session, filters)
        return _render(
            request,
            principal,
            settings,
            "auditor/log.html",
            (_log_crumb(request, here=True),),
            status=422 if filters.errors else 200,
            filters=filters,
            log_page=shown,
            changes_of=audit_log.changes_of,
        )

    @get("/events/{seq:int}", name="web:audit-event", guards=[requires(*LOG_READERS)])
    async def event(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        seq: int,
    ) -> Template:
        """One event in full: who, what, when, the field diffs, the request and its hashes."""
        row = await db_session.get(AuditEvent, seq)
        if row is None:
            raise NotFound(NO_EVENT(seq=str(seq)))
        label = render(EVENT_CRUMB(seq=str(seq)), page_locale(request))
        return _render(
            request,
            principal,
            settings,
            "auditor/event.html",
            (_log_crumb(request, here=False), Crumb(label)),
            event=row,
            changes=audit_log.changes_of(row.changes),
        )

    @get("/checkpoint", name="web:audit-checkpoint")
    async def checkpoint(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
    ) -> Template:
        """The latest checkpoint, its signatures checked; `?seq=` adds that event's proof."""
        require(policy.decide_log_read(principal))
        seq, bad_seq = _seq(request.query_params.get("seq", ""))
        return await self._checkpoint_page(request, principal, db_session, settings, seq, bad_seq)

    @get("/proofs/{seq:int}", name="web:audit-proof")
    async def proof(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        seq: int,
    ) -> Template:
        """Event `seq`'s inclusion proof: the fragment for htmx, else the checkpoint page."""
        require(policy.decide_log_read(principal))
        if not _is_htmx(request):
            return await self._checkpoint_page(request, principal, db_session, settings, seq)
        context = await _proof_context(db_session, principal, seq if seq >= 1 else None)
        return _render(request, principal, settings, "auditor/_proof.html", (), **context)

    async def _checkpoint_page(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        session: AsyncSession,
        settings: Settings,
        seq: int | None,
        bad_seq: Message | None = None,
    ) -> Template:
        context = await _proof_context(session, principal, seq)
        row = context["checkpoint_row"]
        view = await audit_checks.checkpoint_view(session, settings, row) if row else None
        label = render(CHECKPOINT_CRUMB(), page_locale(request))
        crumbs: tuple[Crumb, ...] = (Crumb(label),)
        if principal.has(*LOG_READERS):
            crumbs = (_log_crumb(request, here=False), Crumb(label))
        return _render(
            request,
            principal,
            settings,
            "auditor/checkpoint.html",
            crumbs,
            status=422 if bad_seq else 200,
            view=view,
            asked_seq=seq,
            bad_seq=bad_seq,
            **context,
        )


def _seq(text: str) -> tuple[int | None, Message | None]:
    """The `seq` of the checkpoint page's form: none, a number, or why it is not one."""
    text = text.strip()
    if not text:
        return None, None
    if not text.isdigit() or not 1 <= int(text) <= 2**62:
        return None, audit_log.NOT_A_NUMBER()
    return int(text), None
