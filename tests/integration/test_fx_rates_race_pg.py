"""Ten officers recording the same day, pair and source at the same instant, on PostgreSQL
with real parallel clients: the unique key lets exactly one rate in, the others get 409 and
write nothing (the check before the insert, or the unique key when they raced past it), never a 500.

These tests commit for real, so they run in a PostgreSQL database of their own.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from grants.audit import chain
from grants.db.models import AuditEvent, FxRate
from tests.factories import AgencyFactory, bearer, make_user, persist

ROUNDS = 10
pytestmark = pytest.mark.postgres
BODY = {"rate_date": "2027-03-31", "base": "JPY", "quote": "VND", "rate": "170.5", "source": "SBV"}


async def test_concurrent_records_of_one_rate_store_it_once(
    committed_engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    async with async_sessionmaker(committed_engine, expire_on_commit=False)() as s, s.begin():
        agency = AgencyFactory(code="JST")
        await persist(s, agency)
        officers = [await make_user(s, "officer", agency=agency) for _ in range(ROUNDS)]
        tokens = [await bearer(s, officer) for officer in officers]

    responses = await asyncio.gather(
        *[http.post("/api/fx-rates", headers=h, json=BODY) for h in tokens]
    )

    assert sorted(r.status_code for r in responses) == [201] + [409] * (ROUNDS - 1)
    lost = {r.json()["code"] for r in responses if r.status_code == 409}
    assert lost <= {"fx.rate.duplicate", "fx.rate.recorded_meanwhile"}
    async with AsyncSession(committed_engine) as session:
        assert await session.scalar(select(func.count()).select_from(FxRate)) == 1
        created = await session.scalar(
            select(func.count()).where(AuditEvent.action == "fx_rate.create")
        )
        assert created == 1
        assert (await chain.verify(session)).intact
