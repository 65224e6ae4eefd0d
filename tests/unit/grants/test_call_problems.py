"""The pure checks of a call's set-up and of its deadline, without a database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from grants.calls.deadline import accepting_submissions
from grants.calls.problems import Setup, Terms, configuration_problems, consistency
from grants.errors import FieldError
from grants.times import NaiveDatetimeError

OPENS = datetime(2030, 4, 1, tzinfo=UTC)
CLOSES = datetime(2030, 5, 31, 8, tzinfo=UTC)
RUBRIC = (
    {"key": "novelty", "label": "Novelty", "weight": 60, "scale_min": 1, "scale_max": 5},
    {"key": "impact", "label": "Impact", "weight": 40, "scale_min": 1, "scale_max": 5},
)
KINDS = ({"kind": "project_description"}, {"kind": "cv"})
GOOD = Setup(
    opens_at=OPENS,
    closes_at=CLOSES,
    review_deadline=CLOSES + timedelta(days=90),
    cofunding_mode="own_side",
    rubric=RUBRIC,
    document_kinds=KINDS,
    durations=(3, 5, 10),
    terms=(
        Terms("JST", 15_000_000, 45_000_000, 450_000_000),
        Terms("NAFOSTED", 2_000_000_000, 6_000_000_000, 60_000_000_000),
    ),
)


def test_complete_set_up_has_no_problem() -> None:
    assert (consistency(GOOD), configuration_problems(GOOD)) == ([], ())


def test_every_problem_listed_at_once() -> None:
    setup = dataclasses.replace(
        GOOD,
        closes_at=OPENS,
        review_deadline=OPENS - timedelta(days=1),
        cofunding_mode="shared",
        rubric=(
            {**RUBRIC[0], "weight": 50, "scale_min": 5},
            {**RUBRIC[1], "key": "novelty"},
        ),
        document_kinds=(),
        durations=(3, 3),
        terms=(Terms("JST", 50_000_000, 45_000_000, 40_000_000, share_percent=70),),
    )

    assert configuration_problems(setup) == (
        "The call must close after it opens.",
        "The review deadline must be after the call closes.",
        "The rubric's weights add up to 90, not 100.",
        "Criterion 'novelty': the scale maximum must exceed its minimum.",
        "The criterion key 'novelty' is listed twice.",
        "The duration 3 is listed twice.",
        "The agencies' shares add up to 70%, not 100%.",
        "A joint call needs at least 2 co-funding agencies.",
        "JST's cap per year is above its cap per project in total.",
        "JST's cap per project is above its envelope.",
        "The call requires no document kinds.",
    )


def test_missing_amounts_rubric_and_kinds_named_per_agency() -> None:
    setup = dataclasses.replace(
        GOOD,
        rubric=(),
        document_kinds=(),
        terms=(Terms("JST", None, None, 1), Terms("NAFOSTED", 1, 1, None)),
    )

    assert configuration_problems(setup) == (
        "JST has no cap per project per year.",
        "JST has no cap per project in total.",
        "NAFOSTED has no envelope.",
        "The call has no review rubric.",
        "The call requires no document kinds.",
    )


def test_consistency_names_field_paths() -> None:
    setup = dataclasses.replace(
        GOOD,
        rubric=({**RUBRIC[0], "weight": 60}, {**RUBRIC[1], "scale_max": 1}),
        document_kinds=({"kind": "cv"}, {"kind": "cv"}),
        terms=(GOOD.terms[0], dataclasses.replace(GOOD.terms[1], share_percent=50)),
    )

    assert consistency(setup) == [
        FieldError(
            "rubric[1].scale_max", "Criterion 'impact': the scale maximum must exceed its minimum."
        ),
        FieldError("document_kinds[1]", "The kind 'cv' is listed twice."),
        FieldError("agencies[1].share_percent", "A share is set only in shared mode."),
    ]


def test_shared_mode_needs_every_share() -> None:
    setup = dataclasses.replace(
        GOOD,
        cofunding_mode="shared",
        terms=(dataclasses.replace(GOOD.terms[0], share_percent=60), GOOD.terms[1]),
    )

    assert consistency(setup) == [
        FieldError("agencies[1].share_percent", "NAFOSTED has no share of the budget.")
    ]


@dataclasses.dataclass
class _Call:
    state: str
    opens_at: datetime = OPENS
    closes_at: datetime = CLOSES


def test_open_call_accepts_until_the_instant_before_closing() -> None:
    assert accepting_submissions(_Call("open"), CLOSES - timedelta(microseconds=1)) == []


def test_call_closes_at_the_exact_instant_even_if_still_open() -> None:
    tokyo = timezone(timedelta(hours=9))

    assert accepting_submissions(_Call("open"), CLOSES.astimezone(tokyo)) == [
        "The call closed at 2030-05-31T08:00:00+00:00."
    ]


def test_every_reason_a_call_refuses_submissions() -> None:
    assert accepting_submissions(_Call("draft"), OPENS - timedelta(seconds=1)) == [
        "The call is draft, not open.",
        "The call opens at 2030-04-01T00:00:00+00:00.",
    ]
    assert accepting_submissions(_Call("closed"), CLOSES + timedelta(seconds=1)) == [
        "The call is closed, not open.",
        "The call closed at 2030-05-31T08:00:00+00:00.",
    ]


def test_naive_now_refused() -> None:
    with pytest.raises(NaiveDatetimeError):
        accepting_submissions(_Call("open"), datetime(2030, 5, 1))


def test_joint_review_minimum_per_country_must_fit_the_panel() -> None:
    joint = dataclasses.replace(
        GOOD, review_mode="joint", reviewers_per_proposal=3, min_reviewers_per_country=2
    )

    assert consistency(joint) == [
        FieldError(
            "min_reviewers_per_country",
            "2 reviewers from each of 2 countries exceed the 3 reviewers per proposal.",
        )
    ]
    assert consistency(dataclasses.replace(joint, review_mode="parallel")) == []
