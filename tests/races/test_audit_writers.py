"""Audit writers racing through the HTTP API: many transitions at once keep one unbroken chain
and one tree; many officers firing one event on one entity: exactly one wins."""

from __future__ import annotations

from sqlalchemy import select

from grants.db.models import AuditEvent
from tests.factories import bearer, make_user
from tests.races.arena import Arena, post

WRITERS = 24


async def test_concurrent_transitions_keep_one_unbroken_chain(arena: Arena) -> None:
    async with arena.arrange() as s:
        admin = await make_user(s, "admin")
        tokens = [await bearer(s, admin) for _ in range(WRITERS)]
        people = [await make_user(s, "researcher") for _ in range(WRITERS)]

    responses = await arena.race(
        [
            post(f"/api/users/{p.id}/events/suspend", h, {"version": 1})
            for p, h in zip(people, tokens, strict=True)
        ]
    )

    assert [(r.status_code, r.json()["state"]) for r in responses] == [(200, "suspended")] * WRITERS
    async with arena.session() as session:
        seqs = list(
            await session.scalars(select(AuditEvent.seq).where(AuditEvent.action == "user.suspend"))
        )
    assert len(seqs) == WRITERS
    await arena.check()


async def test_racing_on_one_entity_exactly_one_wins(arena: Arena) -> None:
    async with arena.arrange() as s:
        admin = await make_user(s, "admin")
        tokens = [await bearer(s, admin) for _ in range(10)]
        person = await make_user(s, "researcher")

    responses = await arena.race(
        [post(f"/api/users/{person.id}/events/suspend", h, {"version": 1}) for h in tokens]
    )

    assert sorted(r.status_code for r in responses) == [200] + [409] * 9
    async with arena.session() as session:
        suspended = list(
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "user.suspend"))
        )
    assert len(suspended) == 1
    await arena.check()
