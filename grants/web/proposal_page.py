"""What the proposal page shows beside the proposal itself: the submission checklist (the very
problems the `submit` guard reads), the workflow's actions for this reader (the same options as
`GET /api/proposals/{id}/transitions`), and whether the reader may edit the shared fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from grants.bindings import PROPOSALS
from grants.db.models import Call, Proposal
from grants.proposals import schemas
from grants.proposals.access import proposal_facts
from grants.proposals.workflow import proposal_context as guard_facts
from grants.security import policy
from grants.security.principal import Principal
from grants.workflow.service import options
from messages import Message
from workflows.machines.proposal import ProposalState


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
    return {
        "problems": facts.problems if proposal.state == ProposalState.DRAFT else (),
        "actions": actions,
        "editable": editable,
        "closes_at": call.closes_at,
    }
