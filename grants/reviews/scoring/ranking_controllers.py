"""HTTP API of aggregated scores, the agencies' rankings and the joint ranking."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post, put
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Call, Ranking
from grants.errors import Forbidden, NotFound
from grants.reviews.scoring import rankings, schemas
from grants.reviews.scoring.access import agency_by_code, officer_call
from grants.reviews.scoring.responses import provide_options, ranking_view, require_ranking_reader
from grants.reviews.scoring.scores import ScoreOptions, call_scores, pool_of
from grants.security.guards import authenticated
from grants.security.principal import Principal
from messages import define
from workflows.roles import COFUNDING_OFFICER

JOINT_OFFICERS_ONLY = define(
    "ranking.joint.officers_only",
    "Only the co-funding agencies' officers record the joint ranking.",
)
NOT_BUILT = define("ranking.not_built", "No ranking yet; build its draft first.")


class RankingController(Controller):
    path = "/api/calls/{call_id:uuid}"
    tags = ["rankings"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {"options": Provide(provide_options, sync_to_thread=False)}  # noqa: RUF012

    @get("/scores", name="rankings:scores")
    async def scores(
        self,
        principal: Principal,
        call_id: uuid.UUID,
        db_session: AsyncSession,
        options: ScoreOptions,
    ) -> schemas.CallScores:
        """Per proposal: criterion aggregates, total, reviews, spread and disagreement.

        The call's co-funding officers, auditors and admins (403 to others who see the call); in
        parallel mode an officer sees only their own pool's scores until the joint ranking is
        recorded. Changes nothing.
        """
        call, roles = await officer_call(db_session, principal, call_id)
        pool = await pool_of(db_session, principal, call, roles, options.agency)
        return await call_scores(db_session, call, pool, options)

    @post("/rankings/{code:str}/draft", name="rankings:draft")
    async def draft(
        self,
        principal: Principal,
        call_id: uuid.UUID,
        code: str,
        db_session: AsyncSession,
        options: ScoreOptions,
    ) -> schemas.RankingView:
        """Build (or rebuild) the agency's draft ranking from its pool's scores.

        Officers of the agency named by `code`, while the call is `ranking` in parallel review mode
        (409 otherwise, or when that ranking is final); others 403. Replaces the draft's entries;
        audited.
        """
        call, _ = await officer_call(db_session, principal, call_id)
        agency = agency_by_code(call, code)
        ranking = await rankings.build_draft(db_session, principal, call, agency, options)
        return await ranking_view(db_session, call, ranking)

    @get("/rankings/{code:str}", name="rankings:show")
    async def show(
        self, principal: Principal, call_id: uuid.UUID, code: str, db_session: AsyncSession
    ) -> schemas.RankingView:
        """The agency's ranking (other agencies' officers see it once the joint ranking is
        recorded).

        Officers of the agency named by `code`, auditors and admins; other co-funding officers 403
        until the joint ranking is recorded (the wall). Changes nothing.
        """
        call, roles = await officer_call(db_session, principal, call_id)
        agency = agency_by_code(call, code)
        found = await rankings.ranking_of(db_session, call, agency)
        ranking = await require_ranking_reader(db_session, principal, call, roles, agency, found)
        return await ranking_view(db_session, call, ranking)

    @put("/rankings/{code:str}", name="rankings:update")
    async def update(
        self,
        principal: Principal,
        call_id: uuid.UUID,
        code: str,
        data: schemas.RankingUpdate,
        db_session: AsyncSession,
    ) -> schemas.RankingView:
        """Reorder the agency's draft and adjust its recommendations.

        Officers of the agency named by `code` only (403 otherwise), while its ranking is a draft
        (409 once final). Each proposal once; audited.
        """
        call, _ = await officer_call(db_session, principal, call_id)
        agency = agency_by_code(call, code)
        ranking = await _existing(db_session, call, agency)
        ranking = await rankings.reorder(db_session, principal, ranking, agency, data)
        return await ranking_view(db_session, call, ranking)

    @post("/joint-ranking", name="rankings:joint")
    async def joint(
        self,
        principal: Principal,
        call_id: uuid.UUID,
        data: schemas.JointRankingCreate,
        db_session: AsyncSession,
    ) -> schemas.RankingView:
        """Record the joint panel's ranking and minutes; agencies then approve it.

        Officers of a co-funding agency, once every agency's ranking is final and before any
        approval (409 otherwise); others 403. Each agency then fires `approve` on the joint
        ranking. Audited.
        """
        call, roles = await officer_call(db_session, principal, call_id)
        if COFUNDING_OFFICER not in roles:
            raise Forbidden(JOINT_OFFICERS_ONLY())
        ranking = await rankings.record_joint(db_session, principal, call, data)
        return await ranking_view(db_session, call, ranking)

    @get("/joint-ranking", name="rankings:joint-show")
    async def joint_show(
        self, principal: Principal, call_id: uuid.UUID, db_session: AsyncSession
    ) -> schemas.RankingView:
        """The joint ranking and the agencies that approved it.

        The call's co-funding officers, auditors and admins once it exists (404 before); others
        403. Changes nothing.
        """
        call, _ = await officer_call(db_session, principal, call_id)
        return await ranking_view(db_session, call, await _existing(db_session, call, None))


async def _existing(session: AsyncSession, call: Call, agency: Agency | None) -> Ranking:
    ranking = await rankings.ranking_of(session, call, agency)
    if ranking is None:
        raise NotFound(NOT_BUILT())
    return ranking
