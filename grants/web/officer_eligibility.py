"""The eligibility tab of a call, for its co-funding officers: the proposals submitted to it, each
with its parts, the duplicate-funding flags explained (which person, which other proposal — or the
grant it became — and which project years overlap), every agency's key on its own part, and this
agency's two buttons (eligible / ineligible, with a reason). The buttons fire the same workflow
events as `POST /api/proposals/{id}/events/declare_eligible|declare_ineligible`; the proposal's
detail comes from the same service and policy as `GET /api/proposals/{id}` (the flags are shown
to oversight roles only)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import answers
from grants.bindings import PROPOSALS
from grants.calls.access import visible_call
from grants.calls.responses import call_detail
from grants.calls.zones import call_zones
from grants.common.deps import request_id_of
from grants.db.models import Agency, Approval, Grant, GrantSide, Proposal
from grants.errors import DomainError
from grants.proposals import queries, schemas, services
from grants.proposals.access import visible_proposal
from grants.proposals.workflow import ELIGIBILITY_EVENTS, eligibility
from grants.security.guards import requires
from grants.security.principal import Principal, Role
from grants.settings import Settings
from grants.web.forms import FormErrors, discard, field_errors
from grants.web.i18n import page_locale
from grants.web.layout import Crumb, flash, page
from grants.web.officer_calls import crumbs
from grants.web.views import check_form_csrf
from grants.workflow.service import EventRequest, Option, fire, options
from messages import define, render
from workflows.machines.proposal import ProposalEvent, ProposalState

ELIGIBILITY_CRUMB = define("web.officer.crumb.eligibility", "Eligibility")
FOUND_ELIGIBLE = define(
    "web.officer.found_eligible", "Your agency found its part of {reference} eligible."
)
FOUND_INELIGIBLE = define(
    "web.officer.found_ineligible", "Your agency found its part of {reference} ineligible."
)
SHOWN = (ProposalState.SUBMITTED, ProposalState.ELIGIBLE, ProposalState.INELIGIBLE)


@dataclass(frozen=True, slots=True)
class Key:
    """One co-funding agency's answer on a proposal's eligibility (None: not yet); its note
    is shown to its own officers only."""

    agency: str
    decision: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class Entry:
    """One proposal in the queue."""

    proposal: schemas.ProposalDetail
    keys: list[Key]
    actions: list[Option]
    grants: dict[str, list[str]]


class OfficerEligibilityPages(Controller):
    path = "/officer"
    include_in_schema = False
    guards = [requires(Role.OFFICER)]  # noqa: RUF012

    @get("/calls/{call_id:uuid}/eligibility", name="web:officer-eligibility")
    async def queue(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
    ) -> Template:
        return await eligibility_page(request, settings, principal, db_session, call_id)

    @post(
        "/proposals/{proposal_id:uuid}/eligibility/{event:str}",
        name="web:officer-eligibility-event",
    )
    async def decide(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        proposal_id: uuid.UUID,
        event: str,
    ) -> Response[Any]:
        """This agency's finding on its own part: the proposal machine's eligibility events."""
        form = {k: str(v) for k, v in (await request.form()).items()}
        check_form_csrf(principal, form.get("csrf", ""))
        proposal, call, _ = await visible_proposal(db_session, principal, proposal_id)
        reference, call_id = proposal.reference or "", call.id
        reason = form.get("reason", "").strip()
        version = form.get("version", "")
        data = {"reason": reason} if reason else {}  # left out: required when ineligible
        try:
            if event not in ELIGIBILITY_EVENTS:
                event = "-"  # the page offers only these two; fire refuses any other as unknown
            await fire(
                db_session,
                PROPOSALS,
                proposal_id,
                event,
                EventRequest(int(version) if version.isdigit() else 0, data),
                principal,
                settings=settings,
                request_id=request_id_of(request),
            )
        except DomainError as exc:
            await discard(db_session)
            found = field_errors(exc, request)  # the event's data: `data.reason` → `data_reason`
            errors = {str(proposal_id): {k.removeprefix("data_"): v for k, v in found.items()}}
            typed = {str(proposal_id): reason}
            return await eligibility_page(
                request, settings, principal, db_session, call_id, errors, typed, exc.status
            )
        done = FOUND_ELIGIBLE if event == ProposalEvent.DECLARE_ELIGIBLE else FOUND_INELIGIBLE
        target = request.app.route_reverse("web:officer-eligibility", call_id=call_id)
        said = done(reference=reference)
        return flash(Redirect(path=f"{target}#p-{proposal_id}"), said, settings)


async def eligibility_page(
    request: Request[Any, Any, Any],
    settings: Settings,
    principal: Principal,
    session: AsyncSession,
    call_id: uuid.UUID,
    errors: dict[str, FormErrors] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    """The queue: submitted proposals first, then the ones found eligible or ineligible."""
    call, _ = await visible_call(session, principal, call_id)
    query = queries.visible_query(principal, call_id=call.id, state=None).where(
        Proposal.state.in_(SHOWN)
    )
    rows = sorted(
        await session.scalars(query.order_by(Proposal.number)),
        key=lambda p: (p.state != ProposalState.SUBMITTED, p.number or 0),
    )
    entries = [await _entry(session, principal, p.id) for p in rows]
    locale = page_locale(request)
    return page(
        request,
        "officer/eligibility.html",
        settings=settings,
        principal=principal,
        status=status if errors else 200,
        crumbs=crumbs(
            request,
            Crumb(call.code, request.app.route_reverse("web:officer-call", call_id=call.id)),
            Crumb(render(ELIGIBILITY_CRUMB(), locale)),
        ),
        call=call_detail(call, locale),
        tab="eligibility",
        call_zones=call_zones(call),
        entries=entries,
        errors=errors or {},
        typed=typed or {},
    )


async def _entry(session: AsyncSession, principal: Principal, proposal_id: uuid.UUID) -> Entry:
    proposal, call, roles = await visible_proposal(session, principal, proposal_id)
    detail = await services.detail(session, principal, proposal, call, roles)
    answered = await answers(session, eligibility(proposal))
    keys = [_key(principal, t.agency, answered.get(t.agency_id)) for t in call.agencies]
    found = await options(session, PROPOSALS, proposal.id, principal)
    actions = [o for o in found if o.event in ELIGIBILITY_EVENTS]
    others = [f.other_proposal for f in detail.duplicate_funding or () if f.other_proposal]
    return Entry(detail, keys, actions, await _grant_numbers(session, others))


def _key(principal: Principal, agency: Agency, answer: Approval | None) -> Key:
    if answer is None:
        return Key(agency.code, None, None)
    own = agency.id == principal.officer_agency_id
    return Key(agency.code, answer.decision, answer.rationale if own else None)


async def _grant_numbers(session: AsyncSession, references: list[str]) -> dict[str, list[str]]:
    """The grant numbers (one per agency side) of the flagged proposals that became grants."""
    if not references:
        return {}
    rows = await session.execute(
        select(Proposal.reference, GrantSide.number)
        .join(Grant, Grant.proposal_id == Proposal.id)
        .join(GrantSide, GrantSide.grant_id == Grant.id)
        .where(Proposal.reference.in_(references))
        .order_by(GrantSide.position)
    )
    numbers: dict[str, list[str]] = {}
    for reference, number in rows.tuples():
        numbers.setdefault(str(reference), []).append(number)
    return numbers
