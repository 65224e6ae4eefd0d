"""Background export jobs: a pack requested over the API is written after the response, by
the process that accepted it, into a temporary file and then into the document store.

Progress (done/total units: datasets, the events, each document) is committed as it goes, so a
poll sees it. A job whose process died cannot resume (its half-written zip is gone): a poll that
finds a job queued or running, not by this process and silent for `STALE_AFTER`, marks it
failed with that reason, and the requester asks for a new pack.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import os
import socket
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import chain
from grants.auditpack.builder import DocumentMismatch, Prepared, write_prepared
from grants.common.actors import Actor
from grants.common.crashpoints import pause_at
from grants.db.engine import reads_only
from grants.db.models import ExportJob
from grants.db.models.export_jobs import ExportJobState
from grants.errors import Conflict, NotFound
from grants.security import enforce
from grants.security.policy.audit_pack import NO_SUCH_JOB, PackScope, decide_job_read
from grants.security.principal import Principal
from grants.settings import Settings
from grants.times import utcnow
from messages import define
from storage.base import DocumentStore

logger = logging.getLogger(__name__)

KIND = "audit_pack"
RUNNER = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
STALE_AFTER = datetime.timedelta(minutes=10)
NOT_DONE = define("auditpack.job.not_done", "The export is {state}; download it once it is done.")
ABANDONED = "the server that was writing this export stopped; request a new one"

Sessions = Callable[[], Any]


async def create(
    session: AsyncSession, principal: Principal, filters: dict[str, Any], total: int
) -> ExportJob:
    job = ExportJob(
        kind=KIND,
        requested_by=principal.user_id,
        filters=filters,
        state=ExportJobState.QUEUED,
        progress_done=0,
        progress_total=total,
        runner=RUNNER,
    )
    session.add(job)
    await session.flush()
    return job


async def get(session: AsyncSession, principal: Principal, job_id: uuid.UUID) -> ExportJob:
    """The job if `principal` may reach it (404 otherwise); an abandoned one is marked failed."""
    job = await session.get(ExportJob, job_id)
    if job is None:
        raise NotFound(NO_SUCH_JOB())
    enforce.require(decide_job_read(principal, job.requested_by))
    silent_since = job.updated_at or job.created_at
    if (
        job.state in (ExportJobState.QUEUED, ExportJobState.RUNNING)
        and job.runner != RUNNER
        and utcnow() - silent_since > STALE_AFTER
    ):
        job.state, job.error, job.finished_at = ExportJobState.FAILED, ABANDONED, utcnow()
        await session.flush()
    return job


async def open_result(
    session: AsyncSession, store: DocumentStore, principal: Principal, job: ExportJob
) -> Any:
    """The stored zip's byte stream (409 before the job is done); audited as a download."""
    if job.state != ExportJobState.DONE or job.result_key is None:
        raise Conflict(NOT_DONE(state=job.state))
    stream = await store.open(job.result_key)
    await chain.append(
        session,
        actor=principal.actor,
        action="export.audit_pack.download",
        entity_type="export_job",
        entity_id=job.id,
        changes={"sha256": job.result_sha256, "size": job.result_size},
    )
    return stream


_RUNNING: set[asyncio.Task[None]] = set()


async def start(*args: Any, **kwargs: Any) -> None:
    """Run `run(*args, **kwargs)` as a task of this process (after the response is sent); the
    task is kept referenced until it ends."""
    task = asyncio.get_running_loop().create_task(run(*args, **kwargs))
    _RUNNING.add(task)
    task.add_done_callback(_RUNNING.discard)


async def drain() -> None:
    """Wait for every job this process is running (tests, and a graceful shutdown)."""
    while _RUNNING:
        await asyncio.gather(*list(_RUNNING), return_exceptions=True)


async def _update(sessions: Sessions, job_id: uuid.UUID, **values: Any) -> None:
    """Commit the job's new state; a writer from its first statement (`BEGIN IMMEDIATE` on
    SQLite), even while the pack is read in a deferred transaction."""
    with reads_only(False):
        async with sessions() as session, session.begin():
            job = await session.get_one(ExportJob, job_id)
            for name, value in values.items():
                setattr(job, name, value)


async def run(
    sessions: Sessions,
    settings: Settings,
    store: DocumentStore,
    job_id: uuid.UUID,
    *,
    actor: Actor,
    scope: PackScope,
    prepared: Prepared,
    filters_json: dict[str, Any],
) -> None:
    """Write the pack, store it and record the result; any failure is recorded on the job."""
    await _update(
        sessions, job_id, state=ExportJobState.RUNNING, started_at=utcnow(), runner=RUNNER
    )
    directory = settings.var_dir / "exports"
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f"{job_id}.zip.part"

    async def progress(done: int, total: int) -> None:
        await _update(sessions, job_id, progress_done=done, progress_total=total)

    try:
        with temporary.open("wb") as sink:
            await write_prepared(
                sessions,
                settings,
                store,
                actor=actor,
                scope=scope,
                prepared=prepared,
                filters_json=filters_json,
                sink=sink,
                progress=progress,
            )
        stored = await store.put(_chunks(temporary))
        await pause_at("export.stored")
    except DocumentMismatch as error:
        await _update(
            sessions, job_id, state=ExportJobState.FAILED, error=str(error), finished_at=utcnow()
        )
        return
    except Exception as error:
        logger.exception("export job %s failed", job_id)
        reason = f"{type(error).__name__}: {error}"[:2000]
        await _update(
            sessions, job_id, state=ExportJobState.FAILED, error=reason, finished_at=utcnow()
        )
        return
    finally:
        temporary.unlink(missing_ok=True)
    await _update(
        sessions,
        job_id,
        state=ExportJobState.DONE,
        result_key=stored.key,
        result_size=stored.size,
        result_sha256=stored.sha256_hex,
        finished_at=utcnow(),
    )


async def _chunks(path: Any) -> Any:
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            yield chunk
