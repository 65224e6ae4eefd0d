"""The datasets an audit pack carries, each a name and a stream of CSV bytes.

Until the exports module (`grants.exports`) is wired in, these are the datasets this module
produces itself; the pack builder depends only on `dataset_sources`.
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
    Call,
    Document,
    Grant,
    GrantAgreement,
    GrantSide,
    Proposal,
    Tranche,
)
from grants.security.policy.audit_pack import PackScope

Source = tuple[str, AsyncIterator[bytes]]
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


def _calls(session: AsyncSession, filters: PackFilters) -> AsyncIterator[bytes]:
    statement = select(
        Call.id, Call.code, Call.state, Call.title, Call.opens_at, Call.closes_at
    ).order_by(Call.code)
    if filters.call_id:
        statement = statement.where(Call.id == filters.call_id)
    header = ("id", "code", "state", "title", "opens_at", "closes_at")
    return _csv(session, header, statement)


def _submitted(statement: Select[Any], filters: PackFilters) -> Select[Any]:
    statement = statement.where(Proposal.submitted_at.is_not(None))
    if filters.call_id:
        statement = statement.where(Proposal.call_id == filters.call_id)
    return statement


def _proposals(session: AsyncSession, filters: PackFilters) -> AsyncIterator[bytes]:
    statement = select(
        Proposal.id,
        Proposal.call_id,
        Proposal.reference,
        Proposal.state,
        Proposal.title,
        Proposal.topic,
        Proposal.duration_years,
        Proposal.submitted_at,
    ).order_by(Proposal.reference, Proposal.id)
    header = (
        "id",
        "call_id",
        "reference",
        "state",
        "title",
        "topic",
        "duration_years",
        "submitted_at",
    )
    return _csv(session, header, _submitted(statement, filters))


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


def _documents(session: AsyncSession, filters: PackFilters) -> AsyncIterator[bytes]:
    header = ("id", "proposal", "kind", "version", "content_type", "size", "sha256", "key")
    return _csv(session, header, document_rows(filters))


def _agreements(session: AsyncSession, filters: PackFilters) -> AsyncIterator[bytes]:
    header = ("id", "grant_id", "version", "content_type", "size", "sha256", "key")
    return _csv(session, header, agreement_rows(filters))


def _grants(session: AsyncSession, filters: PackFilters) -> AsyncIterator[bytes]:
    statement = select(
        Grant.id, Grant.call_id, Grant.proposal_id, Grant.state, Grant.start_date, Grant.end_date
    ).order_by(Grant.id)
    if filters.call_id:
        statement = statement.where(Grant.call_id == filters.call_id)
    header = ("id", "call_id", "proposal_id", "state", "start_date", "end_date")
    return _csv(session, header, statement)


def _tranches(session: AsyncSession, filters: PackFilters) -> AsyncIterator[bytes]:
    statement = (
        select(
            Tranche.id,
            Tranche.grant_id,
            GrantSide.agency_id,
            Tranche.fiscal_year,
            Tranche.label,
            Tranche.due_date,
            Tranche.currency,
            Tranche.planned_amount,
            Tranche.requested_amount,
            Tranche.state,
        )
        .join(GrantSide, GrantSide.id == Tranche.side_id)
        .join(Grant, Grant.id == Tranche.grant_id)
        .order_by(Tranche.grant_id, Tranche.due_date, Tranche.id)
    )
    if filters.call_id:
        statement = statement.where(Grant.call_id == filters.call_id)
    header = (
        "id",
        "grant_id",
        "agency_id",
        "fiscal_year",
        "label",
        "due_date",
        "currency",
        "planned_amount_minor",
        "requested_amount_minor",
        "state",
    )
    return _csv(session, header, statement)


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
    """Every dataset the pack holds, in order, each streamed as CSV when iterated.

    At merge this is where `grants.exports` (every dataset, the officer's view without reviewer
    identities) takes over.
    """
    sources: list[Source] = [
        ("calls", _calls(session, filters)),
        ("proposals", _proposals(session, filters)),
        ("documents", _documents(session, filters)),
        ("grants", _grants(session, filters)),
        ("tranches", _tranches(session, filters)),
        ("grant_agreements", _agreements(session, filters)),
    ]
    if scope.full_events:
        sources.append(("audit_events", _audit_events(session, tree_size)))
    return sources
