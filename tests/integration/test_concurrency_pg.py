"""Concurrent writers on PostgreSQL: one unbroken audit chain, and one winner per race.

These tests commit for real, so they run in a database of their own, created and dropped here.
"""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from grants.audit import chain
from grants.db.models import AuditEvent, User
from tests.factories import bearer, make_user

WRITERS = 24


async def _arrange(engine: AsyncEngine, users: int) -> tuple[dict[str, str], list[User]]:
    async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
        headers = await bearer(session, await make_user(session, "admin"))
        people = [await make_user(session, "researcher") for _ in range(users)]
    return headers, people


async def test_concurrent_transitions_keep_one_unbroken_chain(
    committed_engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    headers, people = await _arrange(committed_engine, WRITERS)

    responses = await asyncio.gather(
        *[
            http.post(f"/api/users/{p.id}/events/suspend", headers=headers, json={"version": 1})
            for p in people
        ]
    )

    assert [r.status_code for r in responses] == [200] * WRITERS
    async with AsyncSession(committed_engine) as session:
        result = await chain.verify(session)
        seqs = list(
            await session.scalars(select(AuditEvent.seq).where(AuditEvent.action == "user.suspend"))
        )
    assert result.intact is True
    assert len(seqs) == WRITERS
    assert result.events == max(seqs)


async def test_racing_on_one_entity_exactly_one_wins(
    committed_engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    headers, (person,) = await _arrange(committed_engine, 1)

    responses = await asyncio.gather(
        *[
            http.post(
                f"/api/users/{person.id}/events/suspend", headers=headers, json={"version": 1}
            )
            for _ in range(10)
        ]
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 9
    async with AsyncSession(committed_engine) as session:
        suspended = list(
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "user.suspend"))
        )
        assert (await chain.verify(session)).intact is True
    assert len(suspended) == 1
