"""The pure checks of a call's set-up and of its deadline, without a database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from grants.calls import problems as msg
from grants.calls.deadline import CLOSED, NOT_OPEN, NOT_YET_OPEN, accepting_submissions
from grants.calls.problems import Setup, Terms, configuration_problems, consistency
from grants.errors import FieldError
from grants.money import Money
from grants.times import NaiveDatetimeError
from messages import Instant, render

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
        Terms("JST", Money(15_000_000, "JPY"), Money(45_000_000, "JPY"), Money(450_000_000, "JPY")),
        Terms(
            "NAFOSTED",
            Money(2_000_000_000, "VND"),
            Money(6_000_000_000, "VND"),
            Money(60_000_000_000, "VND"),
        ),
    ),
    zones=("Asia/Tokyo", "Asia/Ho_Chi_Minh"),
)
ZONES = GOOD.zones


def _yen(amount: int) -> Money:
    return Money(amount, "JPY")


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
        terms=(Terms("JST", _yen(50_000_000), _yen(45_000_000), _yen(40_000_000), 70),),
    )

    found = configuration_problems(setup)

    assert found == (
        msg.CLOSES_BEFORE_OPENING(opens_at=Instant(OPENS, ZONES)),
        msg.REVIEW_BEFORE_CLOSING(
            review_deadline=Instant(OPENS - timedelta(days=1), ZONES),
            closes_at=Instant(OPENS, ZONES),
        ),
        msg.WEIGHTS(total=90),
        msg.SCALE(criterion="novelty", scale_min=5, scale_max=5),
        msg.CRITERION_TWICE(key="novelty"),
        msg.DURATION_TWICE(years=3),
        msg.SHARES_TOTAL(total=70),
        msg.TOO_FEW_AGENCIES(count=2),
        msg.YEAR_OVER_TOTAL(
            agency="JST", cap_per_year=_yen(50_000_000), cap_total=_yen(45_000_000)
        ),
        msg.CAP_OVER_ENVELOPE(agency="JST", cap_total=_yen(45_000_000), envelope=_yen(40_000_000)),
        msg.NO_DOCUMENT_KINDS(),
    )
    assert [render(m, "en") for m in found] == [
        "The call must close after it opens at Apr 1, 2030, 9:00\u202fAM (Japan Time) / "
        "Apr 1, 2030, 7:00\u202fAM (Vietnam Time).",
        "The review deadline, Mar 31, 2030, 9:00\u202fAM (Japan Time) / Mar 31, 2030, "
        "7:00\u202fAM (Vietnam Time), must be after the call closes at Apr 1, 2030, "
        "9:00\u202fAM (Japan Time) / Apr 1, 2030, 7:00\u202fAM (Vietnam Time).",
        "The rubric's weights add up to 90, not 100.",
        "Criterion 'novelty': the scale maximum, 5, must exceed its minimum, 5.",
        "The criterion key 'novelty' is listed twice.",
        "The duration 3 is listed twice.",
        "The agencies' shares add up to 70%, not 100%.",
        "A joint call needs at least 2 co-funding agencies.",
        "JST's cap per year, ¥50,000,000, is above its cap per project in total, ¥45,000,000.",
        "JST's cap per project, ¥45,000,000, is above its envelope, ¥40,000,000.",
        "The call requires no document kinds.",
    ]


def test_missing_amounts_rubric_and_kinds_named_per_agency() -> None:
    setup = dataclasses.replace(
        GOOD,
        rubric=(),
        document_kinds=(),
        terms=(
            Terms("JST", None, None, _yen(1)),
            Terms("NAFOSTED", Money(1, "VND"), Money(1, "VND"), None),
        ),
    )

    assert [render(m, "en") for m in configuration_problems(setup)] == [
        "JST has no cap per project per year.",
        "JST has no cap per project in total.",
        "NAFOSTED has no envelope.",
        "The call has no review rubric.",
        "The call requires no document kinds.",
    ]


def test_consistency_names_field_paths() -> None:
    setup = dataclasses.replace(
        GOOD,
        rubric=({**RUBRIC[0], "weight": 60}, {**RUBRIC[1], "scale_max": 1}),
        document_kinds=({"kind": "cv"}, {"kind": "cv"}),
        terms=(GOOD.terms[0], dataclasses.replace(GOOD.terms[1], share_percent=50)),
    )

    assert consistency(setup) == [
        FieldError("rubric[1].scale_max", msg.SCALE(criterion="impact", scale_min=1, scale_max=1)),
        FieldError("document_kinds[1]", msg.KIND_TWICE(kind="cv")),
        FieldError("agencies[1].share_percent", msg.SHARE_OUTSIDE_SHARED()),
    ]


def test_shared_mode_needs_every_share() -> None:
    setup = dataclasses.replace(
        GOOD,
        cofunding_mode="shared",
        terms=(dataclasses.replace(GOOD.terms[0], share_percent=60), GOOD.terms[1]),
    )

    assert consistency(setup) == [
        FieldError("agencies[1].share_percent", msg.NO_SHARE(agency="NAFOSTED"))
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
        CLOSED(closed_at=Instant(CLOSES))
    ]


def test_every_reason_a_call_refuses_submissions() -> None:
    assert accepting_submissions(_Call("draft"), OPENS - timedelta(seconds=1), ZONES) == [
        NOT_OPEN(state="draft"),
        NOT_YET_OPEN(opens_at=Instant(OPENS, ZONES)),
    ]
    assert accepting_submissions(_Call("closed"), CLOSES + timedelta(seconds=1)) == [
        NOT_OPEN(state="closed"),
        CLOSED(closed_at=Instant(CLOSES)),
    ]


def test_submission_refusals_show_the_deadline_in_both_zones_per_locale() -> None:
    (closed,) = accepting_submissions(_Call("open"), CLOSES, ZONES)

    assert [render(closed, locale) for locale in ("en", "ja", "vi")] == [
        "The call closed at May 31, 2030, 5:00\u202fPM (Japan Time) / "
        "May 31, 2030, 3:00\u202fPM (Vietnam Time).",
        "公募は 2030/05/31 17:00 (日本時間) / 2030/05/31 15:00 (ベトナム時間) に締め切られました。",
        "Đợt kêu gọi đã đóng lúc 17:00 31 thg 5, 2030 (Giờ Nhật Bản) / "
        "15:00 31 thg 5, 2030 (Giờ Việt Nam).",
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
            msg.JOINT_PANEL(per_country=2, countries=2, per_proposal=3),
        )
    ]
    assert render(consistency(joint)[0].reason, "en") == (  # type: ignore[arg-type]
        "2 reviewers from each of 2 countries exceed the 3 reviewers per proposal."
    )
    assert consistency(dataclasses.replace(joint, review_mode="parallel")) == []


def test_publication_problems_name_the_field_each_one_is_about() -> None:
    nafosted = dataclasses.replace(
        GOOD.terms[1], envelope=None, cap_per_year=Money(7_000_000_000, "VND")
    )
    jst = dataclasses.replace(GOOD.terms[0], cap_total=Money(500_000_000, "JPY"))
    setup = dataclasses.replace(
        GOOD, terms=(jst, nafosted), rubric=(), document_kinds=(), durations=(3, 3)
    )

    found = msg.publication_problems(setup)

    assert [(e.field, e.reason) for e in found] == [
        ("durations[1]", msg.DURATION_TWICE(years=3)),
        (
            "agencies[0].cap_total",
            msg.CAP_OVER_ENVELOPE(
                agency="JST", cap_total=_yen(500_000_000), envelope=_yen(450_000_000)
            ),
        ),
        ("agencies[1].envelope", msg.NO_ENVELOPE(agency="NAFOSTED")),
        (
            "agencies[1].cap_per_year",
            msg.YEAR_OVER_TOTAL(
                agency="NAFOSTED",
                cap_per_year=Money(7_000_000_000, "VND"),
                cap_total=Money(6_000_000_000, "VND"),
            ),
        ),
        ("rubric", msg.NO_RUBRIC()),
        ("document_kinds", msg.NO_DOCUMENT_KINDS()),
    ]
    assert configuration_problems(setup) == tuple(e.reason for e in found)
