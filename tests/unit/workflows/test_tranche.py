from __future__ import annotations

from dataclasses import replace

import pytest

from workflows.errors import GuardsFailed, NotAllowedFromState, RoleNotAllowed
from workflows.machines.tranche import TRANCHE, TrancheContext
from workflows.roles import AGENCY_OFFICER, COFUNDING_OFFICER, PI, REQUESTER

PIS = {PI}
OFFICERS = {AGENCY_OFFICER}
READY = TrancheContext(
    grant_active=True,
    problems=(),
    previous_report_pending=(),
    midterm_gate_pending=False,
    actor_is_requester=False,
    actor_in_consortium=False,
)


def test_tranche_happy_path_reaches_disbursed() -> None:
    state = TRANCHE.apply("planned", "request", PIS, READY)
    state = TRANCHE.apply(state, "approve", OFFICERS, READY)

    assert TRANCHE.apply(state, "disburse", OFFICERS, READY) == "disbursed"


def test_tranche_request_reports_every_reason() -> None:
    ctx = replace(
        READY,
        grant_active=False,
        problems=("The financial statement is missing.",),
        previous_report_pending=("JST", "NAFOSTED"),
        midterm_gate_pending=True,
    )

    with pytest.raises(GuardsFailed) as caught:
        TRANCHE.decide("planned", "request", PIS, ctx)

    assert caught.value.reasons == (
        "The grant is not active.",
        "The financial statement is missing.",
        "The previous year's progress report is not yet accepted by: JST, NAFOSTED.",
        "The mid-term gate has not been passed by every agency.",
    )


def test_tranche_approve_by_requester_in_consortium_reports_both() -> None:
    ctx = replace(READY, actor_is_requester=True, actor_in_consortium=True)

    with pytest.raises(GuardsFailed) as caught:
        TRANCHE.decide("requested", "approve", OFFICERS, ctx)

    assert caught.value.reasons == (
        "The requester cannot approve their own request.",
        "A member of the project's consortium cannot approve its tranches.",
    )


def test_tranche_approve_by_officer_of_other_agency_is_refused() -> None:
    with pytest.raises(RoleNotAllowed):
        TRANCHE.decide("requested", "approve", {COFUNDING_OFFICER}, READY)


def test_tranche_return_and_resubmit_by_requester_round_trip() -> None:
    state = TRANCHE.apply("requested", "return", OFFICERS, READY)

    assert (state, TRANCHE.apply(state, "resubmit", {REQUESTER}, READY)) == (
        "returned",
        "requested",
    )


@pytest.mark.parametrize("state", ["planned", "requested"])
def test_tranche_withhold_before_approval_withholds(state: str) -> None:
    assert TRANCHE.apply(state, "withhold", OFFICERS, READY) == "withheld"


def test_tranche_withhold_after_approval_is_not_allowed() -> None:
    with pytest.raises(NotAllowedFromState) as caught:
        TRANCHE.decide("approved", "withhold", OFFICERS, READY)

    assert caught.value.allowed_from == ("planned", "requested")
