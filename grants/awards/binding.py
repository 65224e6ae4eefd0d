"""The grant machine's binding: officers of the co-funding agencies suspend, resume, complete
and terminate a grant."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.awards import schemas
from grants.awards.access import visible_grant
from grants.awards.dates import ended_everywhere
from grants.awards.views import grant_detail
from grants.calls.zones import call_zones
from grants.db.models import Grant, Tranche
from grants.security.principal import Principal
from grants.times import utcnow
from grants.workflow.binding import Binding, Target
from workflows.machines.grant import GRANT, GrantContext
from workflows.machines.tranche import TrancheState


class GrantBinding(Binding[Grant]):
    resource = "grants"
    id_name = "grant_id"
    entity_type = "grant"
    machine = GRANT
    view_type = schemas.GrantDetail
    tag = "grants"

    async def load(
        self, session: AsyncSession, principal: Principal, entity_id: uuid.UUID, event: str | None
    ) -> Target[Grant]:
        grant, proposal, call, roles = await visible_grant(session, principal, entity_id)
        if event is not None:  # two officers changing the grant at once queue on its row
            await session.execute(
                select(Grant)
                .where(Grant.id == grant.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        return Target(grant, roles, (proposal, call))

    async def context(
        self, session: AsyncSession, principal: Principal, target: Target[Grant]
    ) -> GrantContext:
        _, call = target.scope
        zones = call_zones(call)
        settled = (TrancheState.DISBURSED, TrancheState.WITHHELD)
        open_tranches = await session.scalar(
            select(func.count())
            .select_from(Tranche)
            .where(Tranche.grant_id == target.entity.id, Tranche.state.not_in(settled))
        )
        return GrantContext(
            now=utcnow(),
            ends_at=ended_everywhere(target.entity.end_date, list(zones)),
            open_tranches=int(open_tranches or 0),
            zones=zones,
        )

    async def view(
        self, session: AsyncSession, principal: Principal, target: Target[Grant]
    ) -> schemas.GrantDetail:
        proposal, call = target.scope
        return await grant_detail(session, target.entity, proposal, call)
