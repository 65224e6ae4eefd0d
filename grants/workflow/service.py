"""The one way a workflow event happens (`grep '\\.state ='` finds this module alone).

`fire(session, binding, entity_id, event, body, principal)` loads the entity through its
binding, which computes the caller's roles and the guards' facts; the machine decides; the
version the client saw is compared; the binding's side effects run; the state changes and the
audit event is appended — all in the caller's transaction, so the request commits or rolls back
as one. `options` answers `GET …/transitions` from exactly the same roles and facts, so what it
lists as allowed is what `fire` accepts.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.common.crashpoints import pause_at
from grants.common.edits import check_version
from grants.common.pydantic_messages import pydantic_message
from grants.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from grants.security.principal import Principal
from grants.settings import Settings
from grants.workflow.binding import Binding, Firing, Target
from messages import Message, define
from workflows.engine import Transition
from workflows.errors import EventRefused, NotAllowedFromState, RoleNotAllowed, UnknownEvent

INVALID_DATA = define("workflow.invalid_data", "The data of '{event}' is invalid.")
REFUSED = define("workflow.refused", "The event is refused.")


@dataclass(frozen=True, slots=True)
class EventRequest:
    """An event as a client asked for it: the version it saw and the event's data."""

    version: int
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Option:
    """One event of the entity's current state, as `GET …/transitions` lists it."""

    event: str
    target: str
    description: str
    allowed: bool
    reasons: tuple[Message, ...]


async def options(
    session: AsyncSession, binding: Binding[Any], entity_id: uuid.UUID, principal: Principal
) -> list[Option]:
    """Every event the caller may ever fire from the entity's state (their roles allow it),
    each with whether the guards let them now and why not. Raises NotFound like `fire`."""
    target = await binding.load(session, principal, entity_id, None)
    ctx = await binding.context(session, principal, target)
    return [
        Option(o.event, o.transition.target, o.transition.description, o.allowed, o.reasons)
        for o in binding.machine.options(target.entity.state, target.roles, ctx)
        if o.code != RoleNotAllowed.code
    ]


async def fire(
    session: AsyncSession,
    binding: Binding[Any],
    entity_id: uuid.UUID,
    event: str,
    body: EventRequest,
    principal: Principal,
    *,
    settings: Settings,
    request_id: str | None = None,
) -> Target[Any]:
    """Apply `event` to the entity, then the binding's first follow-up whose guards now agree.

    Raises NotFound (no such entity for this caller, or no such event), Invalid (the event's
    data), Forbidden (role), Conflict (wrong state or guards, with every reason) and
    StaleVersion (the client saw an older version). The entity's `version_id_col` makes a
    concurrent writer that loaded the same version fail at flush.
    """
    if event not in binding.machine.events:
        raise NotFound(UnknownEvent(binding.machine.name, "", event).reasons[0])
    data = parse_data(binding, event, body.data)
    target = await binding.load(session, principal, entity_id, event)
    firing = Firing(principal, event, data, settings, request_id)
    await _apply(session, binding, target, firing, seen=body.version)
    follow = binding.follow_ups.get(event, ())
    for candidate in (follow,) if isinstance(follow, str) else follow:
        data = parse_data(binding, candidate, {})
        then = Firing(principal, candidate, data, settings, request_id)
        if await _follow(session, binding, target, then):
            break
    return target


async def consequence(
    session: AsyncSession,
    binding: Binding[Any],
    entity_id: uuid.UUID,
    event: str,
    data: Mapping[str, Any],
    cause: Firing,
    *,
    role: str,
) -> Target[Any]:
    """Apply `event` to another entity as the consequence of `cause` (a joint decision that
    terminates a grant and withholds its tranches), by the same caller holding `role` for it
    alone: the entity is loaded, locked and guarded by its own binding and audited as its own
    event, in the same transaction. Raises like `fire`."""
    parsed = parse_data(binding, event, data)
    target = await binding.load(session, cause.principal, entity_id, event)
    target.roles = target.roles | {role}
    firing = Firing(cause.principal, event, parsed, cause.settings, cause.request_id)
    await _apply(session, binding, target, firing, seen=target.entity.version)
    return target


def parse_data(binding: Binding[Any], event: str, raw: Mapping[str, Any]) -> BaseModel:
    """The event's data validated against its declared schema; raises Invalid naming fields."""
    try:
        return binding.data_schema(event).model_validate(dict(raw))
    except ValidationError as exc:
        errors = [
            FieldError(".".join(["data", *map(str, e["loc"])]), pydantic_message(e))
            for e in exc.errors()
        ]
        raise Invalid(INVALID_DATA(event=event), errors=errors) from exc


async def _apply(
    session: AsyncSession,
    binding: Binding[Any],
    target: Target[Any],
    firing: Firing,
    *,
    seen: int,
) -> None:
    entity = target.entity
    ctx = await binding.context(session, firing.principal, target)
    transition = _decide(binding, target, firing.event, ctx)
    check_version(entity, seen)
    firing = replace(firing, to_state=transition.target)
    changes = dict(await binding.effects(session, target, firing))
    before = entity.state
    entity.state = transition.target
    await session.flush()
    await append(
        session,
        actor=firing.principal.actor,
        action=f"{binding.entity_type}.{firing.event}",
        entity_type=binding.entity_type,
        entity_id=entity.id,
        changes={
            "state": [before, transition.target],
            "data": firing.data.model_dump(mode="json", exclude_defaults=True),
            **changes,
        },
        request_id=firing.request_id,
    )
    await pause_at("workflow.applied")


async def _follow(
    session: AsyncSession, binding: Binding[Any], target: Target[Any], firing: Firing
) -> bool:
    """Apply the follow-up event when the machine accepts it now and say so; otherwise leave
    it for an officer to fire once its guards agree (nothing is raised)."""
    ctx = await binding.context(session, firing.principal, target)
    options = binding.machine.options(target.entity.state, target.roles, ctx)
    if not any(o.event == firing.event and o.allowed for o in options):
        return False
    await _apply(session, binding, target, firing, seen=target.entity.version)
    return True


def _decide(binding: Binding[Any], target: Target[Any], event: str, ctx: Any) -> Transition[Any]:
    try:
        return binding.machine.decide(target.entity.state, event, target.roles, ctx)
    except EventRefused as refused:
        raise _http_error(refused) from refused


def _http_error(refused: EventRefused) -> Exception:
    if isinstance(refused, UnknownEvent):
        return NotFound(refused.reasons[0])
    if isinstance(refused, RoleNotAllowed):
        return Forbidden(refused.reasons[0], reasons=refused.reasons)
    if isinstance(refused, NotAllowedFromState):
        return Conflict(refused.reasons[0], reasons=refused.reasons)
    return Conflict(REFUSED(), reasons=refused.reasons)
