"""`GET /api/proposals`: what each role sees, filters, pagination, constant SQL queries."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import QueryCounter
from tests.factories import bearer, make_call, make_proposal, make_user
from tests.factories_proposals import make_world
from tests.support.queries import queries_on

Client = httpx.AsyncClient


async def test_each_role_sees_its_own_share(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    mine = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    other_pi = await make_user(db, "researcher", country="JP")
    submitted = await make_proposal(
        db, world.call, {world.jst.id: other_pi}, state="submitted", reference="JV-2026-0001"
    )
    await make_proposal(db, world.call, {world.jst.id: other_pi})  # another's draft
    fwo_call = await make_call(db, world.jst_officer, world.fwo, code="FWO-1")
    fwo_pi = await make_user(db, "researcher", country="BE")
    elsewhere = await make_proposal(db, fwo_call, {world.fwo.id: fwo_pi}, state="submitted")
    auditor = await make_user(db, "auditor")
    fwo_officer = await make_user(db, "officer", agency=world.fwo)

    async def ids(user: object) -> list[str]:
        response = await client.get("/api/proposals", headers=await bearer(db, user))  # type: ignore[arg-type]
        return sorted(p["id"] for p in response.json()["items"])

    assert await ids(world.jp_pi) == [str(mine.id)]
    assert await ids(world.jst_officer) == [str(submitted.id)]
    assert await ids(fwo_officer) == [str(elsewhere.id)]
    assert await ids(auditor) == sorted([str(submitted.id), str(elsewhere.id)])
    assert await ids(await make_user(db, "reviewer")) == []


async def test_filters_and_pagination(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    pis = [await make_user(db, "researcher", country="JP") for _ in range(3)]
    for i, pi in enumerate(pis):
        await make_proposal(
            db, world.call, {world.jst.id: pi}, state="submitted", reference=f"R-{i}"
        )
    await make_proposal(db, world.call, {world.jst.id: world.jp_pi}, state="withdrawn")
    headers = await bearer(db, world.jst_officer)

    page = await client.get(
        f"/api/proposals?call_id={world.call.id}&state=submitted&limit=2&offset=2",
        headers=headers,
    )

    assert page.status_code == 200
    body = page.json()
    assert (body["total"], body["limit"], body["offset"], len(body["items"])) == (3, 2, 2, 1)


async def test_list_constant_queries_at_1_and_20(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    world = await make_world(db)
    headers = await bearer(db, world.jst_officer)

    async def count_for_page() -> tuple[int, int]:
        queries.count, queries.active = 0, True
        response = await client.get("/api/proposals?limit=50", headers=headers)
        queries.active = False
        return queries.count, response.json()["total"]

    await make_proposal(db, world.call, {world.jst.id: world.jp_pi}, state="submitted")
    one = await count_for_page()
    for _ in range(19):
        pi = await make_user(db, "researcher", country="JP")
        await make_proposal(
            db, world.call, {world.jst.id: pi, world.nafosted.id: world.vn_pi}, state="submitted"
        )
    twenty = await count_for_page()

    n = queries_on(backend, 10)
    assert (one, twenty) == ((n, 1), (n, 20))
