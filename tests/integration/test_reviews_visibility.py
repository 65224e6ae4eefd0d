"""Who sees which reviews of a proposal: reviewers after their own submission, each agency's
wall in parallel mode until the joint ranking, applicants only after the decision and never
reviewer identities or confidential comments; anyone else 404."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Approval, Proposal, ReviewAssignment, User
from tests.conftest import QueryCounter
from tests.factories import RankingFactory, ReviewFactory, bearer, make_user, persist
from tests.factories_scoring import (
    Panel,
    assign,
    full_scores,
    make_panel,
    reviewer_with_headers,
    submitted,
)

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


async def reviewed(db: AsyncSession, state: str = "under_review", **call: str) -> Reviewed:
    """A proposal with one submitted review in each pool, and a JST reviewer still drafting."""
    panel = await make_panel(db, proposal_state=state, **call)
    proposal = panel.proposals[0]
    other_jp, _ = await reviewer_with_headers(db, panel.jst)
    await submitted(
        db,
        await assign(db, proposal, other_jp, panel.jst),
        full_scores(5, 5, 5),
        confidential_comments="JST panel only.",
    )
    vn_reviewer, vn_headers = await reviewer_with_headers(db, panel.nafosted)
    await submitted(
        db,
        await assign(db, proposal, vn_reviewer, panel.nafosted),
        full_scores(2, 2, 2),
        confidential_comments="NAFOSTED panel only.",
    )
    jp_reviewer, jp_headers = await reviewer_with_headers(db, panel.jst)
    jp_assignment = await assign(db, proposal, jp_reviewer, panel.jst)
    await persist(db, ReviewFactory(assignment_id=jp_assignment.id, scores={"novelty": 1}))
    return Reviewed(
        panel, proposal, jp_reviewer, jp_headers, jp_assignment, vn_reviewer, vn_headers
    )


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


async def test_reviewer_after_submission_sees_own_pool_without_names(
    client: Client, db: AsyncSession
) -> None:
    r = await reviewed(db)
    await client.put(
        f"/api/assignments/{r.jp_assignment.id}/review",
        headers=r.jp_headers,
        json={"version": 1, "scores": full_scores(3, 3, 3)},
    )
    await client.post(
        f"/api/assignments/{r.jp_assignment.id}/events/submit",
        headers=r.jp_headers,
        json={"version": 1},
    )

    response = await client.get(url(r.proposal), headers=r.jp_headers)

    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["pool_agency"], i["reviewer"], i["scores"]["novelty"]) for i in items] == [
        ("JST", None, 5),
        ("JST", None, 3),
    ]
    assert items[0]["confidential_comments"] == "JST panel only."
    assert response.json()["total"] == 2


async def test_officers_see_only_their_own_pool_with_names(
    client: Client, db: AsyncSession
) -> None:
    r = await reviewed(db)

    jst = await client.get(url(r.proposal), headers=r.panel.jst_headers)
    nafosted = await client.get(url(r.proposal), headers=r.panel.nafosted_headers)

    assert [(i["pool_agency"], i["scores"]["novelty"]) for i in jst.json()["items"]] == [("JST", 5)]
    assert [(i["pool_agency"], i["reviewer"]) for i in nafosted.json()["items"]] == [
        ("NAFOSTED", r.vn_reviewer.display_name)
    ]


async def test_wall_falls_once_joint_ranking_recorded(client: Client, db: AsyncSession) -> None:
    r = await reviewed(db)
    await record_joint_ranking(db, r.panel)

    officer = await client.get(url(r.proposal), headers=r.panel.jst_headers)
    reviewer = await client.get(url(r.proposal), headers=r.vn_headers)

    assert [i["pool_agency"] for i in officer.json()["items"]] == ["JST", "NAFOSTED"]
    assert [i["pool_agency"] for i in reviewer.json()["items"]] == ["JST", "NAFOSTED"]


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


async def test_officer_list_runs_constant_queries(
    client: Client, db: AsyncSession, queries: QueryCounter
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

    assert counts[1][0] == counts[0][0]
    assert [t for _, t in counts] == [1, 3]
