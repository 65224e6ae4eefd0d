"""From a call's inputs to the solver's answer: texts, one TF-IDF model for the whole call,
candidates with bids and forbidden pairs, then the exact min-cost-flow assignment.

Parallel mode: k reviewers from each co-funding agency's pool (`reviewer_pool` = the index of
the reviewer's pool agency). Joint mode: one pool, and at least `min_reviewers_per_country`
from each co-funding agency's country. Assignments already invited, accepted or submitted (and
manual proposals, and with `keep_proposed` every proposal) are fixed; declined pairs are
excluded, so a decline frees its slot and a re-run fills it without moving the others.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from grants.db.models import ReviewAssignment
from grants.errors import Conflict
from grants.reviews.assignment.forbidden import Pair
from grants.reviews.assignment.inputs import KEPT_STATES, CallInputs
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


def is_fixed(row: ReviewAssignment, keep_proposed: bool) -> bool:
    """Whether a re-run keeps this assignment as it is."""
    if row.state in KEPT_STATES:
        return True
    return row.state == AssignmentState.PROPOSED and (keep_proposed or row.source != "solver")


def plan(inputs: CallInputs, *, keep_proposed: bool) -> Plan:
    """Solve the call's assignment. Raises Conflict when the stored state contradicts the
    call's constraints (a quota above k, fixed pairs above a cap or k)."""
    p_of = {p.id: i for i, p in enumerate(inputs.proposals)}
    r_of = {r.user_id: j for j, r in enumerate(inputs.reviewers)}
    fixed = {
        (row.proposal_id, row.reviewer_id): row
        for row in inputs.existing
        if is_fixed(row, keep_proposed) and row.proposal_id in p_of and row.reviewer_id in r_of
    }
    countries = _countries(inputs)
    if not inputs.proposals:
        return Plan(inputs, None, None, fixed, countries)
    model, similarity = _similarity(inputs)
    candidates = _candidates(inputs, similarity, p_of, r_of, set(fixed))
    index = np.array([(p_of[p], r_of[r]) for p, r in fixed], dtype=np.int64).reshape(-1, 2)
    candidates = _with_pairs(candidates, index, [row.affinity or 0.0 for row in fixed.values()])
    declined = [
        (p_of[row.proposal_id], r_of[row.reviewer_id])
        for row in inputs.existing
        if row.state == AssignmentState.DECLINED
        and row.proposal_id in p_of
        and row.reviewer_id in r_of
    ]
    try:
        result = solve_assignment(
            candidates,
            fixed=index,
            excluded=np.array(declined, dtype=np.int64).reshape(-1, 2),
            cap=[r.load_cap for r in inputs.reviewers],
            **_structure(inputs, countries),
        )
    except ValueError as exc:
        raise Conflict(f"The call's assignment cannot be computed: {exc}.") from exc
    return Plan(inputs, result, model, fixed, countries)


def _countries(inputs: CallInputs) -> list[str]:
    """Co-funders' countries first (they carry the quota), then any other reviewer country."""
    listed = list(dict.fromkeys(a.country for a in inputs.agencies))
    others = sorted({r.country for r in inputs.reviewers} - set(listed))
    return listed + others


def _structure(inputs: CallInputs, countries: list[str]) -> dict[str, Any]:
    call, k = inputs.call, inputs.call.reviewers_per_proposal
    if call.review_mode == "parallel":
        pool_of = {a.id: g for g, a in enumerate(inputs.agencies)}
        return {
            "k": [k] * len(inputs.agencies),
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


def _candidates(
    inputs: CallInputs,
    similarity: sparse.csr_matrix,
    p_of: dict[uuid.UUID, int],
    r_of: dict[uuid.UUID, int],
    fixed: set[Pair],
) -> Candidates:
    """Scored pairs; a fixed pair stays allowed even if a conflict appeared since (officers
    see it in the listing's conflicts), so the solver never silently drops an invitation."""
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
