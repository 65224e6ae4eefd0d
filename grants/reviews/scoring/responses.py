"""Response builders and request options shared by the scoring controllers."""

from __future__ import annotations

from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.filters import checked, one_of
from grants.common.pagination import MAX_QUERY_INT
from grants.db.models import Agency, Call, Ranking
from grants.errors import NotFound
from grants.reviews.scoring.access import readable_pools, require_readable_pool
from grants.reviews.scoring.rankings import approvals
from grants.reviews.scoring.schemas import RankingEntry, RankingView
from grants.reviews.scoring.scores import ScoreOptions
from grants.security.principal import Principal
from messages import define
from reviewers.aggregation import Method
from workflows.machines.ranking import RankingState

NO_RANKING_YET = define("ranking.none_yet", "No ranking yet.")


def provide_options(
    agency: str | None = Parameter(query="agency", default=None, max_length=32),
    method: str = one_of("method", Method, default=Method.MEAN),
    calibrate: bool = Parameter(query="calibrate", default=False),
    confidence_weighted: bool = Parameter(query="confidence_weighted", default=False),
    disagreement_threshold: float = Parameter(query="disagreement_threshold", default=1.5, ge=0),
    # Named as in the query string: Litestar names a refused parameter by its argument.
    round: int = Parameter(query="round", default=0, ge=0, le=MAX_QUERY_INT),
) -> ScoreOptions:
    """Aggregation options from the query string."""
    return ScoreOptions(
        agency=agency,
        method=Method(checked("method", method, Method)),
        calibrate=calibrate,
        confidence_weighted=confidence_weighted,
        disagreement_threshold=disagreement_threshold,
        round=round,
    )


async def ranking_view(session: AsyncSession, call: Call, ranking: Ranking) -> RankingView:
    """The ranking with its agency's code and the codes of the agencies that approved it."""
    codes = {t.agency_id: t.agency.code for t in call.agencies}
    approved = await approvals(session, ranking) if ranking.agency_id is None else set()
    return RankingView(
        id=ranking.id,
        call_id=ranking.call_id,
        agency=codes.get(ranking.agency_id) if ranking.agency_id else None,
        round=ranking.round,
        state=RankingState(ranking.state),
        entries=[RankingEntry.model_validate(e) for e in ranking.entries],
        minutes=ranking.minutes,
        finalised_by=ranking.finalised_by,
        finalised_at=ranking.finalised_at,
        approved_by=[c for a, c in codes.items() if a in approved],
        version=ranking.version,
    )


async def require_ranking_reader(
    session: AsyncSession,
    principal: Principal,
    call: Call,
    roles: frozenset[str],
    agency: Agency | None,
    ranking: Ranking | None,
) -> Ranking:
    """An agency's ranking (draft or final) is read by whoever may read its pool's scores
    (`access.readable_pools`: behind the wall, its own officers, auditors and admins); the
    joint ranking (`agency` None) by every officer of the call. The wall is checked before
    existence, so a walled ranking is not revealed. Raises Forbidden, then NotFound."""
    if agency is not None:
        require_readable_pool(await readable_pools(session, principal, call, roles), agency)
    if ranking is None:
        raise NotFound(NO_RANKING_YET())
    return ranking
