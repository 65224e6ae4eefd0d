"""Aggregation of review scores, disagreement flags and ranking."""

from __future__ import annotations

import numpy as np
import pytest

from reviewers.aggregation import Criterion, aggregate, calibrated, rank

RUBRIC = [Criterion("excellence", 2.0, 1, 5), Criterion("impact", 1.0, 1, 5)]


def test_aggregate_weighted_mean_per_criterion_and_total():
    result = aggregate([0, 0, 1], [0, 1, 0], [[5, 2], [3, 4], [4, 4]], RUBRIC, 2)

    assert result.criterion_scores.tolist() == [[4.0, 3.0], [4.0, 4.0]]
    assert result.total.tolist() == pytest.approx([11 / 3, 4.0])
    assert result.n_reviews.tolist() == [2, 1]
    assert result.ranking.tolist() == [1, 0]


def test_aggregate_median_resists_one_outlier():
    scores = [[5, 5], [5, 5], [1, 1]]

    mean = aggregate([0, 0, 0], [0, 1, 2], scores, RUBRIC, 1)
    median = aggregate([0, 0, 0], [0, 1, 2], scores, RUBRIC, 1, method="median")

    assert mean.total.tolist() == pytest.approx([11 / 3])
    assert median.total.tolist() == [5.0]


def test_aggregate_median_of_an_even_count_is_the_midpoint():
    result = aggregate([0, 0], [0, 1], [[2, 2], [5, 5]], RUBRIC, 1, method="median")

    assert result.criterion_scores.tolist() == [[3.5, 3.5]]


def test_aggregate_confidence_weights_reviews():
    result = aggregate([0, 0], [0, 1], [[5, 5], [2, 2]], RUBRIC, 1, confidence=[3, 1])

    assert result.total.tolist() == pytest.approx([(3 * 5 + 2) / 4])


def test_aggregate_weighted_median_with_confidence():
    result = aggregate(
        [0, 0, 0],
        [0, 1, 2],
        [[1, 1], [2, 2], [5, 5]],
        RUBRIC,
        1,
        method="median",
        confidence=[1, 1, 3],
    )

    assert result.total.tolist() == [5.0]


def test_aggregate_flags_disagreement_above_threshold():
    result = aggregate(
        [0, 0, 1, 1],
        [0, 1, 0, 1],
        [[5, 5], [1, 1], [4, 4], [3, 3]],
        RUBRIC,
        2,
        disagreement_threshold=2.0,
    )

    assert result.spread.tolist() == [4.0, 1.0]
    assert result.disagreement.tolist() == [True, False]


def test_aggregate_unreviewed_proposal_is_nan_and_ranked_last():
    result = aggregate([1], [0], [[3, 3]], RUBRIC, 3)

    assert np.isnan(result.total[0])
    assert np.isnan(result.spread[2])
    assert result.n_reviews.tolist() == [0, 1, 0]
    assert result.ranking.tolist() == [1, 0, 2]
    assert result.disagreement.tolist() == [False, False, False]


def test_aggregate_calibration_removes_a_harsh_reviewers_offset():
    # Reviewer 1 scores everything 3 points lower; raw totals favour reviewer 0's proposal.
    # Calibrated, each reviewer's better proposal gets the same z-score, so 0 ties 2, and
    # proposal 1 (reviewer 0's worse one) ties proposal 3.
    p, r = [0, 1, 2, 3], [0, 0, 1, 1]
    scores = [[5, 5], [4, 4], [2, 2], [1, 1]]
    crit = [Criterion("overall", 1.0, 1, 5)] * 2

    raw = aggregate(p, r, scores, crit, 4)
    cal = aggregate(p, r, scores, crit, 4, calibrate=True)

    assert raw.ranking.tolist() == [0, 1, 2, 3]
    assert cal.total.tolist() == [1.0, -1.0, 1.0, -1.0]
    assert cal.ranking.tolist() == [0, 2, 1, 3]


def test_calibrated_single_or_flat_reviewer_gives_zero():
    z = calibrated(np.array([0, 1, 1]), np.array([[4.0], [3.0], [3.0]]))

    assert z.tolist() == [[0.0], [0.0], [0.0]]


def test_rank_breaks_ties_by_tie_break_then_index():
    assert rank([2.0, 3.0, 2.0, 2.0], tie_break=[5, 0, 1, 1]).tolist() == [1, 2, 3, 0]
    assert rank([1.0, 1.0]).tolist() == [0, 1]
    assert rank([np.nan, 1.0]).tolist() == [1, 0]


def test_rank_ignores_float_noise_in_totals():
    assert rank([0.3, 0.1 + 0.2]).tolist() == [0, 1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scores": [[6, 1]]}, "outside"),
        ({"scores": [[np.nan, 1]]}, "missing"),
        ({"scores": [[1, 1, 1]]}, "one row"),
        ({"proposal_idx": [3]}, "out of range"),
        ({"confidence": [0.0]}, "confidence"),
        ({"method": "mode"}, "mode"),
        ({"criteria": [Criterion("a", 0.0, 1, 5), Criterion("b", 0.0, 1, 5)]}, "weights"),
    ],
)
def test_aggregate_refuses_malformed_input(kwargs, message):
    args = {"proposal_idx": [0], "reviewer_idx": [0], "scores": [[3, 3]], "criteria": RUBRIC}
    args.update(kwargs)
    extra = {k: args.pop(k) for k in ("confidence", "method") if k in args}

    with pytest.raises(ValueError, match=message):
        aggregate(
            args["proposal_idx"], args["reviewer_idx"], args["scores"], args["criteria"], 2, **extra
        )


def test_aggregate_refuses_two_reviews_by_one_reviewer():
    with pytest.raises(ValueError, match="two reviews"):
        aggregate([0, 0], [1, 1], [[3, 3], [4, 4]], RUBRIC, 1)
