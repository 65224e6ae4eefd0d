"""The datasets an audit pack carries, each a name and a stream of CSV bytes.

Every dataset of `grants.exports` the pack's reader may export, exactly as that reader would
export it (an officer's without reviewer identities), plus the signed grant agreements'
manifest; the audit events' dataset stops at the tree size the pack's checkpoint signs, so it
holds the same events as `audit/events.jsonl`. The pack builder depends only on
`dataset_sources`.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import (
    AuditEvent,
    Document,
    Grant,
    GrantAgreement,
    Proposal,
)
from grants.exports.dataset import Bounds
from grants.exports.stream import Export, visible
from grants.security.policy.audit_pack import PackScope

Source = tuple[str, AsyncIterator[bytes]]
AUDIT_EVENTS = "audit_events"
_BATCH = 1000


@dataclass(frozen=True, slots=True)
class PackFilters:
    """What the pack is of: one call (its id, resolved from the code) or everything."""

    call_id: uuid.UUID | None = None
    with_documents: bool = False


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return "" if value is None else value


async def _csv(
    session: AsyncSession,
    header: Sequence[str],
    statement: Select[Any],
    row: Callable[[Any], Sequence[Any]] = tuple,
) -> AsyncIterator[bytes]:
    """Rows of `statement` as UTF-8 CSV, one chunk per batch of rows, the header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    result = await session.stream(statement.execution_options(yield_per=_BATCH))
    async for partition in result.partitions(_BATCH):
        for values in partition:
            writer.writerow([_cell(v) for v in row(values)])
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def _submitted(statement: Select[Any], filters: PackFilters) -> Select[Any]:
    statement = statement.where(Proposal.submitted_at.is_not(None))
    if filters.call_id:
        statement = statement.where(Proposal.call_id == filters.call_id)
    return statement


def document_rows(filters: PackFilters) -> Select[Any]:
    """The proposal documents a pack covers: those of submitted proposals."""
    statement = select(
        Document.id,
        Proposal.reference,
        Document.kind,
        Document.version,
        Document.content_type,
        Document.size,
        Document.sha256,
        Document.storage_key,
    ).join(Proposal, Proposal.id == Document.proposal_id)
    return _submitted(statement, filters).order_by(Document.id)


def agreement_rows(filters: PackFilters) -> Select[Any]:
    """The signed grant agreements a pack covers."""
    statement = select(
        GrantAgreement.id,
        GrantAgreement.grant_id,
        GrantAgreement.version,
        GrantAgreement.content_type,
        GrantAgreement.size,
        GrantAgreement.sha256,
        GrantAgreement.storage_key,
    ).join(Grant, Grant.id == GrantAgreement.grant_id)
    if filters.call_id:
        statement = statement.where(Grant.call_id == filters.call_id)
    return statement.order_by(GrantAgreement.id)


def _agreements(session: AsyncSession, filters: PackFilters) -> AsyncIterator[bytes]:
    header = ("id", "grant_id", "version", "content_type", "size", "sha256", "key")
    return _csv(session, header, agreement_rows(filters))


def _audit_events(session: AsyncSession, size: int) -> AsyncIterator[bytes]:
    statement = (
        select(
            AuditEvent.seq,
            AuditEvent.occurred_at,
            AuditEvent.actor_id,
            AuditEvent.actor_label,
            AuditEvent.action,
            AuditEvent.entity_type,
            AuditEvent.entity_id,
            AuditEvent.changes,
            AuditEvent.request_id,
            AuditEvent.hash,
        )
        .where(AuditEvent.seq <= size)
        .order_by(AuditEvent.seq)
    )
    header = (
        "seq",
        "occurred_at",
        "actor_id",
        "actor_label",
        "action",
        "entity_type",
        "entity_id",
        "changes",
        "request_id",
        "hash",
    )
    return _csv(session, header, statement)


def dataset_sources(
    session: AsyncSession, scope: PackScope, filters: PackFilters, *, tree_size: int
) -> list[Source]:
    """Every dataset the pack holds, in order, each streamed as CSV when iterated."""
    call = Bounds(call_id=filters.call_id)
    sources: list[Source] = [
        (
            d.name,
            Export(d, call if d.call_id is not None else Bounds(), scope.datasets).csv(session),
        )
        for d in visible(scope.datasets)
        if d.name != AUDIT_EVENTS
    ]
    sources.append(("grant_agreements", _agreements(session, filters)))
    if scope.full_events:
        sources.append((AUDIT_EVENTS, _audit_events(session, tree_size)))
    return sources
