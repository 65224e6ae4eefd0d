"""Who sees which reviews of a proposal: reviewers after their own submission, never with names
or confidential comments; each agency's wall in parallel mode until the joint ranking;
applicants only after the decision and never reviewer identities or confidential comments;
officers, auditors and admins everything on their side; anyone who may not read the proposal
(drafts included) 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Approval, Proposal, Review, ReviewAssignment, User
from grants.reviews.scoring.schemas import PanelReview, PeerReview
from tests.conftest import QueryCounter
from tests.factories import (
    ConflictFactory,
    RankingFactory,
    ReviewFactory,
    bearer,
    make_proposal,
    make_user,
    persist,
)
from tests.factories_scoring import (
    Panel,
    assign,
    full_scores,
    make_panel,
    reviewer_with_headers,
    submitted,
)
from tests.support.queries import queries_on

Client = httpx.AsyncClient


@dataclass
class Reviewed:
    panel: Panel
    proposal: Proposal
    jp_reviewer: User
    jp_headers: dict[str, str]
    jp_assignment: ReviewAssignment
    vn_reviewer: User
    vn_headers: dict[str, str]
    other_jp: User
    jp_review: Review
    vn_review: Review


async def reviewed(db: AsyncSession, state: str = "under_review", **call: str) -> Reviewed:
    """A proposal with one submitted review in each pool, and a JST reviewer still drafting."""
    panel = await make_panel(db, proposal_state=state, **call)
    proposal = panel.proposals[0]
    other_jp, _ = await reviewer_with_headers(db, panel.jst)
    jp_review = await submitted(
        db,
        await assign(db, proposal, other_jp, panel.jst),
        full_scores(5, 5, 5),
        confidential_comments="JST panel only.",
    )
    vn_reviewer, vn_headers = await reviewer_with_headers(db, panel.nafosted)
    vn_review = await submitted(
        db,
        await assign(db, proposal, vn_reviewer, panel.nafosted),
        full_scores(2, 2, 2),
        confidential_comments="NAFOSTED panel only.",
    )
    jp_reviewer, jp_headers = await reviewer_with_headers(db, panel.jst)
    jp_assignment = await assign(db, proposal, jp_reviewer, panel.jst)
    await persist(db, ReviewFactory(assignment_id=jp_assignment.id, scores={"novelty": 1}))
    return Reviewed(
        panel,
        proposal,
        jp_reviewer,
        jp_headers,
        jp_assignment,
        vn_reviewer,
        vn_headers,
        other_jp,
        jp_review,
        vn_review,
    )


async def submit_own(client: Client, db: AsyncSession, r: Reviewed) -> Review:
    """The drafting JST reviewer scores 3s, writes to the panel and submits through the API."""
    saved = await client.put(
        f"/api/assignments/{r.jp_assignment.id}/review",
        headers=r.jp_headers,
        json={
            "version": 1,
            "scores": full_scores(3, 3, 3),
            "confidential_comments": "Mine, for the officers.",
        },
    )
    await client.post(
        f"/api/assignments/{r.jp_assignment.id}/events/submit",
        headers=r.jp_headers,
        json={"version": saved.json()["version"]},
    )
    review = await db.scalar(select(Review).where(Review.assignment_id == r.jp_assignment.id))
    assert review is not None
    await db.refresh(review)
    return review


def peer(review: Review, pool: str) -> dict[str, Any]:
    """A review exactly as a fellow reviewer gets it."""
    return PeerReview(
        id=review.id,
        round=0,
        pool_agency=pool,
        scores=review.scores,
        comments_to_applicants=review.comments_to_applicants,
        recommendation=review.recommendation,
        confidence=review.confidence,
        submitted_at=review.submitted_at,
    ).model_dump(mode="json")


def panel_view(review: Review, pool: str, reviewer: User) -> dict[str, Any]:
    """A review exactly as the call's officers, auditors and admins get it."""
    return PanelReview(
        id=review.id,
        round=0,
        pool_agency=pool,
        reviewer=reviewer.display_name,
        scores=review.scores,
        comments_to_applicants=review.comments_to_applicants,
        confidential_comments=review.confidential_comments,
        recommendation=review.recommendation,
        confidence=review.confidence,
        submitted_at=review.submitted_at,
    ).model_dump(mode="json")


async def record_joint_ranking(db: AsyncSession, panel: Panel) -> None:
    ranking = RankingFactory(call_id=panel.call.id, agency_id=None, state="final")
    await persist(db, ranking)
    await persist(
        db,
        *(
            Approval(
                subject_type="ranking",
                subject_id=ranking.id,
                purpose="joint_ranking",
                subject_version=0,
                agency_id=agency.id,
                officer_id=officer.id,
                decision="approve",
            )
            for agency, officer in (
                (panel.jst, panel.jst_officer),
                (panel.nafosted, panel.nafosted_officer),
            )
        ),
    )


def url(proposal: Proposal) -> str:
    return f"/api/proposals/{proposal.id}/reviews"


async def test_reviewer_sees_nothing_before_own_submission(
    client: Client, db: AsyncSession
) -> None:
    r = await reviewed(db)

    response = await client.get(url(r.proposal), headers=r.jp_headers)

    assert (response.status_code, response.json()["detail"]) == (
        409,
        "Submit your own review first; the others are shown after that.",
    )


async def test_reviewer_after_submission_sees_own_pool_without_names_nor_confidential_comments(
    client: Client, db: AsyncSession
) -> None:
    r = await reviewed(db)
    own = await submit_own(client, db, r)

    response = await client.get(url(r.proposal), headers=r.jp_headers)

    assert (response.status_code, response.json()) == (
        200,
        {
            "items": [peer(r.jp_review, "JST"), peer(own, "JST")],
            "total": 2,
            "limit": 50,
            "offset": 0,
        },
    )
    assert "panel only" not in response.text
    assert "for the officers" not in response.text


async def test_officers_see_only_their_own_pool_with_names_and_confidential_comments(
    client: Client, db: AsyncSession
) -> None:
    r = await reviewed(db)

    jst = await client.get(url(r.proposal), headers=r.panel.jst_headers)
    nafosted = await client.get(url(r.proposal), headers=r.panel.nafosted_headers)

    assert (jst.status_code, jst.json()["items"]) == (
        200,
        [panel_view(r.jp_review, "JST", r.other_jp)],
    )
    assert (nafosted.status_code, nafosted.json()["items"]) == (
        200,
        [panel_view(r.vn_review, "NAFOSTED", r.vn_reviewer)],
    )


async def test_auditor_sees_every_pool_with_confidential_comments(
    client: Client, db: AsyncSession
) -> None:
    r = await reviewed(db)
    auditor = await bearer(db, await make_user(db, "auditor"))

    response = await client.get(url(r.proposal), headers=auditor)

    assert (response.status_code, response.json()["items"]) == (
        200,
        [
            panel_view(r.jp_review, "JST", r.other_jp),
            panel_view(r.vn_review, "NAFOSTED", r.vn_reviewer),
        ],
    )


async def test_wall_falls_once_joint_ranking_recorded(client: Client, db: AsyncSession) -> None:
    r = await reviewed(db)
    await record_joint_ranking(db, r.panel)

    officer = await client.get(url(r.proposal), headers=r.panel.jst_headers)
    reviewer = await client.get(url(r.proposal), headers=r.vn_headers)

    assert officer.json()["items"] == [
        panel_view(r.jp_review, "JST", r.other_jp),
        panel_view(r.vn_review, "NAFOSTED", r.vn_reviewer),
    ]
    assert reviewer.json()["items"] == [peer(r.jp_review, "JST"), peer(r.vn_review, "NAFOSTED")]


async def test_joint_mode_has_no_wall(client: Client, db: AsyncSession) -> None:
    r = await reviewed(db, review_mode="joint")

    response = await client.get(url(r.proposal), headers=r.panel.nafosted_headers)

    assert [i["pool_agency"] for i in response.json()["items"]] == ["JST", "NAFOSTED"]


async def test_applicant_before_decision_gets_empty_list(client: Client, db: AsyncSession) -> None:
    r = await reviewed(db, state="reviewed")

    response = await client.get(url(r.proposal), headers=await bearer(db, r.panel.jp_pi))

    assert (response.status_code, response.json()["items"], response.json()["total"]) == (
        200,
        [],
        0,
    )


async def test_applicant_after_decision_sees_no_identity_nor_confidential_comments(
    client: Client, db: AsyncSession
) -> None:
    r = await reviewed(db, state="awarded")

    response = await client.get(url(r.proposal), headers=await bearer(db, r.panel.vn_pi))

    assert response.status_code == 200
    assert response.json()["items"] == [
        {
            "round": 0,
            "scores": full_scores(5, 5, 5),
            "comments_to_applicants": "A convincing plan.",
            "recommendation": "fund",
        },
        {
            "round": 0,
            "scores": full_scores(2, 2, 2),
            "comments_to_applicants": "A convincing plan.",
            "recommendation": "fund",
        },
    ]
    assert r.vn_reviewer.display_name not in response.text
    assert str(r.vn_reviewer.id) not in response.text


async def test_strangers_get_404(client: Client, db: AsyncSession) -> None:
    r = await reviewed(db)
    _, unassigned = await reviewer_with_headers(db, r.panel.jst)
    researcher = await bearer(db, await make_user(db, "researcher", country="JP"))

    responses = [
        await client.get(url(r.proposal), headers=unassigned),
        await client.get(url(r.proposal), headers=researcher),
    ]

    assert [(x.status_code, x.json()["detail"]) for x in responses] == [
        (404, "No such proposal."),
        (404, "No such proposal."),
    ]


async def test_reviews_of_a_draft_are_404_for_everyone_but_its_consortium(
    client: Client, db: AsyncSession
) -> None:
    r = await reviewed(db)
    draft = await make_proposal(
        db, r.panel.call, {r.panel.jst.id: r.panel.jp_pi, r.panel.nafosted.id: r.panel.vn_pi}
    )
    auditor = await bearer(db, await make_user(db, "auditor"))

    officer = await client.get(url(draft), headers=r.panel.jst_headers)
    audit = await client.get(url(draft), headers=auditor)
    own = await client.get(url(draft), headers=await bearer(db, r.panel.jp_pi))

    assert [(x.status_code, x.json()["detail"]) for x in (officer, audit)] == [
        (404, "No such proposal."),
        (404, "No such proposal."),
    ]
    assert (own.status_code, own.json()) == (
        200,
        {"items": [], "total": 0, "limit": 50, "offset": 0},
    )


async def test_reviewer_with_active_conflict_gets_404_dismissed_one_does_not_hide(
    client: Client, db: AsyncSession
) -> None:
    r = await reviewed(db)
    conflict = ConflictFactory(proposal_id=r.proposal.id, reviewer_id=r.vn_reviewer.id)
    await persist(db, conflict)

    hidden = await client.get(url(r.proposal), headers=r.vn_headers)
    conflict.status = "dismissed"
    await persist(db, conflict)
    shown = await client.get(url(r.proposal), headers=r.vn_headers)

    assert (hidden.status_code, hidden.json()["detail"]) == (404, "No such proposal.")
    assert (shown.status_code, shown.json()["items"]) == (200, [peer(r.vn_review, "NAFOSTED")])


async def test_officer_list_runs_constant_queries(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    r = await reviewed(db)
    counts = []
    for _ in range(2):
        queries.count, queries.active = 0, True
        response = await client.get(url(r.proposal), headers=r.panel.jst_headers)
        queries.active = False
        counts.append((queries.count, response.json()["total"]))
        for _ in range(2):
            extra, _ = await reviewer_with_headers(db, r.panel.jst)
            await submitted(db, await assign(db, r.proposal, extra, r.panel.jst), full_scores())

    n = queries_on(backend, 15)
    assert counts == [(n, 1), (n, 3)]
