"""Run the assignment of a call and store it: new pairs become `proposed` assignments (source
`solver`, with their affinity); earlier solver proposals are replaced; everything the officers
or reviewers have acted on stays as it is."""

from __future__ import annotations

import uuid

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import Actor, append
from grants.db.models import Call, ReviewAssignment
from grants.reviews.assignment import schemas
from grants.reviews.assignment.inputs import SELECTION_ROUND, load_inputs, lock_for_assignment
from grants.reviews.assignment.report import build_report
from grants.reviews.assignment.solving import Plan, plan
from grants.reviews.pool.conflicts import detect_conflicts

log = structlog.get_logger("grants.reviews.assignment")
Pair = tuple[uuid.UUID, uuid.UUID]


async def run(
    session: AsyncSession,
    call: Call,
    *,
    actor: Actor,
    keep_proposed: bool = False,
    request_id: str | None = None,
) -> schemas.AssignmentReport:
    """Solve the call's assignment and store it in the caller's transaction.

    `keep_proposed=False` (run) re-optimises the solver's earlier proposals; `True` (refill)
    keeps every current assignment and only fills empty slots, e.g. after a decline. An
    infeasible call is no error: the best partial assignment is stored and the report lists
    the shortfalls. Conflict detection runs first (idempotent), so a consortium member or a
    colleague is never proposed even when officers have not run it. Raises Conflict for a call
    not in an assignable state or stored assignments that contradict its constraints. Side
    effects: new conflicts, inserts, updates or deletes of `proposed` rows, and audit events
    `conflicts.detect` and `call.assignment_run`/`…_refill`.
    """
    await lock_for_assignment(session, call)
    await detect_conflicts(session, call, actor=actor)
    inputs = await load_inputs(session, call)
    solved = plan(inputs, keep_proposed=keep_proposed)
    rows, added, removed = await _store(session, solved)
    action = "call.assignment_refill" if keep_proposed else "call.assignment_run"
    await append(
        session,
        actor=actor,
        action=action,
        entity_type="call",
        entity_id=call.id,
        changes={
            "added": [f"{p}:{r}" for p, r in added],
            "removed": [f"{p}:{r}" for p, r in removed],
            "feasible": solved.assignment.feasible if solved.assignment else True,
        },
        request_id=request_id,
    )
    log.info(action, call=call.code, added=len(added), removed=len(removed))
    return build_report(solved, rows, len(added), len(removed))


async def _store(
    session: AsyncSession, solved: Plan
) -> tuple[dict[Pair, ReviewAssignment], list[Pair], list[Pair]]:
    """Write the plan; returns the rows of its pairs, the pairs added and those removed."""
    inputs, result = solved.inputs, solved.assignment
    chosen: dict[Pair, float] = {}
    if result is not None:
        for p, r, a in zip(
            result.proposal_idx.tolist(),
            result.reviewer_idx.tolist(),
            result.affinity.tolist(),
            strict=True,
        ):
            chosen[(inputs.proposals[p].id, inputs.reviewers[r].user_id)] = a
    rows = dict(solved.fixed)
    removed: list[Pair] = []
    for row in inputs.existing:
        pair = (row.proposal_id, row.reviewer_id)
        if row.state != "proposed" or pair in solved.fixed:
            continue
        if pair in chosen:
            row.affinity, rows[pair] = chosen[pair], row
        else:
            removed.append(pair)
            await session.delete(row)
    pool_of = {r.user_id: r.pool_agency_id for r in inputs.reviewers}
    added = [pair for pair in chosen if pair not in rows]
    for p, r in added:
        rows[(p, r)] = ReviewAssignment(
            proposal_id=p,
            reviewer_id=r,
            pool_agency_id=pool_of[r],
            round=SELECTION_ROUND,
            state="proposed",
            affinity=chosen[(p, r)],
            source="solver",
        )
        session.add(rows[(p, r)])
    await session.flush()
    return rows, added, removed
