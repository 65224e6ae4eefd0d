"""The joint panel (`/officer/calls/{id}/joint`): both agencies' rankings side by side (each
only when the policy lets the reader see it: behind the wall, only their own agency's), the
joint ranking recorded by a co-funding officer with its minutes, and each agency's approval
through the ranking workflow (the last key records it). Services and policy are the JSON API's
(`grants.reviews.scoring`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Template
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from grants.bindings import RANKINGS
from grants.db.models import Call
from grants.errors import INVALID_FIELDS, DomainError, Forbidden, Invalid, NotFound
from grants.reviews.scoring import rankings, schemas
from grants.reviews.scoring.access import officer_call
from grants.reviews.scoring.ranking_controllers import JOINT_OFFICERS_ONLY
from grants.reviews.scoring.responses import ranking_view, require_ranking_reader
from grants.security.guards import requires
from grants.security.principal import Principal, Role
from grants.settings import Settings
from grants.web.forms import discard
from grants.web.i18n import page_locale
from grants.web.officer_review_common import (
    Refusal,
    actions,
    done,
    fire_form,
    officer_page,
    refusal,
)
from grants.web.reviewer_pages import field_errors
from grants.web.views import check_form_csrf
from messages import define
from workflows.machines.ranking import RankingEvent
from workflows.roles import COFUNDING_OFFICER

RECORDED = define(
    "web.officer.joint.recorded", "The joint ranking is recorded; each agency now approves it."
)
APPROVED = define("web.officer.joint.approved", "Your agency's approval is on record.")
NO_JOINT = define("web.officer.joint.none", "No joint ranking yet.")


@dataclass(frozen=True, slots=True)
class Side:
    """One agency's ranking as the reader may see it: `walled` when the policy hides it."""

    agency: str
    walled: bool
    ranking: schemas.RankingView | None


@dataclass(frozen=True, slots=True)
class Line:
    """One proposal in the joint ranking form, with the position and recommendation shown."""

    proposal_id: uuid.UUID
    reference: str | None
    position: str
    recommendation: str


class OfficerJointPages(Controller):
    path = "/officer/calls/{call_id:uuid}/joint"
    include_in_schema = False
    guards = [requires(Role.OFFICER)]  # noqa: RUF012

    @get("/", name="web:officer-joint")
    async def show(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
    ) -> Template:
        return await _joint_page(request, principal, db_session, settings, call_id)

    @post("/record", name="web:officer-joint-record")
    async def record(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
    ) -> Response[Any]:
        form = {k: str(v) for k, v in (await request.form()).items()}
        check_form_csrf(principal, form.get("csrf", ""))
        try:
            call, roles = await officer_call(db_session, principal, call_id)
            if COFUNDING_OFFICER not in roles:
                raise Forbidden(JOINT_OFFICERS_ONLY())
            data = _joint_body(form, list(await rankings.rankable(db_session, call)))
            await rankings.record_joint(db_session, principal, call, data)
        except DomainError as exc:
            return await _joint_page(request, principal, db_session, settings, call_id, exc, form)
        return done(settings, f"/officer/calls/{call_id}/joint", RECORDED())

    @post("/events/{event:str}", name="web:officer-joint-event")
    async def event(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        event: str,
    ) -> Response[Any]:
        form = {k: str(v) for k, v in (await request.form()).items()}
        check_form_csrf(principal, form.get("csrf", ""))
        version = int(form["version"]) if form.get("version", "").isdigit() else 0
        try:
            call, _ = await officer_call(db_session, principal, call_id)
            joint = await rankings.ranking_of(db_session, call, None)
            if joint is None:
                raise NotFound(NO_JOINT())
            await fire_form(
                request, db_session, principal, settings, RANKINGS, joint.id, event, version
            )
        except DomainError as exc:
            return await _joint_page(request, principal, db_session, settings, call_id, exc)
        return done(settings, f"/officer/calls/{call_id}/joint", APPROVED())


def _joint_body(form: dict[str, str], proposals: list[uuid.UUID]) -> schemas.JointRankingCreate:
    """The joint ranking as typed: one position and recommendation per rankable proposal."""
    entries = [
        {
            "proposal_id": str(p),
            "position": _number(form.get(f"position-{p}", "")),
            "recommendation": form.get(f"recommendation-{p}", ""),
        }
        for p in proposals
    ]
    try:
        return schemas.JointRankingCreate.model_validate(
            {"entries": entries, "minutes": form.get("minutes", "").strip()}
        )
    except ValidationError as exc:
        raise Invalid(INVALID_FIELDS(), errors=field_errors(exc)) from None


def _number(text: str) -> int | str:
    return int(text.strip()) if text.strip().isdigit() else text.strip()


async def _sides(
    session: AsyncSession, principal: Principal, call: Call, roles: frozenset[str]
) -> list[Side]:
    sides = []
    for terms in call.agencies:
        found = await rankings.ranking_of(session, call, terms.agency)
        try:
            ranking = await require_ranking_reader(
                session, principal, call, roles, terms.agency, found
            )
        except Forbidden:
            sides.append(Side(terms.agency.code, True, None))
            continue
        except NotFound:
            sides.append(Side(terms.agency.code, False, None))
            continue
        sides.append(Side(terms.agency.code, False, await ranking_view(session, call, ranking)))
    return sides


def _lines(
    references: dict[uuid.UUID, str | None],
    joint: schemas.RankingView | None,
    sides: list[Side],
    typed: dict[str, str] | None,
) -> list[Line]:
    """The form's rows: as typed after a refusal, else the joint ranking's, else the first
    visible agency ranking's order, else by reference."""
    source = joint or next((s.ranking for s in sides if s.ranking is not None), None)
    order: dict[uuid.UUID, tuple[int, str | None]] = (
        {e.proposal_id: (e.position, e.recommendation) for e in source.entries} if source else {}
    )
    ranked = sorted(references, key=lambda p: (order.get(p, (10**6,))[0], references[p] or ""))
    lines = []
    for n, p in enumerate(ranked, start=1):
        position = str(n)
        recommendation: str = order.get(p, (n, None))[1] or "fund_if_possible"
        if typed is not None:
            position = typed.get(f"position-{p}", position)
            recommendation = typed.get(f"recommendation-{p}", recommendation)
        lines.append(Line(p, references[p], position, recommendation))
    return lines


async def _joint_page(
    request: Request[Any, Any, Any],
    principal: Principal,
    session: AsyncSession,
    settings: Settings,
    call_id: uuid.UUID,
    error: DomainError | None = None,
    typed: dict[str, str] | None = None,
) -> Template:
    locale = page_locale(request)
    shown: Refusal | None = None
    if error is not None:
        await discard(session)
        shown = refusal(error, locale)
    call, roles = await officer_call(session, principal, call_id)
    sides = await _sides(session, principal, call, roles)
    found = await rankings.ranking_of(session, call, None)
    joint = await ranking_view(session, call, found) if found else None
    events = await actions(session, RANKINGS, found.id, principal, locale) if found else []
    references = await rankings.rankable(session, call)
    return officer_page(
        request,
        principal,
        settings,
        "officer/joint.html",
        call,
        "joint",
        status=shown.status if shown else 200,
        sides=sides,
        joint=joint,
        events=[e for e in events if e.event == RankingEvent.APPROVE],
        lines=_lines(references, joint, sides, typed),
        minutes=(typed or {}).get("minutes", joint.minutes if joint else "") or "",
        refused=shown,
    )
