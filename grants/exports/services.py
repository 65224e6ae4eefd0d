"""Recording an export in the audit log, before its first byte leaves."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.common.actors import Actor
from grants.db.engine import reads_only
from grants.exports.filters import Filters

EXPORTED = "export.dataset"


def own_session(bind: Any) -> AsyncSession:
    """A session of its own on `bind` (the request's engine, or a test's connection, where it
    works in a savepoint), for work that outlives the request's session."""
    return AsyncSession(bind=bind, expire_on_commit=False, join_transaction_mode="create_savepoint")


async def record_export(
    bind: Any,
    actor: Actor,
    *,
    dataset: str,
    file_format: str,
    filters: Filters,
    identities: bool,
) -> None:
    """Append and commit the event of an export: who, which dataset (`all` for the workbook
    of every dataset), the format, the filters and whether reviewer identities were in it.

    Committed in its own transaction before streaming starts, so an export the client breaks
    off is on record too, and the chain head is not locked for the length of a download; the
    row count is therefore not in it (it is known only at the end).
    """
    with reads_only(False):  # a writer from the start (`BEGIN IMMEDIATE` on SQLite)
        async with own_session(bind) as session, session.begin():
            await append(
                session,
                actor=actor,
                action=EXPORTED,
                entity_type="dataset",
                entity_id=dataset,
                changes={
                    "format": file_format,
                    "filters": filters.as_json(),
                    "reviewer_identities": identities,
                },
            )
