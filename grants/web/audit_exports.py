"""The export page (`/audit/exports`): the datasets the reader may export with their columns,
formats and filters, a form that builds (and checks) the download link of `GET
/api/exports/{dataset}.{format}`, and the audit pack: requested with a form, built by a
background job whose page (`/audit/exports/jobs/{id}`) shows its progress (htmx polls it) and
then the download.

The same services and policy as the JSON API: `grants.exports.stream` checks a link's dataset
and filters exactly as the export itself will, `grants.auditpack.requesting` requests the pack,
`grants.auditpack.jobs` reaches the job (404 to anyone but the requester, auditors, admins).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.auditpack import jobs, requesting
from grants.auditpack.controllers import sessions_of
from grants.auditpack.schemas import AuditPackIn
from grants.db.models import Agency, Call
from grants.db.models.export_jobs import ExportJobState
from grants.documents.controllers import provide_document_store
from grants.errors import DomainError
from grants.exports import stream
from grants.exports.dataset import cofunded_by
from grants.exports.filters import Filters
from grants.exports.schemas import FORMATS
from grants.security.guards import authenticated
from grants.security.policy.exports import ExportScope
from grants.security.principal import Principal
from grants.settings import Settings
from grants.times import format_in_zone
from grants.web.forms import FormErrors, discard, field_errors
from grants.web.i18n import page_locale
from grants.web.layout import Crumb, flash, page
from grants.web.views import check_form_csrf
from messages import define, render
from storage.base import DocumentStore

EXPORTS_CRUMB = define("web.audit.crumb.exports", "Exports")
JOB_CRUMB = define("web.audit.crumb.job", "Audit pack")
PACK_REQUESTED = define(
    "web.audit.pack_requested", "The audit pack is being built; this page follows it."
)
NOT_A_DATE = define("web.audit.export.not_a_date", "Give a date as YYYY-MM-DD.")
API_BASE = "/api/exports/"
FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
LINK_FIELDS = ("dataset", "format", "call", "agency", "since", "until", "excel")


class PackForm(BaseModel):
    csrf: str = ""
    call: str = ""
    with_documents: str = ""


def _date(typed: dict[str, str], name: str, errors: FormErrors, locale: str) -> Any:
    if not typed[name]:
        return None
    try:
        return datetime.date.fromisoformat(typed[name])
    except ValueError:
        errors[name] = render(NOT_A_DATE(), locale)
        return None


async def _choices(session: AsyncSession, scope: ExportScope) -> dict[str, list[tuple[str, str]]]:
    """The call and agency codes the filters offer: an officer's agency's calls, else all."""
    calls = select(Call.code).order_by(Call.code)
    if scope.agency_id is not None:
        calls = calls.where(Call.id.in_(cofunded_by(scope.agency_id)))
    agencies = select(Agency.code).order_by(Agency.code)
    return {
        "call_options": [(code, code) for code in await session.scalars(calls)],
        "agency_options": [(code, code) for code in await session.scalars(agencies)],
    }


async def _link(
    request: Request[Any, Any, Any], session: AsyncSession, principal: Principal, names: list[str]
) -> tuple[dict[str, str], str, FormErrors]:
    """The link the form asks for, checked by the export's own `stream.prepare` (which changes
    nothing) when the form was sent; its refusals per field otherwise."""
    query = request.query_params
    typed = {name: str(query.get(name, "")).strip()[:80] for name in LINK_FIELDS}
    typed["dataset"] = typed["dataset"] if typed["dataset"] in names else names[0]
    typed["format"] = typed["format"] if typed["format"] in FORMATS else FORMATS[0]
    errors: FormErrors = {}
    locale = page_locale(request)
    since, until = _date(typed, "since", errors, locale), _date(typed, "until", errors, locale)
    params = {k: typed[k] for k in ("call", "agency", "since", "until") if typed[k]}
    if typed["excel"]:
        params["excel"] = "1"
    link = f"{API_BASE}{typed['dataset']}.{typed['format']}"
    link += f"?{urlencode(params)}" if params else ""
    if "dataset" in query and not errors:
        filters = Filters(typed["call"] or None, typed["agency"] or None, since, until)
        try:
            await stream.prepare(session, typed["dataset"], filters, principal)
        except DomainError as exc:
            errors = field_errors(exc, request)
    return typed, link, errors


class AuditExportPages(Controller):
    path = "/audit/exports"
    include_in_schema = False
    guards = [authenticated]  # noqa: RUF012
    dependencies = {  # noqa: RUF012
        "document_store": Provide(provide_document_store, sync_to_thread=False),
    }

    @get("/", name="web:audit-exports")
    async def exports(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
    ) -> Template:
        """The datasets, the link builder and the audit pack form."""
        return await _exports_page(request, principal, db_session, settings)

    @post("/pack", name="web:audit-pack")
    async def pack(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        document_store: DocumentStore,
        data: Annotated[PackForm, FORM],
    ) -> Response[Any]:
        """Request an audit pack as `POST /api/exports/audit-pack` does; then its job's page."""
        check_form_csrf(principal, data.csrf)
        wanted = AuditPackIn(call=data.call or None, with_documents=bool(data.with_documents))
        try:
            job, task = await requesting.request_pack(
                db_session, sessions_of(request), settings, document_store, principal, wanted
            )
        except DomainError as exc:
            await discard(db_session)
            pack_errors = field_errors(exc, request)
            return await _exports_page(
                request, principal, db_session, settings, pack_errors, data, exc.status
            )
        target = request.app.route_reverse("web:audit-job", job_id=job.id)
        return flash(Redirect(path=target, background=task), PACK_REQUESTED(), settings)

    @get("/jobs/{job_id:uuid}", name="web:audit-job")
    async def job(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        job_id: uuid.UUID,
    ) -> Template:
        """The pack's job: its progress (the fragment alone for htmx's polling), then the link."""
        found = await jobs.get(db_session, principal, job_id)
        template = "auditor/_job.html" if request.headers.get("hx-request") else "auditor/job.html"
        locale = page_locale(request)
        crumbs = (
            Crumb(render(EXPORTS_CRUMB(), locale), request.app.route_reverse("web:audit-exports")),
            Crumb(render(JOB_CRUMB(), locale)),
        )
        return page(
            request,
            template,
            settings=settings,
            principal=principal,
            crumbs=crumbs,
            job=found,
            running=found.state in (ExportJobState.QUEUED, ExportJobState.RUNNING),
            done=found.state == ExportJobState.DONE,
            when=lambda at: format_in_zone(at, principal.time_zone, locale),
        )


async def _exports_page(
    request: Request[Any, Any, Any],
    principal: Principal,
    session: AsyncSession,
    settings: Settings,
    pack_errors: FormErrors | None = None,
    pack_typed: PackForm | None = None,
    status: int = 200,
) -> Template:
    scope = stream.scope_of(principal)
    datasets = stream.visible(scope)
    typed, link, errors = await _link(request, session, principal, [d.name for d in datasets])
    locale = page_locale(request)
    return page(
        request,
        "auditor/exports.html",
        settings=settings,
        principal=principal,
        crumbs=(Crumb(render(EXPORTS_CRUMB(), locale)),),
        status=422 if errors and status == 200 else status,
        datasets=datasets,
        dataset_options=[(d.name, d.name) for d in datasets],
        identities=scope.identities,
        officer=scope.agency_id is not None,
        formats=FORMATS,
        typed=typed,
        link=link,
        errors=errors,
        pack_errors=pack_errors or {},
        pack_typed=pack_typed or PackForm(),
        api_base=API_BASE,
        **await _choices(session, scope),
    )
