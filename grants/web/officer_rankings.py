"""The officers' scores and their agency's ranking (`/officer/calls/{id}/scores`, `/ranking`):
aggregates with the disagreement flags and the aggregation switches the rankings code offers,
one proposal's score distribution as a chart with its table; the agency's draft built from the
scores, reordered (up/down buttons or a position, keyboard-only friendly) and finalised through
the ranking workflow. Everything goes through `grants.reviews.scoring` and its policy, as the
JSON API does; behind the wall an officer sees only their own agency's pool and ranking."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Template
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from grants.bindings import CALLS, RANKINGS
from grants.db.models import Agency, Call, Ranking
from grants.errors import INVALID_FIELDS, DomainError, FieldError, Invalid, NotFound
from grants.reviews.scoring import rankings, schemas
from grants.reviews.scoring.access import officer_call
from grants.reviews.scoring.ranking_controllers import NOT_BUILT
from grants.reviews.scoring.responses import provide_options, ranking_view, require_ranking_reader
from grants.reviews.scoring.scores import ScoreOptions, call_scores, pool_of
from grants.security.guards import requires
from grants.security.principal import Principal, Role
from grants.settings import Settings
from grants.web.forms import discard
from grants.web.i18n import page_locale
from grants.web.officer_review_common import (
    CsrfOnly,
    EventForm,
    Refusal,
    actions,
    done,
    fire_form,
    officer_page,
    refusal,
)
from grants.web.officer_review_scores import distribution
from grants.web.reviewer_pages import field_errors
from grants.web.views import check_form_csrf
from messages import Message, define
from workflows.machines.call import CallEvent

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
NOT_OFFICER = define(
    "web.officer.ranking.no_agency", "You are not an officer of this call's agencies."
)
PICK = define("web.officer.ranking.pick", "choose one of the ranked proposals")
DRAFTED = define("web.officer.ranking.drafted", "The draft ranking is built from the scores.")
MOVED = define("web.officer.ranking.moved", "{reference} is now at position {position}.")
FIRED = {
    "finalise": define("web.officer.ranking.finalised", "Your agency's ranking is final."),
    "start_ranking": define("web.officer.call.ranking", "The call is now ranking."),
    "start_deciding": define("web.officer.call.deciding", "The call is now deciding."),
}
DONE = define("web.officer.event_done", "Done.")
# The call's events the scores and ranking pages offer (the rest are on the setup tab).
CALL_EVENTS = (CallEvent.START_RANKING, CallEvent.START_DECIDING)


class MoveForm(BaseModel):
    csrf: str = ""
    version: int = 0
    proposal: str = ""
    direction: str = ""
    position: str = ""


class OfficerRankingPages(Controller):
    path = "/officer/calls/{call_id:uuid}"
    include_in_schema = False
    guards = [requires(Role.OFFICER)]  # noqa: RUF012
    dependencies = {"options": Provide(provide_options, sync_to_thread=False)}  # noqa: RUF012

    @get("/scores", name="web:officer-scores")
    async def scores(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        options: ScoreOptions,
        proposal: uuid.UUID | None = Parameter(query="proposal", default=None),
    ) -> Template:
        locale = page_locale(request)
        call, roles = await officer_call(db_session, principal, call_id)
        pool = await pool_of(db_session, principal, call, roles, options.agency)
        found = await call_scores(db_session, call, pool, options)
        chosen = next((p for p in found.proposals if p.proposal_id == proposal), None)
        chosen = chosen or (found.proposals[0] if found.proposals else None)
        shown = None
        if chosen is not None:
            shown = await distribution(
                db_session, call, pool, chosen.proposal_id, chosen.reference, options.round, locale
            )
        return officer_page(
            request,
            principal,
            settings,
            "officer/scores.html",
            call,
            "scores",
            scores=found,
            shown=shown,
            options=options,
            call_actions=await _call_actions(db_session, principal, call, locale),
            refused=None,
        )

    @get("/ranking", name="web:officer-ranking")
    async def ranking(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
    ) -> Template:
        return await _ranking_page(request, principal, db_session, settings, call_id)

    @post("/ranking/draft", name="web:officer-ranking-draft")
    async def draft(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        data: Annotated[CsrfOnly, FORM],
    ) -> Response[Any]:
        _check(principal, data.csrf)
        try:
            call, agency = await _own(db_session, principal, call_id)
            await rankings.build_draft(db_session, principal, call, agency, ScoreOptions())
        except DomainError as exc:
            return await _ranking_page(request, principal, db_session, settings, call_id, exc)
        return done(settings, f"/officer/calls/{call_id}/ranking", DRAFTED())

    @post("/ranking/move", name="web:officer-ranking-move")
    async def move(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        data: Annotated[MoveForm, FORM],
    ) -> Response[Any]:
        _check(principal, data.csrf)
        try:
            call, agency = await _own(db_session, principal, call_id)
            ranking = await _existing(db_session, call, agency)
            update, reference, position = _moved(ranking, data, page_locale(request))
            await rankings.reorder(db_session, principal, ranking, agency, update)
        except DomainError as exc:
            return await _ranking_page(request, principal, db_session, settings, call_id, exc)
        said = MOVED(reference=reference, position=position)
        return done(settings, f"/officer/calls/{call_id}/ranking#entry-{data.proposal}", said)

    @post("/ranking/events/{event:str}", name="web:officer-ranking-event")
    async def ranking_event(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        event: str,
        data: Annotated[EventForm, FORM],
    ) -> Response[Any]:
        _check(principal, data.csrf)
        try:
            call, agency = await _own(db_session, principal, call_id)
            ranking = await _existing(db_session, call, agency)
            await fire_form(
                request, db_session, principal, settings, RANKINGS, ranking.id, event, data.version
            )
        except DomainError as exc:
            return await _ranking_page(request, principal, db_session, settings, call_id, exc)
        return done(settings, f"/officer/calls/{call_id}/ranking", _said(event))

    @post("/review-events/{event:str}", name="web:officer-review-call-event")
    async def call_event(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        event: str,
        data: Annotated[EventForm, FORM],
    ) -> Response[Any]:
        """The call's move from review to ranking (and on to deciding), from these pages."""
        _check(principal, data.csrf)
        try:
            if event not in CALL_EVENTS:
                raise Invalid(INVALID_FIELDS(), errors=[FieldError("event", PICK())])
            await fire_form(
                request, db_session, principal, settings, CALLS, call_id, event, data.version
            )
        except DomainError as exc:
            return await _ranking_page(request, principal, db_session, settings, call_id, exc)
        return done(settings, f"/officer/calls/{call_id}/ranking", _said(event))


def _check(principal: Principal, token: str) -> None:
    check_form_csrf(principal, token)


def _said(event: str) -> Message:
    return FIRED.get(event, DONE)()


async def _own(
    session: AsyncSession, principal: Principal, call_id: uuid.UUID
) -> tuple[Call, Agency]:
    """The call and the caller's own co-funding agency (whose ranking they keep)."""
    call, _ = await officer_call(session, principal, call_id)
    own = [t.agency for t in call.agencies if t.agency_id == principal.officer_agency_id]
    if not own:
        raise NotFound(NOT_OFFICER())
    return call, own[0]


async def _existing(session: AsyncSession, call: Call, agency: Agency) -> Ranking:
    found = await rankings.ranking_of(session, call, agency)
    if found is None:
        raise NotFound(NOT_BUILT())
    return found


def _moved(ranking: Ranking, form: MoveForm, locale: str) -> tuple[schemas.RankingUpdate, str, int]:
    """The ranking's entries with one moved up, down or to a position (1 = best)."""
    order = [e["proposal_id"] for e in sorted(ranking.entries, key=lambda e: e["position"])]
    if form.proposal not in order:
        raise Invalid(INVALID_FIELDS(), errors=[FieldError("proposal", PICK())])
    at = order.index(form.proposal)
    target = {"up": at - 1, "down": at + 1}.get(form.direction)
    if target is None:
        target = int(form.position) - 1 if form.position.strip().isdigit() else -1
        if not 0 <= target < len(order):
            error = FieldError("position", PICK())
            raise Invalid(INVALID_FIELDS(), errors=[error])
    target = max(0, min(target, len(order) - 1))
    order.insert(target, order.pop(at))
    by_id = {e["proposal_id"]: e for e in ranking.entries}
    body = {
        "version": ranking.version,
        "entries": [
            {"proposal_id": p, "recommendation": by_id[p]["recommendation"]} for p in order
        ],
    }
    try:
        update = schemas.RankingUpdate.model_validate(body)
    except ValidationError as exc:
        raise Invalid(INVALID_FIELDS(), errors=field_errors(exc)) from None
    if form.version != ranking.version:
        update = update.model_copy(update={"version": form.version})
    return update, by_id[form.proposal]["reference"] or "", target + 1


async def _call_actions(
    session: AsyncSession, principal: Principal, call: Call, locale: str
) -> list[Any]:
    found = await actions(session, CALLS, call.id, principal, locale)
    return [a for a in found if a.event in CALL_EVENTS]


async def _ranking_page(
    request: Request[Any, Any, Any],
    principal: Principal,
    session: AsyncSession,
    settings: Settings,
    call_id: uuid.UUID,
    error: DomainError | None = None,
) -> Template:
    locale = page_locale(request)
    shown: Refusal | None = None
    if error is not None:
        await discard(session)
        shown = refusal(error, locale)
    call, agency = await _own(session, principal, call_id)
    _, roles = await officer_call(session, principal, call_id)
    found = await rankings.ranking_of(session, call, agency)
    view, events = None, []
    if found is not None:
        await require_ranking_reader(session, principal, call, roles, agency, found)
        view = await ranking_view(session, call, found)
        events = await actions(session, RANKINGS, found.id, principal, locale)
    return officer_page(
        request,
        principal,
        settings,
        "officer/ranking.html",
        call,
        "ranking",
        status=shown.status if shown else 200,
        agency=agency,
        ranking=view,
        events=events,
        call_actions=await _call_actions(session, principal, call, locale),
        refused=shown,
    )
