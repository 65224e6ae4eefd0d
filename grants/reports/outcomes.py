"""What a joint "stop" does (a stopped progress report, a failed mid-term gate): the grant is
terminated and every tranche of both sides not yet disbursed is withheld, each through its own
machine and audited as its own event, in the stopping answer's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.awards.binding import GrantBinding
from grants.db.models import Grant, GrantSide, Tranche
from grants.tranches.binding import TrancheBinding
from grants.workflow.binding import Firing
from grants.workflow.service import consequence
from workflows.machines.grant import GrantEvent, GrantState
from workflows.machines.tranche import TrancheEvent, TrancheState
from workflows.roles import JOINT_DECISION

SETTLED = (TrancheState.DISBURSED, TrancheState.WITHHELD)


async def stop_grant(
    session: AsyncSession, grant: Grant, cause: Firing, comment: str
) -> dict[str, Any]:
    """Terminate `grant` (when still active) and withhold its open tranches, the officer of
    `cause` acting for the agencies' joint decision; returns the audit detail."""
    open_ids = list(
        await session.scalars(
            select(Tranche.id)
            .join(GrantSide, GrantSide.id == Tranche.side_id)
            .where(Tranche.grant_id == grant.id, Tranche.state.not_in(SETTLED))
            .order_by(GrantSide.position, Tranche.position)
        )
    )
    for tranche_id in open_ids:
        await consequence(
            session,
            TrancheBinding(),
            tranche_id,
            TrancheEvent.WITHHOLD,
            {"comment": comment},
            cause,
            role=JOINT_DECISION,
        )
    if grant.state == GrantState.ACTIVE:
        await consequence(
            session, GrantBinding(), grant.id, GrantEvent.TERMINATE, {}, cause, role=JOINT_DECISION
        )
    return {"grant_state": grant.state, "withheld": [str(t) for t in open_ids]}
