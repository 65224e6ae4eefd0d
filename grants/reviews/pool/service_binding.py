"""The call-service machine's binding: a pooled reviewer asked to serve on a call accepts, or
declines (also after accepting) with a reason the officers plan around."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import CallReviewer
from grants.errors import NotFound
from grants.reviews.pool import schemas
from grants.reviews.pool.serving import view_of
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from grants.workflow.binding import Binding, Firing, Target
from messages import define
from workflows.machines.call_service import CALL_SERVICE, ServiceContext, ServiceEvent

NO_SUCH_SERVICE = define("service.not_found", "No such service.")


class ServiceBinding(Binding[CallReviewer]):
    resource = "call-reviewers"
    id_name = "service_id"
    entity_type = "call_reviewer"
    machine = CALL_SERVICE
    view_type = schemas.CallService
    tag = "reviewers"
    data: ClassVar[Mapping[str, type[BaseModel]]] = {ServiceEvent.DECLINE: schemas.ServeDecline}

    async def load(
        self, session: AsyncSession, principal: Principal, entity_id: uuid.UUID, event: str | None
    ) -> Target[CallReviewer]:
        """Reached by the reviewer asked, the officers of the pool's agency, auditors and
        admins; only the reviewer answers."""
        query = select(CallReviewer).where(CallReviewer.id == entity_id)
        service = await session.scalar(query.with_for_update() if event else query)
        if service is None:
            raise NotFound(NO_SUCH_SERVICE())
        facts = policy.ServiceFacts(service.reviewer_id, service.agency_id)
        return Target(service, require(policy.decide(principal, policy.Action.FIRE, facts)))

    async def context(
        self, session: AsyncSession, principal: Principal, target: Target[CallReviewer]
    ) -> ServiceContext:
        return ServiceContext()

    async def effects(
        self, session: AsyncSession, target: Target[CallReviewer], firing: Firing
    ) -> Mapping[str, Any]:
        if firing.event == ServiceEvent.DECLINE:
            target.entity.decline_reason = firing.data.model_dump()["reason"]
        return {}

    async def view(
        self, session: AsyncSession, principal: Principal, target: Target[CallReviewer]
    ) -> schemas.CallService:
        return await view_of(session, target.entity)
