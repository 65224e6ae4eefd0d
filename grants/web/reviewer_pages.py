"""What the reviewers' pages show, gathered through the same services and policy as the JSON
API (`grants.reviews.*`, `grants.proposals`, `grants.workflow.service.options`): this module
reads and shapes, it decides nothing. `grants.web.reviewer_views` draws the pages."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from grants.bindings import ASSIGNMENTS, SERVICES
from grants.calls.zones import call_zones
from grants.common.pagination import Window, fetch_page
from grants.common.pydantic_messages import pydantic_message
from grants.db.models import Call, Conflict, Proposal
from grants.errors import FieldError
from grants.money import Money, format_money
from grants.proposals import services as proposal_services
from grants.proposals.access import visible_proposal
from grants.reviews.assignment import queries as assignment_queries
from grants.reviews.assignment import schemas as assignment_schemas
from grants.reviews.pool import decisions, profiles, serving
from grants.reviews.pool import schemas as pool_schemas
from grants.reviews.pool.access import service_of
from grants.reviews.scoring import reviews
from grants.reviews.scoring.access import AssignmentScope, assignment_scope
from grants.reviews.scoring.visibility import proposal_reviews
from grants.security.principal import Principal
from grants.times import format_in_zones
from grants.workflow.binding import Binding
from grants.workflow.service import Option, options
from messages import Message, render
from workflows.machines.call_service import ServiceState
from workflows.machines.review_assignment import AssignmentState

# Enough for any one reviewer's load in a call; the pages do not paginate.
EVERYTHING = Window(limit=200, offset=0)


@dataclass(frozen=True, slots=True)
class Action:
    """One workflow event the reader may fire now, or why they may not (reasons rendered)."""

    event: str
    allowed: bool
    reasons: tuple[str, ...]


def field_errors(error: ValidationError) -> list[FieldError]:
    """A form's Pydantic errors as the API names them (dotted field, message)."""
    return [FieldError(".".join(map(str, e["loc"])), pydantic_message(e)) for e in error.errors()]


def said(text: Message | str, locale: str) -> str:
    return render(text, locale) if isinstance(text, Message) else text


def reader(principal: Principal, locale: str) -> Principal:
    """The caller reading in the page's language: services render texts in `locale`."""
    return replace(principal, locale=locale)


async def actions(
    session: AsyncSession,
    binding: Binding[Any],
    entity_id: uuid.UUID,
    principal: Principal,
    locale: str,
) -> list[Action]:
    """The entity's events the caller's roles may fire from its state (`GET …/transitions`)."""
    found: list[Option] = await options(session, binding, entity_id, principal)
    return [Action(o.event, o.allowed, tuple(said(r, locale) for r in o.reasons)) for o in found]


def deadline_in_zones(call: Call, locale: str) -> list[tuple[str, str]]:
    """The call's review deadline in each co-funder's zone (empty when it has none)."""
    if call.review_deadline is None:
        return []
    return format_in_zones(call.review_deadline, call_zones(call), locale)


def text_in(texts: dict[str, str] | None, locale: str) -> tuple[str, str]:
    """A multilingual text in the reader's language when given, else English (the language it
    is in comes second, so a page marks text in another language)."""
    texts = texts or {}
    if texts.get(locale):
        return texts[locale], locale
    if texts.get("en"):
        return texts["en"], "en"
    for language, text in texts.items():
        return text, language
    return "", locale


def money(amount: int, currency: str, locale: str) -> str:
    return format_money(Money(amount, currency), locale)


@dataclass(frozen=True, slots=True)
class ServiceRow:
    service: pool_schemas.CallService
    call_title: tuple[str, str]
    actions: list[Action]


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    assignment: assignment_schemas.Assignment
    call_code: str
    title: tuple[str, str] | None
    deadline: list[tuple[str, str]]
    actions: list[Action]


@dataclass(frozen=True, slots=True)
class Dashboard:
    profile: pool_schemas.ReviewerProfile
    services: list[ServiceRow]
    invitations: list[AssignmentRow]
    assigned: list[AssignmentRow]
    declined: list[AssignmentRow]


async def _calls(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, Call]:
    rows = await session.scalars(
        select(Call).where(Call.id.in_(ids)).options(selectinload(Call.agencies))
    )
    return {c.id: c for c in rows}


async def dashboard(session: AsyncSession, principal: Principal, locale: str) -> Dashboard:
    """The reviewer's profile, calls they were asked to serve on, review invitations and
    assignments, each with the events they may fire."""
    profile = profiles.profile_view(*await profiles.get_profile(session, principal.user_id))
    services = await serving.my_services(session, principal.user_id)
    rows, _ = await fetch_page(
        session, assignment_queries.my_assignments(principal.user_id), EVERYTHING
    )
    mine = await assignment_queries.views(session, rows, locale)
    calls = await _calls(session, {s.call_id for s in services} | {a.call_id for a in mine})
    titles = {
        p.id: p.title
        for p in await session.scalars(
            select(Proposal).where(Proposal.id.in_({a.proposal_id for a in mine}))
        )
    }
    service_rows = [
        ServiceRow(
            s,
            text_in(calls[s.call_id].title, locale),
            await actions(session, SERVICES, s.id, principal, locale),
        )
        for s in services
    ]
    assignment_rows = []
    for a in mine:
        call = calls[a.call_id]
        # Before accepting, the reviewer sees the reference only (as the API's assignment).
        title = (
            text_in(titles[a.proposal_id], locale) if a.state != AssignmentState.INVITED else None
        )
        assignment_rows.append(
            AssignmentRow(
                a,
                call.code,
                title,
                deadline_in_zones(call, locale),
                await actions(session, ASSIGNMENTS, a.id, principal, locale),
            )
        )
    return Dashboard(
        profile,
        service_rows,
        [r for r in assignment_rows if r.assignment.state == AssignmentState.INVITED],
        [r for r in assignment_rows if r.assignment.state in _WORKING],
        [r for r in assignment_rows if r.assignment.state == AssignmentState.DECLINED],
    )


_WORKING = (AssignmentState.ACCEPTED, AssignmentState.SUBMITTED)


@dataclass(frozen=True, slots=True)
class DeclaredConflict:
    view: pool_schemas.ConflictView
    reference: str | None
    call_code: str


@dataclass(frozen=True, slots=True)
class Biddable:
    call: Call
    proposals: list[pool_schemas.BiddableProposal]


async def own_conflicts(
    session: AsyncSession, principal: Principal, locale: str
) -> list[DeclaredConflict]:
    """The caller's own conflicts of interest (declared or detected), newest first."""
    rows = await session.execute(
        select(Conflict, Proposal.reference, Call.code)
        .join(Proposal, Proposal.id == Conflict.proposal_id)
        .join(Call, Call.id == Proposal.call_id)
        .where(Conflict.reviewer_id == principal.user_id)
        .order_by(Conflict.created_at.desc(), Conflict.id)
    )
    return [
        DeclaredConflict(decisions.conflict_view(c, locale), ref, code)
        for c, ref, code in rows.tuples()
    ]


async def biddable(session: AsyncSession, principal: Principal, call_id: uuid.UUID) -> Biddable:
    """The call's proposals the caller may bid on (the API's list: no conflicted one).
    Raises NotFound unless the caller serves on the call."""
    await service_of(session, principal, call_id)
    call = (await _calls(session, {call_id}))[call_id]
    rows, _ = await serving.page_of(
        session, serving.biddable_query(call_id, principal.user_id), EVERYTHING
    )
    return Biddable(call, [serving.biddable_view(p, level) for p, level in rows])


async def declarable(session: AsyncSession, principal: Principal) -> list[Biddable]:
    """For the declaration form: every call the caller serves on with its biddable proposals."""
    services = await serving.my_services(session, principal.user_id)
    serving_on = [s.call_id for s in services if s.state == ServiceState.ACCEPTED]
    return [await biddable(session, principal, call_id) for call_id in serving_on]


@dataclass(frozen=True, slots=True)
class ReviewPage:
    scope: AssignmentScope
    assignment: assignment_schemas.Assignment
    actions: list[Action]
    deadline: list[tuple[str, str]]
    proposal: Any | None = None
    form: Any | None = None
    others: Sequence[Any] = ()


async def review_page(
    session: AsyncSession, principal: Principal, assignment_id: uuid.UUID, locale: str
) -> ReviewPage:
    """An assignment as its reviewer works on it: once accepted the proposal in full, the
    review form (the draft) and, after submitting, the others' reviews the API shows.
    Raises NotFound for anyone but its reviewer (and the officers overseeing it)."""
    scope = await assignment_scope(session, principal, assignment_id)
    [view] = await assignment_queries.views(session, [scope.assignment], locale)
    call = (await _calls(session, {scope.call.id}))[scope.call.id]
    page = ReviewPage(
        scope,
        view,
        await actions(session, ASSIGNMENTS, assignment_id, principal, locale),
        deadline_in_zones(call, locale),
    )
    if scope.assignment.state not in _WORKING:
        return page
    me = reader(principal, locale)
    proposal, found_call, roles = await visible_proposal(
        session, me, scope.proposal.id, reading=True
    )
    detail = await proposal_services.detail(session, me, proposal, found_call, roles)
    form = await reviews.open_form(session, scope)
    others: Sequence[Any] = ()
    if scope.assignment.state == AssignmentState.SUBMITTED:
        own = await reviews.review_of(session, scope)
        listed = (await proposal_reviews(session, me, scope.proposal.id, EVERYTHING)).items
        others = [r for r in listed if own is None or getattr(r, "id", None) != own.id]
    return replace(page, proposal=detail, form=form, others=others)
