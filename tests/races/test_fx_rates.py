"""Ten officers recording the same day, pair and source at the same instant, on PostgreSQL
with real parallel clients: the unique key lets exactly one rate in, the others get 409 and
write nothing (the check before the insert, or the unique key when they raced past it), never a 500.

These tests commit for real, so they run in a PostgreSQL database of their own.
"""

from __future__ import annotations

from sqlalchemy import func, select

from grants.db.models import AuditEvent, FxRate
from tests.factories import AgencyFactory, bearer, make_user, persist
from tests.races.arena import Arena, post

ROUNDS = 10
BODY = {"rate_date": "2027-03-31", "base": "JPY", "quote": "VND", "rate": "170.5", "source": "SBV"}


async def test_concurrent_records_of_one_rate_store_it_once(arena: Arena) -> None:
    async with arena.arrange() as s:
        agency = AgencyFactory(code="JST")
        await persist(s, agency)
        officers = [await make_user(s, "officer", agency=agency) for _ in range(ROUNDS)]
        tokens = [await bearer(s, officer) for officer in officers]

    responses = await arena.race([post("/api/fx-rates", h, BODY) for h in tokens])

    assert sorted(r.status_code for r in responses) == [201] + [409] * (ROUNDS - 1)
    lost = {r.json()["code"] for r in responses if r.status_code == 409}
    assert lost <= {"fx.rate.duplicate", "fx.rate.recorded_meanwhile"}
    async with arena.session() as session:
        assert await session.scalar(select(func.count()).select_from(FxRate)) == 1
        created = await session.scalar(
            select(func.count()).where(AuditEvent.action == "fx_rate.create")
        )
        assert created == 1
    await arena.check()
