"""The min-cost flow itself: source → reviewer → group (→ parent group) → sink, built with numpy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from reviewers._layout import Layout
from reviewers.candidates import BoolArray, IntArray

_SOURCE, _SINK, _FIRST_REVIEWER = 0, 1, 2


@dataclass(frozen=True, eq=False, slots=True)
class FlowResult:
    """Which open pairs carry flow, and how many slots of each group stay empty."""

    chosen: BoolArray  # per open pair
    unfilled: IntArray  # per group


def max_flow_min_cost(
    layout: Layout,
    cap_left: IntArray,
    need_left: IntArray,
    reviewers: IntArray,
    groups: IntArray,
    costs: IntArray,
) -> FlowResult:
    """Fill as many slots as possible, then at the least total cost (cost = -scaled affinity).

    `reviewers`, `groups` and `costs` describe the open pairs (fixed ones already removed).
    Raises ValueError when OR-Tools rejects the cost range (affinities too large for the
    scale), RuntimeError on any other unexpected solver status.
    """
    n_reviewers, n_groups = cap_left.size, need_left.size
    group_node = _FIRST_REVIEWER + n_reviewers
    useful = _useful_pairs(layout, cap_left, need_left, reviewers, groups)
    pair_arcs = _PairArcs(reviewers[useful], groups[useful], costs[useful])
    has_parent = np.flatnonzero(layout.parent >= 0)
    tails = np.concatenate(
        [
            np.full(n_reviewers, _SOURCE),
            pair_arcs.reviewers + _FIRST_REVIEWER,
            np.arange(n_groups) + group_node,
            has_parent + group_node,
        ]
    )
    heads = np.concatenate(
        [
            np.arange(n_reviewers) + _FIRST_REVIEWER,
            pair_arcs.groups + group_node,
            np.full(n_groups, _SINK),
            layout.parent[has_parent] + group_node,
        ]
    )
    # A hub's overflow is bounded by its reviewers' single arcs; n_reviewers never binds.
    capacities = np.concatenate(
        [cap_left, np.ones(pair_arcs.size), need_left, np.full(has_parent.size, n_reviewers)]
    )
    unit_costs = np.concatenate(
        [np.zeros(n_reviewers), pair_arcs.costs, np.zeros(n_groups + has_parent.size)]
    )
    flows = _solve(tails, heads, capacities, unit_costs, int(need_left.sum()))
    pair_flow = flows[n_reviewers : n_reviewers + pair_arcs.size]
    sink_flow = flows[n_reviewers + pair_arcs.size : n_reviewers + pair_arcs.size + n_groups]
    chosen = np.zeros(reviewers.size, dtype=bool)
    chosen[np.flatnonzero(useful)[pair_flow > 0]] = True
    return FlowResult(chosen=chosen, unfilled=need_left - sink_flow)


@dataclass(frozen=True, eq=False, slots=True)
class _PairArcs:
    reviewers: IntArray
    groups: IntArray
    costs: IntArray

    @property
    def size(self) -> int:
        return int(self.reviewers.size)


def _useful_pairs(
    layout: Layout, cap_left: IntArray, need_left: IntArray, reviewers: IntArray, groups: IntArray
) -> BoolArray:
    # After a decline most groups are already full: leaving their pairs out keeps a
    # re-solve small, and cannot change the optimum since those arcs could carry no flow.
    parent = layout.parent[groups]
    parent_open = (parent >= 0) & (need_left[np.maximum(parent, 0)] > 0)
    return (cap_left[reviewers] > 0) & ((need_left[groups] > 0) | parent_open)


def _solve(
    tails: np.ndarray, heads: np.ndarray, capacities: np.ndarray, costs: np.ndarray, demand: int
) -> IntArray:
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32),
        heads.astype(np.int32),
        capacities.astype(np.int64),
        costs.astype(np.int64),
    )
    smcf.set_nodes_supplies(
        np.array([_SOURCE, _SINK], dtype=np.int32), np.array([demand, -demand], dtype=np.int64)
    )
    status = smcf.solve_max_flow_with_min_cost()
    if status == smcf.BAD_COST_RANGE:
        raise ValueError("affinities too large for the integer scale; lower `scale`")
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status!r}")
    result: IntArray = smcf.flows(np.arange(tails.size, dtype=np.int32))
    return result
