"""An officer's decisions tab (`/officer/calls/{id}/decisions`): every proposal of the call that
reached the decision, with the budget its agency's side requested (project year × category),
the agency's own decision once recorded (the approved grid with each cut against the request)
and, while the call is deciding, the form that records it through `record_decision` — the very
service behind `POST /api/proposals/{id}/decisions`. A refused decision (a line above the
request, a year over the cap, the envelope) comes back with each reason at its cell.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.awards import schemas
from grants.awards import shared as shared_mode
from grants.awards.decision_views import decisions
from grants.awards.recording import record_decision
from grants.calls.access import visible_call
from grants.common.deps import request_id_of
from grants.db.models import BudgetLine, Call, Proposal
from grants.db.models.proposals import BUDGET_CATEGORIES
from grants.errors import DomainError, Forbidden
from grants.proposals.access import roles_on
from grants.security import policy
from grants.security.enforce import require
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings
from grants.web.forms import FormErrors, discard, field_errors, validation_errors, whole
from grants.web.i18n import page_locale
from grants.web.layout import Crumb, flash, page
from grants.web.views import check_form_csrf
from messages import define
from messages.render import catalog
from workflows.machines.call import CallState
from workflows.machines.proposal import ProposalState

DECISION_RECORDED = define(
    "web.decision.recorded", "{agency}'s decision on {proposal} is recorded."
)
NOT_AN_OFFICER = define(
    "web.decision.officers_only", "Only an officer of a co-funding agency records a decision."
)
SHOWN = (ProposalState.REVIEWED, ProposalState.AWARDED, ProposalState.REJECTED)
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


@dataclass(frozen=True, slots=True)
class Cell:
    year: int
    category: str
    requested: int
    approved: int | None


@dataclass(frozen=True, slots=True)
class ProposalRow:
    """One proposal as the tab shows it to the reader's agency."""

    proposal: Proposal
    currency: str
    years: list[int]
    cells: dict[str, Cell]
    decision: schemas.Decision | None
    others: list[schemas.Decision]
    decidable: bool


class DecisionPages(Controller):
    include_in_schema = False
    guards = [authenticated]  # noqa: RUF012

    @get("/officer/calls/{call_id:uuid}/decisions", name="web:officer-decisions")
    async def decisions(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
    ) -> Template:
        return await decisions_page(request, settings, principal, db_session, call_id)

    @post(
        "/officer/calls/{call_id:uuid}/decisions/{proposal_id:uuid}",
        name="web:officer-decide",
    )
    async def decide(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        proposal_id: uuid.UUID,
        data: Form,
    ) -> Response[Any]:
        """Record the officer's agency's decision from the form's grid."""
        prefix = f"p-{proposal_id}-"
        data = {k.removeprefix(prefix): v for k, v in data.items()}
        check_form_csrf(principal, data.get("csrf", ""))
        call, _ = await visible_call(db_session, principal, call_id)
        agency = _own_code(principal, call)
        keys, body = _body(data, agency)
        try:
            parsed = schemas.DecisionCreate.model_validate(body)
            outcome = await record_decision(
                db_session,
                principal,
                proposal_id,
                parsed,
                settings=settings,
                request_id=request_id_of(request),
            )
        except (ValidationError, DomainError) as exc:
            if isinstance(exc, DomainError) and exc.status == 404:
                raise
            await discard(db_session)
            errors = _errors(exc, request, keys, f"p-{proposal_id}")
            status = 422 if isinstance(exc, ValidationError) else exc.status
            return await decisions_page(
                request,
                settings,
                principal,
                db_session,
                call_id,
                errors=errors,
                form=data,
                failed=proposal_id,
                status=status,
            )
        target = request.app.route_reverse("web:officer-decisions", call_id=call_id)
        reference = outcome.decision.agency
        done = DECISION_RECORDED(agency=agency, proposal=data.get("reference", reference))
        return flash(Redirect(path=target), done, settings)


def _own_code(principal: Principal, call: Call) -> str:
    code = next(
        (t.agency.code for t in call.agencies if t.agency_id == principal.officer_agency_id), None
    )
    if code is None or not principal.has("officer"):
        raise Forbidden(NOT_AN_OFFICER())
    return code


def _body(data: dict[str, str], agency: str) -> tuple[list[str], dict[str, Any]]:
    """The decision as the API takes it; `keys` names each budget line's cell, in order, so a
    refusal of `budget[3].amount` lands at its cell."""
    decision = data.get("decision", "")
    keys: list[str] = []
    budget = []
    if decision == "approve":
        for name, value in data.items():
            if not name.startswith("b-") or not value.strip():
                continue
            _, year, category = name.split("-", 2)
            amount = whole(value)
            if amount == 0:
                continue
            keys.append(name)
            budget.append(
                {
                    "year": whole(year),
                    "category": category,
                    "amount": amount,
                    "currency": data.get("currency", ""),
                }
            )
    body = {
        "version": whole(data.get("version")),
        "agency": agency,
        "decision": decision,
        "rationale": data.get("rationale", "").strip(),
        "budget": budget,
    }
    return keys, body


def _errors(
    exc: ValidationError | DomainError,
    request: Request[Any, Any, Any],
    keys: list[str],
    prefix: str,
) -> FormErrors:
    found = (
        validation_errors(exc, request)
        if isinstance(exc, ValidationError)
        else field_errors(exc, request)
    )
    errors: FormErrors = {}
    for name, text in found.items():
        head, _, rest = name.partition("_")
        if head.startswith("budget-") and head.removeprefix("budget-").isdigit():
            index = int(head.removeprefix("budget-"))
            cell = keys[index] if index < len(keys) else "budget"
            errors[f"{prefix}-{cell}"] = text
        elif name == "budget":
            errors[f"{prefix}-budget"] = " ".join(
                filter(None, (errors.get(f"{prefix}-budget"), text))
            )
        else:
            errors[f"{prefix}-{name}"] = text
        del rest
    return errors


async def _rows(session: AsyncSession, principal: Principal, call: Call) -> list[ProposalRow]:
    proposals = list(
        await session.scalars(
            select(Proposal)
            .where(Proposal.call_id == call.id, Proposal.state.in_(SHOWN))
            .order_by(Proposal.reference)
        )
    )
    own = principal.officer_agency_id
    parts = {p.id: _part(p, call, own) for p in proposals}
    lines: dict[uuid.UUID, list[BudgetLine]] = {}
    for line in await session.scalars(
        select(BudgetLine)
        .where(BudgetLine.part_id.in_([part.id for part in parts.values()]))
        .order_by(BudgetLine.year, BudgetLine.category)
    ):
        lines.setdefault(line.part_id, []).append(line)
    rows = []
    for proposal in proposals:
        roles = roles_on(principal, proposal, call)
        shown = policy.decisions_shown(principal, roles, proposal.state)
        found = await decisions(session, proposal, call, shown)
        part = parts[proposal.id]
        currency = next(t.currency for t in call.agencies if t.agency_id == part.agency_id)
        if call.cofunding_mode == "shared":
            currency = shared_mode.lead(call).currency
        mine = next((d for d in found if d.agency == _code(call, own)), None)
        approved: dict[tuple[int, str], int] = (
            {(x.year, x.category): x.amount for x in mine.budget} if mine else {}
        )
        cells = {
            f"{line.year}-{line.category}": Cell(
                line.year,
                line.category,
                line.amount,
                approved.get((line.year, line.category), 0) if mine and mine.total else None,
            )
            for line in lines.get(part.id, [])
        }
        rows.append(
            ProposalRow(
                proposal,
                currency,
                list(range(1, proposal.duration_years + 1)),
                cells,
                mine,
                [d for d in found if d is not mine],
                mine is None
                and own is not None
                and proposal.state == ProposalState.REVIEWED
                and call.state == CallState.DECIDING,
            )
        )
    return rows


def _code(call: Call, agency_id: uuid.UUID | None) -> str | None:
    return next((t.agency.code for t in call.agencies if t.agency_id == agency_id), None)


def _part(proposal: Proposal, call: Call, agency_id: uuid.UUID | None) -> Any:
    """The part whose budget the reader's agency decides on: its own (the lead part's one
    joint budget in `shared` mode); for an auditor, the first."""
    if call.cofunding_mode == "shared":
        lead = shared_mode.lead(call).agency_id
        return next(p for p in proposal.parts if p.agency_id == lead)
    return next((p for p in proposal.parts if p.agency_id == agency_id), proposal.parts[0])


async def decisions_page(
    request: Request[Any, Any, Any],
    settings: Settings,
    principal: Principal,
    session: AsyncSession,
    call_id: uuid.UUID,
    *,
    errors: FormErrors | None = None,
    form: dict[str, str] | None = None,
    failed: uuid.UUID | None = None,
    status: int = 200,
) -> Template:
    call, roles = await visible_call(session, principal, call_id)
    require(policy.call_money_decision(roles))
    words = catalog(page_locale(request))
    return page(
        request,
        "officer/decisions.html",
        settings=settings,
        principal=principal,
        status=status if errors else 200,
        crumbs=[
            Crumb(words.gettext("Calls to run"), "/officer"),
            Crumb(call.code, f"/officer/calls/{call.id}"),
            Crumb(words.gettext("Decisions")),
        ],
        call=call,
        tab="decisions",
        own_agency=_code(call, principal.officer_agency_id),
        deciding=call.state == CallState.DECIDING,
        rows=await _rows(session, principal, call),
        categories=BUDGET_CATEGORIES,
        errors=errors or {},
        form=form or {},
        failed=str(failed) if failed else None,
    )
