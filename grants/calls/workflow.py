"""Facts the call machine's guards need, gathered from the database.

Reviews, rankings and decisions are not recorded by the application yet, so the facts about
them are set to keep the later events refused with an honest reason rather than let a call
skip those steps.
"""

from __future__ import annotations

import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.calls.problems import configuration_problems
from grants.calls.services import setup_of
from grants.db.models import Call, Proposal
from workflows.machines.call import CallContext

AWAITING_DECISION = ("eligible", "under_review", "reviewed")


async def proposal_counts(session: AsyncSession, call: Call) -> dict[str, int]:
    """The number of the call's proposals in each state (one query)."""
    rows = await session.execute(
        select(Proposal.state, func.count())
        .where(Proposal.call_id == call.id)
        .group_by(Proposal.state)
    )
    return {state: int(n) for state, n in rows.tuples()}


async def call_context(
    session: AsyncSession, call: Call, now: datetime.datetime | None = None
) -> CallContext:
    """The call's facts at `now` (the server's UTC clock by default).

    Until reviews, rankings and decisions exist: every eligible proposal counts as short of
    reviews, no agency's ranking is final, no joint ranking is recorded, and every proposal
    past the eligibility check awaits a decision.
    """
    counts = await proposal_counts(session, call)
    return CallContext(
        now=now or datetime.datetime.now(datetime.UTC),
        closes_at=call.closes_at,
        configuration_problems=configuration_problems(setup_of(call)),
        unchecked_proposals=counts.get("submitted", 0),
        proposals_short_of_reviews=counts.get("eligible", 0) + counts.get("under_review", 0),
        agencies_without_final_ranking=tuple(t.agency.code for t in call.agencies),
        joint_ranking_recorded=False,
        proposals_undecided=sum(counts.get(s, 0) for s in AWAITING_DECISION),
    )
