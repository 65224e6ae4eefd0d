"""A call's submitted reviews aggregated per proposal with `reviewers.aggregation`.

Two queries whatever the number of proposals and reviews: the call's reviewed-stage
proposals, then the submitted reviews of one round (optionally of one agency's pool).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, cast, get_args

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Call, Proposal, Review, ReviewAssignment
from grants.errors import Forbidden
from grants.reviews.scoring.access import agency_by_code, readable_pools, require_readable_pool
from grants.reviews.scoring.schemas import CallScores, ProposalScore, Recommendation
from grants.security.principal import Principal
from messages import define
from reviewers.aggregation import Criterion, Method, aggregate
from workflows.machines.proposal import ProposalState
from workflows.machines.review_assignment import AssignmentState

RANKED_STATES = (
    ProposalState.ELIGIBLE,
    ProposalState.UNDER_REVIEW,
    ProposalState.REVIEWED,
    ProposalState.AWARDED,
    ProposalState.REJECTED,
)
# Best first: the order `_median_recommendation` takes the middle of.
RECOMMENDATIONS: tuple[str, ...] = get_args(Recommendation)
UNKNOWN_CONFIDENCE = 3  # a review without a stated confidence weighs as the middle of 1-5
DECIMALS = 6

OFFICERS_ONLY = define(
    "score.officers_only", "Only the co-funding agencies' officers see scores and rankings."
)


@dataclass(frozen=True, slots=True)
class ScoreOptions:
    """How to aggregate: `agency` a pool's code (None: every pool the caller may see)."""

    agency: str | None = None
    method: Method = Method.MEAN
    calibrate: bool = False
    confidence_weighted: bool = False
    disagreement_threshold: float = 1.5
    round: int = 0


async def pool_of(
    session: AsyncSession, principal: Principal, call: Call, roles: frozenset[str], code: str | None
) -> Agency | None:
    """The pool whose reviews the caller aggregates: the one asked for, else every pool the
    caller may read, which behind the wall (`access.readable_pools`) is an officer's own
    agency's. Raises Forbidden for another agency's pool behind the wall, NotFound for an
    agency not co-funding."""
    agency = agency_by_code(call, code) if code else None
    pools = await readable_pools(session, principal, call, roles)
    if agency is not None:
        require_readable_pool(pools, agency)
        return agency
    if pools is None:
        return None
    own = [t.agency for t in call.agencies if t.agency_id in pools]
    if not own:  # officer_call lets no one else through; refuse rather than show every pool
        raise Forbidden(OFFICERS_ONLY())
    return own[0]


async def call_scores(
    session: AsyncSession, call: Call, pool: Agency | None, options: ScoreOptions
) -> CallScores:
    """Per proposal: per-criterion aggregate, rubric-weighted total, number of reviews, spread
    and disagreement flag, best first."""
    proposals = list(
        await session.scalars(
            select(Proposal)
            .where(Proposal.call_id == call.id, Proposal.state.in_(RANKED_STATES))
            .order_by(Proposal.number, Proposal.id)
        )
    )
    rows = await _reviews(session, call, pool, options.round)
    return CallScores(
        call_id=call.id,
        agency=pool.code if pool else None,
        round=options.round,
        method=options.method,
        calibrate=options.calibrate,
        confidence_weighted=options.confidence_weighted,
        disagreement_threshold=options.disagreement_threshold,
        proposals=_scored(call.rubric, proposals, rows, options),
    )


async def submitted_reviews(
    session: AsyncSession, call: Call, pool: Agency | None, rnd: int
) -> list[tuple[Any, ...]]:
    """The submitted reviews aggregated (one pool's, or every pool's with `pool` None), each
    as (proposal id, reviewer id, scores, confidence, recommendation): the figures behind
    each proposal's score distribution. The caller has checked the pool may be read."""
    return await _reviews(session, call, pool, rnd)


async def _reviews(
    session: AsyncSession, call: Call, pool: Agency | None, rnd: int
) -> list[tuple[Any, ...]]:
    query = (
        select(
            ReviewAssignment.proposal_id,
            ReviewAssignment.reviewer_id,
            Review.scores,
            Review.confidence,
            Review.recommendation,
        )
        .join(Review, Review.assignment_id == ReviewAssignment.id)
        .join(Proposal, Proposal.id == ReviewAssignment.proposal_id)
        .where(
            Proposal.call_id == call.id,
            ReviewAssignment.round == rnd,
            ReviewAssignment.state == AssignmentState.SUBMITTED,
        )
        .order_by(ReviewAssignment.id)
    )
    if pool is not None:
        query = query.where(ReviewAssignment.pool_agency_id == pool.id)
    return [tuple(r) for r in (await session.execute(query)).tuples()]


def _scored(
    rubric: list[dict[str, Any]],
    proposals: list[Proposal],
    rows: list[tuple[Any, ...]],
    options: ScoreOptions,
) -> list[ProposalScore]:
    index = {p.id: i for i, p in enumerate(proposals)}
    keys = [c["key"] for c in rubric]
    usable = [r for r in rows if r[0] in index and all(k in r[2] for k in keys)]
    reviewers = {rid: i for i, rid in enumerate(dict.fromkeys(r[1] for r in usable))}
    criteria = [
        Criterion(c["key"], float(c["weight"]), float(c["scale_min"]), float(c["scale_max"]))
        for c in rubric
    ]
    confidence = [r[3] or UNKNOWN_CONFIDENCE for r in usable]
    result = aggregate(
        [index[r[0]] for r in usable],
        [reviewers[r[1]] for r in usable],
        np.array([[r[2][k] for k in keys] for r in usable], dtype=float).reshape(-1, len(keys)),
        criteria,
        len(proposals),
        method=options.method,
        calibrate=options.calibrate,
        confidence=confidence if options.confidence_weighted and usable else None,
        disagreement_threshold=options.disagreement_threshold,
    )
    votes: dict[int, list[str]] = defaultdict(list)
    for r in usable:
        if r[4] in RECOMMENDATIONS:
            votes[index[r[0]]].append(r[4])
    return [
        ProposalScore(
            proposal_id=proposals[i].id,
            reference=proposals[i].reference,
            position=position,
            criterion_scores={k: _num(result.criterion_scores[i, j]) for j, k in enumerate(keys)},
            total=_num(result.total[i]),
            n_reviews=int(result.n_reviews[i]),
            spread=_num(result.spread[i]),
            disagreement=bool(result.disagreement[i]),
            recommendation=_median_recommendation(votes[i]),
        )
        for position, i in enumerate(result.ranking.tolist(), start=1)
    ]


def _num(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), DECIMALS)


def _median_recommendation(votes: list[str]) -> Recommendation | None:
    """The reviewers' median recommendation (the more cautious one of two middles)."""
    if not votes:
        return None
    ordered = sorted(votes, key=RECOMMENDATIONS.index)
    return cast("Recommendation", ordered[len(ordered) // 2])
