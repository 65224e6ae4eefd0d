"""The officers' assignment board (`/officer/calls/{id}/assignment`): serving reviewers and
their loads, conflicts to dismiss or waive, the solver's run and refill, invitations, and swaps
checked by the server before anything is saved. Every handler goes through the services the
JSON API calls (`grants.reviews.assignment`, `grants.reviews.pool`) and their policy; a refused
form re-renders the page with its reasons and changes nothing."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Template
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.deps import request_id_of
from grants.db.models import Call
from grants.errors import INVALID_FIELDS, DomainError, FieldError, Invalid
from grants.reviews.assignment import engine, events, queries, schemas, services
from grants.reviews.assignment.access import call_for, pool_run, visible_assignment
from grants.reviews.pool import decisions
from grants.reviews.pool.schemas import ConflictDecision
from grants.security.guards import requires
from grants.security.principal import Principal, Role
from grants.settings import Settings
from grants.web import officer_review_board as boards
from grants.web.forms import discard
from grants.web.i18n import page_locale
from grants.web.officer_review_common import CsrfOnly, Refusal, done, officer_page, refusal
from grants.web.reviewer_pages import field_errors, reader
from grants.web.views import check_form_csrf
from messages import define

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
PICK = define("web.officer.assignment.pick", "choose one of the listed options")
SWAPPED = define("web.officer.assignment.swapped", "{reviewer} is proposed for {reference}.")
DECIDED = {
    "dismiss": define("web.officer.conflict.dismissed", "The conflict is dismissed."),
    "waive": define("web.officer.conflict.waived", "The conflict is waived."),
}


class SwapForm(BaseModel):
    """Put `reviewer` (`POOL:user id`) on `proposal`, in place of `replace` (an assignment id;
    empty: add a reviewer)."""

    csrf: str = ""
    proposal: str = ""
    replace: str = ""
    reviewer: str = ""
    offset: int = 0


class ReasonForm(BaseModel):
    csrf: str = ""
    reason: str = ""


class OfficerAssignmentPages(Controller):
    path = "/officer/calls/{call_id:uuid}/assignment"
    include_in_schema = False
    guards = [requires(Role.OFFICER)]  # noqa: RUF012

    @get("/", name="web:officer-assignment")
    async def show(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        offset: int = Parameter(query="offset", default=0, ge=0, le=1_000_000),
    ) -> Template:
        call = await call_for(db_session, principal, call_id, change=False)
        return await _board(request, principal, db_session, settings, call, offset)

    @post("/run", name="web:officer-assignment-run")
    async def run(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        data: Annotated[CsrfOnly, FORM],
    ) -> Template:
        return await _solve(request, principal, db_session, settings, call_id, data, refill=False)

    @post("/refill", name="web:officer-assignment-refill")
    async def refill(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        data: Annotated[CsrfOnly, FORM],
    ) -> Template:
        return await _solve(request, principal, db_session, settings, call_id, data, refill=True)

    @post("/invite", name="web:officer-assignment-invite")
    async def invite(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        data: Annotated[CsrfOnly, FORM],
    ) -> Template:
        check_form_csrf(principal, data.csrf)
        me = reader(principal, page_locale(request))
        try:
            call = await call_for(db_session, principal, call_id, change=True)
            rid = request_id_of(request)
            invited = await events.invite_all(db_session, me, settings, call, rid)
        except DomainError as exc:
            return await _refused(request, principal, db_session, settings, call_id, exc)
        return await _board(request, principal, db_session, settings, call, 0, invited=invited)

    @post("/check", name="web:officer-assignment-check")
    async def check(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        data: Annotated[SwapForm, FORM],
    ) -> Template:
        """The swap tried in the request's transaction, then rolled back: the answer is what
        saving would do, with its reasons, and nothing is kept."""
        check_form_csrf(principal, data.csrf)
        locale = page_locale(request)
        try:
            call = await call_for(db_session, principal, call_id, change=True)
            made = await _swap(db_session, principal, call, data, locale)
            match = await boards.pair_match(db_session, call, made.proposal_id, made.reviewer_id)
            context: dict[str, Any] = {"made": made, "match": match, "refused": None}
        except DomainError as exc:
            context = {"made": None, "match": None, "refused": refusal(exc, locale)}
        await discard(db_session)
        return Template(
            "officer/_board_check.html",
            context={**context, "locale": locale},
            headers={"Content-Language": locale},
        )

    @post("/swap", name="web:officer-assignment-swap")
    async def swap(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        data: Annotated[SwapForm, FORM],
    ) -> Response[Any]:
        check_form_csrf(principal, data.csrf)
        locale = page_locale(request)
        try:
            call = await call_for(db_session, principal, call_id, change=True)
            made = await _swap(db_session, principal, call, data, locale)
        except DomainError as exc:
            return await _refused(
                request, principal, db_session, settings, call_id, exc, data.offset, data
            )
        said = SWAPPED(reviewer=made.reviewer_name, reference=made.proposal_reference or "")
        path = f"/officer/calls/{call_id}/assignment?offset={data.offset}#p-{made.proposal_id}"
        return done(settings, path, said)

    @post("/conflicts/{conflict_id:uuid}/{verb:str}", name="web:officer-conflict-decide")
    async def decide(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        conflict_id: uuid.UUID,
        verb: str,
        data: Annotated[ReasonForm, FORM],
    ) -> Response[Any]:
        check_form_csrf(principal, data.csrf)
        locale = page_locale(request)
        try:
            if verb not in DECIDED:
                raise Invalid(INVALID_FIELDS(), errors=[FieldError("verb", PICK())])
            reason = _reason(data.reason, locale)
            await decisions.decide(db_session, principal, conflict_id, verb, reason)
        except DomainError as exc:
            return await _refused(
                request, principal, db_session, settings, call_id, exc, conflict=conflict_id
            )
        return done(settings, f"/officer/calls/{call_id}/assignment#conflicts", DECIDED[verb]())


def _reason(text: str, locale: str) -> str:
    try:
        return ConflictDecision(reason=text.strip()).reason
    except ValidationError as exc:
        raise Invalid(INVALID_FIELDS(), errors=field_errors(exc)) from None


async def _swap(
    session: AsyncSession, principal: Principal, call: Call, form: SwapForm, locale: str
) -> schemas.Assignment:
    """Withdraw the replaced proposal (if any) and propose the new reviewer, each through the
    assignment services, which check pool, conflicts, load cap and slots."""
    proposal, pool, reviewer, replace = _parsed(form)
    if replace is not None:
        row, *_ = await visible_assignment(session, principal, call.id, replace)
        if row.proposal_id != proposal:
            raise Invalid(INVALID_FIELDS(), errors=[FieldError("replace", PICK())])
        await services.withdraw(session, row, actor=principal.actor)
    data = schemas.AssignmentCreate(proposal_id=proposal, reviewer_id=reviewer, agency=pool)
    row = await services.add(session, call, data, principal=principal)
    return (await queries.views(session, [row], locale))[0]


def _parsed(form: SwapForm) -> tuple[uuid.UUID, str, uuid.UUID, uuid.UUID | None]:
    pool, _, reviewer = form.reviewer.partition(":")
    found: dict[str, uuid.UUID | None] = {}
    errors = []
    for name, text in (
        ("proposal", form.proposal),
        ("reviewer", reviewer),
        ("replace", form.replace),
    ):
        try:
            found[name] = uuid.UUID(text) if text or name != "replace" else None
        except ValueError:
            errors.append(FieldError(name, PICK()))
    if errors or not pool:
        raise Invalid(INVALID_FIELDS(), errors=errors or [FieldError("reviewer", PICK())])
    proposal, chosen = found["proposal"], found["reviewer"]
    assert proposal is not None  # parsed above
    assert chosen is not None
    return proposal, pool, chosen, found["replace"]


async def _solve(
    request: Request[Any, Any, Any],
    principal: Principal,
    session: AsyncSession,
    settings: Settings,
    call_id: uuid.UUID,
    data: CsrfOnly,
    *,
    refill: bool,
) -> Template:
    """Run (or refill) the caller's pool through the engine the API runs; the page then shows
    the report: slots filled, and every shortfall explained."""
    check_form_csrf(principal, data.csrf)
    try:
        call = await call_for(session, principal, call_id, change=True)
        report = await engine.run(
            session,
            call,
            actor=principal.actor,
            pool=pool_run(principal, call),
            keep_proposed=refill,
            request_id=request_id_of(request),
            locale=page_locale(request),
        )
    except DomainError as exc:
        return await _refused(request, principal, session, settings, call_id, exc)
    return await _board(request, principal, session, settings, call, 0, report=report)


async def _refused(
    request: Request[Any, Any, Any],
    principal: Principal,
    session: AsyncSession,
    settings: Settings,
    call_id: uuid.UUID,
    error: DomainError,
    offset: int = 0,
    typed: SwapForm | None = None,
    conflict: uuid.UUID | None = None,
) -> Template:
    """The board again with the refusal's reasons, after undoing whatever was half done."""
    await discard(session)
    call = await call_for(session, principal, call_id, change=False)
    shown = refusal(error, page_locale(request))
    return await _board(
        request, principal, session, settings, call, offset, refused=shown, typed=typed,
        conflict=conflict,
    )  # fmt: skip


async def _board(
    request: Request[Any, Any, Any],
    principal: Principal,
    session: AsyncSession,
    settings: Settings,
    call: Call,
    offset: int,
    *,
    refused: Refusal | None = None,
    **context: Any,
) -> Template:
    board = await boards.board(session, principal, call, page_locale(request), offset)
    shown = {"report": None, "invited": None, "typed": None, "conflict": None, **context}
    return officer_page(
        request,
        principal,
        settings,
        "officer/assignment.html",
        call,
        "assignment",
        status=refused.status if refused else 200,
        board=board,
        refused=refused,
        **shown,
    )
