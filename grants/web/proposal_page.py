"""What the proposal page shows beside the proposal itself: the submission checklist (the very
problems the `submit` guard reads), the workflow's actions for this reader (the same options as
`GET /api/proposals/{id}/transitions`), and whether the reader may edit the shared fields."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.numbers import get_currency_precision
from sqlalchemy.ext.asyncio import AsyncSession

from grants.bindings import PROPOSALS
from grants.db.models import Call, Proposal, ProposalPart
from grants.db.models.proposals import BUDGET_CATEGORIES
from grants.proposals import schemas
from grants.proposals.access import part_roles, proposal_facts
from grants.proposals.checks import terms_for
from grants.proposals.workflow import proposal_context as guard_facts
from grants.security import policy
from grants.security.policy.core import PI
from grants.security.principal import Principal
from grants.workflow.service import options
from messages import Message
from workflows.machines.proposal import ProposalState


@dataclass(frozen=True, slots=True)
class Side:
    """One side's part as its forms need it: whether the reader edits it (its own team, in a
    draft: `policy.part_edit_decision`), its currency's minor unit, the agency's caps, and the
    stored budget by (year, category) in major units for the table's inputs."""

    agency: str
    editable: bool
    currency: str
    exponent: int
    cap_per_year: int | None
    cap_total: int | None
    cells: dict[str, str]
    amounts: dict[str, int]


def _side(principal: Principal, proposal: Proposal, call: Call, part: ProposalPart) -> Side:
    on_team = bool(part_roles(principal, part))
    editable = policy.part_edit_decision(proposal.state, on_team, part.agency.code).allowed
    terms = terms_for(call, part)
    exponent = get_currency_precision(terms.currency)
    cells = {
        f"{line.year}-{line.category}": str(Decimal(line.amount).scaleb(-exponent))
        for line in part.budget
    }
    return Side(
        part.agency.code,
        editable,
        terms.currency,
        exponent,
        terms.cap_per_year,
        terms.cap_total,
        cells,
        {f"{line.year}-{line.category}": line.amount for line in part.budget},
    )


@dataclass(frozen=True, slots=True)
class Action:
    """A workflow event the reader may fire from here, or sees refused with its reasons."""

    event: str
    allowed: bool
    reasons: tuple[Message, ...]


def _form_events() -> frozenset[str]:
    # Events that carry data of their own (an officer's eligibility finding, a decision) have
    # their own pages; a bare button fires only the ones that need nothing but the version.
    return frozenset(e for e in PROPOSALS.machine.events if e not in PROPOSALS.data)


async def proposal_context(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    call: Call,
    roles: frozenset[str],
    detail: schemas.ProposalDetail,
) -> dict[str, Any]:
    facts = await guard_facts(session, principal, proposal, call)
    found = await options(session, PROPOSALS, proposal.id, principal)
    bare = _form_events()
    actions = [Action(o.event, o.allowed, o.reasons) for o in found if o.event in bare]
    editable = policy.edit_decision(proposal_facts(proposal, roles)).allowed
    sides = [_side(principal, proposal, call, part) for part in proposal.parts]
    return {
        "sides": {side.agency: side for side in sides},
        "categories": BUDGET_CATEGORIES,
        "years": list(range(1, proposal.duration_years + 1)),
        "invitable": [p.agency.code for p in proposal.parts if p.pi_user_id is None]
        if editable and PI in roles
        else [],
        "problems": facts.problems if proposal.state == ProposalState.DRAFT else (),
        "actions": actions,
        "editable": editable,
        "closes_at": call.closes_at,
    }
