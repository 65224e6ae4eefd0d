"""HTTP API of the audit log, for auditors and admins."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from litestar import Controller, Request, get
from litestar.di import Provide
from litestar.params import Parameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import chain, schemas
from grants.common.instants import query_instant
from grants.common.locales import request_locale
from grants.common.pagination import Window, fetch_page, provide_window
from grants.common.schemas import Page
from grants.db.models import AuditEvent
from grants.security.guards import requires
from grants.security.principal import Role
from messages import params_json, render


class AuditController(Controller):
    path = "/api/audit"
    tags = ["audit"]  # noqa: RUF012
    guards = [requires(Role.AUDITOR, Role.ADMIN)]  # noqa: RUF012
    dependencies = {"window": Provide(provide_window, sync_to_thread=False)}  # noqa: RUF012

    @get("/events", name="audit:events")
    async def events(
        self,
        db_session: AsyncSession,
        window: Window,
        entity_type: str | None = Parameter(query="entity_type", default=None, max_length=64),
        entity_id: str | None = Parameter(query="entity_id", default=None, max_length=64),
        actor_id: uuid.UUID | None = Parameter(query="actor_id", default=None),
        action: str | None = Parameter(query="action", default=None, max_length=100),
        since: datetime.datetime | None = Parameter(query="since", default=None),
        until: datetime.datetime | None = Parameter(query="until", default=None),
    ) -> Page[schemas.AuditEvent]:
        """Audit events in chain order, filtered by entity, actor, action and time.

        Auditors and admins (403 for everyone else). A page of the hash-chained audit log, each
        event with its actor, action, entity, changes, request id and hash. Changes nothing.
        """
        query = select(AuditEvent).order_by(AuditEvent.seq)
        for column, value in (
            (AuditEvent.entity_type, entity_type),
            (AuditEvent.entity_id, entity_id),
            (AuditEvent.actor_id, actor_id),
            (AuditEvent.action, action),
        ):
            if value is not None:
                query = query.where(column == value)
        if since is not None:
            query = query.where(AuditEvent.occurred_at >= query_instant("since", since))
        if until is not None:
            query = query.where(AuditEvent.occurred_at < query_instant("until", until))
        rows, total = await fetch_page(db_session, query, window)
        items = [schemas.AuditEvent.model_validate(r) for r in rows]
        return Page.of(items, total, window)

    @get("/verify", name="audit:verify")
    async def verify(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> schemas.Verification:
        """Recompute the whole chain and name the first broken link, if any.

        Auditors and admins (403 for everyone else). Changes nothing.
        """
        return _verification(await chain.verify(db_session), request_locale(request))


def _verification(result: chain.Verification, locale: str) -> schemas.Verification:
    reason = result.reason
    return schemas.Verification(
        events=result.events,
        intact=result.intact,
        broken_seq=result.broken_seq,
        reason=render(reason, locale) if reason else None,
        reason_code=reason.code if reason else None,
        reason_params=params_json(reason.params) if reason else {},
    )
