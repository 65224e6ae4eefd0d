"""From a call's inputs to the solver's answer: texts, one TF-IDF model for the whole call,
candidates with bids and forbidden pairs, then the exact min-cost-flow assignment.

Parallel mode: k reviewers from each co-funding agency's pool (`reviewer_pool` = the index of
the reviewer's pool agency). Joint mode: one pool, and at least `min_reviewers_per_country`
from each co-funding agency's country. Assignments already invited, accepted or submitted (and
manual proposals, and with `keep_proposed` every proposal) are fixed; declined pairs are
excluded, so a decline frees its slot and a re-run fills it without moving the others.

Parallel mode is solved pool by pool, and an officer's run (`pool`) solves their pool alone.
Pools are independent in the flow network (a reviewer serves one pool, slots are per proposal
and pool), so each pool's optimum is the whole call's; solving them apart also makes a pool's
run give exactly the pairs a whole-call run gives it, even where affinities tie (one solve of
both pools may break a tie otherwise). The TF-IDF model is always fit on the whole call, so
affinities and shared terms never depend on who runs. A pool's solve sees only its reviewers
and its rows: another pool's row of one of its reviewers (their pool changed since) is not
its to move, so that pair is excluded and the row still counts against the reviewer's cap.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from grants.db.models import ReviewAssignment
from grants.errors import Conflict
from grants.reviews.assignment.forbidden import Pair
from grants.reviews.assignment.inputs import KEPT_STATES, CallInputs
from messages import MessageError, define
from reviewers.affinity import (
    ExpertiseText,
    ProposalText,
    TextModel,
    fit_text_model,
    score_candidates,
)
from reviewers.assignment import Assignment, solve_assignment
from reviewers.candidates import Candidates
from workflows.machines.review_assignment import AssignmentState

SOLVER_REFUSED = define(
    "assignment.solve.refused", "the solver refused the call's data; tell the administrators."
)
UNCOMPUTABLE = define(
    "assignment.solve.uncomputable", "The call's assignment cannot be computed: {reason}"
)

# Up to this many pairs every pair is a candidate (a reviewer sharing no term may still serve);
# above it each proposal keeps its TOP_N most similar reviewers plus every bid.
DENSE_PAIRS = 1_000_000
TOP_N = 50


@dataclass(frozen=True, eq=False)
class Plan:
    """The solver's answer with the indices that map it back to rows."""

    inputs: CallInputs
    assignment: Assignment | None
    model: TextModel | None
    fixed: dict[Pair, ReviewAssignment]
    countries: list[str]
    pool: uuid.UUID | None = None

    def covers(self, pool_agency_id: uuid.UUID) -> bool:
        """Whether this plan is the one to change and show that pool's assignments."""
        return self.pool is None or self.pool == pool_agency_id


def is_fixed(row: ReviewAssignment, keep_proposed: bool) -> bool:
    """Whether a re-run keeps this assignment as it is."""
    if row.state in KEPT_STATES:
        return True
    return row.state == AssignmentState.PROPOSED and (keep_proposed or row.source != "solver")


@dataclass(frozen=True, eq=False)
class _Scope:
    """One solve: a pool (None: the call's one shared pool) with its reviewers and rows."""

    pool: uuid.UUID | None
    reviewers: list[bool]  # serving in the pool, per reviewer of the call
    fixed: dict[Pair, ReviewAssignment]
    excluded: list[Pair]
    taken: Counter[uuid.UUID]  # other pools' live rows per reviewer


def plan(inputs: CallInputs, *, keep_proposed: bool, pool: uuid.UUID | None = None) -> Plan:
    """Solve the call's assignment, or with `pool` (parallel mode) that pool's only. Raises
    Conflict when the stored state contradicts the call's constraints (a quota above k, fixed
    pairs above a cap or k)."""
    if inputs.call.review_mode != "parallel":
        pools: list[uuid.UUID | None] = [None]
    else:
        pools = [pool] if pool is not None else [a.id for a in inputs.agencies]
    scopes = [_scope(inputs, g, keep_proposed) for g in pools]
    fixed = {pair: row for scope in scopes for pair, row in scope.fixed.items()}
    countries = _countries(inputs)
    if not inputs.proposals:
        return Plan(inputs, None, None, fixed, countries, pool)
    model, similarity = _similarity(inputs)
    candidates = _candidates(inputs, similarity, set(fixed))
    results = [_solve(inputs, candidates, scope, countries) for scope in scopes]
    return Plan(inputs, _merge(results), model, fixed, countries, pool)


def _scope(inputs: CallInputs, pool: uuid.UUID | None, keep_proposed: bool) -> _Scope:
    proposals = {p.id for p in inputs.proposals}
    ours = [pool is None or r.pool_agency_id == pool for r in inputs.reviewers]
    serving = {r.user_id for r, mine in zip(inputs.reviewers, ours, strict=True) if mine}
    known = [r for r in inputs.existing if r.proposal_id in proposals and r.reviewer_id in serving]
    mine = [r for r in known if pool is None or r.pool_agency_id == pool]
    theirs = [r for r in known if pool is not None and r.pool_agency_id != pool]
    return _Scope(
        pool,
        ours,
        {(r.proposal_id, r.reviewer_id): r for r in mine if is_fixed(r, keep_proposed)},
        [(r.proposal_id, r.reviewer_id) for r in mine if r.state == AssignmentState.DECLINED]
        + [(r.proposal_id, r.reviewer_id) for r in theirs],
        Counter(r.reviewer_id for r in theirs if r.state != AssignmentState.DECLINED),
    )


def _solve(
    inputs: CallInputs, candidates: Candidates, scope: _Scope, countries: list[str]
) -> Assignment:
    p_of = {p.id: i for i, p in enumerate(inputs.proposals)}
    r_of = {r.user_id: j for j, r in enumerate(inputs.reviewers)}
    if scope.pool is not None:
        candidates = _only(candidates, scope.reviewers)
    index = _indices(scope.fixed, p_of, r_of)
    candidates = _with_pairs(candidates, index, [r.affinity or 0.0 for r in scope.fixed.values()])
    try:
        return solve_assignment(
            candidates,
            fixed=index,
            excluded=_indices(scope.excluded, p_of, r_of),
            cap=[max(r.load_cap - scope.taken[r.user_id], 0) for r in inputs.reviewers],
            **_structure(inputs, countries, scope.pool),
        )
    except MessageError as exc:
        raise Conflict(UNCOMPUTABLE(reason=exc.message)) from exc
    except ValueError as exc:
        # The solver's other refusals name its arrays, not the call: no one can act on their
        # words, but the call's data led there, so it is still a refusal, never a 500.
        raise Conflict(UNCOMPUTABLE(reason=SOLVER_REFUSED())) from exc


def _indices(
    pairs: Iterable[Pair], p_of: dict[uuid.UUID, int], r_of: dict[uuid.UUID, int]
) -> np.ndarray:
    return np.array([(p_of[p], r_of[r]) for p, r in pairs], dtype=np.int64).reshape(-1, 2)


def _merge(results: list[Assignment]) -> Assignment:
    """The pools' assignments as one, ordered as the solver orders its own answer."""
    if len(results) == 1:
        return results[0]
    p = np.concatenate([a.proposal_idx for a in results])
    r = np.concatenate([a.reviewer_idx for a in results])
    order = np.lexsort((r, p))
    affinity = np.concatenate([a.affinity for a in results])[order]
    shortfalls = sorted(
        (s for a in results for s in a.shortfalls), key=lambda s: (s.proposal, s.pool_or_country)
    )
    return Assignment(
        proposal_idx=p[order],
        reviewer_idx=r[order],
        affinity=affinity,
        total_affinity=math.fsum(affinity.tolist()),
        loads=np.sum([a.loads for a in results], axis=0, dtype=np.int64),
        required=sum(a.required for a in results),
        feasible=not shortfalls,
        shortfalls=tuple(shortfalls),
    )


def _countries(inputs: CallInputs) -> list[str]:
    """Co-funders' countries first (they carry the quota), then any other reviewer country."""
    listed = list(dict.fromkeys(a.country for a in inputs.agencies))
    others = sorted({r.country for r in inputs.reviewers} - set(listed))
    return listed + others


def _structure(inputs: CallInputs, countries: list[str], pool: uuid.UUID | None) -> dict[str, Any]:
    call, k = inputs.call, inputs.call.reviewers_per_proposal
    if call.review_mode == "parallel":
        pool_of = {a.id: g for g, a in enumerate(inputs.agencies)}
        return {
            "k": [k if pool in (None, a.id) else 0 for a in inputs.agencies],
            "reviewer_pool": [pool_of[r.pool_agency_id] for r in inputs.reviewers],
        }
    m = call.min_reviewers_per_country
    cofunding = len(dict.fromkeys(a.country for a in inputs.agencies))
    if m == 0:
        return {"k": k}
    return {
        "k": k,
        "reviewer_country": [countries.index(r.country) for r in inputs.reviewers],
        "country_quota": dict.fromkeys(range(cofunding), m),
    }


def _similarity(inputs: CallInputs) -> tuple[TextModel | None, sparse.csr_matrix]:
    shape = (len(inputs.proposals), len(inputs.reviewers))
    try:
        model = fit_text_model(
            [
                ProposalText(p.title.get("en", ""), p.abstract.get("en", ""), tuple(p.keywords))
                for p in inputs.proposals
            ],
            [ExpertiseText(r.expertise, r.keywords) for r in inputs.reviewers],
        )
    except ValueError:  # no usable term at all: every pair is equally (un)related
        return None, sparse.csr_matrix(shape)
    top_n = None if shape[0] * shape[1] <= DENSE_PAIRS else TOP_N
    return model, model.similarity(top_n=top_n)


def _candidates(inputs: CallInputs, similarity: sparse.csr_matrix, fixed: set[Pair]) -> Candidates:
    """Scored pairs; a fixed pair stays allowed even if a conflict appeared since (officers
    see it in the listing's conflicts), so the solver never silently drops an invitation."""
    p_of = {p.id: i for i, p in enumerate(inputs.proposals)}
    r_of = {r.user_id: j for j, r in enumerate(inputs.reviewers)}
    known = [(p, r) for p, r in inputs.forbidden if p in p_of and r in r_of and (p, r) not in fixed]
    bids = {
        (p_of[p], r_of[r]): level
        for (p, r), level in inputs.bids.items()
        if p in p_of and r in r_of and not (level == "conflict" and (p, r) in fixed)
    }
    return score_candidates(
        similarity,
        bids=bids,
        forbidden=[(p_of[p], r_of[r]) for p, r in known],
        all_pairs=similarity.shape[0] * similarity.shape[1] <= DENSE_PAIRS,
    )


def _only(candidates: Candidates, reviewers: list[bool]) -> Candidates:
    """The candidates whose reviewer is one of `reviewers` (a mask over the call's reviewers),
    in the same index space, so affinities and shared terms stay the whole call's."""
    keep = np.asarray(reviewers, dtype=bool)[candidates.reviewer_idx]
    return Candidates.from_coo(
        candidates.proposal_idx[keep],
        candidates.reviewer_idx[keep],
        candidates.affinity[keep],
        candidates.n_proposals,
        candidates.n_reviewers,
    )


def _with_pairs(candidates: Candidates, pairs: np.ndarray, affinity: list[float]) -> Candidates:
    """The candidates plus any of `pairs` they lack (fixed pairs must be candidates)."""
    n_r = max(candidates.n_reviewers, 1)
    missing = ~np.isin(pairs[:, 0] * n_r + pairs[:, 1], candidates.pair_keys())
    if not missing.any():
        return candidates
    extra = pairs[missing]
    return Candidates.from_coo(
        np.concatenate([candidates.proposal_idx, extra[:, 0]]),
        np.concatenate([candidates.reviewer_idx, extra[:, 1]]),
        np.concatenate([candidates.affinity, np.asarray(affinity, dtype=np.float64)[missing]]),
        candidates.n_proposals,
        candidates.n_reviewers,
    )
