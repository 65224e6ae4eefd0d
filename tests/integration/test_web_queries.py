"""The researchers' main pages read with a fixed number of SQL statements: the dashboard does
not grow with the reader's proposals, nor the proposal page with its team or budget lines."""

from __future__ import annotations

import re

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import QueryCounter
from tests.factories import (
    PASSWORD,
    BudgetLineFactory,
    PartMemberFactory,
    make_proposal,
    persist,
)
from tests.factories_proposals import make_world

Client = httpx.AsyncClient


async def _sign_in(client: Client, email: str) -> None:
    login = await client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', login.text)
    assert token is not None
    signed = await client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf": token.group(1)}
    )
    assert signed.status_code == 302


async def _count(client: Client, queries: QueryCounter, path: str) -> tuple[int, str]:
    await client.get(path)  # warm: the session's first use may write its last-seen time
    queries.count, queries.active = 0, True
    shown = await client.get(path)
    queries.active = False
    assert shown.status_code == 200, shown.text
    return queries.count, shown.text


async def test_dashboard_reads_as_many_statements_for_one_proposal_as_for_four(
    client: Client, db: AsyncSession, queries: QueryCounter
) -> None:
    world = await make_world(db)
    await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    await _sign_in(client, world.jp_pi.email)

    one, page_one = await _count(client, queries, "/")
    for _ in range(3):
        await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    four, page_four = await _count(client, queries, "/")

    assert (page_one.count('href="/proposals/'), page_four.count('href="/proposals/')) == (1, 4)
    assert one == four


async def test_proposal_page_reads_as_many_statements_for_one_member_as_for_five(
    client: Client, db: AsyncSession, queries: QueryCounter
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(
        db, world.call, {world.jst.id: world.jp_pi, world.nafosted.id: world.vn_pi}
    )
    jst = next(p for p in proposal.parts if p.agency_id == world.jst.id)
    await _sign_in(client, world.jp_pi.email)
    path = f"/proposals/{proposal.id}"

    one, _ = await _count(client, queries, path)
    await persist(
        db,
        *[PartMemberFactory(part_id=jst.id) for _ in range(4)],
        *[
            BudgetLineFactory(part_id=jst.id, year=year, amount=1_000_000, currency="JPY")
            for year in (1, 2, 3)
        ],
    )
    five, page = await _count(client, queries, path)

    assert page.count('<details class="member-edit"') == 5
    assert one == five
