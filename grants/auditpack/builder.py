"""Build an audit pack: record the export, sign the log as it stands, then stream everything
into a canonical zip (`transparency.pack`).

`prepare` runs in its own short transaction (the audit event and the checkpoint commit before
the long read, so the chain head's lock is not held while the pack is written); `write` reads in
another. The pack's events are exactly those the checkpoint signs.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import chain, log, log_key, tree
from grants.auditpack.sources import PackFilters, agreement_rows, dataset_sources, document_rows
from grants.common.actors import Actor
from grants.db.engine import reads_only
from grants.db.models import AuditEvent, Call, CallAgency, Cosignature, LogCheckpoint
from grants.errors import FieldError, Invalid
from grants.security.policy.audit_pack import PackScope
from grants.settings import Settings
from grants.times import utcnow
from messages import define
from storage.base import DocumentStore
from transparency import NoteError, leaf_hash, open_checkpoint
from transparency.pack import CHECKPOINT, CONSISTENCY, EVENTS, PackWriter

PACK_REFUSED = define("auditpack.refused", "The audit pack cannot be built; see the fields.")
UNKNOWN_CALL = define("auditpack.call.unknown", "There is no call with the code {code}.")
SINCE_UNREADABLE = define(
    "auditpack.since.unreadable",
    "This is not a checkpoint signed by this log's key ({reason}).",
)
SINCE_BEYOND = define(
    "auditpack.since.beyond",
    "The earlier checkpoint has {size} events; the log has only {current}.",
)
SINCE_EMPTY = define(
    "auditpack.since.empty", "A checkpoint of the empty log proves nothing; give a later one."
)
SINCE_FORKED = define(
    "auditpack.since.forked",
    "The earlier checkpoint's root is not this log's root at size {size}: the log was rewritten "
    "since, or the checkpoint is of another log.",
)
_DOCUMENT_MISMATCH = "document {id} ({key}): stored bytes differ from its recorded {what}"


class DocumentMismatch(RuntimeError):
    """A document's stored bytes are not those recorded at upload: the pack is abandoned."""


Progress = Callable[[int, int], Any]


@dataclass(frozen=True, slots=True)
class Prepared:
    """What `prepare` fixed: the checkpoint the pack carries and the filters' resolved ids."""

    size: int
    filters: PackFilters
    since: tuple[str, int] | None  # the earlier checkpoint's note and size


def _refused(field: str, reason: Any) -> Invalid:
    return Invalid(PACK_REFUSED(), errors=[FieldError(field, reason)])


async def resolve_call(
    session: AsyncSession, code: str | None
) -> tuple[uuid.UUID | None, list[uuid.UUID] | None]:
    """The call's id and its co-funding agencies' ids (None, None without a code); 422 if
    unknown."""
    if code is None:
        return None, None
    call_id = await session.scalar(select(Call.id).where(Call.code == code))
    if call_id is None:
        raise _refused("call", UNKNOWN_CALL(code=code))
    agencies = await session.scalars(
        select(CallAgency.agency_id).where(CallAgency.call_id == call_id)
    )
    return call_id, list(agencies)


async def _check_since(
    session: AsyncSession, settings: Settings, text: str, current: int
) -> tuple[str, int]:
    try:
        old, _, _ = open_checkpoint(text, log_key.verifier(settings))
    except NoteError as error:
        raise _refused("since_checkpoint", SINCE_UNREADABLE(reason=error.code)) from None
    if old.size == 0:
        raise _refused("since_checkpoint", SINCE_EMPTY())
    if old.size > current:
        raise _refused("since_checkpoint", SINCE_BEYOND(size=old.size, current=current))
    if await tree.root(session, old.size) != old.root:
        raise _refused("since_checkpoint", SINCE_FORKED(size=old.size))
    return text, old.size


async def _last_cosigned(session: AsyncSession) -> tuple[str, int] | None:
    """The latest checkpoint the witnesses cosigned: by default the pack proves the log only
    grew since, so the agencies' cosignatures vouch for the pack's fresh checkpoint too."""
    size = await session.scalar(
        select(func.max(Cosignature.checkpoint_size)).where(Cosignature.checkpoint_size > 0)
    )
    if size is None:
        return None
    row = await session.get_one(LogCheckpoint, size)
    return await log.published_note(session, row), int(size)


async def prepare(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    filters: PackFilters,
    *,
    call_code: str | None,
    since_checkpoint: str | None,
    action: str = "export.audit_pack",
    entity_id: object = "audit-pack",
) -> Prepared:
    """Record the export as an audit event, then sign a checkpoint covering it; the caller
    commits. 422 naming `since_checkpoint` when the earlier checkpoint is not this log's."""
    current = await tree.current_size(session)
    since = None
    if since_checkpoint is not None:
        since = await _check_since(session, settings, since_checkpoint, current)
    else:
        since = await _last_cosigned(session)
    await chain.append(
        session,
        actor=actor,
        action=action,
        entity_type="export",
        entity_id=entity_id,
        changes={
            "call": call_code,
            "with_documents": filters.with_documents,
            "since_checkpoint_size": since[1] if since else None,
        },
    )
    row, _ = await log.sign_current(session, settings)
    return Prepared(row.size, filters, since)


async def count_units(session: AsyncSession, scope: PackScope, prepared: Prepared) -> int:
    """The job's progress total: datasets, the events file, and each document."""
    datasets = len(dataset_sources(session, scope, prepared.filters, tree_size=prepared.size))
    documents = 0
    if prepared.filters.with_documents:
        for rows in (document_rows(prepared.filters), agreement_rows(prepared.filters)):
            documents += int(
                await session.scalar(select(func.count()).select_from(rows.subquery())) or 0
            )
    return datasets + 1 + documents


def _event_line(row: AuditEvent, full: bool) -> bytes:
    data = chain.event_bytes(row)
    if full:
        body: dict[str, Any] = {**chain.event_content(row), "hash": row.hash}
    else:
        leaf = base64.b64encode(leaf_hash(data)).decode("ascii")
        body = {"seq": row.seq, "redacted": True, "hash": row.hash, "leaf_hash": leaf}
    return (
        json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
    )


async def _events(session: AsyncSession, size: int, full: bool) -> AsyncIterator[bytes]:
    stream = await session.stream_scalars(
        select(AuditEvent)
        .where(AuditEvent.seq <= size)
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=1000)
    )
    async for partition in stream.partitions(1000):
        yield b"".join(_event_line(row, full) for row in partition)


async def _document(writer: PackWriter, store: DocumentStore, values: Any, source: str) -> None:
    document_id, sha256, size, key = values.id, values.sha256, values.size, values.storage_key
    stream = await store.open(key)
    digest, seen = hashlib.sha256(), 0
    with writer.member(
        f"documents/{document_id}",
        "document",
        source=source,
        recorded_sha256=sha256,
        recorded_size=size,
    ) as member:
        async for chunk in stream:
            digest.update(chunk)
            seen += len(chunk)
            member.write(chunk)
    if digest.hexdigest() != sha256:
        raise DocumentMismatch(_DOCUMENT_MISMATCH.format(id=document_id, key=key, what="SHA-256"))
    if seen != size:
        raise DocumentMismatch(_DOCUMENT_MISMATCH.format(id=document_id, key=key, what="size"))


async def write(
    session: AsyncSession,
    settings: Settings,
    store: DocumentStore,
    writer: PackWriter,
    *,
    exporter: Actor,
    scope: PackScope,
    prepared: Prepared,
    filters_json: dict[str, Any],
    progress: Progress | None = None,
) -> str:
    """Stream the whole pack into `writer` and finish it; returns the manifest's SHA-256.
    `progress(done, total)` is awaited after each unit. Raises DocumentMismatch."""
    total = await count_units(session, scope, prepared)
    done = 0

    async def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            await progress(done, total)

    sources = dataset_sources(session, scope, prepared.filters, tree_size=prepared.size)
    for name, chunks in sources:
        with writer.member(f"datasets/{name}.csv", "dataset", header_rows=1) as member:
            async for chunk in chunks:
                member.write(chunk)
        await step()
    with writer.member(EVENTS, "events", header_rows=0) as member:
        async for chunk in _events(session, prepared.size, scope.full_events):
            member.write(chunk)
    await step()
    checkpoint = await session.get_one(LogCheckpoint, prepared.size)
    with writer.member(CHECKPOINT, "checkpoint") as member:
        member.write((await log.published_note(session, checkpoint)).encode())
    if prepared.since is not None:
        note, old_size = prepared.since
        hashes = await tree.consistency(session, old_size, prepared.size)
        body = {
            "old_checkpoint": note,
            "old_size": old_size,
            "new_size": prepared.size,
            "hashes": [base64.b64encode(h).decode("ascii") for h in hashes],
        }
        with writer.member(CONSISTENCY, "consistency") as member:
            member.write(json.dumps(body, sort_keys=True, indent=1).encode())
    if prepared.filters.with_documents:
        for source, rows in (
            ("documents", document_rows(prepared.filters)),
            ("grant_agreements", agreement_rows(prepared.filters)),
        ):
            for values in (await session.execute(rows)).all():
                await _document(writer, store, values, source)
                await step()
    header = {
        "exporter": {"id": str(exporter.id) if exporter.id else None, "label": exporter.label},
        "created_at": utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "filters": filters_json,
        "events": "full" if scope.full_events else "hashes",
        "log": {
            "origin": settings.audit_log_origin,
            "size": prepared.size,
            "root": base64.b64encode(checkpoint.root).decode("ascii"),
            "key": str(log_key.verifier(settings)),
        },
    }
    return writer.finish(header, log_key.signer(settings))


@dataclass(frozen=True, slots=True)
class Built:
    size: int
    sha256: str
    files: int
    events: int


async def build_to_file(
    sessions: Callable[[], Any],
    settings: Settings,
    store: DocumentStore,
    *,
    actor: Actor,
    scope: PackScope,
    call_code: str | None,
    with_documents: bool,
    since_checkpoint: str | None,
    sink: Any,
    progress: Progress | None = None,
) -> Built:
    """Prepare (committed), then write the pack into `sink`: the CLI's and the jobs' path.
    `sessions()` opens a new AsyncSession."""
    async with sessions() as session, session.begin():
        call_id, _ = await resolve_call(session, call_code)
        filters = PackFilters(call_id=call_id, with_documents=with_documents)
        prepared = await prepare(
            session,
            settings,
            actor,
            filters,
            call_code=call_code,
            since_checkpoint=since_checkpoint,
        )
    return await write_prepared(
        sessions,
        settings,
        store,
        actor=actor,
        scope=scope,
        prepared=prepared,
        filters_json=filters_json(call_code, with_documents, prepared),
        sink=sink,
        progress=progress,
    )


def filters_json(call_code: str | None, with_documents: bool, prepared: Prepared) -> dict[str, Any]:
    return {
        "call": call_code,
        "with_documents": with_documents,
        "since_checkpoint_size": prepared.since[1] if prepared.since else None,
    }


async def write_prepared(
    sessions: Callable[[], Any],
    settings: Settings,
    store: DocumentStore,
    *,
    actor: Actor,
    scope: PackScope,
    prepared: Prepared,
    filters_json: dict[str, Any],
    sink: Any,
    progress: Progress | None = None,
) -> Built:
    """Write a prepared pack into `sink` in one read transaction: a deferred one on SQLite
    (`reads_only`), so the progress the job commits meanwhile from other sessions does not
    wait for it, as it would for a writer (and time out: "database is locked")."""
    writer = PackWriter(sink)
    try:
        with reads_only(True):
            async with sessions() as session, session.begin():
                digest = await write(
                    session,
                    settings,
                    store,
                    writer,
                    exporter=actor,
                    scope=scope,
                    prepared=prepared,
                    filters_json=filters_json,
                    progress=progress,
                )
    except BaseException:
        writer.abort()
        raise
    return Built(prepared.size, digest, len(writer.entries), prepared.size)
