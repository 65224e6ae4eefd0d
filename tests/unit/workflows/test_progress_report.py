"""The progress report and mid-term gate machines alone: who fires what, and the outcomes."""

from __future__ import annotations

import pytest

from workflows.errors import GuardsFailed, RoleNotAllowed
from workflows.machines.midterm_gate import MIDTERM_GATE, GateContext
from workflows.machines.progress_report import PROGRESS_REPORT, ReportContext

OFFICER = frozenset({"cofunding_officer"})
PI = frozenset({"pi"})
OPEN = ReportContext(
    grant_active=True,
    caller_answered=False,
    actor_in_consortium=False,
    not_accepted=("JST", "NAFOSTED"),
    revising=(),
    stopping=(),
)


def test_a_pi_submits_and_an_officer_cannot() -> None:
    assert PROGRESS_REPORT.apply("due", "submit", PI, OPEN) == "submitted"
    with pytest.raises(RoleNotAllowed):
        PROGRESS_REPORT.decide("due", "submit", OFFICER, OPEN)


def test_every_acceptance_accepts_and_one_missing_refuses_naming_it() -> None:
    assert PROGRESS_REPORT.apply("submitted", "accept", OFFICER, _with(not_accepted=())) == (
        "accepted"
    )
    with pytest.raises(GuardsFailed) as caught:
        PROGRESS_REPORT.decide("submitted", "accept", OFFICER, _with(not_accepted=("NAFOSTED",)))
    assert [r.code for r in caught.value.reasons] == ["report.guard.not_accepted"]


def test_a_stop_wins_over_a_revision() -> None:
    both = _with(revising=("JST",), stopping=("NAFOSTED",))
    allowed = [o.event for o in PROGRESS_REPORT.options("submitted", OFFICER, both) if o.allowed]
    assert allowed == ["decide", "stop"]


def test_a_second_answer_and_a_consortium_member_are_refused() -> None:
    with pytest.raises(GuardsFailed) as caught:
        PROGRESS_REPORT.decide(
            "submitted", "decide", OFFICER, _with(caller_answered=True, actor_in_consortium=True)
        )
    assert [r.code for r in caught.value.reasons] == [
        "report.guard.answered_already",
        "report.guard.consortium_member",
    ]


def test_a_returned_report_is_resubmitted_by_a_pi() -> None:
    assert PROGRESS_REPORT.apply("returned", "resubmit", PI, OPEN) == "submitted"


def test_the_gate_waits_for_its_years_report() -> None:
    ctx = GateContext(True, 3, False, False, False, ("JST", "NAFOSTED"), ())
    with pytest.raises(GuardsFailed) as caught:
        MIDTERM_GATE.decide("pending", "decide", OFFICER, ctx)
    assert [(r.code, r.params) for r in caught.value.reasons] == [
        ("midterm.guard.report_pending", {"year": 3})
    ]


def _with(**facts: object) -> ReportContext:
    return ReportContext(**{**OPEN.__dict__, **facts})  # type: ignore[arg-type]
