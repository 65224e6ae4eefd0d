"""The call machine's binding: officers of the co-funding agencies move a call along; publishing
needs every co-funding agency's key (`approve`), and the last key opens the call."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import record_key
from grants.calls import schemas
from grants.calls.access import visible_call
from grants.calls.responses import call_detail
from grants.calls.workflow import call_context, publication
from grants.common.schemas import Input, examples
from grants.db.models import Call
from grants.security.principal import Principal
from grants.workflow.binding import Binding, Firing, Target
from workflows.machines.call import CALL, CallContext, CallEvent


class Rationale(Input):
    """An agency's optional note with its key."""

    model_config = examples({"rationale": "Caps and envelope as agreed at the steering board."})

    rationale: str | None = Field(default=None, max_length=2000)


class CallBinding(Binding[Call]):
    resource = "calls"
    id_name = "call_id"
    entity_type = "call"
    machine = CALL
    view_type = schemas.CallDetail
    tag = "calls"
    data: ClassVar[Mapping[str, type[BaseModel]]] = {CallEvent.APPROVE: Rationale}
    follow_ups: ClassVar[Mapping[str, str]] = {CallEvent.APPROVE: CallEvent.PUBLISH}

    async def load(
        self, session: AsyncSession, principal: Principal, entity_id: uuid.UUID, event: str | None
    ) -> Target[Call]:
        call, roles = await visible_call(session, principal, entity_id)
        if event is not None:  # two agencies' keys and the state change queue on the call row
            await session.execute(
                select(Call)
                .where(Call.id == call.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        return Target(call, roles)

    async def context(
        self, session: AsyncSession, principal: Principal, target: Target[Call]
    ) -> CallContext:
        return await call_context(session, target.entity, principal.officer_agency_id)

    async def effects(
        self, session: AsyncSession, target: Target[Call], firing: Firing
    ) -> Mapping[str, Any]:
        if firing.event != CallEvent.APPROVE:
            return {}
        rationale = firing.data.model_dump().get("rationale")
        call = target.entity
        return await record_key(session, publication(call), firing, call, rationale=rationale)

    async def view(
        self, session: AsyncSession, principal: Principal, target: Target[Call]
    ) -> schemas.CallDetail:
        return call_detail(target.entity, principal.locale)
