"""Response builders and request options shared by the scoring controllers."""

from __future__ import annotations

from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Call, Ranking
from grants.errors import Forbidden, NotFound
from grants.reviews.scoring.rankings import approvals
from grants.reviews.scoring.schemas import RankingEntry, RankingView
from grants.reviews.scoring.scores import ScoreOptions
from grants.security.principal import Principal
from workflows.roles import ADMIN, AUDITOR


def provide_options(
    agency: str | None = Parameter(query="agency", default=None, max_length=32),
    method: str = Parameter(query="method", default="mean", max_length=16),
    calibrate: bool = Parameter(query="calibrate", default=False),
    confidence_weighted: bool = Parameter(query="confidence_weighted", default=False),
    disagreement_threshold: float = Parameter(query="disagreement_threshold", default=1.5, ge=0),
    review_round: int = Parameter(query="round", default=0, ge=0),
) -> ScoreOptions:
    """Aggregation options from the query string."""
    return ScoreOptions(
        agency=agency,
        method=method,
        calibrate=calibrate,
        confidence_weighted=confidence_weighted,
        disagreement_threshold=disagreement_threshold,
        round=review_round,
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
        state=ranking.state,
        entries=[RankingEntry.model_validate(e) for e in ranking.entries],
        minutes=ranking.minutes,
        finalised_by=ranking.finalised_by,
        finalised_at=ranking.finalised_at,
        approved_by=[c for a, c in codes.items() if a in approved],
        version=ranking.version,
    )


def require_ranking_reader(
    principal: Principal, roles: frozenset[str], ranking: Ranking | None
) -> Ranking:
    """An agency's ranking is read by its own officers, auditors and admins, and by the other
    co-funders' officers once it is final. Raises NotFound (none yet) and Forbidden."""
    if ranking is None:
        raise NotFound("No ranking yet.")
    own = ranking.agency_id is None or principal.officer_agency_id == ranking.agency_id
    if own or ranking.state == "final" or roles & {AUDITOR, ADMIN}:
        return ranking
    raise Forbidden("Another agency's draft ranking stays behind its wall.")
