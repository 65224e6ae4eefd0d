"""Review scores → one score per proposal, a disagreement flag and a ranking.

Per criterion, each proposal's reviews are combined by a (confidence-)weighted mean or median;
the rubric weights then combine the criteria. Optional calibration replaces each score by its
z-score among the same reviewer's scores for that criterion over the call, which removes a
reviewer's habit of scoring high or low (any positive affine rescaling of one reviewer's scores
leaves the calibrated scores, and so the ranking, unchanged).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike

from reviewers.candidates import BoolArray, FloatArray, IntArray

# Totals are compared at this many decimals so float noise never outweighs the tie-break.
_RANK_DECIMALS = 9


class Method(StrEnum):
    """How a proposal's reviews of one criterion are combined."""

    MEAN = "mean"
    MEDIAN = "median"


@dataclass(frozen=True, slots=True)
class Criterion:
    """A rubric criterion: its weight and the inclusive range of its scale."""

    name: str
    weight: float
    scale_min: float
    scale_max: float


@dataclass(frozen=True, eq=False, slots=True)
class Aggregate:
    """Per-proposal results; NaN where a proposal has no review.

    `criterion_scores` is P×C; `total` the rubric-weighted score; `spread` the range of the
    proposal's per-review totals; `ranking` the proposal indices best first (unreviewed last).
    Calibrated results are in standard units (z-scores), not on the rubric scale.
    """

    criterion_scores: FloatArray
    total: FloatArray
    n_reviews: IntArray
    spread: FloatArray
    disagreement: BoolArray
    ranking: IntArray


def aggregate(
    proposal_idx: ArrayLike,
    reviewer_idx: ArrayLike,
    scores: ArrayLike,
    criteria: Sequence[Criterion],
    n_proposals: int,
    *,
    method: Method | str = Method.MEAN,
    calibrate: bool = False,
    confidence: ArrayLike | None = None,
    disagreement_threshold: float | None = None,
    tie_break: ArrayLike | None = None,
) -> Aggregate:
    """Aggregate submitted reviews (one row per review) into scores, flags and a ranking.

    `confidence` (one positive weight per review) weights reviews within a proposal;
    `disagreement_threshold` flags proposals whose per-review totals spread further than it;
    `tie_break` orders equal totals (ascending; default the proposal index).
    Raises ValueError on shape mismatches, a missing (NaN) or out-of-scale score, a reviewer
    reviewing a proposal twice, non-positive confidence, bad weights or an unknown method.
    """
    p, r, s = _validated(proposal_idx, reviewer_idx, scores, criteria, n_proposals)
    weights = _review_weights(confidence, p.size)
    if calibrate:
        s = calibrated(r, s)
    combine = _weighted_median if Method(method) == Method.MEDIAN else _weighted_mean
    per_criterion = np.column_stack(
        [combine(p, s[:, c], weights, n_proposals) for c in range(s.shape[1])]
    ).reshape(n_proposals, len(criteria))
    w = np.array([c.weight for c in criteria], dtype=np.float64)
    total = per_criterion @ (w / w.sum())
    review_totals = s @ (w / w.sum())
    spread = _spread(p, review_totals, n_proposals)
    flagged = np.zeros(n_proposals, dtype=bool)
    if disagreement_threshold is not None:
        flagged = np.nan_to_num(spread, nan=0.0) > disagreement_threshold
    return Aggregate(
        criterion_scores=per_criterion,
        total=total,
        n_reviews=np.bincount(p, minlength=n_proposals).astype(np.int64),
        spread=spread,
        disagreement=flagged,
        ranking=rank(total, tie_break),
    )


def calibrated(reviewer_idx: IntArray, scores: FloatArray) -> FloatArray:
    """Each score as a z-score among its reviewer's scores of that criterion.

    A reviewer whose scores of a criterion do not vary (including a single review) gets 0:
    their scores say nothing about how proposals compare.
    """
    n_reviewers = int(reviewer_idx.max(initial=-1)) + 1
    count = np.bincount(reviewer_idx, minlength=n_reviewers).astype(np.float64)[:, None]
    sums = np.zeros((n_reviewers, scores.shape[1]))
    np.add.at(sums, reviewer_idx, scores)
    mean = sums / np.maximum(count, 1.0)
    centred = scores - mean[reviewer_idx]
    squares = np.zeros_like(sums)
    np.add.at(squares, reviewer_idx, centred**2)
    std = np.sqrt(squares / np.maximum(count, 1.0))[reviewer_idx]
    # A spread below float noise relative to the scores counts as no spread at all.
    flat = std <= 1e-12 * np.maximum(np.abs(mean[reviewer_idx]), 1.0)
    result: FloatArray = np.where(flat, 0.0, centred / np.where(flat, 1.0, std))
    return result


def rank(total: ArrayLike, tie_break: ArrayLike | None = None) -> IntArray:
    """Proposal indices by total descending, NaN last, ties by `tie_break` then index."""
    t = np.asarray(total, dtype=np.float64)
    keys = np.arange(t.size) if tie_break is None else np.asarray(tie_break)
    if keys.shape != t.shape:
        raise ValueError(f"tie_break must have shape {t.shape}")
    missing = np.isnan(t)
    rounded = np.round(np.where(missing, 0.0, t), _RANK_DECIMALS)
    order: IntArray = np.lexsort((np.arange(t.size), keys, -rounded, missing))
    return order


def _validated(
    proposal_idx: ArrayLike,
    reviewer_idx: ArrayLike,
    scores: ArrayLike,
    criteria: Sequence[Criterion],
    n_proposals: int,
) -> tuple[IntArray, IntArray, FloatArray]:
    p = np.asarray(proposal_idx, dtype=np.int64).ravel()
    r = np.asarray(reviewer_idx, dtype=np.int64).ravel()
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim != 2 or s.shape != (p.size, len(criteria)) or r.size != p.size:
        raise ValueError(f"need one row of {len(criteria)} scores per review, got {s.shape}")
    if p.size and (p.min() < 0 or p.max() >= n_proposals or r.min() < 0):
        raise ValueError("proposal or reviewer index out of range")
    if np.unique(p * (int(r.max(initial=0)) + 1) + r).size != p.size:
        raise ValueError("a reviewer has two reviews of one proposal")
    if np.isnan(s).any():
        raise ValueError("a review is missing a criterion score")
    _check_criteria(criteria, s)
    return p, r, s


def _check_criteria(criteria: Sequence[Criterion], s: FloatArray) -> None:
    weights = np.array([c.weight for c in criteria], dtype=np.float64)
    if weights.size == 0 or np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError("criterion weights must be non-negative with a positive sum")
    for j, c in enumerate(criteria):
        if np.any((s[:, j] < c.scale_min) | (s[:, j] > c.scale_max)):
            raise ValueError(f"a {c.name!r} score is outside {c.scale_min}..{c.scale_max}")


def _review_weights(confidence: ArrayLike | None, n: int) -> FloatArray:
    if confidence is None:
        return np.ones(n)
    w = np.asarray(confidence, dtype=np.float64).ravel()
    if w.shape != (n,) or not np.all(w > 0):
        raise ValueError("confidence must be one positive number per review")
    return w


def _weighted_mean(groups: IntArray, values: FloatArray, w: FloatArray, n: int) -> FloatArray:
    total_w = np.bincount(groups, weights=w, minlength=n)
    sums = np.bincount(groups, weights=w * values, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        result: FloatArray = np.where(total_w > 0, sums / total_w, np.nan)
    return result


def _weighted_median(groups: IntArray, values: FloatArray, w: FloatArray, n: int) -> FloatArray:
    """Weighted median per group; where the weight splits exactly in half, the midpoint
    of the two middle values (so equal weights give the ordinary median)."""
    result = np.full(n, np.nan)
    if groups.size == 0:
        return result
    order = np.lexsort((values, groups))
    g, v, wt = groups[order], values[order], w[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    ends = np.r_[starts[1:], g.size]
    cum = np.cumsum(wt)
    before = np.r_[0.0, cum][starts]
    half = (cum[ends - 1] - before) / 2
    within = cum - np.repeat(before, ends - starts)
    tol = 1e-12 * np.repeat(half + 1.0, ends - starts)
    reached = within >= np.repeat(half, ends - starts) - tol
    first = _first_true(reached, starts, ends)
    exact = np.abs(within[first] - half) <= tol[first]
    nxt = np.minimum(first + 1, ends - 1)
    result[g[starts]] = np.where(exact, (v[first] + v[nxt]) / 2, v[first])
    return result


def _first_true(mask: BoolArray, starts: IntArray, ends: IntArray) -> IntArray:
    """Index of the first True in each [start, end) segment (each segment has one)."""
    counts = np.add.reduceat(mask.astype(np.int64), starts)
    last_true_pos = np.cumsum(mask)[ends - 1]
    first_rank: IntArray = last_true_pos - counts  # Trues before the segment
    true_positions = np.flatnonzero(mask)
    picked: IntArray = true_positions[first_rank]
    return picked


def _spread(groups: IntArray, values: FloatArray, n: int) -> FloatArray:
    hi = np.full(n, -np.inf)
    lo = np.full(n, np.inf)
    np.maximum.at(hi, groups, values)
    np.minimum.at(lo, groups, values)
    result: FloatArray = np.where(np.isfinite(hi), hi - lo, np.nan)
    return result
