"""Exact SQL query counts of the list endpoints no feature test pins yet: the count is the
same at one item and at many (DESIGN.md: a list runs a constant number of queries), and
exact, so a relationship that starts loading per row, or one more query, shows up here."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import chain
from grants.common.actors import SYSTEM
from tests.conftest import QueryCounter
from tests.factories import (
    AgencyFactory,
    CallReviewerFactory,
    ReviewAssignmentFactory,
    bearer,
    make_call,
    make_user,
    persist,
)
from tests.factories_assignment import make_review_world as make_assignment_world
from tests.factories_reviews_pool import make_review_world, serving_reviewer
from tests.support.queries import queries_on

Client = httpx.AsyncClient


async def counted(
    client: Client, queries: QueryCounter, url: str, headers: dict[str, str]
) -> tuple[int, int]:
    """(SQL statements, items listed) of one GET of `url`."""
    queries.count, queries.active = 0, True
    response = await client.get(url, headers=headers)
    queries.active = False
    body: Any = response.json()
    return queries.count, body["total"] if isinstance(body, dict) else len(body)


async def test_agencies_list_exact_queries_at_1_and_20(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    headers = await bearer(db, await make_user(db, "admin"))
    url = "/api/agencies?limit=50"
    await persist(db, AgencyFactory())
    one = await counted(client, queries, url, headers)
    await persist(db, *(AgencyFactory() for _ in range(19)))
    twenty = await counted(client, queries, url, headers)

    n = queries_on(backend, 7)
    assert (one, twenty) == ((n, 1), (n, 20))


async def test_audit_events_exact_queries_at_1_and_20(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    headers = await bearer(db, await make_user(db, "auditor"))
    url = "/api/audit/events?action=test.event&limit=50"
    counts = []
    for i in range(20):
        await chain.append(
            db, actor=SYSTEM, action="test.event", entity_type="thing", entity_id=i, changes={}
        )
        if i in (0, 19):
            counts.append(await counted(client, queries, url, headers))

    n = queries_on(backend, 7)
    assert counts == [(n, 1), (n, 20)]


async def test_my_review_assignments_exact_queries_at_1_and_3(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    rw = await make_assignment_world(db)
    reviewer = rw.jp[0]
    headers = await bearer(db, reviewer)
    url = "/api/me/review-assignments?limit=50"
    counts = []
    for proposal in rw.proposals:
        row = ReviewAssignmentFactory(
            proposal_id=proposal.id,
            reviewer_id=reviewer.id,
            pool_agency_id=rw.world.jst.id,
            state="invited",
        )
        await persist(db, row)
        counts.append(await counted(client, queries, url, headers))

    n = queries_on(backend, 12)
    assert counts == [(n, 1), (n, 2), (n, 3)]


async def test_call_reviewers_exact_queries_at_1_and_20(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    rw = await make_review_world(db)
    headers = await bearer(db, rw.world.jst_officer)
    url = f"/api/calls/{rw.call_id}/reviewers?limit=50"
    await serving_reviewer(db, rw)
    one = await counted(client, queries, url, headers)
    for _ in range(19):
        await serving_reviewer(db, rw)
    twenty = await counted(client, queries, url, headers)

    n = queries_on(backend, 12)
    assert (one, twenty) == ((n, 1), (n, 20))


async def test_my_tokens_exact_queries_at_1_and_20(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    user = await make_user(db, "researcher")
    headers = await bearer(db, user)
    one = await counted(client, queries, "/api/me/tokens", headers)
    for _ in range(19):
        await bearer(db, user)
    twenty = await counted(client, queries, "/api/me/tokens", headers)

    n = queries_on(backend, 6)
    assert (one, twenty) == ((n, 1), (n, 20))


async def test_my_review_calls_exact_queries_at_1_and_5(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    rw = await make_review_world(db)
    reviewer = await serving_reviewer(db, rw)
    headers = await bearer(db, reviewer)
    one = await counted(client, queries, "/api/me/review-calls", headers)
    for _ in range(4):
        call = await make_call(db, rw.world.jst_officer, rw.world.jst, rw.world.nafosted)
        await persist(
            db,
            CallReviewerFactory(
                call_id=call.id, reviewer_id=reviewer.id, agency_id=rw.world.jst.id
            ),
        )
    five = await counted(client, queries, "/api/me/review-calls", headers)

    n = queries_on(backend, 8)
    assert (one, five) == ((n, 1), (n, 5))
