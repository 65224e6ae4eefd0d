"""The one place a workflow event changes an entity's state (`grep '\\.state ='` finds it).

`fire` checks role and scope (the caller passes the roles the actor holds on this entity),
runs the machine's guards, compares the version the client saw, changes the state and appends
the audit event, all in the caller's transaction: the request commits or rolls back as one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import Actor, append
from grants.errors import Conflict, Forbidden, NotFound, StaleVersion
from workflows.engine import Machine
from workflows.errors import EventRefused, NotAllowedFromState, RoleNotAllowed, UnknownEvent


class Stateful(Protocol):
    """What an entity needs to take part in a workflow."""

    id: Any
    state: str
    version: int


@dataclass(frozen=True, slots=True)
class EventRequest:
    """An event as a client asked for it: the version it saw and the event's data."""

    event: str
    version: int
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Option:
    """One event of the entity's current state, as `GET …/transitions` lists it."""

    event: str
    target: str
    description: str
    allowed: bool
    reasons: tuple[str, ...]


def options(
    machine: Machine[Any], entity: Stateful, roles: frozenset[str], ctx: Any
) -> list[Option]:
    """Every event possible from the entity's state, with whether this caller may fire it now."""
    return [
        Option(
            event=o.event,
            target=o.transition.target,
            description=o.transition.description,
            allowed=o.allowed,
            reasons=o.reasons,
        )
        for o in machine.options(entity.state, roles, ctx)
        if o.code != RoleNotAllowed.code
    ]


async def fire(
    session: AsyncSession,
    *,
    machine: Machine[Any],
    entity: Stateful,
    entity_type: str,
    request: EventRequest,
    roles: frozenset[str],
    ctx: Any,
    actor: Actor,
    request_id: str | None = None,
) -> str:
    """Apply `request.event` to `entity` and audit it; returns the previous state.

    Raises NotFound (no such event), Forbidden (role), Conflict (wrong state or guards, with
    every reason) and StaleVersion (the client saw an older version). The entity's
    `version_id_col` makes a concurrent writer that loaded the same version fail at flush.
    """
    try:
        transition = machine.decide(entity.state, request.event, roles, ctx)
    except EventRefused as refused:
        raise _http_error(refused) from refused
    if request.version != entity.version:
        raise StaleVersion(
            f"You saw version {request.version}, but it is now version {entity.version}.",
        )
    before = entity.state
    entity.state = transition.target
    await session.flush()
    await append(
        session,
        actor=actor,
        action=f"{entity_type}.{request.event}",
        entity_type=entity_type,
        entity_id=entity.id,
        changes={"state": [before, transition.target], "data": dict(request.data)},
        request_id=request_id,
    )
    return before


def _http_error(refused: EventRefused) -> Exception:
    if isinstance(refused, UnknownEvent):
        return NotFound(refused.reasons[0])
    if isinstance(refused, RoleNotAllowed):
        return Forbidden(refused.reasons[0], reasons=refused.reasons)
    if isinstance(refused, NotAllowedFromState):
        return Conflict(refused.reasons[0], reasons=refused.reasons)
    return Conflict("The event is refused.", reasons=refused.reasons)
