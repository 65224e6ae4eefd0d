"""The partial-update pattern every `PATCH` shares: version check, changed fields, audit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import Actor, append
from grants.errors import StaleVersion


class Versioned(Protocol):
    id: Any
    version: int


def check_version(entity: Versioned, seen: int) -> None:
    """Raises StaleVersion when the client saw another version than the stored one."""
    if seen != entity.version:
        raise StaleVersion(f"You saw version {seen}, but it is now version {entity.version}.")


def apply_values(entity: object, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Copy the non-None values that differ onto `entity`; returns `{field: [before, after]}`
    for the audit event."""
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        if value is not None and value != getattr(entity, name):
            changes[name] = [getattr(entity, name), value]
            setattr(entity, name, value)
    return changes


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
