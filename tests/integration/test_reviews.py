"""Online scoring: a reviewer's draft, submission (which locks it), an officer's reopening,
another reviewer's 404, and review rounds kept apart."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Review, ReviewAssignment
from tests.factories import RUBRIC, ConflictFactory, persist
from tests.factories_scoring import (
    assign,
    full_scores,
    make_panel,
    reviewer_with_headers,
    submitted,
)
from tests.support.coded import field_error
from tests.support.problems import problem
from tests.support.reasons import reason

Client = httpx.AsyncClient


def url(assignment: ReviewAssignment, tail: str = "review") -> str:
    return f"/api/assignments/{assignment.id}/{tail}"


async def test_empty_form_shows_rubric_and_creates_nothing(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_panel(db)
    reviewer, headers = await reviewer_with_headers(db, panel.jst)
    assignment = await assign(db, panel.proposals[0], reviewer, panel.jst)

    response = await client.get(url(assignment), headers=headers)

    assert response.status_code == 200
    body = response.json()
    # The assignment's version: the one a save or the `submit` event takes.
    assert (body["version"], body["scores"], body["submitted_at"]) == (1, {}, None)
    assert (body["proposal_reference"], body["round"]) == ("JV-2026-0001", 0)
    assert body["rubric"] == RUBRIC
    assert await db.scalar(select(Review.id)) is None


async def test_draft_saves_partial_scores_under_the_assignments_version(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_panel(db)
    reviewer, headers = await reviewer_with_headers(db, panel.jst)
    assignment = await assign(db, panel.proposals[0], reviewer, panel.jst)

    first = await client.put(
        url(assignment),
        headers=headers,
        json={"version": 1, "scores": {"novelty": 4}, "confidential_comments": "Weak team."},
    )
    second = await client.put(
        url(assignment), headers=headers, json={"version": 2, "scores": {"novelty": 5}}
    )
    stale = await client.put(
        url(assignment), headers=headers, json={"version": 2, "scores": {"novelty": 3}}
    )
    shown = await client.get(
        f"/api/calls/{panel.call.id}/assignments/{assignment.id}", headers=panel.jst_headers
    )

    assert first.status_code == 200
    assert (first.json()["scores"], first.json()["version"]) == ({"novelty": 4}, 2)
    assert (second.json()["scores"], second.json()["version"]) == ({"novelty": 5}, 3)
    assert (stale.status_code, stale.json()["detail"]) == (
        409,
        "You saw version 2, but it is now version 3.",
    )
    assert (shown.json()["state"], shown.json()["version"]) == ("accepted", 3)
    assert await db.scalar(select(Review.scores)) == {"novelty": 5}


async def test_draft_save_names_a_missing_version(client: Client, db: AsyncSession) -> None:
    panel = await make_panel(db)
    reviewer, headers = await reviewer_with_headers(db, panel.jst)
    assignment = await assign(db, panel.proposals[0], reviewer, panel.jst)

    response = await client.put(url(assignment), headers=headers, json={"scores": {"novelty": 4}})

    assert (response.status_code, response.json()["errors"]) == (
        422,
        [
            {
                "field": "version",
                "reason": "This field is required.",
                "code": "validation.missing",
                "params": {},
            }
        ],
    )
    assert await db.scalar(select(Review.id)) is None


async def test_submit_with_the_version_from_before_the_save_is_stale(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_panel(db)
    reviewer, headers = await reviewer_with_headers(db, panel.jst)
    assignment = await assign(db, panel.proposals[0], reviewer, panel.jst)
    await client.put(url(assignment), headers=headers, json={"version": 1, "scores": {}})
    await client.put(url(assignment), headers=headers, json={"version": 2, "scores": full_scores()})

    stale = await client.post(
        url(assignment, "events/submit"), headers=headers, json={"version": 2}
    )
    done = await client.post(url(assignment, "events/submit"), headers=headers, json={"version": 3})

    assert (stale.status_code, stale.json()["detail"]) == (
        409,
        "You saw version 2, but it is now version 3.",
    )
    assert (done.status_code, done.json()["state"], done.json()["version"]) == (
        200,
        "submitted",
        4,
    )


async def test_score_outside_scale_is_422_naming_field_and_saves_nothing(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_panel(db)
    reviewer, headers = await reviewer_with_headers(db, panel.jst)
    assignment = await assign(db, panel.proposals[0], reviewer, panel.jst)

    response = await client.put(
        url(assignment),
        headers=headers,
        json={"version": 1, "scores": {"novelty": 6, "impact": 2.5, "beauty": 3}},
    )

    assert (response.status_code, problem(response)) == (
        422,
        {
            "type": "urn:cofund:problem:invalid",
            "title": "Invalid input",
            "status": 422,
            "detail": "Some scores are not on the rubric's scales.",
            "instance": url(assignment),
            "code": "review.scores_invalid",
            "params": {},
            "errors": [
                field_error(
                    "scores.novelty", "must be within 1..5", "review.score.off_scale", min=1, max=5
                ),
                field_error("scores.impact", "must be a whole number", "review.score.not_whole"),
                field_error(
                    "scores.beauty",
                    "not a criterion of the rubric (novelty, feasibility, and impact)",
                    "review.score.unknown_criterion",
                    criteria=["novelty", "feasibility", "impact"],
                ),
            ],
        },
    )
    assert await db.scalar(select(Review.id)) is None


async def test_bad_recommendation_and_confidence_are_422(client: Client, db: AsyncSession) -> None:
    panel = await make_panel(db)
    reviewer, headers = await reviewer_with_headers(db, panel.jst)
    assignment = await assign(db, panel.proposals[0], reviewer, panel.jst)

    response = await client.put(
        url(assignment),
        headers=headers,
        json={"version": 1, "recommendation": "maybe", "confidence": 6},
    )

    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["recommendation", "confidence"]


async def test_submit_with_missing_criterion_is_409_listing_it(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_panel(db)
    reviewer, headers = await reviewer_with_headers(db, panel.jst)
    assignment = await assign(db, panel.proposals[0], reviewer, panel.jst)
    await client.put(
        url(assignment),
        headers=headers,
        json={"version": 1, "scores": {"novelty": 4, "feasibility": 3}},
    )

    response = await client.post(
        url(assignment, "events/submit"), headers=headers, json={"version": 2}
    )

    assert response.status_code == 409
    assert response.json()["reasons"] == [
        reason("assignment.guard.not_scored", "Criteria not scored: impact.", criteria=["impact"])
    ]
    await db.refresh(assignment)
    assert assignment.state == "accepted"


async def test_submit_locks_review_and_officer_reopens(client: Client, db: AsyncSession) -> None:
    panel = await make_panel(db)
    reviewer, headers = await reviewer_with_headers(db, panel.jst)
    assignment = await assign(db, panel.proposals[0], reviewer, panel.jst)
    await client.put(url(assignment), headers=headers, json={"version": 1, "scores": full_scores()})

    done = await client.post(url(assignment, "events/submit"), headers=headers, json={"version": 2})
    form = await client.get(url(assignment), headers=headers)
    locked = await client.put(
        url(assignment), headers=headers, json={"version": 3, "scores": full_scores(5)}
    )
    reopened = await client.post(
        url(assignment, "events/reopen"), headers=panel.jst_headers, json={"version": 3}
    )
    reopened_form = await client.get(url(assignment), headers=headers)
    again = await client.put(
        url(assignment), headers=headers, json={"version": 4, "scores": full_scores(5)}
    )

    assert (done.status_code, done.json()["state"], done.json()["version"]) == (
        200,
        "submitted",
        3,
    )
    assert (form.json()["assignment_state"], form.json()["submitted_at"] is not None) == (
        "submitted",
        True,
    )
    assert (locked.status_code, locked.json()["detail"]) == (
        409,
        "The review is submitted and locked; an officer may reopen it.",
    )
    assert (reopened.status_code, reopened.json()["state"]) == (200, "accepted")
    assert (reopened_form.json()["assignment_state"], reopened_form.json()["submitted_at"]) == (
        "accepted",
        None,
    )
    assert (again.status_code, again.json()["scores"], again.json()["version"]) == (
        200,
        full_scores(5),
        5,
    )


async def test_reviewer_cannot_reopen_own_review(client: Client, db: AsyncSession) -> None:
    panel = await make_panel(db)
    reviewer, headers = await reviewer_with_headers(db, panel.jst)
    assignment = await assign(db, panel.proposals[0], reviewer, panel.jst)
    await submitted(db, assignment, full_scores())

    response = await client.post(
        url(assignment, "events/reopen"), headers=headers, json={"version": assignment.version}
    )

    assert (response.status_code, response.json()["title"]) == (403, "Forbidden")
    await db.refresh(assignment)
    assert assignment.state == "submitted"


async def test_other_agency_officer_cannot_reach_walled_assignment(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_panel(db)
    reviewer, _ = await reviewer_with_headers(db, panel.jst)
    assignment = await assign(db, panel.proposals[0], reviewer, panel.jst)
    await submitted(db, assignment, full_scores())

    response = await client.post(
        url(assignment, "events/reopen"),
        headers=panel.nafosted_headers,
        json={"version": assignment.version},
    )

    assert (response.status_code, response.json()["detail"]) == (404, "No such assignment.")


async def test_another_reviewer_gets_404_on_draft_save_and_submit(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_panel(db)
    owner, _ = await reviewer_with_headers(db, panel.jst)
    _, intruder = await reviewer_with_headers(db, panel.jst)
    assignment = await assign(db, panel.proposals[0], owner, panel.jst)

    responses = [
        await client.get(url(assignment), headers=intruder),
        await client.put(
            url(assignment), headers=intruder, json={"version": 1, "scores": {"novelty": 1}}
        ),
        await client.post(url(assignment, "events/submit"), headers=intruder, json={"version": 1}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert await db.scalar(select(Review.id)) is None


async def test_invited_assignment_must_be_accepted_first(client: Client, db: AsyncSession) -> None:
    panel = await make_panel(db)
    reviewer, headers = await reviewer_with_headers(db, panel.jst)
    assignment = await assign(db, panel.proposals[0], reviewer, panel.jst, state="invited")

    response = await client.put(url(assignment), headers=headers, json={"version": 1, "scores": {}})

    assert (response.status_code, problem(response)) == (
        409,
        {
            "type": "urn:cofund:problem:conflict",
            "title": "Conflict",
            "status": 409,
            "detail": "The assignment is invited; accept the invitation first.",
            "instance": url(assignment),
            "code": "review.not_accepted",
            "params": {"state": "invited"},
        },
    )


async def test_conflicted_reviewer_cannot_save(client: Client, db: AsyncSession) -> None:
    panel = await make_panel(db)
    reviewer, headers = await reviewer_with_headers(db, panel.jst)
    assignment = await assign(db, panel.proposals[0], reviewer, panel.jst)
    await persist(
        db,
        ConflictFactory(
            proposal_id=panel.proposals[0].id, reviewer_id=reviewer.id, reason="Co-author."
        ),
    )

    response = await client.put(url(assignment), headers=headers, json={"version": 1, "scores": {}})

    assert (response.status_code, problem(response)) == (
        409,
        {
            "type": "urn:cofund:problem:conflict",
            "title": "Conflict",
            "status": 409,
            "detail": "You have a conflict of interest with this proposal.",
            "instance": url(assignment),
            "code": "review.conflicted",
            "params": {},
            "reasons": [
                reason(
                    "conflict.declared", "Declared by the reviewer: Co-author.", reason="Co-author."
                )
            ],
        },
    )
    assert await db.scalar(select(Review.id)) is None


async def test_later_round_leaves_earlier_review_intact(client: Client, db: AsyncSession) -> None:
    panel = await make_panel(db)
    reviewer, headers = await reviewer_with_headers(db, panel.jst)
    first = await assign(db, panel.proposals[0], reviewer, panel.jst)
    earlier = await submitted(db, first, full_scores(2, 2, 2), comments_to_applicants="Round 0.")
    second = await assign(db, panel.proposals[0], reviewer, panel.jst, round=1)

    saved = await client.put(
        url(second),
        headers=headers,
        json={"version": 1, "scores": full_scores(5, 5, 5), "confidence": 5},
    )
    submit = await client.post(url(second, "events/submit"), headers=headers, json={"version": 2})

    assert (saved.status_code, saved.json()["round"]) == (200, 1)
    assert submit.status_code == 200
    await db.refresh(earlier)
    assert (earlier.scores, earlier.comments_to_applicants) == (full_scores(2, 2, 2), "Round 0.")
    rows = (await db.execute(select(ReviewAssignment.round, Review.scores).join(Review))).all()
    assert sorted((r, s["novelty"]) for r, s in rows) == [(0, 2), (1, 5)]
