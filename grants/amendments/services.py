"""Business verbs on amendments: a PI requests one (checked in full before anything is
written; a small budget move is recorded at once through the machine), anyone who sees the
grant lists and reads them."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.amendments import moves, schemas
from grants.amendments.binding import AmendmentBinding, load_amendment
from grants.amendments.extension import end_date_errors
from grants.amendments.loading import check_side, extended, side_rows
from grants.amendments.views import amendment_views
from grants.audit.chain import append
from grants.awards.access import visible_grant
from grants.common.pagination import Window
from grants.common.schemas import Page
from grants.db.models import Amendment, AmendmentMove, Call, Grant, GrantSide, Proposal
from grants.errors import Conflict, FieldError, Invalid
from grants.proposals.access import part_roles
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from grants.settings import Settings
from grants.times import utcnow
from grants.workflow.service import EventRequest, fire
from messages import define
from workflows.machines.amendment import GRANT_INACTIVE, AmendmentEvent, AmendmentState
from workflows.machines.grant import GrantState

AMENDMENTS = AmendmentBinding()

REFUSED = define("amendment.request.refused", "The amendment cannot be requested as sent.")
NOT_A_SIDE = define(
    "amendment.request.not_a_side", "{agency} funds no side of this grant; its sides: {sides}."
)
EXTENSION_PENDING = define(
    "amendment.extension.pending",
    "An extension of this grant is already requested; withdraw it or wait for its decision.",
)


async def request_amendment(
    session: AsyncSession,
    principal: Principal,
    grant_id: uuid.UUID,
    body: schemas.AmendmentCreate,
    *,
    settings: Settings,
    request_id: str | None,
) -> schemas.Amendment:
    """Request an amendment of the grant (audited as `amendment.request`); a budget move under
    its agency's threshold is then recorded (`amendment.record`) in the same transaction.
    Raises NotFound (the grant is not the caller's to see), Forbidden (not a PI; a budget move
    of the other side), Invalid (every reason the amendment breaks the grid, a cap, the
    indirect-cost share, the fixed years or the end-date rules) and Conflict (the grant is not
    active, an extension is pending). Nothing is written on a refusal."""
    grant, proposal, call, roles = await visible_grant(session, principal, grant_id)
    await session.execute(
        select(Grant.id).where(Grant.id == grant.id).with_for_update()
    )  # requests and decisions on one grant queue here
    side = _side(grant, body) if body.kind == "budget_move" else None
    require(policy.amendment_request_decision(roles, _relation(principal, proposal, side)))
    if grant.state != GrantState.ACTIVE:
        raise Conflict(GRANT_INACTIVE())
    amendment = Amendment(
        grant_id=grant.id,
        kind=body.kind,
        side_id=side.id if side else None,
        requested_by=principal.user_id,
        requested_at=utcnow(),
        reason=body.reason,
    )
    if side is not None:
        await _check_moves(session, grant, call, side, body)
        amendment.moves = [
            AmendmentMove(
                position=i,
                currency=side.currency,
                proposed_amount=m.amount,
                **m.model_dump(exclude={"amount"}),
            )
            for i, m in enumerate(body.moves, start=1)
        ]
    else:
        await _check_extension(session, grant, body)
        amendment.previous_end_date, amendment.proposed_end_date = grant.end_date, body.end_date
    session.add(amendment)
    await session.flush()
    await _audit(session, principal, amendment, side, request_id)
    target = await load_amendment(session, principal, amendment.id, True)
    if (await AMENDMENTS.context(session, principal, target)).small_move:
        await fire(
            session,
            AMENDMENTS,
            amendment.id,
            AmendmentEvent.RECORD,
            EventRequest(amendment.version, {}),
            principal,
            settings=settings,
            request_id=request_id,
        )
    return await AMENDMENTS.view(session, principal, target)


def _side(grant: Grant, body: schemas.AmendmentCreate) -> GrantSide:
    side = next((s for s in grant.sides if s.agency.code == body.agency), None)
    if side is None:
        reason = NOT_A_SIDE(agency=body.agency, sides=[s.agency.code for s in grant.sides])
        raise Invalid(REFUSED(), errors=[FieldError("agency", reason)])
    return side


def _relation(principal: Principal, proposal: Proposal, side: GrantSide | None) -> frozenset[str]:
    relation: frozenset[str] = frozenset()
    for part in proposal.parts:
        if side is None or part.id == side.part_id:
            relation |= part_roles(principal, part)
    return relation


async def _check_moves(
    session: AsyncSession,
    grant: Grant,
    call: Call,
    side: GrantSide,
    body: schemas.AmendmentCreate,
) -> None:
    rows = await side_rows(session, side)
    checked = check_side(grant, call, rows)
    errors = moves.move_errors(checked, body.moves, [m.amount for m in body.moves], "moves")
    if extended(grant):
        errors.insert(0, FieldError("moves", moves.EXTENDED()))
    if errors:
        raise Invalid(REFUSED(), errors=errors)


async def _check_extension(
    session: AsyncSession, grant: Grant, body: schemas.AmendmentCreate
) -> None:
    assert body.end_date is not None  # the schema requires it of an extension
    errors = end_date_errors(body.end_date, grant.end_date, "end_date", None)
    if errors:
        raise Invalid(REFUSED(), errors=errors)
    pending = await session.scalar(
        select(func.count())
        .select_from(Amendment)
        .where(
            Amendment.grant_id == grant.id,
            Amendment.kind == "no_cost_extension",
            Amendment.state == AmendmentState.REQUESTED,
        )
    )
    if pending:
        raise Conflict(EXTENSION_PENDING())


async def _audit(
    session: AsyncSession,
    principal: Principal,
    amendment: Amendment,
    side: GrantSide | None,
    request_id: str | None,
) -> None:
    changes: dict[str, object] = {
        "state": [None, amendment.state],
        "kind": [None, amendment.kind],
        "reason": [None, amendment.reason],
    }
    if side is not None:
        changes["agency"] = [None, side.agency.code]
        changes["moves"] = [
            {
                "from": [m.from_year, m.from_category],
                "to": [m.to_year, m.to_category],
                "proposed": [None, {"amount": m.proposed_amount, "currency": m.currency}],
            }
            for m in amendment.moves
        ]
    else:
        assert amendment.proposed_end_date is not None
        changes["proposed_end_date"] = [None, amendment.proposed_end_date.isoformat()]
    await append(
        session,
        actor=principal.actor,
        action="amendment.request",
        entity_type="amendment",
        entity_id=amendment.id,
        changes=changes,
        request_id=request_id,
    )


async def list_amendments(
    session: AsyncSession, principal: Principal, grant_id: uuid.UUID, window: Window
) -> Page[schemas.Amendment]:
    """The grant's amendments, oldest first (whoever sees the grant; anyone else 404), in a
    constant number of queries."""
    grant, _, _, roles = await visible_grant(session, principal, grant_id)
    where = Amendment.grant_id == grant.id
    total = await session.scalar(select(func.count()).select_from(Amendment).where(where))
    rows = await session.scalars(
        select(Amendment)
        .where(where)
        .order_by(Amendment.requested_at, Amendment.id)
        .limit(window.limit)
        .offset(window.offset)
    )
    officers = bool(roles & policy.OVERSIGHT)
    views = await amendment_views(session, list(rows), grant, officers=officers)
    return Page.of(views, int(total or 0), window)


async def show_amendment(
    session: AsyncSession, principal: Principal, amendment_id: uuid.UUID
) -> schemas.Amendment:
    """One amendment (whoever sees its grant; anyone else 404)."""
    target = await load_amendment(session, principal, amendment_id, False)
    return await AMENDMENTS.view(session, principal, target)
