"""The officers' dashboard and call set-up pages: their agency's calls with their queues, a new
call, a call's set-up form (shared fields, this agency's own terms; the other agencies' read-only)
and its workflow buttons (each agency's key to publish). Each handler calls the services and the
workflow the JSON API calls (`grants.calls.services`, `grants.workflow.service.fire`), so a page
can do nothing the API would refuse; a refused form comes back with each message next to its
field, keeping what was typed, and nothing written."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import Purpose, answers
from grants.bindings import CALLS
from grants.calls import schemas, services
from grants.calls.access import visible_call
from grants.calls.problems import publication_problems
from grants.calls.responses import call_detail
from grants.calls.services import Author, setup_of
from grants.calls.workflow import publication
from grants.calls.zones import call_zones
from grants.common.deps import request_id_of
from grants.db.models import Agency, Approval, Call
from grants.errors import DomainError, FieldError
from grants.security.guards import requires
from grants.security.principal import Principal, Role
from grants.settings import Settings
from grants.times import utcnow
from grants.web import officer_form as of
from grants.web.forms import (
    FormErrors,
    discard,
    field_errors,
    form_name,
    validation_errors,
    whole,
)
from grants.web.i18n import page_locale
from grants.web.layout import Crumb, flash, page
from grants.web.officer_queues import call_rows, own_agency
from grants.web.terms import STATES
from grants.web.views import check_form_csrf
from grants.workflow.service import EventRequest, fire, options
from messages import Definition, Instant, Message, Term, define, render
from workflows.machines.call import CLOSING_TIME_PAST, CallEvent, CallState

CALLS_TO_RUN = define("web.officer.crumb.calls", "Calls to run")
NEW_CALL = define("web.officer.crumb.new_call", "New call")
CALL_CREATED = define("web.officer.call_created", "The draft call {code} was created.")
CALL_SAVED = define("web.officer.call_saved", "The call's set-up was saved.")
CALL_EVENT_DONE: dict[str, Definition] = {
    CallEvent.APPROVE: define("web.officer.call_approved", "Your agency approved the set-up."),
    CallEvent.PUBLISH: define("web.officer.call_published", "The call is open."),
}
CALL_MOVED = define("web.officer.call_moved", "The call is now {state}.")
ZONES = ("Asia/Tokyo", "Asia/Ho_Chi_Minh", "UTC")


def crumbs(request: Request[Any, Any, Any], *rest: Crumb) -> list[Crumb]:
    """The officer's trail: their dashboard, then `rest`."""
    home = render(CALLS_TO_RUN(), page_locale(request))
    if not rest:
        return [Crumb(home)]
    return [Crumb(home, request.app.route_reverse("web:officer")), *rest]


class OfficerCallPages(Controller):
    path = "/officer"
    include_in_schema = False
    guards = [requires(Role.OFFICER)]  # noqa: RUF012

    @get("/", name="web:officer")
    async def dashboard(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
    ) -> Template:
        agency = await own_agency(db_session, principal)
        rows = await call_rows(db_session, principal, agency) if agency else []
        return page(
            request,
            "officer/calls.html",
            settings=settings,
            principal=principal,
            crumbs=crumbs(request),
            agency=agency,
            rows=rows,
        )

    @get("/calls/new", name="web:officer-call-new")
    async def new_call(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
    ) -> Template:
        agency = await own_agency(db_session, principal)
        form = of.blank_form(agency.time_zone if agency else "UTC")
        return await _new_page(request, settings, principal, db_session, form, {})

    @post("/calls/new", name="web:officer-call-create")
    async def create_call(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
    ) -> Response[Any]:
        typed = of.MultiForm(list((await request.form()).multi_items()))
        check_form_csrf(principal, typed.get("csrf"))
        agency = await own_agency(db_session, principal)
        own = agency.code if agency else ""
        form = of.read_form(typed, own)
        try:
            body = schemas.CallCreate.model_validate(_create_body(form, agency))
            call = await services.create_call(db_session, body, author=Author.of(principal))
        except ValidationError as exc:
            errors = of.listed(validation_errors(exc, request))
            return await _new_page(request, settings, principal, db_session, form, errors)
        except DomainError as exc:
            await discard(db_session)
            errors = field_errors(exc, request)
            return await _new_page(request, settings, principal, db_session, form, errors)
        target = request.app.route_reverse("web:officer-call", call_id=call.id)
        return flash(Redirect(path=target), CALL_CREATED(code=call.code), settings)

    @get("/calls/{call_id:uuid}", name="web:officer-call")
    async def call(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
    ) -> Template:
        return await setup_page(request, settings, principal, db_session, call_id)

    @post("/calls/{call_id:uuid}", name="web:officer-call-save")
    async def save_call(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
    ) -> Response[Any]:
        typed = of.MultiForm(list((await request.form()).multi_items()))
        check_form_csrf(principal, typed.get("csrf"))
        call, _ = await visible_call(db_session, principal, call_id)
        form = of.read_form(typed, "")
        try:
            body = schemas.CallUpdate.model_validate(_update_body(form, call, principal))
            await services.update_call(db_session, call, body, principal=principal)
        except (ValidationError, DomainError) as exc:
            errors = await _refused(db_session, request, exc)
            status = exc.status if isinstance(exc, DomainError) else 422
            return await setup_page(
                request, settings, principal, db_session, call_id, form, errors, status
            )
        target = request.app.route_reverse("web:officer-call", call_id=call_id)
        return flash(Redirect(path=target), CALL_SAVED(), settings)

    @post("/calls/{call_id:uuid}/events/{event:str}", name="web:officer-call-event")
    async def call_event(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        event: str,
    ) -> Response[Any]:
        """A workflow button: the same `fire` as `POST /api/calls/{id}/events/{event}`."""
        typed = of.MultiForm(list((await request.form()).multi_items()))
        check_form_csrf(principal, typed.get("csrf"))
        version = whole(typed.get("version"))
        rationale = typed.get("rationale").strip()
        data = {"rationale": rationale} if event == CallEvent.APPROVE and rationale else {}
        try:
            target = await fire(
                db_session,
                CALLS,
                call_id,
                event,
                EventRequest(version if isinstance(version, int) else 0, data),
                principal,
                settings=settings,
                request_id=request_id_of(request),
            )
        except DomainError as exc:
            errors = await _refused(db_session, request, exc)
            return await setup_page(
                request, settings, principal, db_session, call_id, None, errors, exc.status
            )
        said = _said(event, target.entity.state)
        path = request.app.route_reverse("web:officer-call", call_id=call_id)
        return flash(Redirect(path=path), said, settings)


def _said(event: str, state: str) -> Message:
    """What the flash says after a button: the key given, the call opened, or its new state."""
    if state == CallState.OPEN and event in CALL_EVENT_DONE:
        return CALL_EVENT_DONE[CallEvent.PUBLISH]()
    if state == CallState.DRAFT and event in CALL_EVENT_DONE:
        return CALL_EVENT_DONE[event]()
    label = STATES.get(f"call.{state}")
    return CALL_MOVED(state=Term(label.code, state) if label else state)


async def _refused(
    session: AsyncSession, request: Request[Any, Any, Any], exc: ValidationError | DomainError
) -> FormErrors:
    await discard(session)
    if isinstance(exc, ValidationError):
        return of.listed(validation_errors(exc, request))
    return field_errors(exc, request)


def _create_body(form: of.SetupForm, agency: Agency | None) -> dict[str, Any]:
    own = [of.own_terms(form, 0, agency.code, agency.currency)] if agency else []
    return {
        "code": form.values.get("code", "").strip(),
        "title": of.texts(form, "title"),
        "description": of.texts(form, "description"),
        **of.shared_body(form),
        "agencies": own + [{"agency": code} for code in form.partners],
    }


def _update_body(form: of.SetupForm, call: Call, principal: Principal) -> dict[str, Any]:
    """A merge patch of every field; the officer's own terms as typed, the others' as stored
    (the service refuses any change to another agency's entry)."""
    terms = [
        of.own_terms(form, i, row.agency.code, row.currency)
        if row.agency_id == principal.officer_agency_id
        else of.stored_terms(row)
        for i, row in enumerate(call.agencies)
    ]
    return {
        "version": whole(form.values.get("version")),
        "title": of.texts_patch(form, "title", call.title),
        "description": of.texts_patch(form, "description", call.description),
        **of.shared_body(form),
        "agencies": terms,
    }


async def _new_page(
    request: Request[Any, Any, Any],
    settings: Settings,
    principal: Principal,
    session: AsyncSession,
    form: of.SetupForm,
    errors: FormErrors,
) -> Template:
    agency = await own_agency(session, principal)
    others = await session.scalars(
        select(Agency).where(Agency.id != principal.officer_agency_id).order_by(Agency.code)
    )
    partners = [(row.code, row.name) for row in others]
    shown = of.shown_fields(form, 1)
    locale = page_locale(request)
    return page(
        request,
        "officer/call_setup.html",
        settings=settings,
        principal=principal,
        status=422 if errors else 200,
        crumbs=crumbs(request, Crumb(render(NEW_CALL(), locale))),
        call=None,
        agency=agency,
        own_index=0,
        partners=partners,
        form=form,
        errors=of.placed(errors, shown),
        editable=True,
        zones=ZONES,
        types=of.TYPE_NAMES,
    )


async def setup_page(
    request: Request[Any, Any, Any],
    settings: Settings,
    principal: Principal,
    session: AsyncSession,
    call_id: uuid.UUID,
    form: of.SetupForm | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Template:
    """The set-up tab: the form (what was typed, when refused, else the stored call), the
    publishing problems next to their fields, each agency's key and the workflow's buttons."""
    call, _ = await visible_call(session, principal, call_id)
    agency = await own_agency(session, principal)
    zone = agency.time_zone if agency else principal.time_zone
    shown_form = form or of.stored_form(call, zone if zone in ZONES else "UTC")
    shown = of.shown_fields(shown_form, len(call.agencies))
    placed = of.placed(errors or {}, shown)
    problems = _problems(call, request) if call.state == CallState.DRAFT else {}
    answered = await _keys(session, call)
    found = await options(session, CALLS, call.id, principal)
    own_index = next(
        (i for i, t in enumerate(call.agencies) if t.agency_id == principal.officer_agency_id),
        None,
    )
    return page(
        request,
        "officer/call_setup.html",
        settings=settings,
        principal=principal,
        status=status if errors else 200,
        crumbs=crumbs(request, Crumb(call.code)),
        call=call_detail(call, page_locale(request)),
        tab="setup",
        agency=agency,
        own_index=own_index,
        rows=call.agencies,
        keys={t.agency.code: answered.get(t.agency_id) for t in call.agencies},
        call_zones=call_zones(call),
        form=shown_form,
        errors={**problems, **placed},
        editable=call.state == CallState.DRAFT and own_index is not None,
        actions=found,
        zones=ZONES,
        types=of.TYPE_NAMES,
    )


async def _keys(session: AsyncSession, call: Call) -> dict[uuid.UUID, Approval]:
    """Each agency's key to publish: on a draft, its answer on the set-up as it stands now (an
    edit since voids it); once published, the answer that opened the call."""
    if call.state == CallState.DRAFT:
        return await answers(session, publication(call))
    rows = await session.scalars(
        select(Approval)
        .where(
            Approval.subject_type == "call",
            Approval.subject_id == call.id,
            Approval.purpose == Purpose.PUBLISH_CALL,
        )
        .order_by(Approval.subject_version)
    )
    return {row.agency_id: row for row in rows}


def _problems(call: Call, request: Request[Any, Any, Any]) -> FormErrors:
    """What stops the call from being published, each at its field, in the page's language."""
    locale = page_locale(request)
    found = publication_problems(setup_of(call))
    if call.closes_at <= utcnow():
        past = CLOSING_TIME_PAST(closes_at=Instant(call.closes_at, call_zones(call)))
        found.append(FieldError("closes_at", past))
    problems: FormErrors = {}
    for item in found:
        name = form_name(item.field)
        text = render(item.reason, locale)
        problems[name] = f"{problems[name]} {text}" if name in problems else text
    return problems
