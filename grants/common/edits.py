"""The partial-update pattern every `PATCH` shares: version check, changed fields, audit.

A `PATCH` body is a JSON Merge Patch (RFC 7396): a field left out stays as it is, `null` clears
a nullable field, and `null` on a required field is refused naming it (`merge_patch`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.common.actors import Actor
from grants.errors import FieldError, Invalid, StaleVersion
from messages import define

CLEARED = define("edit.cannot_clear", "required: it cannot be cleared (null)")
CANNOT_CLEAR = CLEARED()
"""The reason of every required field a patch sends as `null` (a message without parameters)."""
NOT_CLEARABLE = define("edit.required_not_clearable", "Required fields cannot be cleared.")
STALE = define("edit.stale_version", "You saw version {seen}, but it is now version {current}.")


class Versioned(Protocol):
    id: Any
    version: int


def check_version(entity: Versioned, seen: int) -> None:
    """Raises StaleVersion when the client saw another version than the stored one: the one
    optimistic version check of every mutable resource (workflow events included)."""
    stale(seen, entity.version)


def stale(seen: int, current: int) -> None:
    """Raises StaleVersion unless `seen` is `current` (a resource not stored yet is version 0)."""
    if seen != current:
        raise StaleVersion(STALE(seen=seen, current=current))


def merge_patch(
    data: BaseModel, fields: Iterable[str], *, required: Collection[str] = ()
) -> dict[str, Any]:
    """The fields of `data` the client sent (RFC 7396: absent means unchanged, `null` means
    clear), as `{field: value}` for `apply_patch`. Raises Invalid naming every field of
    `required` sent as `null`; nothing is written before."""
    sent = {name: getattr(data, name) for name in fields if name in data.model_fields_set}
    errors = [
        FieldError(name, CANNOT_CLEAR) for name in required if name in sent and sent[name] is None
    ]
    if errors:
        raise Invalid(NOT_CLEARABLE(), errors=errors)
    return sent


def apply_patch(entity: object, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Copy the values that differ onto `entity`, `None` included (it clears the field);
    returns `{field: [before, after]}` for the audit event."""
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        if value != getattr(entity, name):
            changes[name] = [getattr(entity, name), value]
            setattr(entity, name, value)
    return changes


def apply_values(entity: object, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """`apply_patch` of the non-None values only (for bodies where `null` means "unchanged")."""
    return apply_patch(entity, {name: v for name, v in values.items() if v is not None})


def apply_changes(entity: object, data: BaseModel, fields: Iterable[str]) -> dict[str, list[Any]]:
    """`apply_values` with the given fields of a request schema."""
    return apply_values(entity, {name: getattr(data, name) for name in fields})


async def audited_update(
    session: AsyncSession,
    entity: Versioned,
    data: BaseModel,
    fields: Iterable[str],
    *,
    actor: Actor,
    entity_type: str,
) -> dict[str, list[Any]]:
    """Check the version, apply the changed fields and audit them in the caller's transaction.

    Raises StaleVersion. Nothing is written when no field changed.
    """
    check_version(entity, getattr(data, "version"))  # noqa: B009 - every *Update schema has it
    changes = apply_changes(entity, data, fields)
    if changes:
        await session.flush()
        await append(
            session,
            actor=actor,
            action=f"{entity_type}.update",
            entity_type=entity_type,
            entity_id=entity.id,
            changes=changes,
        )
    return changes
