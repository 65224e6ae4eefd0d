"""The grant page (`/grants/{id}`), for the grant's researchers and both agencies' officers
within the policy (`visible_grant`, the API's own check), and its forms: a tranche's events
(request, return, resubmit, approve, withhold, disburse: the same `fire` as
`POST /api/tranches/{id}/events/{event}`), an agency's answer on a progress report or at the
mid-term gate (`grants.reports.answering.answer`, as `POST /api/reports/{id}/decisions`), an
amendment's request (`grants.amendments.services.request_amendment`) and an agency's decision on
it (the amendment machine's `decide`). A refused form comes back with every reason next to the
item it was about, in the reader's language, and nothing written.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from grants.amendments import schemas as amendment_schemas
from grants.amendments import services as amendments
from grants.awards.access import visible_grant
from grants.bindings import AMENDMENTS, GATES, REPORTS, TRANCHES
from grants.common.deps import request_id_of
from grants.errors import DomainError, NotFound
from grants.reports import schemas as report_schemas
from grants.reports.answering import answer
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings
from grants.web.forms import FormErrors, discard, field_errors, validation_errors, whole
from grants.web.grant_context import grant_context
from grants.web.i18n import page_locale
from grants.web.layout import Crumb, flash, page
from grants.web.views import check_form_csrf
from grants.workflow.binding import Binding
from grants.workflow.service import EventRequest, fire
from messages import Term, define
from messages.render import catalog

TRANCHE_DONE = define("web.tranche.done", "Done: {event} for {tranche}.")
ANSWER_RECORDED = define("web.grant.answer_recorded", "{agency}'s answer is recorded.")
AMENDMENT_REQUESTED = define("web.amendment.requested", "The amendment is requested.")
TRANCHE_EVENTS = {
    "request": define("web.tranche.event.request", "Request this tranche"),
    "resubmit": define("web.tranche.event.resubmit", "Send the request again"),
    "approve": define("web.tranche.event.approve", "Approve the payment"),
    "return": define("web.tranche.event.return", "Return with a comment"),
    "withhold": define("web.tranche.event.withhold", "Withhold the payment"),
    "disburse": define("web.tranche.event.disburse", "Record the payment"),
}
# The fields each tranche event takes from its form (the event's data schema names them).
TRANCHE_FIELDS = {
    "request": ("amount",),
    "resubmit": ("amount",),
    "approve": ("amount",),
    "return": ("comment",),
    "withhold": ("comment",),
    "disburse": ("amount", "payment_reference", "paid_on"),
}
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class GrantPages(Controller):
    include_in_schema = False
    guards = [authenticated]  # noqa: RUF012

    @get("/grants/{grant_id:uuid}", name="web:grant")
    async def grant(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        grant_id: uuid.UUID,
    ) -> Template:
        return await grant_page(request, settings, principal, db_session, grant_id)

    @post("/grants/{grant_id:uuid}/tranches/{tranche_id:uuid}/{event:str}", name="web:tranche")
    async def tranche_event(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        grant_id: uuid.UUID,
        tranche_id: uuid.UUID,
        event: str,
        data: Form,
    ) -> Response[Any]:
        """A tranche's workflow event, with its form's fields as the event's data."""
        data = _plain(data)
        check_form_csrf(principal, data.get("csrf", ""))
        if event not in TRANCHE_FIELDS:
            raise NotFound(TRANCHE_DONE(event=event, tranche=""))
        fields = {
            name: whole(data[name]) if name == "amount" else data[name].strip()
            for name in TRANCHE_FIELDS[event]
            if data.get(name, "").strip()
        }
        try:
            target = await fire(
                db_session,
                TRANCHES,
                tranche_id,
                event,
                EventRequest(_version(data), fields),
                principal,
                settings=settings,
                request_id=request_id_of(request),
            )
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            return await _refused(
                request, settings, principal, db_session, grant_id, exc, f"t-{tranche_id}", data
            )
        done = TRANCHE_DONE(
            event=Term(TRANCHE_EVENTS[event].code, event), tranche=target.entity.label
        )
        return flash(Redirect(path=_back(request, grant_id)), done, settings)

    @post("/grants/{grant_id:uuid}/reports/{report_id:uuid}/answer", name="web:report-answer")
    async def report_answer(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        grant_id: uuid.UUID,
        report_id: uuid.UUID,
        data: Form,
    ) -> Response[Any]:
        """Your agency's answer on a submitted progress report: accept, revise or stop."""
        data = _plain(data)
        body = {
            "decision": data.get("decision", ""),
            "comment": data.get("comment", "").strip() or None,
        }
        return await _answer(
            request,
            settings,
            principal,
            db_session,
            grant_id,
            REPORTS,
            report_id,
            report_schemas.ReportDecisionCreate,
            body,
            data,
            f"r-{report_id}",
        )

    @post("/grants/{grant_id:uuid}/midterm/{gate_id:uuid}/answer", name="web:gate-answer")
    async def gate_answer(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        grant_id: uuid.UUID,
        gate_id: uuid.UUID,
        data: Form,
    ) -> Response[Any]:
        """Your agency's decision at the mid-term gate: continue or stop, with a rationale."""
        data = _plain(data)
        body = {
            "decision": data.get("decision", ""),
            "rationale": data.get("rationale", "").strip(),
        }
        return await _answer(
            request,
            settings,
            principal,
            db_session,
            grant_id,
            GATES,
            gate_id,
            report_schemas.GateDecisionCreate,
            body,
            data,
            f"g-{gate_id}",
        )

    @post("/grants/{grant_id:uuid}/amendments", name="web:amendment-request")
    async def request_amendment(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        grant_id: uuid.UUID,
        data: Form,
    ) -> Response[Any]:
        """A PI's amendment: one budget move of their side, or a no-cost extension."""
        check_form_csrf(principal, data.get("csrf", ""))
        kind = data.get("kind", "")
        fields: dict[str, Any] = {"kind": kind, "reason": data.get("reason", "").strip()}
        if kind == "no_cost_extension":
            fields["end_date"] = data.get("end_date", "") or None
        else:
            fields["agency"] = data.get("agency", "") or None
            fields["moves"] = [
                {
                    "from_year": whole(data.get("from_year")),
                    "from_category": data.get("from_category", ""),
                    "to_year": whole(data.get("to_year")),
                    "to_category": data.get("to_category", ""),
                    "amount": whole(data.get("amount")),
                }
            ]
        try:
            body = amendment_schemas.AmendmentCreate.model_validate(fields)
            await amendments.request_amendment(
                db_session,
                principal,
                grant_id,
                body,
                settings=settings,
                request_id=request_id_of(request),
            )
        except (ValidationError, DomainError) as exc:
            if isinstance(exc, NotFound):
                raise
            return await _refused(
                request, settings, principal, db_session, grant_id, exc, "amend", data
            )
        return flash(Redirect(path=_back(request, grant_id)), AMENDMENT_REQUESTED(), settings)

    @post(
        "/grants/{grant_id:uuid}/amendments/{amendment_id:uuid}/decide", name="web:amendment-decide"
    )
    async def decide_amendment(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        grant_id: uuid.UUID,
        amendment_id: uuid.UUID,
        data: Form,
    ) -> Response[Any]:
        """Your agency's key on a requested amendment (the amendment machine's `decide`)."""
        data = _plain(data)
        check_form_csrf(principal, data.get("csrf", ""))
        fields = {
            "decision": data.get("decision", ""),
            "rationale": data.get("rationale", "").strip(),
        }
        try:
            await fire(
                db_session,
                AMENDMENTS,
                amendment_id,
                "decide",
                EventRequest(_version(data), fields),
                principal,
                settings=settings,
                request_id=request_id_of(request),
            )
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            return await _refused(
                request, settings, principal, db_session, grant_id, exc, f"a-{amendment_id}", data
            )
        agency = _agency_of(principal, data)
        return flash(
            Redirect(path=_back(request, grant_id)), ANSWER_RECORDED(agency=agency), settings
        )


async def _answer(
    request: Request[Any, Any, Any],
    settings: Settings,
    principal: Principal,
    session: AsyncSession,
    grant_id: uuid.UUID,
    binding: Binding[Any],
    entity_id: uuid.UUID,
    schema: type[BaseModel],
    body: dict[str, Any],
    data: dict[str, str],
    prefix: str,
) -> Response[Any]:
    check_form_csrf(principal, data.get("csrf", ""))
    agency = _agency_of(principal, data)
    try:
        parsed = schema.model_validate(
            {**body, "version": whole(data.get("version")), "agency": agency}
        )
        await answer(
            session,
            principal,
            binding,
            entity_id,
            parsed,
            settings=settings,
            request_id=request_id_of(request),
        )
    except (ValidationError, DomainError) as exc:
        if isinstance(exc, NotFound):
            raise
        return await _refused(request, settings, principal, session, grant_id, exc, prefix, data)
    return flash(Redirect(path=_back(request, grant_id)), ANSWER_RECORDED(agency=agency), settings)


def _plain(data: dict[str, str]) -> dict[str, str]:
    """A form's fields by their own names: a page holds one form per tranche, report or
    amendment, so its inputs are named `<item>-<field>` (unique ids) and read as `<field>`."""
    return {name.rsplit("-", 1)[-1]: value for name, value in data.items()}


def _agency_of(principal: Principal, data: dict[str, str]) -> str:
    # The form names the officer's own agency; the services refuse any other.
    return data.get("agency", "")


def _version(data: dict[str, str]) -> int:
    try:
        return int(data.get("version", ""))
    except ValueError:
        return 0


def _back(request: Request[Any, Any, Any], grant_id: uuid.UUID) -> str:
    return str(request.app.route_reverse("web:grant", grant_id=grant_id))


async def _refused(
    request: Request[Any, Any, Any],
    settings: Settings,
    principal: Principal,
    session: AsyncSession,
    grant_id: uuid.UUID,
    exc: ValidationError | DomainError,
    prefix: str,
    data: dict[str, str],
) -> Template:
    """The grant page again with the refusal's messages at the form it came from (`prefix`),
    answered with the refusal's status; nothing of the refused change is kept."""
    await discard(session)
    if isinstance(exc, ValidationError):
        found, status = validation_errors(exc, request), 422
    else:
        found, status = field_errors(exc, request), exc.status
    errors = {f"{prefix}-{_short(name)}": text for name, text in found.items()}
    return await grant_page(
        request,
        settings,
        principal,
        session,
        grant_id,
        errors=errors,
        form=data,
        failed=prefix,
        status=status,
    )


def _short(name: str) -> str:
    """`data_amount` → `amount`, `moves-0_from_year` → `from_year`: a form field's own name."""
    return re.sub(r"^(data_|moves-\d+_)", "", name)


async def grant_page(
    request: Request[Any, Any, Any],
    settings: Settings,
    principal: Principal,
    session: AsyncSession,
    grant_id: uuid.UUID,
    *,
    errors: FormErrors | None = None,
    form: dict[str, str] | None = None,
    failed: str | None = None,
    status: int = 200,
) -> Template:
    """The grant page; with `errors` (a refused form, `failed` naming it) answered with
    `status`, what was typed kept in `form`."""
    locale = page_locale(request)
    grant, proposal, call, roles = await visible_grant(session, principal, grant_id)
    context = await grant_context(session, principal, grant, proposal, call, roles, locale)
    words = catalog(locale)
    home = "/officer" if principal.has("officer") else request.app.route_reverse("web:home")
    return page(
        request,
        "grant/grant.html",
        settings=settings,
        principal=principal,
        status=status if errors else 200,
        crumbs=[
            Crumb(words.gettext("Dashboard"), home),
            Crumb(proposal.reference or call.code),
        ],
        errors=errors or {},
        form=form or {},
        failed=failed,
        call_code=call.code,
        title=proposal.title,
        zones={t.agency.code: t.agency.time_zone for t in call.agencies},
        fiscal_starts={t.agency.code: t.agency.fiscal_year_start_month for t in call.agencies},
        tranche_events={k: v() for k, v in TRANCHE_EVENTS.items()},
        **context,
    )
