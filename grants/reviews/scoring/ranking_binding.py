"""The ranking machine's binding: an agency's officers finalise its own ranking; each
co-funding agency approves the joint ranking (its key) and the last key records it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import answers, not_approved, record_key
from grants.calls.access import call_facts
from grants.calls.workflow import agencies_without_final_ranking
from grants.db.models import Call, Ranking
from grants.errors import NotFound
from grants.reviews.scoring import schemas
from grants.reviews.scoring.rankings import joint_keys
from grants.reviews.scoring.responses import ranking_view
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from grants.times import utcnow
from grants.workflow.binding import Binding, Firing, Target
from messages import define
from workflows.machines.ranking import RANKING, RankingContext, RankingEvent

NO_SUCH_RANKING = define("ranking.not_found", "No such ranking.")


class RankingBinding(Binding[Ranking]):
    resource = "rankings"
    id_name = "ranking_id"
    entity_type = "ranking"
    machine = RANKING
    view_type = schemas.RankingView
    tag = "rankings"
    follow_ups: ClassVar[Mapping[str, str]] = {RankingEvent.APPROVE: RankingEvent.RECORD}

    async def load(
        self, session: AsyncSession, principal: Principal, entity_id: uuid.UUID, event: str | None
    ) -> Target[Ranking]:
        """An agency's ranking is reached by that agency's officers; the joint ranking by every
        co-funding agency's officers; both by auditors and admins (who fire nothing)."""
        query = select(Ranking).where(Ranking.id == entity_id)
        ranking = await session.scalar(query.with_for_update() if event else query)
        call = await session.get(Call, ranking.call_id) if ranking else None
        if ranking is None or call is None:
            raise NotFound(NO_SUCH_RANKING())
        facts = policy.RankingFacts(ranking.agency_id, call_facts(call).cofunders)
        return Target(ranking, require(policy.decide(principal, policy.Action.FIRE, facts)), call)

    async def context(
        self, session: AsyncSession, principal: Principal, target: Target[Ranking]
    ) -> RankingContext:
        ranking, call = target.entity, target.scope
        joint = ranking.agency_id is None
        answered = await answers(session, joint_keys(ranking)) if joint else {}
        cofunders = [(t.agency_id, t.agency.code) for t in call.agencies]
        return RankingContext(
            joint=joint,
            unapproved=not_approved(answered, cofunders) if joint else (),
            agencies_without_final_ranking=(
                await agencies_without_final_ranking(session, call) if joint else ()
            ),
            caller_approved=principal.officer_agency_id in answered,
        )

    async def effects(
        self, session: AsyncSession, target: Target[Ranking], firing: Firing
    ) -> Mapping[str, Any]:
        ranking, call = target.entity, target.scope
        if firing.event != RankingEvent.APPROVE:  # finalise and record make it final
            ranking.finalised_by, ranking.finalised_at = firing.principal.user_id, utcnow()
            return {}
        return await record_key(session, joint_keys(ranking), firing, call)

    async def view(
        self, session: AsyncSession, principal: Principal, target: Target[Ranking]
    ) -> schemas.RankingView:
        return await ranking_view(session, target.scope, target.entity)
