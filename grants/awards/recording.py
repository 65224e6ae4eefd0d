"""`POST /api/proposals/{id}/decisions`: the decisions resource over the proposal machine's
`decide` event, so a decision goes through the one `fire` like every other event."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from grants.awards import queries, schemas
from grants.awards.decision_views import decisions
from grants.bindings import PROPOSALS
from grants.errors import FieldError, Invalid
from grants.proposals.access import visible_proposal
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from grants.settings import Settings
from grants.workflow.service import EventRequest, fire
from messages import define
from workflows.machines.proposal import ProposalEvent

NOT_COFUNDER = define(
    "decision.agency.not_cofunder",
    "{agency} does not co-fund this call; its co-funders are {cofunders}.",
)
INVALID = define("decision.invalid", "The decision cannot be recorded as sent.")


async def record_decision(
    session: AsyncSession,
    principal: Principal,
    proposal_id: uuid.UUID,
    body: schemas.DecisionCreate,
    *,
    settings: Settings,
    request_id: str | None,
) -> schemas.DecisionOutcome:
    """Record the caller's agency's decision on the proposal (the `decide` event, then the
    award or the rejection it leads to). Raises NotFound (the caller may not see the
    proposal), Invalid (`agency` is not a co-funder; a budget line beyond the request or a
    cap, every one named), Forbidden (not an officer of `agency`), Conflict (the state, a
    guard, the envelope, a stale version)."""
    _, call, roles = await visible_proposal(session, principal, proposal_id)
    terms = next((t for t in call.agencies if t.agency.code == body.agency), None)
    if terms is None:
        cofunders = [t.agency.code for t in call.agencies]
        reason = NOT_COFUNDER(agency=body.agency, cofunders=cofunders)
        raise Invalid(INVALID(), errors=[FieldError("agency", reason)])
    require(policy.decision_record_decision(principal, roles, terms.agency_id, body.agency))
    data = body.model_dump(mode="json", exclude={"version", "agency"})
    try:
        target = await fire(
            session,
            PROPOSALS,
            proposal_id,
            ProposalEvent.DECIDE,
            EventRequest(body.version, data),
            principal,
            settings=settings,
            request_id=request_id,
        )
    except Invalid as refused:
        raise _as_sent(refused) from refused
    shown = policy.DecisionsShown(False, terms.agency_id, True)
    recorded = await decisions(session, target.entity, call, shown)
    return schemas.DecisionOutcome(
        decision=recorded[0],
        proposal_state=target.entity.state,
        proposal_version=target.entity.version,
        grant_id=await queries.grant_of(session, proposal_id),
    )


def _as_sent(refused: Invalid) -> Invalid:
    """The event names its fields under `data.`; this body has them at the top."""
    errors = [FieldError(e.field.removeprefix("data."), e.reason) for e in refused.errors]
    return Invalid(refused.detail, errors=errors, reasons=refused.reasons)
