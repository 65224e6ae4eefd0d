"""Appending to and verifying the audit hash chain.

Each event's hash is SHA-256 over a canonical JSON of its content and the previous hash, so
editing, deleting or reordering any row breaks every link after it. Appends serialise on the
single `audit_chain_head` row: the first statement of an append is an UPDATE of that row, which
takes its lock until the transaction ends, so concurrent writers still produce one chain. Each
event names the request (or CLI command) that caused it, from `grants.common.request_ids`.
The same transaction grows the transparency log's Merkle tree by the new events' canonical
JSON (`event_bytes`), so every event is a leaf of the tree the checkpoints sign.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import tree
from grants.common.actors import Actor
from grants.common.request_ids import current_request_id
from grants.db.models import AuditChainHead, AuditEvent
from grants.settings import get_settings
from messages import Message, define
from transparency import events

GENESIS_HASH = events.GENESIS_HASH

HEAD_MISMATCH = define(
    "audit.chain.head_mismatch", "chain head says {head} events but {stored} are stored"
)
MISSING_EVENT = define(
    "audit.chain.missing_event", "event {expected} is missing (next stored is {found})"
)
LINK_BROKEN = define(
    "audit.chain.link_broken", "previous-hash link does not match the event before it"
)
CONTENT_CHANGED = define(
    "audit.chain.content_changed",
    "content does not match its hash (edited after it was written)",
)


def jsonable(value: Any) -> Any:
    """Turn a field value into the JSON form stored and hashed (no floats: money is integers)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        raise TypeError("floats are not allowed in audit events")
    if isinstance(value, datetime.datetime):
        return _iso_utc(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    raise TypeError(f"cannot record a {type(value).__name__} in an audit event")


def _iso_utc(value: datetime.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_content(row: AuditEvent) -> dict[str, Any]:
    """The hashed fields of a stored event in their JSON form (`transparency.events`)."""
    return {
        "seq": row.seq,
        "occurred_at": _iso_utc(row.occurred_at),
        "actor_id": str(row.actor_id) if row.actor_id else None,
        "actor_label": row.actor_label,
        "action": row.action,
        "entity_type": row.entity_type,
        "entity_id": row.entity_id,
        "changes": row.changes,
        "request_id": row.request_id,
        "prev_hash": row.prev_hash,
    }


def event_bytes(row: AuditEvent) -> bytes:
    """The event's canonical JSON: its content and its previous hash, exactly as hashed.

    These are also the event's leaf bytes in the transparency log (`grants.audit.tree`).
    """
    return events.event_bytes(event_content(row))


def event_hash(row: AuditEvent) -> str:
    """Recompute the SHA-256 of a stored event from its content and its previous hash."""
    return events.event_hash(event_content(row))


@dataclass(frozen=True, slots=True)
class Entry:
    """One event to append with `append_many`: what `append` takes, minus the session."""

    actor: Actor
    action: str
    entity_type: str
    entity_id: object
    changes: Mapping[str, Any]
    request_id: str | None = None


async def append(
    session: AsyncSession,
    *,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: object,
    changes: Mapping[str, Any],
    request_id: str | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction; it commits or rolls back with the change.

    `changes` maps a field to `[before, after]` (or any JSON-able detail of the event).
    `request_id` defaults to the id bound for the current request or CLI command.
    """
    entry = Entry(actor, action, entity_type, entity_id, changes, request_id)
    (row,) = await append_many(session, [entry])
    return row


async def append_many(session: AsyncSession, entries: Sequence[Entry]) -> list[AuditEvent]:
    """Append `entries` in order as consecutive events, locking the chain head once.

    For bulk actions that audit row by row: one UPDATE of the head and one INSERT batch
    instead of three statements per event. Each event is hashed exactly as `append` would.
    """
    if not entries:
        return []
    head = await session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == 1)
        .values(last_seq=AuditChainHead.last_seq + len(entries))
        .returning(AuditChainHead.last_seq, AuditChainHead.last_hash)
    )
    last_seq, prev_hash = head.one()
    occurred_at = datetime.datetime.now(datetime.UTC)
    bound = current_request_id()
    rows = []
    for seq, entry in enumerate(entries, start=last_seq - len(entries) + 1):
        row = _event(entry, seq, occurred_at, prev_hash, entry.request_id or bound)
        rows.append(row)
        prev_hash = row.hash
    session.add_all(rows)
    await session.execute(
        update(AuditChainHead).where(AuditChainHead.id == 1).values(last_hash=prev_hash)
    )
    # Still under the head's lock: the tree grows in the order the sequence numbers were given.
    if get_settings().audit_tree == "on":
        await tree.append_leaves(session, last_seq - len(entries), [event_bytes(r) for r in rows])
    await session.flush()
    return rows


def _event(
    entry: Entry,
    seq: int,
    occurred_at: datetime.datetime,
    prev_hash: str,
    request_id: str | None,
) -> AuditEvent:
    row = AuditEvent(
        seq=seq,
        occurred_at=occurred_at,
        actor_id=entry.actor.id,
        actor_label=entry.actor.label,
        action=entry.action,
        entity_type=entry.entity_type,
        entity_id=str(entry.entity_id),
        changes=jsonable(entry.changes),
        request_id=request_id,
        prev_hash=prev_hash,
    )
    row.hash = event_hash(row)
    return row


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of walking the whole chain."""

    events: int
    intact: bool
    broken_seq: int | None = None
    reason: Message | None = None


async def _walk(session: AsyncSession, batch: int) -> AsyncIterator[AuditEvent]:
    stream = await session.stream_scalars(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    )
    async for row in stream:
        yield row


async def verify(session: AsyncSession, *, batch: int = 1000) -> Verification:
    """Recompute every hash in order and name the first event whose link is broken."""
    expected_prev, expected_seq, count = GENESIS_HASH, 1, 0
    async for row in _walk(session, batch):
        reason = _link_problem(row, expected_seq, expected_prev)
        if reason:
            return Verification(events=count, intact=False, broken_seq=row.seq, reason=reason)
        expected_prev, expected_seq, count = row.hash, row.seq + 1, count + 1
    head = await session.get(AuditChainHead, 1)
    if head is not None and (head.last_seq, head.last_hash) != (count, expected_prev):
        return Verification(
            events=count,
            intact=False,
            broken_seq=count + 1 if head.last_seq > count else count,
            reason=HEAD_MISMATCH(head=head.last_seq, stored=count),
        )
    return Verification(events=count, intact=True)


def _link_problem(row: AuditEvent, expected_seq: int, expected_prev: str) -> Message | None:
    if row.seq != expected_seq:
        return MISSING_EVENT(expected=expected_seq, found=row.seq)
    if row.prev_hash != expected_prev:
        return LINK_BROKEN()
    if event_hash(row) != row.hash:
        return CONTENT_CHANGED()
    return None
