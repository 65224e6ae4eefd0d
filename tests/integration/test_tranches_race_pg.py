"""Twenty officers of one agency approving one requested tranche at the same instant, on
PostgreSQL with real parallel clients: they queue on the tranche's row, exactly one approves,
the others meet the approved tranche (409) and write nothing.

These tests commit for real, so they run in a PostgreSQL database of their own.
"""

from __future__ import annotations

import asyncio
import datetime

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from grants.audit import chain
from grants.db.models import AuditEvent, Tranche
from tests.factories import bearer
from tests.factories_awards import make_deciding, make_grant, with_tranches

ROUNDS = 20
pytestmark = pytest.mark.postgres


async def test_concurrent_approvals_of_one_tranche_approve_it_once(
    committed_engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    async with async_sessionmaker(committed_engine, expire_on_commit=False)() as s, s.begin():
        panel = await make_deciding(s)
        grant = await make_grant(s, panel, panel.proposals[0])
        first = (await with_tranches(s, panel, grant))[0]
        first.state, first.requested_amount = "requested", first.planned_amount
        first.requested_by = panel.jp_pi.id
        first.requested_at = datetime.datetime.now(datetime.UTC)
        # A token per request: requests sharing a token would queue on its row.
        tokens = [await bearer(s, panel.jst_officer) for _ in range(ROUNDS)]
    url, seen = f"/api/tranches/{first.id}/events/approve", first.version

    responses = await asyncio.gather(
        *[http.post(url, headers=h, json={"version": seen, "data": {}}) for h in tokens]
    )

    won = [r for r in responses if r.status_code == 200]
    lost = [r for r in responses if r.status_code != 200]
    assert [(r.json()["state"], r.json()["version"]) for r in won] == [("approved", seen + 1)]
    assert [(r.status_code, r.json()["code"], r.json()["detail"]) for r in lost] == [
        (409, "workflow.not_allowed_from_state", LOST)
    ] * (ROUNDS - 1)
    async with AsyncSession(committed_engine) as session:
        stored = await session.get(Tranche, first.id)
        assert stored is not None
        assert (stored.state, stored.approved_amount, stored.version) == (
            "approved",
            6_500_000,
            seen + 1,
        )
        approvals = await session.scalar(
            select(func.count()).where(AuditEvent.action == "tranche.approve")
        )
        assert approvals == 1
        assert (await chain.verify(session)).intact


LOST = "'approve' is not possible in state 'approved'; it is allowed from 'requested'."
