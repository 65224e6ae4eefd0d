"""`grants storage gc`: the objects in the document store that no database row points to.

What the database points to: every document version (`documents.storage_key`), every signed
grant agreement (`grant_agreements.storage_key`) and every finished export job's pack
(`export_jobs.result_key`). Anything else in the store older than the grace period is what a
crash left behind (`storage.gc`). Removing it is audited as one `storage.gc` event naming every
key removed, written after the objects are gone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from grants.audit.chain import append
from grants.common.actors import SYSTEM
from grants.db.models import Document, ExportJob, GrantAgreement
from grants.times import utcnow
from storage.base import DocumentStore
from storage.gc import Listed, list_stored, orphans, remove

DEFAULT_GRACE = datetime.timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Collection:
    """What one run found (`orphans`) and, with `--delete`, removed."""

    stored: int
    orphans: list[Listed]
    removed: list[Listed]


async def referenced_keys(session: AsyncSession) -> set[str]:
    """Every storage key a row points to (documents, agreements, finished exports)."""
    keys: set[str] = set()
    for column in (Document.storage_key, GrantAgreement.storage_key, ExportJob.result_key):
        keys.update(k for k in await session.scalars(select(column)) if k is not None)
    return keys


async def collect(
    sessions: async_sessionmaker[AsyncSession],
    store: DocumentStore,
    *,
    grace: datetime.timedelta = DEFAULT_GRACE,
    delete: bool = False,
    now: datetime.datetime | None = None,
) -> Collection:
    """List the store's orphans older than `grace` and, with `delete`, remove them and audit
    it. The store is listed before the keys are read, so an object whose row commits in
    between is seen as referenced. Raises StorageError when the store cannot be listed or an
    object cannot be removed (the event then names nothing: run it again)."""
    stored = await list_stored(store)
    async with sessions() as session:
        referenced = await referenced_keys(session)
    found = orphans(stored, referenced, now=now or utcnow(), grace=grace)
    if not delete or not found:
        return Collection(len(stored), found, [])
    removed = await remove(store, found)
    async with sessions() as session, session.begin():
        await append(
            session,
            actor=SYSTEM,
            action="storage.gc",
            entity_type="document_store",
            entity_id="orphans",
            changes={
                "removed": [None, [_describe(item) for item in removed]],
                "grace_seconds": [None, int(grace.total_seconds())],
            },
        )
    return Collection(len(stored), found, removed)


def _describe(item: Listed) -> dict[str, object]:
    described: dict[str, object] = {
        "key": item.key,
        "kind": item.kind,
        "size": item.size,
        "modified": item.modified.isoformat(),
    }
    if item.upload_id is not None:
        described["upload_id"] = item.upload_id
    return described
