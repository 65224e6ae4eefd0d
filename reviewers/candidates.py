"""Candidate (proposal, reviewer) pairs with their affinity, the solver's input graph."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


# eq=False: == on numpy fields is ambiguous, so instances compare by identity.
@dataclass(frozen=True, eq=False, slots=True)
class Candidates:
    """Allowed (proposal, reviewer) pairs in COO form; a pair absent here is never assigned.

    Build it with `from_dense` or `from_coo`, which validate; the arrays are read-only.
    """

    proposal_idx: IntArray
    reviewer_idx: IntArray
    affinity: FloatArray
    n_proposals: int
    n_reviewers: int

    @classmethod
    def from_dense(cls, affinity: ArrayLike, forbidden: ArrayLike | None = None) -> Candidates:
        """Every pair of a P×R affinity matrix that `forbidden` (P×R bools) does not mask.

        A forbidden entry's affinity is ignored, so NaN or -inf may mark it.
        Raises ValueError on a non-2-D matrix, a mask of another shape, or a
        non-finite affinity on an allowed pair.
        """
        dense = np.asarray(affinity, dtype=np.float64)
        if dense.ndim != 2:
            raise ValueError(f"affinity must be a 2-D P×R matrix, got shape {dense.shape}")
        if forbidden is None:
            allowed = np.ones(dense.shape, dtype=bool)
        else:
            mask = np.asarray(forbidden)
            if mask.shape != dense.shape or mask.dtype != np.bool_:
                raise ValueError(
                    f"forbidden must be a boolean matrix of shape {dense.shape}, "
                    f"got {mask.dtype} {mask.shape}"
                )
            allowed = ~mask
        rows, cols = np.nonzero(allowed)
        return cls.from_coo(rows, cols, dense[rows, cols], dense.shape[0], dense.shape[1])

    @classmethod
    def from_coo(
        cls,
        proposal_idx: ArrayLike,
        reviewer_idx: ArrayLike,
        affinity: ArrayLike,
        n_proposals: int,
        n_reviewers: int,
    ) -> Candidates:
        """Candidate pairs given as three parallel 1-D arrays.

        Raises ValueError on arrays of different lengths, non-integer or out-of-range
        indices, a pair listed twice, or a NaN/infinite affinity.
        """
        if n_proposals < 0 or n_reviewers < 0:
            raise ValueError("n_proposals and n_reviewers must be non-negative")
        p = _index_array(proposal_idx, n_proposals, "proposal_idx")
        r = _index_array(reviewer_idx, n_reviewers, "reviewer_idx")
        a = np.array(affinity, dtype=np.float64).ravel()
        if not (p.shape == r.shape == a.shape):
            raise ValueError(
                f"proposal_idx, reviewer_idx and affinity differ in length: "
                f"{p.size}, {r.size}, {a.size}"
            )
        if not np.all(np.isfinite(a)):
            bad = int(np.flatnonzero(~np.isfinite(a))[0])
            raise ValueError(f"affinity must be finite; pair ({p[bad]}, {r[bad]}) has {a[bad]}")
        keys = p * max(n_reviewers, 1) + r
        if np.unique(keys).size != keys.size:
            raise ValueError("a (proposal, reviewer) pair is listed more than once")
        for arr in (p, r, a):
            arr.flags.writeable = False
        return cls(p, r, a, int(n_proposals), int(n_reviewers))

    @property
    def size(self) -> int:
        """Number of candidate pairs."""
        return int(self.proposal_idx.size)

    def pair_keys(self) -> IntArray:
        """One int64 key per pair (proposal * R + reviewer), for fast membership tests."""
        return pair_keys(self.proposal_idx, self.reviewer_idx, self.n_reviewers)


def pair_keys(proposals: IntArray, reviewers: IntArray, n_reviewers: int) -> IntArray:
    """Encode pairs as int64 keys, proposal-major, so sorting keys sorts pairs."""
    return proposals * max(n_reviewers, 1) + reviewers


def _index_array(values: ArrayLike, bound: int, name: str) -> IntArray:
    arr = np.array(values).ravel()
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must hold integers, got {arr.dtype}")
    arr = arr.astype(np.int64)
    if arr.size and (arr.min() < 0 or arr.max() >= bound):
        raise ValueError(f"{name} out of range [0, {bound})")
    return arr
