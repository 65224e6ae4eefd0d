"""A call in its decision phase on the browser tests' server: `python -m tests.e2e.deciding_call`
(run with the server's environment) replays the demo's 2024 round under another code,
NEXUS-JV-2025, up to `deciding` — two proposals reviewed and ranked, nobody decided yet — through
the same services and workflows the demo seeds with, so the officers can decide in the browser."""

from __future__ import annotations

import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.bindings import CALLS, PROPOSALS
from grants.calls.services import Author, create_call
from grants.cli import _run_in_session
from grants.common.actors import Actor
from grants.db.models import User
from grants.demo.acting import act
from grants.demo.finished_call import (
    DAY,
    FUNDED,
    GRANT_PER_YEAR,
    NOT_FUNDED,
    Timeline,
    _rank,
    _review,
    finished_call,
)
from grants.demo.review_call import declare_eligible, submitted_proposal
from grants.times import clock_at
from workflows.machines.call import CallEvent
from workflows.machines.proposal import ProposalEvent

DECIDING_CALL_CODE = "NEXUS-JV-2025"


async def seed_deciding(session: AsyncSession) -> None:
    users = {u.email: u for u in await session.scalars(select(User))}
    officers = {
        "JST": users["officer.jst@demo.cofund.example"],
        "NAFOSTED": users["officer.nafosted@demo.cofund.example"],
    }
    timeline = Timeline(datetime.datetime.now(datetime.UTC).date() + 120 * DAY)
    spec = finished_call(timeline).model_copy(update={"code": DECIDING_CALL_CODE})
    with clock_at(timeline.opens - DAY):
        jst = officers["JST"]
        author = Author(Actor(id=jst.id, label=jst.email), jst.roles[0].agency_id)
        call = await create_call(session, spec, author=author)
        for officer in officers.values():
            await act(session, CALLS, call, CallEvent.APPROVE, officer)
    with clock_at(timeline.opens + 20 * DAY):
        proposals = [
            await submitted_proposal(
                session, call, s, users, years=5, start=timeline.start, per_year=GRANT_PER_YEAR
            )
            for s in (FUNDED, NOT_FUNDED)
        ]
    await act(session, CALLS, call, CallEvent.CLOSE, officers["JST"], at=call.closes_at)
    await declare_eligible(session, call, officers)
    await act(session, CALLS, call, CallEvent.START_REVIEW, officers["NAFOSTED"], at=call.closes_at)
    with clock_at(timeline.closes + DAY):
        for proposal in proposals:
            await act(session, PROPOSALS, proposal, ProposalEvent.START_REVIEW, officers["JST"])
        await _review(session, call, users, officers)
    with clock_at(timeline.closes + 45 * DAY):
        for proposal in proposals:
            await act(session, PROPOSALS, proposal, ProposalEvent.COMPLETE_REVIEW, officers["JST"])
    with clock_at(timeline.closes + 50 * DAY):
        await act(session, CALLS, call, CallEvent.START_RANKING, officers["JST"])
        await _rank(session, call, officers, proposals)
        await act(session, CALLS, call, CallEvent.START_DECIDING, officers["JST"])


if __name__ == "__main__":
    _run_in_session(seed_deciding)
