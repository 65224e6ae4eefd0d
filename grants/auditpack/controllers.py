"""HTTP API of audit packs: request one (a background job), poll it, download it."""

from __future__ import annotations

import uuid
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.response import Stream
from sqlalchemy.ext.asyncio import AsyncSession

from grants.auditpack import jobs, requesting, schemas
from grants.db.models import ExportJob
from grants.db.models.export_jobs import ExportJobState
from grants.documents.controllers import provide_document_store
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings
from storage.base import DocumentStore


def _job(job: ExportJob) -> schemas.ExportJobOut:
    done = job.state == ExportJobState.DONE
    return schemas.ExportJobOut(
        id=job.id,
        kind=job.kind,
        state=ExportJobState(job.state),
        filters=job.filters,
        progress=schemas.JobProgress(done=job.progress_done, total=job.progress_total),
        error=job.error,
        size=job.result_size,
        sha256=job.result_sha256,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        download=f"/api/exports/jobs/{job.id}/download" if done else None,
    )


def sessions_of(request: Request[Any, Any, Any]) -> Any:
    """A session maker of the app's database for work after the request's own session ends."""
    return request.app.plugins.get(SQLAlchemyPlugin).config[0].create_session_maker()


class AuditPackController(Controller):
    path = "/api/exports"
    tags = ["exports"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {  # noqa: RUF012
        "document_store": Provide(provide_document_store, sync_to_thread=False),
    }

    @post("/audit-pack", name="exports:audit-pack", status_code=202)
    async def request_pack(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        settings: Settings,
        db_session: AsyncSession,
        document_store: DocumentStore,
        data: schemas.AuditPackIn,
    ) -> Response[schemas.ExportJobOut]:
        """Request an audit pack, built in the background: 202 with the job and its Location.

        Auditors and admins pack everything; an officer packs one call their agency co-funds
        (`call` required) with the audit events as hashes only; everyone else 403. 422 naming
        the field for an unknown call or an earlier checkpoint that is not this log's. The
        request is an audit event, and the log signs a checkpoint covering it: the pack's.
        Poll `GET /api/exports/jobs/{id}`, then download the zip.
        """
        job, task = await requesting.request_pack(
            db_session, sessions_of(request), settings, document_store, principal, data
        )
        return Response(
            _job(job),
            status_code=202,
            headers={"Location": f"/api/exports/jobs/{job.id}"},
            background=task,
        )

    @get("/jobs/{job_id:uuid}", name="exports:job")
    async def job(
        self, principal: Principal, db_session: AsyncSession, job_id: uuid.UUID
    ) -> schemas.ExportJobOut:
        """An export job's state and progress; its download link once done.

        The requester, auditors and admins; anyone else 404. A job left queued or running by a
        server that stopped is reported failed. Changes nothing else.
        """
        return _job(await jobs.get(db_session, principal, job_id))

    @get("/jobs/{job_id:uuid}/download", name="exports:job-download", media_type="application/zip")
    async def download(
        self,
        principal: Principal,
        db_session: AsyncSession,
        document_store: DocumentStore,
        job_id: uuid.UUID,
    ) -> Stream:
        """The finished pack (application/zip), streamed from storage.

        The requester, auditors and admins; anyone else 404; 409 before the job is done. Each
        download is an audit event. Verify it offline with `grants audit verify-pack`.
        """
        job = await jobs.get(db_session, principal, job_id)
        stream = await jobs.open_result(db_session, document_store, principal, job)
        filename = f"audit-pack-{job.id}.zip"
        return Stream(
            stream,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
