"""The researchers' pages: open calls, a call, drafting a proposal from it, the proposal page
with its shared fields, and accepting an invitation. Each handler calls the same services and
access checks as the JSON API (`grants.proposals`, `grants.calls`), so a page can do nothing
the API would refuse; a refused form comes back with each message next to its field.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from grants.bindings import PROPOSALS
from grants.calls.access import calls_query, visible_call
from grants.calls.responses import call_detail, call_view
from grants.common.deps import request_id_of
from grants.db.models import Call, Proposal
from grants.errors import DomainError
from grants.proposals import invitations, schemas, services
from grants.proposals.access import visible_proposal
from grants.proposals.checks import terms_for
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings
from grants.web import live
from grants.web.forms import (
    Change,
    FormErrors,
    Refusal,
    merge_stale,
    refused,
    seen_field,
    texts,
    whole,
)
from grants.web.i18n import page_locale
from grants.web.layout import Crumb, flash, page
from grants.web.proposal_page import form_values, proposal_context
from grants.web.terms import EVENTS, STATES
from grants.web.views import check_form_csrf
from grants.workflow.service import EventRequest, fire
from messages import Term, define, render
from messages.render import catalog
from workflows.machines.call import CallState

PROPOSAL_DRAFTED = define("web.proposal.drafted", "Your draft proposal was created.")
PROPOSAL_SAVED = define("web.proposal.saved", "The proposal was saved.")
EVENT_DONE = define("web.proposal.event_done", "Done: {event}.")
INVITATION_ACCEPTED = define("web.invitation.accepted", "You accepted the invitation.")
LANGS = ("en", "ja", "vi")
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class ResearcherPages(Controller):
    include_in_schema = False
    guards = [authenticated]  # noqa: RUF012

    @get("/calls", name="web:calls")
    async def calls(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
    ) -> Template:
        query = calls_query(principal, state=None, agency=None, q=None)
        rows = list(await db_session.scalars(query))
        return page(
            request,
            "researcher/calls.html",
            settings=settings,
            principal=principal,
            crumbs=[Crumb(_label(request, "Calls"))],
            calls=[(call_view(c), _zones(c)) for c in rows],
        )

    @get("/calls/{call_id:uuid}", name="web:call")
    async def call(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
    ) -> Template:
        call, _ = await visible_call(db_session, principal, call_id)
        return _call_page(request, settings, principal, call)

    @post("/calls/{call_id:uuid}/proposals", name="web:proposal-create")
    async def create_proposal(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        data: Form,
    ) -> Response[Any]:
        check_form_csrf(principal, data.get("csrf", ""))
        call, _ = await visible_call(db_session, principal, call_id)
        try:
            body = schemas.ProposalCreate.model_validate(
                {
                    "call_id": str(call.id),
                    "title": texts(data, "title", LANGS),
                    "abstract": texts(data, "abstract", LANGS) or None,
                    "topic": data.get("topic", ""),
                    "duration_years": whole(data.get("duration_years")),
                    "planned_start": data.get("planned_start", ""),
                }
            )
            proposal, _call = await services.create(db_session, principal, body)
        except (ValidationError, DomainError) as exc:
            errors = (await refused(exc, request, db_session)).errors
            call, _ = await visible_call(db_session, principal, call_id)
            return _call_page(request, settings, principal, call, form=data, errors=errors)
        target = request.app.route_reverse("web:proposal", proposal_id=proposal.id)
        return flash(Redirect(path=target), PROPOSAL_DRAFTED(), settings)

    @get("/proposals/{proposal_id:uuid}", name="web:proposal")
    async def proposal(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        proposal_id: uuid.UUID,
    ) -> Template:
        return await proposal_page(request, settings, principal, db_session, proposal_id)

    @post("/proposals/{proposal_id:uuid}", name="web:proposal-update")
    async def update_proposal(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        proposal_id: uuid.UUID,
        data: Form,
    ) -> Response[Any]:
        check_form_csrf(principal, data.get("csrf", ""))
        proposal, call, roles = await visible_proposal(db_session, principal, proposal_id)
        try:
            body = schemas.ProposalUpdate.model_validate(
                {
                    "version": whole(data.get("version")),
                    "title": _patch(data, "title", proposal.title),
                    "abstract": _patch(data, "abstract", proposal.abstract),
                    "keywords": [
                        k.strip() for k in data.get("keywords", "").split(",") if k.strip()
                    ],
                    "topic": data.get("topic", ""),
                    "duration_years": whole(data.get("duration_years")),
                    "planned_start": data.get("planned_start", ""),
                }
            )
            await services.update(db_session, proposal, call, roles, body, actor=principal.actor)
        except (ValidationError, DomainError) as exc:
            refusal = await refused(exc, request, db_session)
            return await proposal_page(
                request, settings, principal, db_session, proposal_id, form=data, refusal=refusal
            )
        target = request.app.route_reverse("web:proposal", proposal_id=proposal.id)
        return flash(Redirect(path=target), PROPOSAL_SAVED(), settings)

    @post("/proposals/{proposal_id:uuid}/events/{event:str}", name="web:proposal-event")
    async def proposal_event(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        proposal_id: uuid.UUID,
        event: str,
        data: Form,
    ) -> Response[Any]:
        """A workflow button: the same `fire` as `POST /api/proposals/{id}/events/{event}`;
        refused, the page comes back with every reason."""
        check_form_csrf(principal, data.get("csrf", ""))
        try:
            version = int(data.get("version", ""))
        except ValueError:
            version = 0
        try:
            await fire(
                db_session,
                PROPOSALS,
                proposal_id,
                event,
                EventRequest(version, {}),
                principal,
                settings=settings,
                request_id=request_id_of(request),
            )
        except DomainError as exc:
            refusal = await refused(exc, request, db_session)
            return await proposal_page(
                request, settings, principal, db_session, proposal_id, refusal=refusal
            )
        target = request.app.route_reverse("web:proposal", proposal_id=proposal_id)
        label = EVENTS.get(event)
        done = EVENT_DONE(event=Term(label.code, event) if label else event)
        return flash(Redirect(path=target), done, settings)

    @get("/checks/ror", name="web:check-ror")
    async def check_ror(self, request: Request[Any, Any, Any]) -> Template:
        """htmx, as a ROR id is typed: the institution the local registry lists under it, or
        that it is unlisted (saved as not verified), or why it is not a ROR id."""
        field, value = _checked(request, "institution_ror")
        check = live.ror_check(value, page_locale(request))
        return _fragment(request, "researcher/_ror_check.html", field=field, check=check)

    @get("/checks/orcid", name="web:check-orcid")
    async def check_orcid(self, request: Request[Any, Any, Any]) -> Template:
        """htmx, as an ORCID iD is typed: well formed (with its check character), or why not."""
        field, value = _checked(request, "orcid")
        check = live.orcid_check(value, page_locale(request))
        return _fragment(request, "researcher/_orcid_check.html", field=field, check=check)

    @post("/invitations/{invitation_id:uuid}/accept", name="web:invitation-accept")
    async def accept_invitation(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        invitation_id: uuid.UUID,
        data: Form,
    ) -> Response[Any]:
        check_form_csrf(principal, data.get("csrf", ""))
        accepted = await invitations.accept(db_session, principal, invitation_id)
        target = request.app.route_reverse("web:proposal", proposal_id=accepted.proposal_id)
        return flash(Redirect(path=target), INVITATION_ACCEPTED(), settings)


_FIELD_ID = re.compile(r"[A-Za-z0-9_-]{1,120}")


def _checked(request: Request[Any, Any, Any], suffix: str) -> tuple[str, str]:
    """The field an htmx check is for (`field`, an element id of the page) and the value typed
    in it (the parameter whose name ends with `suffix`, as htmx sends the input by its name)."""
    params = request.query_params
    field = params.get("field", "")
    field = field if _FIELD_ID.fullmatch(field) else suffix
    value = next((v for k, v in params.items() if k.endswith(suffix)), "")
    return field, value


def _fragment(request: Request[Any, Any, Any], template: str, **context: Any) -> Template:
    """A part of a page, in the page's language, for htmx to swap in."""
    locale = page_locale(request)
    return Template(
        template,
        context={**context, "locale": locale},
        headers={"Content-Language": locale, "Vary": "HX-Request"},
    )


def _patch(form: dict[str, str], name: str, stored: dict[str, str]) -> dict[str, str | None]:
    """A multilingual text's merge patch from its fields: a language emptied is cleared
    (`null`), one typed is set, one never had and still empty is left out."""
    typed = {lang: form.get(f"{name}_{lang}", "").strip() for lang in LANGS}
    return {lang: text or None for lang, text in typed.items() if text or lang in stored}


def _label(request: Request[Any, Any, Any], text: str) -> str:
    """A breadcrumb's word in the page's language (extracted from the templates, which say
    the same words)."""
    return catalog(page_locale(request)).gettext(text)


def _zones(call: Call) -> tuple[str, ...]:
    return tuple(t.agency.time_zone for t in call.agencies)


def _call_page(
    request: Request[Any, Any, Any],
    settings: Settings,
    principal: Principal,
    call: Call,
    *,
    form: dict[str, str] | None = None,
    errors: FormErrors | None = None,
) -> Template:
    detail = call_detail(call, principal.locale)
    title = detail.title.get("en", call.code)
    return page(
        request,
        "researcher/call.html",
        settings=settings,
        principal=principal,
        status=422 if errors else 200,
        crumbs=[
            Crumb(_label(request, "Calls"), request.app.route_reverse("web:calls")),
            Crumb(call.code),
        ],
        call=detail,
        title=title,
        zones=_zones(call),
        can_draft=call.state == CallState.OPEN and principal.has("researcher"),
        form=form or {"planned_start": datetime.date.today().isoformat()},
        errors=errors or {},
    )


async def proposal_page(
    request: Request[Any, Any, Any],
    settings: Settings,
    principal: Principal,
    session: AsyncSession,
    proposal_id: uuid.UUID,
    *,
    form: dict[str, str] | None = None,
    refusal: Refusal | None = None,
) -> Template:
    """The proposal page; after a refused form (`refusal`) answered with its status, showing
    each message at its field and what was typed (`form`). A stale form (someone else saved
    since it was loaded) is merged with what is stored now, its changes listed field by field."""
    proposal, call, roles = await visible_proposal(session, principal, proposal_id, reading=True)
    # The budget's warnings in the page's language, not the reader's saved one.
    reading = dataclasses.replace(principal, locale=page_locale(request))
    detail = await services.detail(session, reading, proposal, call, roles)
    context = await proposal_context(session, principal, proposal, call, roles, detail)
    values = form_values(detail, context["sides"], proposal.duration_years)
    changes: list[Change] = []
    if refusal is not None and refusal.stale and form is not None:
        stored = {name: value for fields in values.values() for name, value in fields.items()}
        form, changes = merge_stale(form, stored, _field_labels(request, values))
    live_parts = _live_parts(proposal, call, form, page_locale(request))
    return page(
        request,
        "researcher/proposal.html",
        settings=settings,
        principal=principal,
        status=refusal.status if refusal else 200,
        crumbs=[
            Crumb(_label(request, "Dashboard"), request.app.route_reverse("web:home")),
            Crumb(call.code, request.app.route_reverse("web:call", call_id=call.id)),
            Crumb(detail.reference or _label(request, "Draft proposal")),
        ],
        proposal=detail,
        call=call_detail(call, principal.locale),
        zones=_zones(call),
        form=form,
        errors=refusal.errors if refusal else {},
        seen={name: seen_field(fields) for name, fields in values.items()},
        changes=changes,
        none_check=live.OrcidCheck(),
        **live_parts,
        **context,
    )


def _live_parts(
    proposal: Proposal, call: Call, form: dict[str, str] | None, locale: str
) -> dict[str, Any]:
    """Each side's ROR lookup and budget totals as the page first shows them: from what was
    typed when a refused form comes back, else from what is stored."""
    typed = form or {}
    ror_checks: dict[str, live.RorCheck] = {}
    totals: dict[str, live.Totals] = {}
    typed_budget: set[str] = set()
    for part in proposal.parts:
        code = part.agency.code
        terms = terms_for(call, part)
        ror_name = f"{code}-institution_ror"
        ror_checks[code] = live.ror_check(typed.get(ror_name, part.institution_ror), locale)
        if any(name.startswith(f"{code}-budget-") for name in typed):
            typed_budget.add(code)
            lines = list(live.budget_lines(typed, code, terms.currency, proposal.duration_years))
        else:
            lines = [
                {"year": b.year, "category": b.category, "amount": b.amount} for b in part.budget
            ]
        totals[code] = live.budget_totals(lines, terms, code, proposal.duration_years, locale)
    return {"ror_checks": ror_checks, "totals": totals, "typed_budget": typed_budget}


_SHARED_LABELS = {
    "title_en": "Title (English)",
    "title_ja": "Title (Japanese)",
    "title_vi": "Title (Vietnamese)",
    "abstract_en": "Abstract (English)",
    "abstract_ja": "Abstract (Japanese)",
    "abstract_vi": "Abstract (Vietnamese)",
    "keywords": "Keywords",
    "topic": "Topic",
    "duration_years": "Duration (years)",
    "planned_start": "Planned start",
}
_PART_LABELS = {
    "institution_ror": "Host institution: ROR id",
    "institution_name": "Host institution: name",
}
_MEMBER_LABELS = {
    "name": "Name",
    "email": "Email",
    "orcid": "ORCID iD",
    "erad_number": "e-Rad researcher number",
    "role": "Role",
}


def _field_labels(
    request: Request[Any, Any, Any], values: dict[str, dict[str, str]]
) -> dict[str, str]:
    """Each form field's label as the page shows it (the templates' words, so the catalogs
    carry them), for the list of a stale form's changes."""
    locale = page_locale(request)
    gettext = catalog(locale).gettext
    labels = {name: gettext(text) for name, text in _SHARED_LABELS.items()}
    for form, fields in values.items():
        for name in fields:
            if form.endswith("-part"):
                labels[name] = gettext(_PART_LABELS[name.split("-", 1)[1]])
            elif form.endswith("-budget"):
                code, _, year, category = name.split("-", 3)
                said = render(STATES[f"category.{category}"](), locale)
                where = gettext("%(category)s, year %(year)s") % {"category": said, "year": year}
                labels[name] = f"{code}: {where}"
            elif form.startswith("member-"):
                labels[name] = gettext(_MEMBER_LABELS[name.rsplit("-", 1)[1]])
    return labels
