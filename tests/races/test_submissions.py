"""Many submissions to one call in the same instant get unique, gap-free reference numbers, and
at the deadline's instant each is on time or refused; two people replacing one budget from the
same version: exactly one wins.

These tests commit for real, so they run in a PostgreSQL database of their own.
"""

from __future__ import annotations

import asyncio
import datetime
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from grants.audit import chain
from grants.db.models import BudgetLine, Call, Proposal, ProposalPart
from grants.times import utcnow
from tests.factories import bearer, make_proposal, make_user
from tests.factories_proposals import add_co_investigator, make_world, problem_of, ready_proposal
from tests.races.arena import Arena, Shot, arena_clock, post

READY = 12
INCOMPLETE = 3


async def _arrange(engine: AsyncEngine) -> list[tuple[str, dict[str, str]]]:
    """Ready proposals (each with PIs of its own) and incomplete ones, with their PI's token."""
    async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
        world = await make_world(session)
        submissions = []
        for _ in range(READY):
            jp = await make_user(session, "researcher", country="JP")
            vn = await make_user(session, "researcher", country="VN")
            proposal = await ready_proposal(session, world, jp_pi=jp, vn_pi=vn)
            submissions.append((str(proposal.id), await bearer(session, jp)))
        for _ in range(INCOMPLETE):
            jp = await make_user(session, "researcher", country="JP")
            proposal = await make_proposal(session, world.call, {world.jst.id: jp})
            submissions.append((str(proposal.id), await bearer(session, jp)))
    return submissions


async def test_concurrent_submissions_get_gap_free_numbers(arena: Arena) -> None:
    submissions = await _arrange(arena.engine)

    responses = await arena.race(
        [post(f"/api/proposals/{pid}/events/submit", h, {"version": 1}) for pid, h in submissions]
    )

    assert sorted(r.status_code for r in responses) == [200] * READY + [409] * INCOMPLETE
    async with arena.session() as session:
        rows = (await session.execute(select(Proposal.number, Proposal.reference))).all()
        last = await session.scalar(select(Call.last_proposal_number))
        intact = (await chain.verify(session)).intact
    numbered = sorted((n, r) for n, r in rows if n is not None)
    assert numbered == [(n, f"JV-2026-{n:04d}") for n in range(1, READY + 1)]
    assert (last, intact) == (READY, True)
    await arena.check()


async def test_same_pi_racing_in_two_proposals_only_one_submits(arena: Arena) -> None:
    async with (
        arena.arrange() as session,
    ):
        world = await make_world(session)
        proposals = [
            await ready_proposal(
                session, world, vn_pi=await make_user(session, "researcher", country="VN")
            )
            for _ in range(4)
        ]
        # A token per request: requests sharing a token would queue on its row.
        tokens = [await bearer(session, world.jp_pi) for _ in proposals]

    responses = await arena.race(
        [
            post(f"/api/proposals/{p.id}/events/submit", h, {"version": 1})
            for p, h in zip(proposals, tokens, strict=True)
        ]
    )

    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409]
    refused = [r.json()["reasons"] for r in responses if r.status_code == 409]
    # The winner took the lock first: the others read its number under it.
    assert (
        refused
        == [
            [
                {
                    "code": "proposal.submission.pi_elsewhere",
                    "params": {"email": "jp.pi@example.jp", "reference": "JV-2026-0001"},
                    "message": "jp.pi@example.jp is already PI of JV-2026-0001 in this call.",
                }
            ]
        ]
        * 3
    )
    async with arena.session() as session:
        assert await session.scalar(select(Call.last_proposal_number)) == 1
    await arena.check()


async def test_two_budget_replacements_from_one_version_exactly_one_wins(arena: Arena) -> None:
    async with (
        arena.arrange() as session,
    ):
        world = await make_world(session)
        proposal = await make_proposal(session, world.call, {world.jst.id: world.jp_pi})
        co_i = await make_user(session, "researcher", country="JP", email="co.i@example.jp")
        await add_co_investigator(session, proposal.parts[0], co_i)
        tokens = [await bearer(session, world.jp_pi), await bearer(session, co_i)]
    part_id = proposal.parts[0].id
    url = f"/api/proposals/{proposal.id}/parts/{part_id}/budget"
    lines = [
        [{"year": 1, "category": "personnel", "amount": 100, "currency": "JPY"}],
        [{"year": 1, "category": "travel", "amount": 200, "currency": "JPY"}],
    ]

    responses = await arena.race(
        [
            Shot("PUT", url, h, {"version": 1, "lines": body})
            for h, body in zip(tokens, lines, strict=True)
        ]
    )

    assert sorted(r.status_code for r in responses) == [200, 409]
    won = next(i for i, r in enumerate(responses) if r.status_code == 200)
    assert problem_of(responses[1 - won]) == {
        "type": "urn:cofund:problem:stale_version",
        "title": "Conflict",
        "status": 409,
        "detail": "You saw version 1, but it is now version 2.",
        "instance": url,
        "code": "edit.stale_version",
        "params": {"seen": 1, "current": 2},
    }
    async with arena.session() as session:
        stored = (
            await session.execute(
                select(BudgetLine.year, BudgetLine.category, BudgetLine.amount, BudgetLine.currency)
            )
        ).all()
        version = await session.scalar(
            select(ProposalPart.version).where(ProposalPart.id == part_id)
        )
        intact = (await chain.verify(session)).intact
    assert [
        dict(zip(("year", "category", "amount", "currency"), r, strict=True)) for r in stored
    ] == (lines[won])
    assert (version, intact) == (2, True)
    await arena.check()


async def test_submissions_queued_when_the_deadline_falls_are_refused(arena: Arena) -> None:
    # The submissions pass the deadline guard, then queue on the call's row (held here, as a
    # submission taking its number holds it); the deadline falls while they wait. Each must be
    # refused as late: none may be recorded at or after the deadline, nor take a number.
    submissions = (await _arrange(arena.engine))[:READY]
    async with arena.engine.connect() as holder:
        await holder.execute(select(Call.id).with_for_update())
        racing = asyncio.create_task(
            arena.race(
                [
                    post(f"/api/proposals/{pid}/events/submit", h, {"version": 1})
                    for pid, h in submissions
                ]
            )
        )
        await _until_waiting_on_locks(arena.engine, READY, racing)
        deadline = utcnow() + datetime.timedelta(milliseconds=200)
        await holder.execute(update(Call).values(closes_at=deadline))
        await asyncio.sleep(0.3)
        await holder.commit()
        responses = await racing

    assert [(r.status_code, [x["code"] for x in r.json()["reasons"]]) for r in responses] == [
        (409, ["proposal.guard.deadline_passed"])
    ] * READY
    async with arena.session() as session:
        rows = (await session.execute(select(Proposal.state, Proposal.number))).tuples().all()
        counter = await session.scalar(select(Call.last_proposal_number))
    assert (sorted(rows), counter) == ([("draft", None)] * (READY + INCOMPLETE), 0)
    await arena.check()


async def _until_waiting_on_locks(
    engine: AsyncEngine, count: int, racing: asyncio.Task[Any]
) -> None:
    """Poll until `count` sessions of this database wait on a lock (each poll in a transaction
    of its own: PostgreSQL keeps one snapshot of pg_stat_activity per transaction)."""
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    async with arena_clock(120) as expired:
        while True:
            async with engine.connect() as connection:
                if await connection.scalar(waiting) >= count:
                    return
            assert not racing.done(), [r.text for r in racing.result()]
            assert not expired(), "the submissions never queued on the call's row"
            await asyncio.sleep(0.05)
