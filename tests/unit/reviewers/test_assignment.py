"""Assignment solver on small hand-made calls with known optima."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from reviewers.assignment import solve_assignment
from reviewers.candidates import Candidates
from reviewers.shortfall import Shortfall, ShortfallReason

JP, VN = 81, 84  # country codes are the caller's own integers


def pairs(result) -> list[tuple[int, int]]:
    return list(zip(result.proposal_idx.tolist(), result.reviewer_idx.tolist(), strict=True))


def test_solve_beats_greedy_when_best_pair_blocks_the_rest():
    # Greedy takes (0, 0)=0.9 then must use (1, 1)=0.1: total 1.0; the optimum is 1.5.
    cand = Candidates.from_dense([[0.9, 0.8], [0.7, 0.1]])

    result = solve_assignment(cand, k=1, cap=1)

    assert pairs(result) == [(0, 1), (1, 0)]
    assert result.total_affinity == 1.5
    assert result.feasible
    assert result.shortfalls == ()
    assert result.loads.tolist() == [1, 1]


def test_solve_never_assigns_a_forbidden_pair():
    aff = [[5.0, 0.1, 0.2], [5.0, 0.3, 0.1]]
    forbidden = np.array([[True, False, False], [False, False, False]])

    result = solve_assignment(Candidates.from_dense(aff, forbidden), k=1, cap=1)

    assert pairs(result) == [(0, 2), (1, 0)]


def test_solve_forbidden_entry_may_hold_nan():
    aff = [[np.nan, 0.5], [0.4, 0.6]]
    forbidden = np.array([[True, False], [False, False]])

    result = solve_assignment(Candidates.from_dense(aff, forbidden), k=1, cap=1)

    assert pairs(result) == [(0, 1), (1, 0)]


def test_solve_respects_load_caps():
    # Reviewer 0 is everyone's favourite but may take only two proposals.
    aff = np.array([[0.9, 0.2, 0.1], [0.8, 0.1, 0.3], [0.95, 0.4, 0.2]])

    result = solve_assignment(Candidates.from_dense(aff), k=1, cap=[2, 3, 3])

    assert pairs(result) == [(0, 0), (1, 2), (2, 0)]
    assert result.loads.tolist() == [2, 0, 1]


def test_solve_k_per_proposal():
    aff = np.array([[0.9, 0.8, 0.7], [0.1, 0.2, 0.3]])

    result = solve_assignment(Candidates.from_dense(aff), k=[3, 1], cap=2)

    assert pairs(result) == [(0, 0), (0, 1), (0, 2), (1, 2)]
    assert result.reviewers_of(0).tolist() == [0, 1, 2]
    assert result.reviewers_of(1).tolist() == [2]


def test_solve_sparse_input_in_any_order_equals_dense():
    aff = np.array([[0.9, 0.8, 0.0], [0.7, 0.1, 0.6]])
    forbidden = aff == 0.0
    dense = solve_assignment(Candidates.from_dense(aff, forbidden), k=2, cap=[1, 2, 1])
    p, r = np.nonzero(~forbidden)
    order = np.array([4, 2, 0, 3, 1])
    sparse = Candidates.from_coo(p[order], r[order], aff[p, r][order], 2, 3)

    result = solve_assignment(sparse, k=2, cap=[1, 2, 1])

    assert pairs(result) == pairs(dense) == [(0, 0), (0, 1), (1, 1), (1, 2)]


def test_solve_pools_take_k_from_each_pool():
    # Pool 0 = reviewers 0-2 (JST), pool 1 = reviewers 3-4 (NAFOSTED); pool 1 scores low.
    aff = np.array([[0.9, 0.8, 0.7, 0.1, 0.2], [0.6, 0.9, 0.8, 0.3, 0.1]])

    result = solve_assignment(
        Candidates.from_dense(aff), k=[2, 1], cap=2, reviewer_pool=[0, 0, 0, 1, 1]
    )

    assert pairs(result) == [(0, 0), (0, 1), (0, 4), (1, 1), (1, 2), (1, 3)]


def test_solve_pools_k_per_proposal_and_pool():
    aff = np.ones((2, 4))

    result = solve_assignment(
        Candidates.from_dense(aff), k=[[1, 0], [0, 2]], cap=1, reviewer_pool=[0, 0, 1, 1]
    )

    assert result.feasible
    assert result.reviewers_of(0).tolist() == [0] or result.reviewers_of(0).tolist() == [1]
    assert result.reviewers_of(1).tolist() == [2, 3]


def test_solve_country_quota_takes_a_weaker_reviewer_from_the_listed_country():
    # Without the quota both proposals would take the two Japanese reviewers.
    aff = np.array([[0.9, 0.8, 0.2, 0.1], [0.9, 0.8, 0.1, 0.3]])
    country = [JP, JP, VN, VN]

    free = solve_assignment(Candidates.from_dense(aff), k=2, cap=2)
    result = solve_assignment(
        Candidates.from_dense(aff), k=2, cap=2, reviewer_country=country, country_quota={VN: 1}
    )

    assert pairs(free) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert pairs(result) == [(0, 0), (0, 2), (1, 0), (1, 3)]
    assert result.total_affinity == pytest.approx(0.9 + 0.2 + 0.9 + 0.3)


def test_solve_country_quota_for_both_countries():
    aff = np.array([[0.9, 0.8, 0.7, 0.2, 0.1]])
    country = [JP, JP, JP, VN, VN]

    result = solve_assignment(
        Candidates.from_dense(aff),
        k=3,
        cap=1,
        reviewer_country=country,
        country_quota={JP: 1, VN: 2},
    )

    assert pairs(result) == [(0, 0), (0, 3), (0, 4)]


def test_solve_fixed_pairs_are_kept_even_when_not_optimal():
    cand = Candidates.from_dense([[0.9, 0.8], [0.7, 0.1]])

    result = solve_assignment(cand, k=1, cap=1, fixed=[[0, 0]])

    assert pairs(result) == [(0, 0), (1, 1)]


def test_solve_after_a_decline_fills_only_the_freed_slot():
    rng = np.random.default_rng(7)
    cand = Candidates.from_dense(np.round(rng.random((6, 8)), 3))
    first = solve_assignment(cand, k=2, cap=2)
    declined = pairs(first)[3]
    kept = [pair for pair in pairs(first) if pair != declined]

    second = solve_assignment(cand, k=2, cap=2, fixed=kept, excluded=[declined])

    assert set(kept) <= set(pairs(second))
    assert declined not in pairs(second)
    assert len(pairs(second)) == len(pairs(first))
    new = set(pairs(second)) - set(kept)
    assert [p for p, _ in new] == [declined[0]]


def test_solve_fixed_quota_reviewer_counts_toward_the_reserved_slot():
    # Fixed VN reviewer 2 fills the VN slot, so the open slot goes to the best JP reviewer.
    aff = np.array([[0.9, 0.8, 0.1, 0.5]])

    result = solve_assignment(
        Candidates.from_dense(aff),
        k=2,
        cap=1,
        reviewer_country=[JP, JP, VN, VN],
        country_quota={VN: 1},
        fixed=[[0, 2]],
    )

    assert pairs(result) == [(0, 0), (0, 2)]


def test_solve_excluded_pair_is_never_assigned():
    cand = Candidates.from_dense([[0.9, 0.1]])

    result = solve_assignment(cand, k=1, cap=1, excluded=[[0, 0]])

    assert pairs(result) == [(0, 1)]


def test_solve_uses_a_negative_affinity_pair_to_cover_a_slot():
    cand = Candidates.from_dense([[-0.5, -0.1]])

    result = solve_assignment(cand, k=2, cap=1)

    assert pairs(result) == [(0, 0), (0, 1)]
    assert result.total_affinity == pytest.approx(-0.6)


def test_solve_empty_call_is_feasible():
    result = solve_assignment(Candidates.from_dense(np.zeros((0, 3))), k=3, cap=2)

    assert result.feasible
    assert result.size == 0
    assert result.loads.tolist() == [0, 0, 0]


def test_solve_result_is_read_only():
    result = solve_assignment(Candidates.from_dense([[0.5]]), k=1, cap=1)

    with pytest.raises(ValueError, match="read-only"):
        result.reviewer_idx[0] = 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.feasible = False  # type: ignore[misc]


def test_solve_is_deterministic():
    rng = np.random.default_rng(3)
    cand = Candidates.from_dense(np.round(rng.random((20, 15)), 2))

    first = solve_assignment(cand, k=3, cap=5)
    second = solve_assignment(cand, k=3, cap=5)

    assert pairs(first) == pairs(second)


def test_infeasible_too_few_candidates_is_reported_with_best_partial():
    # Proposal 1 has a single unconflicted candidate but needs two.
    aff = np.array([[0.9, 0.8, 0.7], [0.5, 0.0, 0.0]])
    forbidden = np.array([[False, False, False], [False, True, True]])

    result = solve_assignment(Candidates.from_dense(aff, forbidden), k=2, cap=2)

    assert not result.feasible
    assert result.missing == 1
    assert pairs(result) == [(0, 0), (0, 1), (1, 0)]
    assert result.shortfalls == (
        Shortfall(
            1,
            None,
            needed=2,
            assigned=1,
            available_candidates=1,
            reason=ShortfallReason.TOO_FEW_CANDIDATES,
        ),
    )


def test_infeasible_total_capacity_too_low():
    result = solve_assignment(Candidates.from_dense([[0.3], [0.9], [0.5]]), k=1, cap=2)

    assert pairs(result) == [(1, 0), (2, 0)]
    assert result.shortfalls == (Shortfall(0, None, 1, 0, 1, ShortfallReason.CAPACITY_TOO_LOW),)


def test_infeasible_caps_exhausted_by_other_proposals():
    # Both proposals can only take reviewer 0 (cap 1); reviewer 1 has room but is conflicted.
    aff = np.array([[0.9, 0.0], [0.4, 0.0]])
    forbidden = np.array([[False, True], [False, True]])

    result = solve_assignment(Candidates.from_dense(aff, forbidden), k=1, cap=[1, 5])

    assert pairs(result) == [(0, 0)]
    assert result.shortfalls == (Shortfall(1, None, 1, 0, 1, ShortfallReason.CAPS_EXHAUSTED),)


def test_infeasible_keeps_maximum_coverage_before_affinity():
    # Giving reviewer 0 to proposal 0 (0.9) would leave proposal 1 empty: coverage wins.
    aff = np.array([[0.9, 0.1, 0.0], [0.2, 0.0, 0.0], [0.0, 0.0, 0.0]])
    forbidden = np.array([[False, False, True], [False, True, True], [True, True, True]])

    result = solve_assignment(Candidates.from_dense(aff, forbidden), k=1, cap=1)

    assert pairs(result) == [(0, 1), (1, 0)]
    assert [s.proposal for s in result.shortfalls] == [2]
    assert result.shortfalls[0].reason == ShortfallReason.TOO_FEW_CANDIDATES


def test_infeasible_pool_without_candidates_names_the_pool():
    aff = np.array([[0.9, 0.8, 0.5], [0.9, 0.8, 0.5]])
    forbidden = np.array([[False, False, False], [False, False, True]])

    result = solve_assignment(
        Candidates.from_dense(aff, forbidden), k=1, cap=2, reviewer_pool=[0, 0, 1]
    )

    assert pairs(result) == [(0, 0), (0, 2), (1, 0)]
    assert result.shortfalls == (Shortfall(1, 1, 1, 0, 0, ShortfallReason.TOO_FEW_CANDIDATES),)


def test_infeasible_quota_leaves_the_reserved_slot_empty():
    # No Vietnamese candidate: the VN slot stays empty rather than going to a third JP reviewer.
    aff = np.array([[0.9, 0.8, 0.7, 0.0]])
    forbidden = np.array([[False, False, False, True]])

    result = solve_assignment(
        Candidates.from_dense(aff, forbidden),
        k=3,
        cap=1,
        reviewer_country=[JP, JP, JP, VN],
        country_quota={VN: 1},
    )

    assert pairs(result) == [(0, 0), (0, 1)]
    assert result.shortfalls == (Shortfall(0, VN, 1, 0, 0, ShortfallReason.TOO_FEW_CANDIDATES),)


def test_infeasible_quota_country_capacity_too_low():
    aff = np.array([[0.9, 0.1], [0.9, 0.2]])

    result = solve_assignment(
        Candidates.from_dense(aff),
        k=2,
        cap=[2, 1],
        reviewer_country=[JP, VN],
        country_quota={VN: 1},
    )

    assert pairs(result) == [(0, 0), (1, 0), (1, 1)]
    assert result.shortfalls == (Shortfall(0, VN, 1, 0, 1, ShortfallReason.CAPACITY_TOO_LOW),)


def test_infeasible_pool_nobody_joined_is_reported():
    result = solve_assignment(
        Candidates.from_dense(np.ones((1, 2))), k=[1, 1, 1], cap=1, reviewer_pool=[0, 1]
    )

    assert result.shortfalls == (Shortfall(0, 2, 1, 0, 0, ShortfallReason.TOO_FEW_CANDIDATES),)


def test_infeasible_call_without_reviewers_is_reported():
    result = solve_assignment(Candidates.from_dense(np.zeros((2, 0))), k=2, cap=1)

    assert [(s.proposal, s.reason) for s in result.shortfalls] == [
        (0, ShortfallReason.TOO_FEW_CANDIDATES),
        (1, ShortfallReason.TOO_FEW_CANDIDATES),
    ]
    assert result.missing == 4
