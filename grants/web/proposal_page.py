"""What the proposal page shows beside the proposal itself: the submission checklist (the very
problems the `submit` guard reads), the workflow's actions for this reader (the same options as
`GET /api/proposals/{id}/transitions`), and whether the reader may edit the shared fields."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.numbers import get_currency_precision
from sqlalchemy.ext.asyncio import AsyncSession

from grants.awards.decision_views import decisions
from grants.bindings import PROPOSALS
from grants.common.pagination import Window
from grants.db.models import Call, Proposal, ProposalPart
from grants.db.models.proposals import BUDGET_CATEGORIES
from grants.proposals import schemas
from grants.proposals.access import part_roles, proposal_facts
from grants.proposals.checks import terms_for
from grants.proposals.workflow import proposal_context as guard_facts
from grants.reviews.scoring.visibility import proposal_reviews
from grants.security import policy
from grants.security.policy.core import CONSORTIUM, PI
from grants.security.principal import Principal
from grants.workflow.service import options
from messages import Message
from workflows.machines.proposal import ProposalState

DECIDED = frozenset({ProposalState.AWARDED, ProposalState.REJECTED})


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


def form_values(
    detail: schemas.ProposalDetail, sides: dict[str, Side], years: int
) -> dict[str, dict[str, str]]:
    """Each form's fields as the page loads them (what its inputs show when nothing was typed),
    keyed by form: `shared`, `<agency>-part`, `<agency>-budget`, `member-<id>`. A form carries
    its own in its hidden `seen` field, so a stale form can be merged with what is stored."""
    title, abstract = detail.title, detail.abstract or {}
    forms: dict[str, dict[str, str]] = {
        "shared": {
            **{f"title_{lang}": title.get(lang) or "" for lang in ("en", "ja", "vi")},
            **{f"abstract_{lang}": abstract.get(lang) or "" for lang in ("en", "ja", "vi")},
            "keywords": ", ".join(detail.keywords or []),
            "topic": detail.topic or "",
            "duration_years": str(detail.duration_years),
            "planned_start": detail.planned_start.isoformat() if detail.planned_start else "",
        }
    }
    for part in detail.parts:
        code = part.agency_code
        forms[f"{code}-part"] = {
            f"{code}-institution_ror": part.institution_ror or "",
            f"{code}-institution_name": part.institution_name or "",
        }
        cells = sides[code].cells
        forms[f"{code}-budget"] = {
            f"{code}-budget-{y}-{c}": cells.get(f"{y}-{c}", "")
            for y in range(1, years + 1)
            for c in BUDGET_CATEGORIES
        }
        for m in part.members:
            prefix = f"member-{m.id}"
            forms[prefix] = {
                f"{prefix}-name": m.name,
                f"{prefix}-email": m.email,
                f"{prefix}-orcid": m.orcid or "",
                f"{prefix}-erad_number": m.erad_number or "",
                f"{prefix}-role": m.role,
            }
    return forms


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
    outcome = await _outcome(session, principal, proposal, call, roles)
    return {
        **outcome,
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


async def _outcome(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    call: Call,
    roles: frozenset[str],
) -> dict[str, Any]:
    """Once decided, what the consortium reads of it: each agency's decision (never who made
    it) and the reviews as applicants see them (scores and comments to them, never who wrote
    them or what was said to the panel), through the same functions as the API's
    `GET …/decisions` and `GET …/reviews`."""
    if proposal.state not in DECIDED or not roles & CONSORTIUM:
        return {"decisions": [], "reviews": []}
    shown = policy.decisions_shown(principal, roles, proposal.state)
    found = await decisions(session, proposal, call, shown)
    reviews = await proposal_reviews(session, principal, proposal.id, Window(100, 0))
    return {"decisions": found, "reviews": reviews.items, "rubric": call.rubric}
