from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from messages import Instant
from workflows.errors import GuardsFailed, NotAllowedFromState
from workflows.machines.grant import GRANT, PROJECT_RUNNING, TRANCHES_OPEN, GrantContext
from workflows.roles import COFUNDING_OFFICER

OFFICERS = {COFUNDING_OFFICER}
ENDS = datetime(2035, 3, 31, 15, 0, tzinfo=UTC)
ZONES = ("Asia/Tokyo", "Asia/Ho_Chi_Minh")
RUNNING = GrantContext(now=ENDS - timedelta(days=400), ends_at=ENDS, zones=ZONES, open_tranches=2)
ENDED = replace(RUNNING, now=ENDS, open_tranches=0)


def test_grant_suspend_and_resume_round_trip() -> None:
    state = GRANT.apply("active", "suspend", OFFICERS, RUNNING)

    assert (state, GRANT.apply(state, "resume", OFFICERS, RUNNING)) == ("suspended", "active")


def test_grant_complete_after_end_with_settled_tranches_completes() -> None:
    assert GRANT.apply("active", "complete", OFFICERS, ENDED) == "completed"


def test_grant_complete_early_with_open_tranches_reports_both() -> None:
    with pytest.raises(GuardsFailed) as caught:
        GRANT.decide("active", "complete", OFFICERS, RUNNING)

    assert caught.value.reasons == (
        PROJECT_RUNNING(ends_at=Instant(ENDS, ZONES)),
        TRANCHES_OPEN(count=2),
    )


def test_grant_terminate_active_terminates() -> None:
    assert GRANT.apply("active", "terminate", OFFICERS, RUNNING) == "terminated"


def test_grant_terminate_suspended_is_not_allowed() -> None:
    with pytest.raises(NotAllowedFromState) as caught:
        GRANT.decide("suspended", "terminate", OFFICERS, RUNNING)

    assert caught.value.allowed_from == ("active",)
