"""Requesting an audit pack: the one path the API (`POST /api/exports/audit-pack`) and the
auditors' web page (`POST /audit/exports/pack`) share, so both ask the same policy and write
the same job and audit event."""

from __future__ import annotations

from typing import Any

from litestar.background_tasks import BackgroundTask
from sqlalchemy.ext.asyncio import AsyncSession

from grants.auditpack import builder, jobs, schemas
from grants.auditpack.sources import PackFilters
from grants.db.models import ExportJob
from grants.security.enforce import require
from grants.security.policy.audit_pack import decide_exporter, decide_pack
from grants.security.principal import Principal
from grants.settings import Settings
from storage.base import DocumentStore


async def request_pack(
    session: AsyncSession,
    sessions: Any,
    settings: Settings,
    document_store: DocumentStore,
    principal: Principal,
    data: schemas.AuditPackIn,
) -> tuple[ExportJob, BackgroundTask]:
    """A queued job for the pack `data` asks for, and the task that builds it after the
    response (with `sessions`, a session maker of the app's database).

    Raises Forbidden when the policy refuses the reader or the call, Invalid naming the field
    for an unknown call or a foreign checkpoint. Appends `export.audit_pack.request` and signs
    the checkpoint the pack covers, in the caller's transaction.
    """
    require(decide_exporter(principal))
    call_id, agency_ids = await builder.resolve_call(session, data.call)
    decision, scope = decide_pack(principal, agency_ids)
    require(decision)
    filters = PackFilters(call_id=call_id, with_documents=data.with_documents)
    prepared = await builder.prepare(
        session,
        settings,
        principal.actor,
        filters,
        call_code=data.call,
        since_checkpoint=data.since_checkpoint,
        action="export.audit_pack.request",
    )
    filters_json = {
        **builder.filters_json(data.call, data.with_documents, prepared),
        "tree_size": prepared.size,
    }
    total = await builder.count_units(session, scope, prepared)
    job = await jobs.create(session, principal, filters_json, total)
    task = BackgroundTask(
        jobs.start,
        sessions,
        settings,
        document_store,
        job.id,
        actor=principal.actor,
        scope=scope,
        prepared=prepared,
        filters_json=filters_json,
    )
    return job, task
