"""Aggregated scores per proposal: exact means and medians, calibration, confidence weighting,
the disagreement flag and each agency's wall."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Proposal
from tests.conftest import QueryCounter
from tests.factories import bearer, make_user
from tests.factories_scoring import Panel, assign, full_scores, make_panel, reviewer_with_headers
from tests.factories_scoring import submitted as submit_review

Client = httpx.AsyncClient


async def score(
    db: AsyncSession,
    panel: Panel,
    pool: Agency,
    rows: list[tuple[Proposal, tuple[int, int, int], int]],
) -> None:
    """Submitted reviews from rows (proposal, scores, reviewer number); one new reviewer of
    `pool` per number, reviewer 0 with confidence 4 and the others 1."""
    reviewers = {}
    for proposal, (n, f, i), who in rows:
        if who not in reviewers:
            reviewers[who], _ = await reviewer_with_headers(db, pool)
        assignment = await assign(db, proposal, reviewers[who], pool)
        await submit_review(db, assignment, full_scores(n, f, i), confidence=4 if who == 0 else 1)


async def two_proposals(db: AsyncSession) -> Panel:
    panel = await make_panel(db, n_proposals=2)
    p1, p2 = panel.proposals
    await score(
        db,
        panel,
        panel.jst,
        [
            (p1, (4, 3, 5), 0),
            (p1, (2, 5, 3), 1),
            (p1, (5, 4, 4), 2),
            (p2, (1, 1, 1), 0),
            (p2, (5, 5, 5), 1),
        ],
    )
    await score(db, panel, panel.nafosted, [(p1, (1, 1, 1), 0)])
    return panel


def summary(body: dict[str, object]) -> list[tuple[object, ...]]:
    rows = body["proposals"]
    assert isinstance(rows, list)
    return [
        (r["reference"], r["position"], r["total"], r["n_reviews"], r["spread"], r["disagreement"])
        for r in rows
    ]


async def test_mean_is_exact_and_walled_to_own_pool(client: Client, db: AsyncSession) -> None:
    panel = await two_proposals(db)

    response = await client.get(f"/api/calls/{panel.call.id}/scores", headers=panel.jst_headers)

    assert response.status_code == 200
    body = response.json()
    assert (body["agency"], body["method"], body["disagreement_threshold"]) == ("JST", "mean", 1.5)
    assert summary(body) == [
        ("JV-2026-0001", 1, 3.866667, 3, 1.2, False),
        ("JV-2026-0002", 2, 3.0, 2, 4.0, True),
    ]
    assert body["proposals"][0]["criterion_scores"] == {
        "novelty": 3.666667,
        "feasibility": 4.0,
        "impact": 4.0,
    }


async def test_median_is_exact(client: Client, db: AsyncSession) -> None:
    panel = await two_proposals(db)

    response = await client.get(
        f"/api/calls/{panel.call.id}/scores",
        params={"method": "median", "disagreement_threshold": 5},
        headers=panel.jst_headers,
    )

    assert summary(response.json()) == [
        ("JV-2026-0001", 1, 4.0, 3, 1.2, False),
        ("JV-2026-0002", 2, 3.0, 2, 4.0, False),
    ]


async def test_confidence_weighting(client: Client, db: AsyncSession) -> None:
    panel = await two_proposals(db)

    response = await client.get(
        f"/api/calls/{panel.call.id}/scores",
        params={"confidence_weighted": "true"},
        headers=panel.jst_headers,
    )

    # Reviewer 0 has confidence 4, the others 1. P1 novelty (16+2+5)/6, feasibility (12+5+4)/6,
    # impact (20+3+4)/6; P2: 1s weighted 4 and 5s weighted 1 give (4+5)/5 = 1.8 everywhere.
    assert [r["total"] for r in response.json()["proposals"]] == [3.933333, 1.8]


async def test_calibration_keeps_a_single_reviewers_order(client: Client, db: AsyncSession) -> None:
    panel = await make_panel(db, n_proposals=2)
    p1, p2 = panel.proposals
    await score(db, panel, panel.jst, [(p1, (4, 3, 5), 0), (p2, (2, 5, 3), 0)])
    url = f"/api/calls/{panel.call.id}/scores"

    plain = await client.get(url, headers=panel.jst_headers)
    calibrated = await client.get(url, params={"calibrate": "true"}, headers=panel.jst_headers)

    assert [(r["reference"], r["total"]) for r in plain.json()["proposals"]] == [
        ("JV-2026-0001", 4.0),
        ("JV-2026-0002", 3.2),
    ]
    assert [(r["reference"], r["total"]) for r in calibrated.json()["proposals"]] == [
        ("JV-2026-0001", 0.4),
        ("JV-2026-0002", -0.4),
    ]


async def test_other_agencys_pool_is_refused_until_joint_ranking(
    client: Client, db: AsyncSession
) -> None:
    panel = await two_proposals(db)

    response = await client.get(
        f"/api/calls/{panel.call.id}/scores",
        params={"agency": "JST"},
        headers=panel.nafosted_headers,
    )

    assert (response.status_code, response.json()["detail"]) == (
        403,
        "JST's reviews, scores and ranking stay behind its wall until the joint ranking is "
        "recorded.",
    )


async def test_nafosted_officer_sees_own_pool(client: Client, db: AsyncSession) -> None:
    panel = await two_proposals(db)

    response = await client.get(
        f"/api/calls/{panel.call.id}/scores", headers=panel.nafosted_headers
    )

    assert summary(response.json()) == [
        ("JV-2026-0001", 1, 1.0, 1, 0.0, False),
        ("JV-2026-0002", 2, None, 0, None, False),
    ]


async def test_researcher_may_not_see_scores(client: Client, db: AsyncSession) -> None:
    panel = await two_proposals(db)
    headers = await bearer(db, await make_user(db, "researcher", country="JP"))

    response = await client.get(f"/api/calls/{panel.call.id}/scores", headers=headers)

    assert (response.status_code, response.json()["detail"]) == (
        403,
        "Only the co-funding agencies' officers see scores and rankings.",
    )


async def test_scores_and_call_facts_run_constant_queries(
    client: Client, db: AsyncSession, queries: QueryCounter
) -> None:
    panel = await make_panel(db, n_proposals=3)
    p1, p2, p3 = panel.proposals
    await score(db, panel, panel.jst, [(p1, (4, 3, 5), 0)])
    call = f"/api/calls/{panel.call.id}"
    counts = []
    for more in ([(p2, (2, 2, 2), 1), (p3, (3, 3, 3), 1), (p3, (5, 5, 5), 2)], []):
        queries.count, queries.active = 0, True
        await client.get(f"{call}/scores", headers=panel.jst_headers)
        await client.get(f"{call}/transitions", headers=panel.jst_headers)
        queries.active = False
        counts.append(queries.count)
        await score(db, panel, panel.jst, more)

    assert counts[0] == counts[1]
