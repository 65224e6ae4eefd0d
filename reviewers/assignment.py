"""Reviewer assignment: the exact maximum-affinity assignment as a min-cost flow (OR-Tools).

Network: source → reviewer (capacity = load cap) → proposal group (capacity 1 per candidate
pair, cost = -affinity scaled to an integer) → sink (capacity = slots). Pools and the country
quota only change the groups (see `reviewers._layout`). The solver maximises the number of
filled slots first and the total affinity second, so an infeasible call still gets its best
partial assignment plus a report of the slots it cannot fill.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from messages import MessageError, define
from reviewers._flow import max_flow_min_cost
from reviewers._layout import Layout, build_layout, int_vector
from reviewers.candidates import BoolArray, Candidates, FloatArray, IntArray, pair_keys
from reviewers.shortfall import Shortfall, diagnose

MIN_SCALE = 10**4
# Keeps scaled costs exact in float64 and far from OR-Tools' int64 cost-scaling limits.
_MAX_SCALED_COST = 2**50

# The refusals a call's own data can cause (the rest of the checks catch programming errors):
# a MessageError, so the caller can show them in the reader's language.
FIXED_OVER_CAP = define(
    "solver.fixed_over_cap",
    "The assignments already kept exceed the load cap of reviewer {reviewer}.",
)
FIXED_OVER_NEED = define(
    "solver.fixed_over_need",
    "The assignments already kept give proposal {proposal} more reviewers than it needs.",
)


# eq=False: == on numpy fields is ambiguous, so instances compare by identity.
@dataclass(frozen=True, eq=False, slots=True)
class Assignment:
    """The solver's answer; arrays are read-only and sorted by (proposal, reviewer).

    `feasible` is True when every slot is filled; otherwise `shortfalls` says which proposals
    lack reviewers and why, and the pairs are the best partial assignment (most slots filled,
    then the highest total affinity). Fixed pairs are included.
    """

    proposal_idx: IntArray
    reviewer_idx: IntArray
    affinity: FloatArray
    total_affinity: float
    loads: IntArray
    required: int
    feasible: bool
    shortfalls: tuple[Shortfall, ...]

    @property
    def size(self) -> int:
        """Number of assigned pairs."""
        return int(self.proposal_idx.size)

    @property
    def missing(self) -> int:
        """Slots left empty (0 when feasible)."""
        return self.required - self.size

    def reviewers_of(self, proposal: int) -> IntArray:
        """Reviewers assigned to one proposal, ascending."""
        lo, hi = np.searchsorted(self.proposal_idx, [proposal, proposal + 1])
        return self.reviewer_idx[lo:hi]


def solve_assignment(
    candidates: Candidates,
    *,
    k: int | ArrayLike,
    cap: int | ArrayLike,
    reviewer_pool: ArrayLike | None = None,
    reviewer_country: ArrayLike | None = None,
    country_quota: Mapping[int, int] | None = None,
    fixed: ArrayLike | None = None,
    excluded: ArrayLike | None = None,
    scale: int = 10**6,
) -> Assignment:
    """Assign k reviewers per proposal, at most `cap` proposals per reviewer, maximising affinity.

    - `k`: scalar or per proposal (P,); with pools: scalar, per pool (G,) or (P, G) — then
      every proposal needs that many reviewers from each pool.
    - `cap`: scalar or per reviewer (R,).
    - `reviewer_pool` (parallel mode): a pool code 0..G-1 per reviewer; G is the larger of
      the highest code + 1 and k's pool dimension, so a pool nobody has joined yet can
      still be asked for (and reported short).
    - `reviewer_country` + `country_quota` (joint mode): a country code per reviewer and
      {country code: m}; each proposal gets at least m reviewers from each listed country.
    - `fixed`: (n, 2) [proposal, reviewer] pairs kept as they are (e.g. accepted
      invitations when re-solving after a decline); `excluded`: (n, 2) pairs never assigned.
    - `scale`: affinities are rounded to integers after multiplying by it (>= 10^4); the
      result is optimal for the rounded values, so within (pairs / scale) of the float optimum.

    An infeasible call is not an error: the result has `feasible=False` and `shortfalls`.
    Raises ValueError on malformed input: shapes, negative or non-integer k/cap/codes, a quota
    above k, pools together with a quota, fixed pairs that are not candidates, are excluded,
    repeat, or exceed a cap or k, a scale below 10^4 or affinities too large for it.
    """
    cap_vec = int_vector(cap, candidates.n_reviewers, "cap")
    layout = build_layout(
        k, cap_vec, candidates.n_proposals, reviewer_pool, reviewer_country, country_quota
    )
    _check_scale(candidates, scale)
    keys = candidates.pair_keys()
    usable = ~np.isin(keys, _pair_array_keys(excluded, candidates, "excluded"))
    is_fixed = _fixed_mask(fixed, keys, usable, candidates)
    entry = layout.entry(candidates.proposal_idx, candidates.reviewer_idx)
    cap_left = cap_vec - np.bincount(
        candidates.reviewer_idx[is_fixed], minlength=candidates.n_reviewers
    )
    if np.any(cap_left < 0):
        raise MessageError(FIXED_OVER_CAP(reviewer=int(np.argmin(cap_left))))
    need_left = _need_after_fixed(layout, entry[is_fixed])
    open_pairs = np.flatnonzero(usable & ~is_fixed)
    costs = -np.rint(candidates.affinity[open_pairs] * scale).astype(np.int64)
    flow = max_flow_min_cost(
        layout,
        cap_left,
        need_left,
        candidates.reviewer_idx[open_pairs],
        entry[open_pairs],
        costs,
    )
    chosen = is_fixed.copy()
    chosen[open_pairs[flow.chosen]] = True
    shortfalls = diagnose(layout, entry[usable], flow.unfilled)
    return _result(candidates, chosen, int(layout.need.sum()), shortfalls)


def _check_scale(candidates: Candidates, scale: int) -> None:
    if not isinstance(scale, int | np.integer) or isinstance(scale, bool) or scale < MIN_SCALE:
        raise ValueError(f"scale must be an integer >= {MIN_SCALE}, got {scale!r}")
    largest = float(np.abs(candidates.affinity).max(initial=0.0))
    if largest * scale > _MAX_SCALED_COST:
        raise ValueError(f"affinity {largest} times scale {scale} exceeds 2^50; rescale affinities")


def _pair_array_keys(pairs: ArrayLike | None, candidates: Candidates, name: str) -> IntArray:
    """Validate (n, 2) [proposal, reviewer] pairs and encode them as keys."""
    if pairs is None:
        return np.zeros(0, dtype=np.int64)
    arr = np.asarray(pairs)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.ndim != 2 or arr.shape[1] != 2 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must be an (n, 2) integer array of [proposal, reviewer]")
    p, r = arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64)
    if p.min() < 0 or p.max() >= candidates.n_proposals:
        raise ValueError(f"{name} has a proposal index out of range")
    if r.min() < 0 or r.max() >= candidates.n_reviewers:
        raise ValueError(f"{name} has a reviewer index out of range")
    return pair_keys(p, r, candidates.n_reviewers)


def _fixed_mask(
    fixed: ArrayLike | None, keys: IntArray, usable: BoolArray, candidates: Candidates
) -> BoolArray:
    fixed_keys = _pair_array_keys(fixed, candidates, "fixed")
    if np.unique(fixed_keys).size != fixed_keys.size:
        raise ValueError("fixed lists a pair more than once")
    # Candidate keys are unique, so a count mismatch means a fixed pair is no candidate.
    mask: BoolArray = np.isin(keys, fixed_keys)
    if int(mask.sum()) != fixed_keys.size:
        raise ValueError("a fixed pair is not a candidate (conflicted or unknown)")
    if np.any(mask & ~usable):
        raise ValueError("a fixed pair is also excluded")
    return mask


def _need_after_fixed(layout: Layout, fixed_groups: IntArray) -> IntArray:
    """Slots still open per group once fixed pairs take theirs.

    A fixed reviewer of a quota country takes a reserved slot first and an open slot only
    when the reserved ones are full: that never leaves fewer options for the others.
    """
    used = np.bincount(fixed_groups, minlength=layout.need.size).astype(np.int64)
    hubs = np.flatnonzero(layout.parent >= 0)
    spill = np.maximum(used[hubs] - layout.need[hubs], 0)
    used[hubs] -= spill
    np.add.at(used, layout.parent[hubs], spill)
    over = np.flatnonzero(used > layout.need)
    if over.size:
        bad = int(layout.proposal[over[0]])
        raise MessageError(FIXED_OVER_NEED(proposal=bad))
    need_left: IntArray = layout.need - used
    return need_left


def _result(
    candidates: Candidates, chosen: BoolArray, required: int, shortfalls: tuple[Shortfall, ...]
) -> Assignment:
    # Candidates need not be sorted; sorting here makes the result independent of input order.
    idx = np.flatnonzero(chosen)
    idx = idx[np.argsort(candidates.pair_keys()[idx], kind="stable")]
    p, r = candidates.proposal_idx[idx], candidates.reviewer_idx[idx]
    a = candidates.affinity[idx]
    loads = np.bincount(r, minlength=candidates.n_reviewers).astype(np.int64)
    for arr in (p, r, a, loads):
        arr.flags.writeable = False
    return Assignment(
        proposal_idx=p,
        reviewer_idx=r,
        affinity=a,
        total_affinity=math.fsum(a.tolist()),
        loads=loads,
        required=required,
        feasible=not shortfalls,
        shortfalls=shortfalls,
    )
