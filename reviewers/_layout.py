"""Demand groups of the assignment network: which slots each proposal has, who may fill them.

A *group* is a set of reviewer slots of one proposal with an arc to the sink whose capacity is
the number of slots. Plain mode has one group per proposal. Parallel mode (pools) has one group
per (proposal, pool). Joint mode with a country quota has, per proposal, one *hub* group per
listed country holding the m reserved slots, whose surplus overflows into the proposal's *free*
group holding the k - Σm slots open to anyone. Reserving slots instead of putting a lower bound
on an arc keeps the network a plain max-flow/min-cost flow, exact, and makes a partial
assignment leave a country's reserved slot empty rather than give it to another country.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from messages import MessageError, define
from reviewers.candidates import BoolArray, IntArray

QUOTA_OVER_K = define(
    "solver.quota_over_k",
    "The country quota needs {quota} reviewers, but proposal {proposal} has only {k} slots.",
)


@dataclass(frozen=True, eq=False, slots=True)
class Layout:
    """Groups (slots per proposal) and the reviewer classes that feed them."""

    need: IntArray  # slots per group
    parent: IntArray  # group a hub overflows into, -1 for none
    proposal: IntArray  # proposal of each group
    label: IntArray  # pool or country code of each group, -1 for "open to anyone"
    klass: IntArray  # reviewer class of each group, for the capacity diagnosis
    class_capacity: IntArray  # total load cap of the reviewers of each class
    class_demand: IntArray  # total slots of each class over the call
    direct: BoolArray  # reviewer feeds the proposal's base group directly
    offset: IntArray  # per reviewer: index of its group within a proposal's block
    base: int
    stride: int

    def entry(self, proposals: IntArray, reviewers: IntArray) -> IntArray:
        """Group where the pair (proposal, reviewer) enters the network."""
        via_block = self.base + proposals * self.stride + self.offset[reviewers]
        return np.where(self.direct[reviewers], proposals, via_block)


def int_vector(value: int | ArrayLike, length: int, name: str) -> IntArray:
    """Broadcast a non-negative integer scalar or array to shape (length,).

    Raises ValueError on another shape, a non-integer or a negative value.
    """
    arr = _non_negative_ints(value, name)
    if arr.ndim == 0:
        return np.full(length, int(arr), dtype=np.int64)
    if arr.shape != (length,):
        raise ValueError(f"{name} must be a scalar or have shape ({length},), got {arr.shape}")
    return arr


def build_layout(
    k: int | ArrayLike,
    cap: IntArray,
    n_proposals: int,
    reviewer_pool: ArrayLike | None,
    reviewer_country: ArrayLike | None,
    country_quota: Mapping[int, int] | None,
) -> Layout:
    """Validate the slot parameters and lay out the demand groups.

    Raises ValueError on bad shapes or values, on pools combined with a country quota, on a
    quota without reviewer countries (or the reverse), or on a quota larger than k.
    """
    if reviewer_pool is not None and (country_quota is not None or reviewer_country is not None):
        raise ValueError("pools (parallel mode) and a country quota (joint mode) are exclusive")
    if (country_quota is None) != (reviewer_country is None):
        raise ValueError("reviewer_country and country_quota must be given together")
    n_reviewers = cap.size
    if reviewer_pool is not None:
        pools = _codes(reviewer_pool, n_reviewers, "reviewer_pool")
        return _pool_layout(k, cap, n_proposals, pools)
    kp = int_vector(k, n_proposals, "k")
    if country_quota is not None and reviewer_country is not None:
        countries = _codes(reviewer_country, n_reviewers, "reviewer_country")
        return _quota_layout(kp, cap, countries, country_quota)
    return _plain_layout(kp, cap)


def _plain_layout(kp: IntArray, cap: IntArray) -> Layout:
    n = kp.size
    zeros = np.zeros(n, dtype=np.int64)
    return Layout(
        need=kp,
        parent=np.full(n, -1, dtype=np.int64),
        proposal=np.arange(n, dtype=np.int64),
        label=np.full(n, -1, dtype=np.int64),
        klass=zeros,
        class_capacity=np.array([cap.sum()], dtype=np.int64),
        class_demand=np.array([kp.sum()], dtype=np.int64),
        direct=np.ones(cap.size, dtype=bool),
        offset=np.zeros(cap.size, dtype=np.int64),
        base=0,
        stride=1,
    )


def _pool_layout(k: int | ArrayLike, cap: IntArray, n: int, pools: IntArray) -> Layout:
    kk = _non_negative_ints(k, "k")
    n_pools = max(int(pools.max(initial=-1)) + 1, kk.shape[-1] if kk.ndim else 0)
    if kk.ndim == 1 and kk.shape != (n_pools,):
        raise ValueError(f"k per pool must have one entry per pool code: shape ({n_pools},)")
    if kk.ndim == 2 and kk.shape != (n, n_pools):
        raise ValueError(f"k per (proposal, pool) must have shape ({n}, {n_pools})")
    if kk.ndim > 2:
        raise ValueError("k with pools must be a scalar, per pool (G,), or per (proposal, pool)")
    need = np.broadcast_to(kk, (n, n_pools)).astype(np.int64).ravel()
    return Layout(
        need=need,
        parent=np.full(need.size, -1, dtype=np.int64),
        proposal=np.repeat(np.arange(n, dtype=np.int64), n_pools),
        label=np.tile(np.arange(n_pools, dtype=np.int64), n),
        klass=np.tile(np.arange(n_pools, dtype=np.int64), n),
        class_capacity=np.bincount(pools, weights=cap, minlength=n_pools).astype(np.int64),
        class_demand=need.reshape(n, n_pools).sum(axis=0),
        direct=np.zeros(cap.size, dtype=bool),
        offset=pools,
        base=0,
        stride=n_pools,
    )


def _quota_layout(
    kp: IntArray, cap: IntArray, countries: IntArray, quota: Mapping[int, int]
) -> Layout:
    listed = np.array(sorted(quota), dtype=np.int64)
    m = _non_negative_ints([quota[int(c)] for c in listed], "country_quota")
    n, n_listed = kp.size, listed.size
    if np.any(kp < m.sum()):
        bad = int(np.flatnonzero(kp < m.sum())[0])
        raise MessageError(QUOTA_OVER_K(quota=int(m.sum()), proposal=bad, k=int(kp[bad])))
    position = np.searchsorted(listed, countries)
    position = np.minimum(position, max(n_listed - 1, 0))
    is_listed = listed[position] == countries if n_listed else np.zeros(cap.size, dtype=bool)
    hub_proposal = np.repeat(np.arange(n, dtype=np.int64), n_listed)
    klass_hub = np.tile(np.arange(n_listed, dtype=np.int64), n)
    country_cap = np.bincount(position[is_listed], weights=cap[is_listed], minlength=n_listed)
    return Layout(
        need=np.concatenate([kp - m.sum(), np.tile(m, n)]),
        parent=np.concatenate([np.full(n, -1, dtype=np.int64), hub_proposal]),
        proposal=np.concatenate([np.arange(n, dtype=np.int64), hub_proposal]),
        label=np.concatenate([np.full(n, -1, dtype=np.int64), np.tile(listed, n)]),
        klass=np.concatenate([np.full(n, n_listed, dtype=np.int64), klass_hub]),
        class_capacity=np.append(country_cap.astype(np.int64), cap.sum()),
        class_demand=np.append(m * n, kp.sum()),
        direct=~is_listed,
        offset=np.where(is_listed, position, 0),
        base=n,
        stride=n_listed,
    )


def _codes(values: ArrayLike, length: int, name: str) -> IntArray:
    arr = _non_negative_ints(values, name)
    if arr.shape != (length,):
        raise ValueError(f"{name} must have one code per reviewer: shape ({length},)")
    return arr


def _non_negative_ints(value: int | ArrayLike, name: str) -> IntArray:
    arr = np.asarray(value)
    if arr.dtype == np.bool_ or not (arr.size == 0 or np.issubdtype(arr.dtype, np.integer)):
        raise ValueError(f"{name} must hold integers, got {arr.dtype}")
    arr = arr.astype(np.int64)
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} must not be negative")
    return arr
