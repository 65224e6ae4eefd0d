"""Two agencies turning their keys at the same instant, on PostgreSQL with real parallel
clients: one approval row and one audit event each, and the subject changes exactly once.

These tests commit for real, so they run in a PostgreSQL database of their own.
"""

from __future__ import annotations

import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Approval, AuditEvent, Call, Proposal
from tests.factories import bearer, make_call, make_user
from tests.factories_calls import make_cofunders
from tests.factories_proposals import make_world, ready_proposal
from tests.races.arena import Arena, post

ROUNDS = 6


async def _count(session: AsyncSession, action: str, entity_id: object) -> int:
    query = select(func.count()).where(
        AuditEvent.action == action, AuditEvent.entity_id == str(entity_id)
    )
    return int(await session.scalar(query) or 0)


async def test_both_agencies_approve_publishing_at_once(arena: Arena) -> None:
    async with arena.arrange() as s:
        co = await make_cofunders(s)
        calls = [
            await make_call(s, co.jst_officer, co.jst, co.nafosted, state="draft", code=f"R-{i}")
            for i in range(ROUNDS)
        ]
        # A token per request: requests sharing a token would queue on its row.
        tokens = [
            (await bearer(s, co.jst_officer), await bearer(s, co.nafosted_officer)) for _ in calls
        ]

    responses = await arena.race(
        [
            post(f"/api/calls/{c.id}/events/approve", h, {"version": 1})
            for c, pair in zip(calls, tokens, strict=True)
            for h in pair
        ]
    )

    assert [r.status_code for r in responses] == [200] * (2 * ROUNDS)
    async with arena.session() as session:
        for call in calls:
            stored = await session.get(Call, call.id)
            assert stored is not None
            approvals = await session.scalar(
                select(func.count()).where(Approval.subject_id == call.id)
            )
            assert (stored.state, stored.version, approvals) == ("open", 2, 2)
            assert [
                await _count(session, action, call.id)
                for action in ("approval.publish_call", "call.approve", "call.publish")
            ] == [2, 2, 1]
    await arena.check()


async def test_both_agencies_find_their_parts_eligible_at_once(arena: Arena) -> None:
    async with arena.arrange() as s:
        world = await make_world(s, closes_at=_past())
        vn_officer = await make_user(s, "officer", agency=world.nafosted)
        proposals = []
        for i in range(ROUNDS):
            jp = await make_user(s, "researcher", country="JP")
            vn = await make_user(s, "researcher", country="VN")
            proposals.append(
                await ready_proposal(
                    s,
                    world,
                    jp_pi=jp,
                    vn_pi=vn,
                    state="submitted",
                    number=i + 1,
                    reference=f"{world.call.code}-{i + 1:04d}",
                )
            )
        tokens = [
            (await bearer(s, world.jst_officer), await bearer(s, vn_officer)) for _ in proposals
        ]

    responses = await arena.race(
        [
            post(f"/api/proposals/{p.id}/events/declare_eligible", h, {"version": 1})
            for p, pair in zip(proposals, tokens, strict=True)
            for h in pair
        ]
    )

    assert [r.status_code for r in responses] == [200] * (2 * ROUNDS)
    async with arena.session() as session:
        for proposal in proposals:
            stored = await session.get(Proposal, proposal.id)
            assert stored is not None
            approvals = await session.scalar(
                select(func.count()).where(Approval.subject_id == proposal.id)
            )
            assert (stored.state, approvals) == ("eligible", 2)
            assert [
                await _count(session, action, proposal.id)
                for action in (
                    "approval.eligibility",
                    "proposal.declare_eligible",
                    "proposal.admit",
                )
            ] == [2, 2, 1]
    await arena.check()


def _past() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
