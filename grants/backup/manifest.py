"""What a backup records beside the database: every stored object a row points to (its storage
key, size and SHA-256), and the audit log's state (chain head, tree root, last checkpoint), so a
restore can prove the database and the document store are what they were."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import tree
from grants.db.models.agreements import GrantAgreement
from grants.db.models.audit import AuditChainHead
from grants.db.models.export_jobs import ExportJob
from grants.db.models.proposals import Document
from grants.db.models.transparency import LogCheckpoint
from storage.base import DocumentStore
from storage.errors import NotFound


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """One object in the document store and the row that points to it."""

    table: str
    id: str
    storage_key: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class LogState:
    """The audit log as backed up: the chain's head, the Merkle tree and the last checkpoint."""

    events: int
    last_hash: str
    tree_size: int
    tree_root: str
    checkpoint_size: int | None
    checkpoint_root: str | None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LogState:
        return cls(**data)


async def stored_entries(session: AsyncSession) -> list[StoredEntry]:
    """Every document, signed agreement and finished export result, in a stable order."""
    entries: list[StoredEntry] = []
    for model in (Document, GrantAgreement):
        rows = await session.execute(
            select(model.id, model.storage_key, model.size, model.sha256).order_by(model.id)
        )
        entries += [
            StoredEntry(model.__tablename__, str(row.id), row.storage_key, row.size, row.sha256)
            for row in rows
        ]
    jobs = await session.execute(
        select(ExportJob.id, ExportJob.result_key, ExportJob.result_size, ExportJob.result_sha256)
        .where(ExportJob.result_key.is_not(None))
        .order_by(ExportJob.id)
    )
    entries += [
        StoredEntry(
            ExportJob.__tablename__,
            str(job.id),
            job.result_key,
            job.result_size or 0,
            job.result_sha256 or "",
        )
        for job in jobs
    ]
    return entries


async def log_state(session: AsyncSession) -> LogState:
    head = await session.get(AuditChainHead, 1)
    size = await tree.stored_size(session)
    checkpoint = await session.scalar(
        select(LogCheckpoint).order_by(LogCheckpoint.size.desc()).limit(1)
    )
    return LogState(
        events=head.last_seq if head else 0,
        last_hash=head.last_hash if head else "",
        tree_size=size,
        tree_root=(await tree.root(session, size)).hex(),
        checkpoint_size=checkpoint.size if checkpoint else None,
        checkpoint_root=checkpoint.root.hex() if checkpoint else None,
    )


@dataclass(frozen=True, slots=True)
class StoreCheck:
    """The manifest held against the store: objects missing, and objects whose bytes differ."""

    checked: int
    missing: list[StoredEntry]
    mismatched: list[tuple[StoredEntry, int, str]]  # the entry, the stored size and SHA-256

    @property
    def ok(self) -> bool:
        return not self.missing and not self.mismatched


async def check_store(
    store: DocumentStore, entries: list[StoredEntry], *, hashes: bool = True
) -> StoreCheck:
    """Whether every entry's object is in `store`, with its size and SHA-256 when `hashes` (each
    object is read through once)."""
    missing: list[StoredEntry] = []
    mismatched: list[tuple[StoredEntry, int, str]] = []
    for entry in entries:
        if not hashes:
            if not await store.exists(entry.storage_key):
                missing.append(entry)
            continue
        try:
            stream = await store.open(entry.storage_key)
        except NotFound:
            missing.append(entry)
            continue
        digest, size = hashlib.sha256(), 0
        async for chunk in stream:
            digest.update(chunk)
            size += len(chunk)
        if (size, digest.hexdigest()) != (entry.size, entry.sha256):
            mismatched.append((entry, size, digest.hexdigest()))
    return StoreCheck(len(entries), missing, mismatched)
