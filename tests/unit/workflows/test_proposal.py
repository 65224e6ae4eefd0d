from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from messages import Instant, define
from workflows.errors import GuardsFailed, NotAllowedFromState, RoleNotAllowed
from workflows.machines.call import CallState
from workflows.machines.proposal import (
    ALREADY_ASSESSED,
    ALREADY_DECIDED,
    BEFORE_DEADLINE,
    CALL_NOT_OPEN,
    DEADLINE_PASSED,
    NO_REVIEW,
    PARTS_NOT_ELIGIBLE,
    PROPOSAL,
    REJECTED_BY,
    REVIEWS_OUTSTANDING,
    ProposalContext,
)
from workflows.roles import COAPPLICANT, COFUNDING_OFFICER, PI

PIS = {PI}
OFFICERS = {COFUNDING_OFFICER}
CLOSES = datetime(2030, 3, 31, 8, 0, tzinfo=UTC)
ZONES = ("Asia/Tokyo", "Asia/Ho_Chi_Minh")
DEADLINE = Instant(CLOSES, ZONES)
NO_BUDGET = define("test.proposal.no_budget", "The budget of year {year} is missing.")
NO_CV = define("test.proposal.no_cv", "No CV uploaded.")
OPEN = ProposalContext(
    now=CLOSES - timedelta(days=1),
    closes_at=CLOSES,
    call_state=CallState.OPEN,
    problems=(),
    reviews_outstanding=0,
    reviews_submitted=0,
    decisions_recorded=0,
    undecided_agencies=("JST", "NAFOSTED"),
    rejecting_agencies=(),
    zones=ZONES,
)
CLOSED = replace(OPEN, now=CLOSES + timedelta(days=1), call_state=CallState.CLOSED)
REVIEWING = replace(CLOSED, call_state=CallState.REVIEWING, reviews_submitted=3)
REVIEWING_DECIDING = replace(REVIEWING, call_state=CallState.DECIDING)
DECIDED = replace(
    REVIEWING, call_state=CallState.DECIDING, decisions_recorded=2, undecided_agencies=()
)


def test_proposal_happy_path_reaches_awarded() -> None:
    state = PROPOSAL.apply("draft", "submit", PIS, OPEN)
    state = PROPOSAL.apply(state, "declare_eligible", OFFICERS, CLOSED)
    state = PROPOSAL.apply(state, "admit", OFFICERS, CLOSED)
    state = PROPOSAL.apply(state, "start_review", OFFICERS, REVIEWING)
    state = PROPOSAL.apply(state, "complete_review", OFFICERS, REVIEWING)

    assert PROPOSAL.apply(state, "award", OFFICERS, DECIDED) == "awarded"


def test_proposal_submit_one_second_before_deadline_submits() -> None:
    ctx = replace(OPEN, now=CLOSES - timedelta(seconds=1))

    assert PROPOSAL.apply("draft", "submit", PIS, ctx) == "submitted"


def test_proposal_submit_at_deadline_instant_is_refused() -> None:
    with pytest.raises(GuardsFailed) as caught:
        PROPOSAL.decide("draft", "submit", PIS, replace(OPEN, now=CLOSES))

    assert caught.value.reasons == (DEADLINE_PASSED(deadline=DEADLINE),)
    assert str(caught.value) == (
        "The deadline Mar 31, 2030, 5:00\u202fPM (Japan Time) / "
        "Mar 31, 2030, 3:00\u202fPM (Vietnam Time) has passed."
    )


def test_proposal_submit_reports_every_reason() -> None:
    ctx = replace(CLOSED, problems=(NO_BUDGET(year=2), NO_CV()))

    with pytest.raises(GuardsFailed) as caught:
        PROPOSAL.decide("draft", "submit", PIS, ctx)

    assert caught.value.reasons == (
        CALL_NOT_OPEN(state="closed"),
        DEADLINE_PASSED(deadline=DEADLINE),
        NO_BUDGET(year=2),
        NO_CV(),
    )


def test_proposal_submit_by_coapplicant_is_refused() -> None:
    with pytest.raises(RoleNotAllowed):
        PROPOSAL.decide("draft", "submit", {COAPPLICANT}, OPEN)


def test_proposal_reopen_before_deadline_returns_to_draft() -> None:
    assert PROPOSAL.apply("submitted", "reopen", PIS, OPEN) == "draft"


def test_proposal_reopen_after_deadline_is_refused() -> None:
    with pytest.raises(GuardsFailed) as caught:
        PROPOSAL.decide("submitted", "reopen", PIS, CLOSED)

    assert caught.value.reasons == (DEADLINE_PASSED(deadline=DEADLINE),)


def test_proposal_eligibility_before_deadline_is_refused() -> None:
    with pytest.raises(GuardsFailed) as caught:
        PROPOSAL.decide("submitted", "declare_ineligible", OFFICERS, OPEN)

    assert caught.value.reasons == (BEFORE_DEADLINE(deadline=DEADLINE),)


def test_proposal_complete_review_with_outstanding_reviews_is_refused() -> None:
    ctx = replace(REVIEWING, reviews_submitted=0, reviews_outstanding=2)

    with pytest.raises(GuardsFailed) as caught:
        PROPOSAL.decide("under_review", "complete_review", OFFICERS, ctx)

    assert caught.value.reasons == (NO_REVIEW(), REVIEWS_OUTSTANDING(count=2))


def test_proposal_award_with_a_rejection_is_refused() -> None:
    ctx = replace(DECIDED, rejecting_agencies=("NAFOSTED",))

    with pytest.raises(GuardsFailed) as caught:
        PROPOSAL.decide("reviewed", "award", OFFICERS, ctx)

    assert caught.value.reasons == (REJECTED_BY(agencies=("NAFOSTED",)),)


def test_proposal_reject_with_a_rejection_rejects() -> None:
    ctx = replace(DECIDED, rejecting_agencies=("NAFOSTED",))

    assert PROPOSAL.apply("reviewed", "reject", OFFICERS, ctx) == "rejected"


def test_proposal_one_rejection_rejects_before_every_agency_decided() -> None:
    ctx = replace(DECIDED, undecided_agencies=("JST",), rejecting_agencies=("NAFOSTED",))

    assert PROPOSAL.apply("reviewed", "reject", OFFICERS, ctx) == "rejected"


def test_proposal_decide_keeps_it_reviewed_until_the_follow_up() -> None:
    assert PROPOSAL.apply("reviewed", "decide", OFFICERS, REVIEWING_DECIDING) == "reviewed"


def test_proposal_decide_twice_by_one_agency_is_refused() -> None:
    ctx = replace(REVIEWING_DECIDING, caller_decided=True)

    with pytest.raises(GuardsFailed) as caught:
        PROPOSAL.decide("reviewed", "decide", OFFICERS, ctx)

    assert [str(reason) for reason in caught.value.reasons] == [
        "Your agency has recorded its decision already."
    ]


def test_proposal_decide_is_for_officers_only() -> None:
    with pytest.raises(RoleNotAllowed):
        PROPOSAL.decide("reviewed", "decide", PIS, REVIEWING_DECIDING)


@pytest.mark.parametrize("state", ["draft", "submitted", "eligible", "under_review", "reviewed"])
def test_proposal_withdraw_before_decision_withdraws(state: str) -> None:
    assert PROPOSAL.apply(state, "withdraw", PIS, CLOSED) == "withdrawn"


def test_proposal_withdraw_after_a_decision_is_recorded_is_refused() -> None:
    ctx = replace(REVIEWING, decisions_recorded=1)

    with pytest.raises(GuardsFailed) as caught:
        PROPOSAL.decide("reviewed", "withdraw", PIS, ctx)

    assert caught.value.reasons == (ALREADY_DECIDED(),)


def test_proposal_withdraw_after_award_is_not_allowed() -> None:
    with pytest.raises(NotAllowedFromState):
        PROPOSAL.decide("awarded", "withdraw", PIS, DECIDED)


def test_proposal_declare_eligible_keeps_it_submitted_until_every_key() -> None:
    assert PROPOSAL.apply("submitted", "declare_eligible", OFFICERS, CLOSED) == "submitted"


def test_proposal_admit_refused_while_an_agency_has_not_found_its_part_eligible() -> None:
    ctx = replace(CLOSED, eligibility_pending=("NAFOSTED",))

    with pytest.raises(GuardsFailed) as caught:
        PROPOSAL.decide("submitted", "admit", OFFICERS, ctx)

    assert caught.value.reasons == (PARTS_NOT_ELIGIBLE(agencies=("NAFOSTED",)),)


def test_proposal_second_eligibility_answer_of_one_agency_is_refused() -> None:
    ctx = replace(CLOSED, caller_assessed=True)

    with pytest.raises(GuardsFailed) as caught:
        PROPOSAL.decide("submitted", "declare_ineligible", OFFICERS, ctx)

    assert caught.value.reasons == (ALREADY_ASSESSED(),)
