from __future__ import annotations

import pytest

from messages import define
from workflows.errors import GuardsFailed, RoleNotAllowed
from workflows.machines.review_assignment import (
    CONFLICT,
    NOT_SCORED,
    REVIEW_ASSIGNMENT,
    AssignmentContext,
)
from workflows.roles import ASSIGNED_REVIEWER, COFUNDING_OFFICER, REVIEWER

REVIEWERS = {ASSIGNED_REVIEWER}
OFFICERS = {COFUNDING_OFFICER}
CLEAR = AssignmentContext(conflicts=(), missing=())
COAUTHOR = define("test.assignment.coauthor", "The reviewer co-authored with {name}.")


def test_assignment_happy_path_reaches_submitted() -> None:
    state = REVIEW_ASSIGNMENT.apply("proposed", "invite", OFFICERS, CLEAR)
    state = REVIEW_ASSIGNMENT.apply(state, "accept", REVIEWERS, CLEAR)

    assert REVIEW_ASSIGNMENT.apply(state, "submit", REVIEWERS, CLEAR) == "submitted"


def test_assignment_decline_by_reviewer_declines() -> None:
    assert REVIEW_ASSIGNMENT.apply("invited", "decline", REVIEWERS, CLEAR) == "declined"


def test_assignment_accept_by_other_reviewer_is_refused() -> None:
    with pytest.raises(RoleNotAllowed):
        REVIEW_ASSIGNMENT.decide("invited", "accept", {REVIEWER}, CLEAR)


def test_assignment_accept_with_conflict_is_refused() -> None:
    ctx = AssignmentContext(
        conflicts=("Same institution as a consortium member.", COAUTHOR(name="Lan")), missing=()
    )

    with pytest.raises(GuardsFailed) as caught:
        REVIEW_ASSIGNMENT.decide("invited", "accept", REVIEWERS, ctx)

    assert caught.value.reasons == (
        CONFLICT(reason="Same institution as a consortium member."),
        COAUTHOR(name="Lan"),
    )
    assert str(caught.value) == (
        "Unresolved conflict of interest: Same institution as a consortium member. "
        "The reviewer co-authored with Lan."
    )


def test_assignment_submit_with_unscored_criteria_is_refused() -> None:
    ctx = AssignmentContext(conflicts=(), missing=("Novelty", "Feasibility"))

    with pytest.raises(GuardsFailed) as caught:
        REVIEW_ASSIGNMENT.decide("accepted", "submit", REVIEWERS, ctx)

    assert caught.value.reasons == (NOT_SCORED(criteria=("Novelty", "Feasibility")),)
    assert str(caught.value) == "Criteria not scored: Novelty and Feasibility."


def test_assignment_reopen_by_officer_returns_to_accepted() -> None:
    assert REVIEW_ASSIGNMENT.apply("submitted", "reopen", OFFICERS, CLEAR) == "accepted"


def test_assignment_reopen_by_reviewer_is_refused() -> None:
    with pytest.raises(RoleNotAllowed):
        REVIEW_ASSIGNMENT.decide("submitted", "reopen", REVIEWERS, CLEAR)
