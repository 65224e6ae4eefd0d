"""Malformed solver input is refused with a ValueError naming the problem."""

from __future__ import annotations

import numpy as np
import pytest

from reviewers.assignment import solve_assignment
from reviewers.candidates import Candidates

CAND = Candidates.from_dense([[0.5, 0.4], [0.3, 0.2]])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Candidates.from_dense([0.1, 0.2]), "2-D"),
        (lambda: Candidates.from_dense([[np.nan]]), "finite"),
        (lambda: Candidates.from_dense([[1.0, 2.0]], np.array([[True]])), "forbidden"),
        (lambda: Candidates.from_dense([[1.0]], np.array([[0]])), "forbidden"),
        (lambda: Candidates.from_coo([0, 0], [1, 1], [0.1, 0.2], 1, 2), "more than once"),
        (lambda: Candidates.from_coo([0], [2], [0.1], 1, 2), "reviewer_idx out of range"),
        (lambda: Candidates.from_coo([0, 1], [0], [0.1], 2, 2), "differ in length"),
        (lambda: Candidates.from_coo([0.0], [0], [0.1], 1, 1), "integers"),
        (lambda: Candidates.from_coo([0], [0], [np.inf], 1, 1), "finite"),
    ],
)
def test_candidates_refuse_malformed_input(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 1, "cap": -1}, "cap must not be negative"),
        ({"k": 1, "cap": [1, 2, 3]}, r"cap must be a scalar or have shape \(2,\)"),
        ({"k": 1.5, "cap": 1}, "k must hold integers"),
        ({"k": [1, 1, 1], "cap": 1}, "k must be a scalar"),
        ({"k": True, "cap": 1}, "k must hold integers"),
        ({"k": 1, "cap": 1, "scale": 100}, "scale"),
        ({"k": 1, "cap": 1, "reviewer_pool": [0]}, "reviewer_pool"),
        ({"k": 1, "cap": 1, "reviewer_pool": [0, -1]}, "reviewer_pool must not be negative"),
        ({"k": [[1], [1], [1]], "cap": 1, "reviewer_pool": [0, 0]}, r"\(2, 1\)"),
        ({"k": [1], "cap": 1, "reviewer_pool": [0, 1]}, r"one entry per pool code: shape \(2,\)"),
        ({"k": 1, "cap": 1, "country_quota": {1: 1}}, "together"),
        ({"k": 1, "cap": 1, "reviewer_country": [1, 2], "country_quota": {1: 2}}, "quota"),
        (
            {
                "k": 2,
                "cap": 1,
                "reviewer_country": [1, 2],
                "country_quota": {1: 1},
                "reviewer_pool": [0, 0],
            },
            "exclusive",
        ),
        ({"k": 1, "cap": 1, "fixed": [[0, 0], [0, 0]]}, "more than once"),
        ({"k": 1, "cap": 1, "fixed": [[0, 5]]}, "out of range"),
        ({"k": 1, "cap": 1, "fixed": [0, 1]}, r"\(n, 2\)"),
        ({"k": 1, "cap": 1, "fixed": [[0, 0], [1, 0]]}, "cap of reviewer 0"),
        ({"k": 1, "cap": 2, "fixed": [[0, 0], [0, 1]]}, "proposal 0 more reviewers"),
        ({"k": 1, "cap": 1, "fixed": [[0, 0]], "excluded": [[0, 0]]}, "excluded"),
    ],
)
def test_solve_refuses_malformed_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        solve_assignment(CAND, **kwargs)


def test_solve_refuses_a_fixed_pair_that_is_not_a_candidate():
    cand = Candidates.from_dense([[0.5, 0.4]], np.array([[False, True]]))

    with pytest.raises(ValueError, match="not a candidate"):
        solve_assignment(cand, k=1, cap=1, fixed=[[0, 1]])


def test_solve_refuses_affinities_too_large_for_the_scale():
    cand = Candidates.from_dense([[1e12]])

    with pytest.raises(ValueError, match="2\\^50"):
        solve_assignment(cand, k=1, cap=1)
