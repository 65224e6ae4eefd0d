from __future__ import annotations

from dataclasses import replace

import pytest

from messages import define
from workflows.errors import GuardsFailed, NotAllowedFromState, RoleNotAllowed
from workflows.machines.tranche import (
    CONSORTIUM_MEMBER,
    GRANT_INACTIVE,
    MIDTERM_GATE_PENDING,
    OWN_REQUEST,
    PREVIOUS_REPORT_PENDING,
    TRANCHE,
    TrancheContext,
)
from workflows.roles import AGENCY_OFFICER, COFUNDING_OFFICER, PI, REQUESTER

NO_STATEMENT = define("test.tranche.no_statement", "The financial statement is missing.")
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
        problems=(NO_STATEMENT(),),
        previous_report_pending=("JST", "NAFOSTED"),
        midterm_gate_pending=True,
    )

    with pytest.raises(GuardsFailed) as caught:
        TRANCHE.decide("planned", "request", PIS, ctx)

    assert caught.value.reasons == (
        GRANT_INACTIVE(),
        NO_STATEMENT(),
        PREVIOUS_REPORT_PENDING(agencies=("JST", "NAFOSTED")),
        MIDTERM_GATE_PENDING(),
    )
    assert str(caught.value).split(" The previous")[1] == (
        " year's progress report is not yet accepted by: JST and NAFOSTED."
        " The mid-term gate has not been passed by every agency."
    )


def test_tranche_approve_by_requester_in_consortium_reports_both() -> None:
    ctx = replace(READY, actor_is_requester=True, actor_in_consortium=True)

    with pytest.raises(GuardsFailed) as caught:
        TRANCHE.decide("requested", "approve", OFFICERS, ctx)

    assert caught.value.reasons == (OWN_REQUEST(), CONSORTIUM_MEMBER())


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


def test_tranche_withhold_after_approval_is_allowed_before_the_payment() -> None:
    # A stopped report or failed gate withholds every tranche not yet paid, approved ones too.
    assert TRANCHE.apply("approved", "withhold", OFFICERS, READY) == "withheld"


def test_tranche_withhold_after_disbursement_is_not_allowed() -> None:
    with pytest.raises(NotAllowedFromState) as caught:
        TRANCHE.decide("disbursed", "withhold", OFFICERS, READY)

    assert caught.value.allowed_from == ("planned", "requested", "returned", "approved")
