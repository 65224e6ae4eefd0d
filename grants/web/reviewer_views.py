"""The reviewers' pages: the dashboard, the profile with declared conflicts, bidding, and an
assignment with its proposal and review form. Each handler calls the services and workflow the
JSON API calls (`grants.web.reviewer_pages` gathers what a page shows); forms carry the
session's CSRF token; a refused request re-renders its page with every reason in the page's
language, keeping what was typed, and changes nothing."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from babel.dates import format_date
from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from grants.bindings import ASSIGNMENTS, SERVICES
from grants.common.deps import request_id_of
from grants.errors import INVALID_FIELDS, DomainError, FieldError, Invalid
from grants.reviews.pool import decisions, profiles, serving
from grants.reviews.pool import schemas as pool_schemas
from grants.reviews.pool.access import reviewer_proposal
from grants.reviews.scoring import reviews
from grants.reviews.scoring import schemas as scoring_schemas
from grants.reviews.scoring.access import assignment_scope
from grants.security.guards import requires
from grants.security.principal import Principal, Role
from grants.settings import Settings
from grants.times import format_in_zone
from grants.web import live
from grants.web import reviewer_pages as pages
from grants.web.forms import Refusal
from grants.web.forms import refused as form_refusal
from grants.web.i18n import page_locale
from grants.web.layout import Crumb, flash, page
from grants.web.views import check_form_csrf
from grants.workflow.binding import Binding
from grants.workflow.service import EventRequest, fire
from messages import define, render
from workflows.machines.call_service import ServiceState
from workflows.machines.review_assignment import AssignmentEvent

NOT_A_PROPOSAL = define("web.reviewer.pick_proposal", "choose one of the listed proposals")
MY_REVIEWS = define("web.reviewer.title", "My reviews")
DONE = {
    ("service", "accept"): define("web.reviewer.served", "You serve on the call."),
    ("service", "decline"): define("web.reviewer.not_served", "You declined to serve on the call."),
    ("assignment", "accept"): define(
        "web.reviewer.assignment_accepted", "You accepted to review the proposal."
    ),
    ("assignment", "decline"): define(
        "web.reviewer.assignment_declined", "You declined to review the proposal."
    ),
}
PROFILE_SAVED = define("web.reviewer.profile_saved", "Your profile is saved.")
CONFLICT_DECLARED = define(
    "web.reviewer.conflict_declared", "Your conflict of interest is on record."
)
BID_SAVED = define("web.reviewer.bid_saved", "Your bid is saved.")
DRAFT_SAVED = define("web.reviewer.draft_saved", "Your draft is saved.")
REVIEW_SUBMITTED = define("web.reviewer.review_submitted", "Your review is submitted.")
PROFILE_CRUMB = define("web.reviewer.crumb.profile", "My profile and conflicts")
BIDS_CRUMB = define("web.reviewer.crumb.bids", "Bids on {call}")
ASSIGNMENT_CRUMB = define("web.reviewer.crumb.assignment", "Review of {reference}")
FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
# The review form's fields besides the scores (`score.<criterion>`).
REVIEW_TEXTS = ("comments_to_applicants", "confidential_comments", "recommendation", "confidence")


class EventForm(BaseModel):
    csrf: str = ""
    version: int = 0
    reason: str = ""


class ProfileForm(BaseModel):
    csrf: str = ""
    version: int = 0
    expertise: str = ""
    keywords: str = ""
    institution_ror: str = ""
    institution_name: str = ""
    orcid: str = ""
    country: str = ""


class DeclareForm(BaseModel):
    csrf: str = ""
    proposal: str = ""
    reason: str = ""
    coauthor: str = ""


class BidForm(BaseModel):
    csrf: str = ""
    level: str = ""


def _page(
    request: Request[Any, Any, Any],
    principal: Principal,
    settings: Settings,
    template: str,
    status: int = 200,
    crumbs: tuple[Crumb, ...] = (),
    **context: Any,
) -> Template:
    """`template` in the shared layout, with the formatters of the page's language."""
    locale = page_locale(request)
    home = Crumb(render(MY_REVIEWS(), locale), request.app.route_reverse("web:reviewer"))
    return page(
        request,
        template,
        settings=settings,
        principal=principal,
        crumbs=(home, *crumbs) if crumbs else (Crumb(home.label),),
        status=status,
        money=lambda amount, currency: pages.money(amount, currency, locale),
        format_date=lambda day: format_date(day, "medium", locale=locale),
        format_datetime=lambda at: format_in_zone(at, principal.time_zone, locale),
        **context,
    )


def _done(request: Request[Any, Any, Any], settings: Settings, path: str, said: Any) -> Redirect:
    """After a change: back to a page of ours, saying what happened there once."""
    return flash(Redirect(path=path, status_code=303), said, settings)


def _event_data(binding: Binding[Any], event: str, reason: str) -> dict[str, Any]:
    """The event's data from a form: its reason when the event takes one."""
    if event in binding.machine.events and "reason" in binding.data_schema(event).model_fields:
        return {"reason": reason}
    return {}


async def _fire(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    principal: Principal,
    settings: Settings,
    binding: Binding[Any],
    entity_id: uuid.UUID,
    event: str,
    form: EventForm,
) -> None:
    body = EventRequest(form.version, _event_data(binding, event, form.reason))
    await fire(
        session,
        binding,
        entity_id,
        event,
        body,
        principal,
        settings=settings,
        request_id=request_id_of(request),
    )


class ReviewerPageController(Controller):
    path = "/reviewer"
    include_in_schema = False
    guards = [requires(Role.REVIEWER)]  # noqa: RUF012

    @get("/", name="web:reviewer")
    async def dashboard(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
    ) -> Template:
        return await _dashboard(request, principal, db_session, settings)

    @post("/services/{service_id:uuid}/{event:str}", name="web:reviewer-service-event")
    async def service_event(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        service_id: uuid.UUID,
        event: str,
        data: Annotated[EventForm, FORM],
    ) -> Response[Any]:
        check_form_csrf(principal, data.csrf)
        try:
            await _fire(request, db_session, principal, settings, SERVICES, service_id, event, data)
        except DomainError as exc:
            refused = await form_refusal(exc, request, db_session, shown=None)
            typed = {"id": service_id, "reason": data.reason}
            return await _dashboard(
                request, principal, db_session, settings, refused=refused, typed=typed
            )
        said = DONE.get(("service", event), DONE[("service", "accept")])
        return _done(request, settings, request.app.route_reverse("web:reviewer"), said())

    @post("/assignments/{assignment_id:uuid}/events/{event:str}", name="web:reviewer-event")
    async def assignment_event(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        assignment_id: uuid.UUID,
        event: str,
        data: Annotated[EventForm, FORM],
    ) -> Response[Any]:
        check_form_csrf(principal, data.csrf)
        try:
            await _fire(
                request, db_session, principal, settings, ASSIGNMENTS, assignment_id, event, data
            )
        except DomainError as exc:
            refused = await form_refusal(exc, request, db_session, shown=None)
            return await _dashboard(
                request,
                principal,
                db_session,
                settings,
                refused=refused,
                typed={"id": assignment_id, "reason": data.reason},
            )
        said = DONE.get(("assignment", event), DONE[("assignment", "accept")])()
        if event == AssignmentEvent.DECLINE:
            return _done(request, settings, request.app.route_reverse("web:reviewer"), said)
        target = request.app.route_reverse("web:reviewer-assignment", assignment_id=assignment_id)
        return _done(request, settings, target, said)

    @get("/profile", name="web:reviewer-profile")
    async def profile(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
    ) -> Template:
        return await _profile(request, principal, db_session, settings)

    @post("/profile", name="web:reviewer-profile-save")
    async def save_profile(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        data: Annotated[ProfileForm, FORM],
    ) -> Response[Any]:
        check_form_csrf(principal, data.csrf)
        keywords = [k.strip() for k in data.keywords.replace("\n", ",").split(",") if k.strip()]
        try:
            update = pool_schemas.OwnProfileUpdate.model_validate(
                {
                    "version": data.version,
                    "expertise": data.expertise.strip(),
                    "keywords": keywords,
                    # Left empty: unchanged (the API's null), as the profile cannot lose them.
                    "institution_ror": data.institution_ror.strip() or None,
                    "institution_name": data.institution_name.strip() or None,
                    "orcid": data.orcid.strip() or None,
                    "country": data.country.strip() or None,
                }
            )
        except ValidationError as exc:
            refused = await form_refusal(exc, request, db_session)
            return await _profile(
                request, principal, db_session, settings, refused=refused, typed=data
            )
        try:
            found, _ = await profiles.get_profile(db_session, principal.user_id)
            await profiles.update_profile(db_session, found, update, actor=principal.actor)
        except DomainError as exc:
            refused = await form_refusal(exc, request, db_session, shown=None)
            return await _profile(
                request, principal, db_session, settings, refused=refused, typed=data
            )
        target = request.app.route_reverse("web:reviewer-profile")
        return _done(request, settings, target, PROFILE_SAVED())

    @post("/conflicts", name="web:reviewer-declare")
    async def declare(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        data: Annotated[DeclareForm, FORM],
    ) -> Response[Any]:
        check_form_csrf(principal, data.csrf)
        try:
            declaration = await _declaration(data)
            proposal, _ = await reviewer_proposal(
                db_session,
                principal,
                uuid.UUID(data.proposal),
                (ServiceState.INVITED, ServiceState.ACCEPTED),
            )
            await decisions.declare(
                db_session, proposal, principal.user_id, declaration, actor=principal.actor
            )
        except DomainError as exc:
            refused = await form_refusal(exc, request, db_session, shown=None)
            return await _profile(
                request, principal, db_session, settings, refused=refused, declared=data
            )
        target = request.app.route_reverse("web:reviewer-profile")
        return _done(request, settings, f"{target}#conflicts", CONFLICT_DECLARED())

    @get("/calls/{call_id:uuid}/bids", name="web:reviewer-bids")
    async def bids(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
    ) -> Template:
        return await _bids(request, principal, db_session, settings, call_id)

    @post("/proposals/{proposal_id:uuid}/bid", name="web:reviewer-bid")
    async def bid(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        proposal_id: uuid.UUID,
        data: Annotated[BidForm, FORM],
    ) -> Response[Any]:
        check_form_csrf(principal, data.csrf)
        proposal, _ = await reviewer_proposal(db_session, principal, proposal_id)
        call_id = proposal.call_id
        try:
            level = pool_schemas.BidBody.model_validate({"level": data.level}).level
            await serving.place_bid(
                db_session, proposal, principal.user_id, level, actor=principal.actor
            )
        except ValidationError as exc:
            refused = await form_refusal(exc, request, db_session)
            return await _bids(
                request, principal, db_session, settings, call_id, refused, proposal_id
            )
        except DomainError as exc:
            refused = await form_refusal(exc, request, db_session, shown=None)
            return await _bids(
                request, principal, db_session, settings, call_id, refused, proposal_id
            )
        target = request.app.route_reverse("web:reviewer-bids", call_id=call_id)
        return _done(request, settings, f"{target}#p-{proposal_id}", BID_SAVED())

    @get("/assignments/{assignment_id:uuid}", name="web:reviewer-assignment")
    async def assignment(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        assignment_id: uuid.UUID,
    ) -> Template:
        return await _assignment(request, principal, db_session, settings, assignment_id)

    @get("/assignments/{assignment_id:uuid}/submit-state", name="web:reviewer-submit-state")
    async def submit_state(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        assignment_id: uuid.UUID,
    ) -> Template:
        """htmx, after a draft save: the review form's buttons with the workflow's verdict on
        `submit` now (`GET /api/assignments/{id}/transitions`), its reasons in the page's
        language. Raises NotFound for anyone but the assignment's reviewer."""
        locale = page_locale(request)
        await assignment_scope(db_session, principal, assignment_id)
        found = await pages.actions(db_session, ASSIGNMENTS, assignment_id, principal, locale)
        submit = next((a for a in found if a.event == AssignmentEvent.SUBMIT), None)
        return Template(
            "reviewer/_submit_state.html",
            context={"assignment_id": assignment_id, "submit": submit, "locale": locale},
            headers={"Content-Language": locale},
        )

    @post("/assignments/{assignment_id:uuid}/review", name="web:reviewer-review-save")
    async def save_review(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        assignment_id: uuid.UUID,
    ) -> Response[Any]:
        form = {k: str(v) for k, v in (await request.form()).items()}
        check_form_csrf(principal, form.get("csrf", ""))
        try:
            scope = await assignment_scope(db_session, principal, assignment_id)
            saved = await reviews.save_draft(db_session, principal, scope, review_body(form))
            if form.get("action") == "submit":
                request_id = request_id_of(request)
                sent = EventRequest(saved.version, {})
                await fire(
                    db_session,
                    ASSIGNMENTS,
                    assignment_id,
                    AssignmentEvent.SUBMIT,
                    sent,
                    principal,
                    settings=settings,
                    request_id=request_id,
                )
        except DomainError as exc:
            refused = await form_refusal(exc, request, db_session, shown=None)
            return await _assignment(
                request, principal, db_session, settings, assignment_id, refused, form
            )
        target = request.app.route_reverse("web:reviewer-assignment", assignment_id=assignment_id)
        said = REVIEW_SUBMITTED() if form.get("action") == "submit" else DRAFT_SAVED()
        return _done(request, settings, target, said)


async def _declaration(data: DeclareForm) -> pool_schemas.Declaration:
    try:
        uuid.UUID(data.proposal)
    except ValueError:
        raise Invalid(INVALID_FIELDS(), errors=[FieldError("proposal", NOT_A_PROPOSAL())]) from None
    try:
        return pool_schemas.Declaration(reason=data.reason.strip(), coauthor=bool(data.coauthor))
    except ValidationError as exc:
        raise Invalid(INVALID_FIELDS(), errors=pages.field_errors(exc)) from None


def review_body(form: dict[str, str]) -> scoring_schemas.ReviewUpdate:
    """The review as typed: blank fields left out, numbers as numbers when they are (anything
    else reaches the checks, which name the field: `scores.<key>`, `confidence`)."""
    scores = {
        name.removeprefix("score."): _number(value)
        for name, value in form.items()
        if name.startswith("score.") and value.strip()
    }
    texts: dict[str, Any] = {n: form[n] for n in REVIEW_TEXTS if form.get(n, "").strip()}
    if "confidence" in texts:
        texts["confidence"] = _number(texts["confidence"])
    try:
        return scoring_schemas.ReviewUpdate.model_validate(
            {"version": _number(form.get("version", "")), "scores": scores, **texts}
        )
    except ValidationError as exc:
        raise Invalid(INVALID_FIELDS(), errors=pages.field_errors(exc)) from None


def _number(text: str) -> int | str:
    text = text.strip()
    return int(text) if text.isdigit() else text


async def _dashboard(
    request: Request[Any, Any, Any],
    principal: Principal,
    session: AsyncSession,
    settings: Settings,
    refused: Refusal | None = None,
    typed: dict[str, Any] | None = None,
) -> Template:
    board = await pages.dashboard(session, principal, page_locale(request))
    status = refused.status if refused else 200
    return _page(
        request,
        principal,
        settings,
        "reviewer/dashboard.html",
        status,
        board=board,
        refused=refused,
        typed=typed or {},
    )


async def _profile(
    request: Request[Any, Any, Any],
    principal: Principal,
    session: AsyncSession,
    settings: Settings,
    refused: Refusal | None = None,
    typed: ProfileForm | None = None,
    declared: DeclareForm | None = None,
) -> Template:
    locale = page_locale(request)
    found = profiles.profile_view(*await profiles.get_profile(session, principal.user_id))
    return _page(
        request,
        principal,
        settings,
        "reviewer/profile.html",
        refused.status if refused else 200,
        (Crumb(render(PROFILE_CRUMB(), locale)),),
        profile=found,
        ror_check=live.ror_check(typed.institution_ror if typed else found.institution_ror, locale),
        conflicts=await pages.own_conflicts(session, principal, locale),
        declarable=await pages.declarable(session, principal),
        refused=refused if typed or declared else None,
        profile_refused=refused if typed else None,
        declare_refused=refused if declared else None,
        typed=typed,
        declared=declared,
    )


async def _bids(
    request: Request[Any, Any, Any],
    principal: Principal,
    session: AsyncSession,
    settings: Settings,
    call_id: uuid.UUID,
    refused: Refusal | None = None,
    refused_for: uuid.UUID | None = None,
) -> Template:
    found = await pages.biddable(session, principal, call_id)
    crumb = Crumb(render(BIDS_CRUMB(call=found.call.code), page_locale(request)))
    return _page(
        request,
        principal,
        settings,
        "reviewer/bids.html",
        refused.status if refused else 200,
        (crumb,),
        biddable=found,
        refused=refused,
        refused_for=refused_for,
    )


async def _assignment(
    request: Request[Any, Any, Any],
    principal: Principal,
    session: AsyncSession,
    settings: Settings,
    assignment_id: uuid.UUID,
    refused: Refusal | None = None,
    typed: dict[str, str] | None = None,
) -> Template:
    locale = page_locale(request)
    shown = await pages.review_page(session, principal, assignment_id, locale)
    reference = shown.assignment.proposal_reference or ""
    crumb = Crumb(render(ASSIGNMENT_CRUMB(reference=reference), locale))
    return _page(
        request,
        principal,
        settings,
        "reviewer/assignment.html",
        refused.status if refused else 200,
        (crumb,),
        page=shown,
        values=_values(shown, typed),
        refused=refused,
    )


def _values(page: pages.ReviewPage, typed: dict[str, str] | None) -> dict[str, str]:
    """The review form's values: what was typed (a refused save), else the saved draft."""
    if typed is not None:
        return typed
    form = page.form
    if form is None:
        return {}
    values = {f"score.{k}": str(v) for k, v in form.scores.items()}
    for name in REVIEW_TEXTS:
        value = getattr(form, name)
        values[name] = "" if value is None else str(value)
    values["version"] = str(form.version)
    return values
