"""Property tests of aggregation: medians, means, ranking and calibration invariance."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewers.aggregation import Criterion, aggregate, rank

PROPERTY = settings(max_examples=80, deadline=None)
WIDE = [Criterion("a", 2.0, -1000, 1000), Criterion("b", 1.0, -1000, 1000)]


@st.composite
def reviews(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Up to 5 proposals × 5 reviewers, each pair reviewed or not, integer scores 1..5."""
    n_p, n_r = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n_p - 1), st.integers(0, n_r - 1)),
            min_size=1,
            max_size=n_p * n_r,
            unique=True,
        )
    )
    scores = draw(
        st.lists(
            st.tuples(st.integers(1, 5), st.integers(1, 5)),
            min_size=len(pairs),
            max_size=len(pairs),
        )
    )
    p, r = (np.array(x) for x in zip(*pairs, strict=True))
    return p, r, np.array(scores, dtype=np.float64), n_p


@PROPERTY
@given(data=reviews(), weights=st.lists(st.integers(1, 4), min_size=25, max_size=25))
def test_weighted_median_equals_median_of_repeated_scores(data, weights):
    p, r, s, n_p = data
    w = np.array(weights[: p.size])

    result = aggregate(p, r, s, WIDE, n_p, method="median", confidence=w)

    for prop in range(n_p):
        mine = p == prop
        if mine.any():
            repeated = np.repeat(s[mine, 0], w[mine])
            assert result.criterion_scores[prop, 0] == np.median(repeated)


@PROPERTY
@given(data=reviews(), weights=st.lists(st.integers(1, 4), min_size=25, max_size=25))
def test_weighted_mean_equals_numpy_average(data, weights):
    p, r, s, n_p = data
    w = np.array(weights[: p.size])

    result = aggregate(p, r, s, WIDE, n_p, confidence=w)

    for prop in np.unique(p):
        expected = np.average(s[p == prop], axis=0, weights=w[p == prop])
        assert result.criterion_scores[prop] == pytest.approx(expected)


@PROPERTY
@given(data=reviews(), method=st.sampled_from(["mean", "median"]))
def test_ranking_is_a_permutation_in_non_increasing_order(data, method):
    p, r, s, n_p = data

    result = aggregate(p, r, s, WIDE, n_p, method=method)

    assert sorted(result.ranking.tolist()) == list(range(n_p))
    ordered = result.total[result.ranking]
    reviewed = ordered[~np.isnan(ordered)]
    assert np.all(np.diff(np.round(reviewed, 9)) <= 0)
    assert np.all(np.isnan(ordered[reviewed.size :]))


@PROPERTY
@given(
    data=reviews(),
    reviewer=st.integers(0, 4),
    factor=st.sampled_from([0.5, 1.0, 2.0, 3.0]),
    shift=st.integers(-3, 3),
    method=st.sampled_from(["mean", "median"]),
)
def test_calibrated_ranking_ignores_one_reviewers_affine_rescaling(
    data, reviewer, factor, shift, method
):
    p, r, s, n_p = data
    before = aggregate(p, r, s, WIDE, n_p, calibrate=True, method=method)
    moved = s.copy()
    moved[r == reviewer] = moved[r == reviewer] * factor + shift

    after = aggregate(p, r, moved, WIDE, n_p, calibrate=True, method=method)

    assert after.ranking.tolist() == before.ranking.tolist()
    assert np.allclose(after.total, before.total, equal_nan=True)


@PROPERTY
@given(totals=st.lists(st.integers(0, 3) | st.just(-1), min_size=1, max_size=8))
def test_rank_is_deterministic_with_index_tie_break(totals):
    t = np.array([np.nan if x < 0 else float(x) for x in totals])

    order = rank(t).tolist()

    expected = sorted(range(t.size), key=lambda i: (np.isnan(t[i]), -np.nan_to_num(t[i]), i))
    assert order == expected
