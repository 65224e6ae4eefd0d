"""Fifty officers of one agency approving one requested tranche at the same instant, and as
many paying one approved tranche, on PostgreSQL with real parallel clients (each its own token,
request and database connection): they queue on the tranche's row, exactly one wins, the others
meet the new state (409, all with the same problem body) and write nothing; one audit event,
and the audit chain still verifies.

These tests commit for real, so they run in a PostgreSQL database of their own.
"""

from __future__ import annotations

import asyncio
import datetime
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from grants.audit import chain
from grants.db.models import AuditEvent, Tranche
from tests.factories import bearer
from tests.factories_awards import make_deciding, make_grant, with_tranches
from tests.races.arena import Arena, post
from tests.support.problems import problem

ROUNDS = 50
NOW = datetime.datetime(2027, 4, 2, tzinfo=datetime.UTC)


async def _tranche_in(engine: AsyncEngine, state: str) -> tuple[Tranche, list[dict[str, str]]]:
    """The JST side's first tranche in `state` (requested by the JST PI; approved in full when
    `approved`), and a token of the JST officer per request: requests sharing a token would
    queue on its row, not the tranche's."""
    async with async_sessionmaker(engine, expire_on_commit=False)() as s, s.begin():
        panel = await make_deciding(s)
        grant = await make_grant(s, panel, panel.proposals[0])
        first = (await with_tranches(s, panel, grant))[0]
        first.state, first.requested_amount = state, first.planned_amount
        first.requested_by, first.requested_at = panel.jp_pi.id, NOW
        if state == "approved":
            first.approved_amount, first.approved_by = first.planned_amount, panel.jst_officer.id
            first.approved_at = NOW
        tokens = [await bearer(s, panel.jst_officer) for _ in range(ROUNDS)]
    return first, tokens


async def _race(
    arena: Arena, tranche: Tranche, event: str, tokens: list[dict[str, str]], data: Any
) -> tuple[list[httpx.Response], list[httpx.Response]]:
    url = f"/api/tranches/{tranche.id}/events/{event}"
    body = {"version": tranche.version, "data": data}
    responses = await arena.race([post(url, h, body) for h in tokens])
    won = [r for r in responses if r.status_code == 200]
    return won, [r for r in responses if r.status_code != 200]


def _lost(tranche_id: uuid.UUID, event: str, state: str, source: str) -> dict[str, Any]:
    message = f"'{event}' is not possible in state '{state}'; it is allowed from '{source}'."
    params = {"event": event, "state": state, "sources": f"'{source}'"}
    return {
        "type": "urn:cofund:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": message,
        "instance": f"/api/tranches/{tranche_id}/events/{event}",
        "code": "workflow.not_allowed_from_state",
        "params": params,
        "reasons": [
            {"code": "workflow.not_allowed_from_state", "params": params, "message": message}
        ],
    }


async def _stored(engine: AsyncEngine, tranche_id: uuid.UUID, action: str) -> tuple[Any, ...]:
    async with AsyncSession(engine) as session:
        stored = await session.get(Tranche, tranche_id)
        assert stored is not None
        events = await session.scalar(select(func.count()).where(AuditEvent.action == action))
        intact = (await chain.verify(session)).intact
        return stored.state, stored.version, events, intact


async def test_fifty_concurrent_approvals_of_one_tranche_approve_it_once(arena: Arena) -> None:
    first, tokens = await _tranche_in(arena.engine, "requested")

    won, lost = await _race(arena, first, "approve", tokens, {})

    seen = first.version
    assert [(r.json()["state"], r.json()["version"]) for r in won] == [("approved", seen + 1)]
    assert [(r.status_code, problem(r)) for r in lost] == [
        (409, _lost(first.id, "approve", "approved", "requested"))
    ] * (ROUNDS - 1)
    assert won[0].json()["approved"]["amount"] == {"amount": 6_500_000, "currency": "JPY"}
    assert await _stored(arena.engine, first.id, "tranche.approve") == (
        "approved",
        seen + 1,
        1,
        True,
    )
    await arena.check()


async def test_fifty_concurrent_payments_of_one_approved_tranche_pay_it_once(arena: Arena) -> None:
    first, tokens = await _tranche_in(arena.engine, "approved")
    payment = {"amount": 6_500_000, "payment_reference": "MUFG-1", "paid_on": "2027-04-10"}

    won, lost = await _race(arena, first, "disburse", tokens, payment)

    seen = first.version
    assert [(r.json()["state"], r.json()["disbursed"]["amount"]["amount"]) for r in won] == [
        ("disbursed", 6_500_000)
    ]
    assert [(r.status_code, problem(r)) for r in lost] == [
        (409, _lost(first.id, "disburse", "disbursed", "approved"))
    ] * (ROUNDS - 1)
    assert await _stored(arena.engine, first.id, "tranche.disburse") == (
        "disbursed",
        seen + 1,
        1,
        True,
    )
    await arena.check()


async def test_two_sessions_paying_one_side_past_its_award_at_once_cannot_both_commit(
    arena: Arena,
) -> None:
    # Each write is within its row's checks; together they pass the award. The database's
    # trigger locks the side's row, so the second waits for the first and then counts it.
    first, _ = await _tranche_in(arena.engine, "approved")
    async with arena.session() as s:
        side_id = first.side_id
        ids = list(await s.scalars(select(Tranche.id).where(Tranche.side_id == side_id)))
        award = int(
            await s.scalar(
                select(func.sum(Tranche.planned_amount)).where(Tranche.side_id == side_id)
            )
            or 0
        )

    def paid(amount: int) -> dict[str, Any]:
        return {
            "planned_amount": amount,
            "approved_amount": amount,
            "disbursed_amount": amount,
            "state": "disbursed",
        }

    async with arena.engine.connect() as a, arena.engine.connect() as b:
        await a.execute(update(Tranche).where(Tranche.id == ids[0]).values(**paid(award)))
        late = asyncio.create_task(
            b.execute(update(Tranche).where(Tranche.id == ids[1]).values(**paid(1)))
        )
        await asyncio.sleep(0.5)
        waiting = not late.done()
        await a.commit()
        with pytest.raises(IntegrityError, match="disbursements_within_award"):
            await late
        await b.rollback()

    assert waiting
    async with arena.session() as s:
        total = await s.scalar(
            select(func.sum(Tranche.disbursed_amount)).where(Tranche.side_id == side_id)
        )
    # The rows were written past the app, to test the database's own trigger: the tranches no
    # longer add up to the award, so `arena.check()` would rightly refuse this database.
    assert total == award
