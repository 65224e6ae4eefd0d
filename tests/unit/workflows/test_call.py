from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from messages import Instant, define
from workflows.errors import GuardsFailed, NotAllowedFromState
from workflows.machines.call import (
    CALL,
    CLOSING_TIME_PAST,
    ELIGIBILITY_UNCHECKED,
    JOINT_RANKING_MISSING,
    RANKINGS_NOT_FINAL,
    REVIEWS_SHORT,
    STILL_OPEN,
    UNDECIDED,
    CallContext,
)
from workflows.roles import COFUNDING_OFFICER

OFFICERS = {COFUNDING_OFFICER}
CLOSES = datetime(2030, 3, 31, 8, 0, tzinfo=UTC)
ZONES = ("Asia/Tokyo", "Asia/Ho_Chi_Minh")
NO_RUBRIC = define("test.call.no_rubric", "No rubric is defined.")
NO_ENVELOPE = define("test.call.no_envelope", "{agency} has no envelope.")
READY = CallContext(
    now=CLOSES - timedelta(days=30),
    closes_at=CLOSES,
    zones=ZONES,
    configuration_problems=(),
    unchecked_proposals=0,
    proposals_short_of_reviews=0,
    agencies_without_final_ranking=(),
    joint_ranking_recorded=True,
    proposals_undecided=0,
)
AFTER = replace(READY, now=CLOSES + timedelta(days=1))


def test_call_happy_path_reaches_finished() -> None:
    state = CALL.apply("draft", "publish", OFFICERS, READY)
    for event in ("close", "start_review", "start_ranking", "start_deciding", "finish"):
        state = CALL.apply(state, event, OFFICERS, AFTER)

    assert state == "finished"


def test_call_publish_reports_every_problem_at_once() -> None:
    ctx = replace(
        READY,
        now=CLOSES,
        configuration_problems=(NO_RUBRIC(), NO_ENVELOPE(agency="NAFOSTED")),
    )

    with pytest.raises(GuardsFailed) as caught:
        CALL.decide("draft", "publish", OFFICERS, ctx)

    assert caught.value.reasons == (
        NO_RUBRIC(),
        NO_ENVELOPE(agency="NAFOSTED"),
        CLOSING_TIME_PAST(closes_at=Instant(CLOSES, ZONES)),
    )


def test_call_close_before_deadline_is_refused() -> None:
    ctx = replace(READY, now=CLOSES - timedelta(seconds=1))

    with pytest.raises(GuardsFailed) as caught:
        CALL.decide("open", "close", OFFICERS, ctx)

    assert caught.value.reasons == (STILL_OPEN(closes_at=Instant(CLOSES, ZONES)),)
    assert str(caught.value) == (
        "The call is open until Mar 31, 2030, 5:00\u202fPM (Japan Time) / "
        "Mar 31, 2030, 3:00\u202fPM (Vietnam Time)."
    )


def test_call_close_at_deadline_instant_closes() -> None:
    assert CALL.apply("open", "close", OFFICERS, replace(READY, now=CLOSES)) == "closed"


def test_call_start_review_with_unchecked_proposals_is_refused() -> None:
    ctx = replace(AFTER, unchecked_proposals=2)

    with pytest.raises(GuardsFailed) as caught:
        CALL.decide("closed", "start_review", OFFICERS, ctx)

    assert caught.value.reasons == (ELIGIBILITY_UNCHECKED(count=2),)
    assert str(caught.value) == "Proposals awaiting an eligibility decision: 2."


def test_call_start_ranking_with_missing_reviews_is_refused() -> None:
    ctx = replace(AFTER, proposals_short_of_reviews=1)

    with pytest.raises(GuardsFailed) as caught:
        CALL.decide("reviewing", "start_ranking", OFFICERS, ctx)

    assert caught.value.reasons == (REVIEWS_SHORT(count=1),)


def test_call_start_deciding_needs_every_ranking_and_the_joint_one() -> None:
    ctx = replace(AFTER, agencies_without_final_ranking=("JST",), joint_ranking_recorded=False)

    with pytest.raises(GuardsFailed) as caught:
        CALL.decide("ranking", "start_deciding", OFFICERS, ctx)

    assert caught.value.reasons == (
        RANKINGS_NOT_FINAL(agencies=("JST",)),
        JOINT_RANKING_MISSING(),
    )


def test_call_finish_with_undecided_proposals_is_refused() -> None:
    ctx = replace(AFTER, proposals_undecided=1)

    with pytest.raises(GuardsFailed) as caught:
        CALL.decide("deciding", "finish", OFFICERS, ctx)

    assert caught.value.reasons == (UNDECIDED(count=1),)


@pytest.mark.parametrize("state", ["draft", "open"])
def test_call_cancel_before_closing_cancels(state: str) -> None:
    assert CALL.apply(state, "cancel", OFFICERS, READY) == "cancelled"


def test_call_cancel_after_closing_is_refused() -> None:
    with pytest.raises(NotAllowedFromState) as caught:
        CALL.decide("closed", "cancel", OFFICERS, AFTER)

    assert caught.value.allowed_from == ("draft", "open")
