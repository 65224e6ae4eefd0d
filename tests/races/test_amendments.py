"""Both agencies approving one no-cost extension at the same instant, on PostgreSQL with real
parallel clients: they queue on the amendment's row (then its grant's), both keys are recorded,
the amendment is approved once, the end date moves once and the tranches are re-planned once.

These tests commit for real, so they run in a PostgreSQL database of their own.
"""

from __future__ import annotations

import datetime

from sqlalchemy import func, select

from grants.db.models import Amendment, AuditEvent, Grant, Tranche
from tests.factories import bearer
from tests.factories_awards import make_deciding, make_grant, with_tranches
from tests.races.arena import Arena, post


async def test_both_agencies_approving_at_once_extend_the_grant_once(arena: Arena) -> None:
    async with arena.arrange() as s:
        panel = await make_deciding(s)
        grant = await make_grant(s, panel, panel.proposals[0])
        await with_tranches(s, panel, grant)
        pi = await bearer(s, panel.jp_pi)
        officers = [await bearer(s, panel.jst_officer), await bearer(s, panel.nafosted_officer)]
    async with arena.client(pi) as client:
        requested = await client.post(
            f"/api/grants/{grant.id}/amendments",
            json={"kind": "no_cost_extension", "reason": "Delays.", "end_date": "2030-10-01"},
        )
    assert requested.status_code == 201, requested.json()
    url = f"/api/amendments/{requested.json()['id']}/events/decide"
    body = {"version": 1, "data": {"decision": "approve", "rationale": "Agreed."}}

    responses = await arena.race([post(url, h, body) for h in officers])

    assert sorted((r.status_code, r.json()["state"]) for r in responses) == [
        (200, "approved"),
        (200, "requested"),
    ]
    async with arena.session() as session:
        stored = await session.get(Grant, grant.id)
        amendment = await session.get(Amendment, requested.json()["id"])
        assert stored is not None
        assert amendment is not None
        assert (stored.end_date, amendment.state, amendment.version) == (
            datetime.date(2030, 10, 1),
            "approved",
            2,
        )
        actions = await session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("amendment.%"))
        )
        assert sorted(actions) == [
            "amendment.approve",
            "amendment.decide",
            "amendment.decide",
            "amendment.request",
        ]
        rows = list(await session.scalars(select(Tranche).where(Tranche.grant_id == grant.id)))
        assert len(rows) == 8  # JST gains FY2030; NAFOSTED's FY2030 grows
        for side in stored.sides:
            total = sum(t.planned_amount for t in rows if t.side_id == side.id)
            assert total == side.awarded_total
        count = await session.scalar(select(func.count()).select_from(Tranche))
        assert count == 8
    await arena.check()
