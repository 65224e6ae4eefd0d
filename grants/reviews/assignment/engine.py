"""Run the assignment of a call and store it: new pairs become `proposed` assignments (source
`solver`, with their affinity); earlier solver proposals are replaced; everything the officers
or reviewers have acted on stays as it is.

A run covers the whole call (joint review, where the pool is shared, and the `grants assign`
command) or, in parallel review, one agency's pool: an officer's run touches, audits and
reports only their own agency's pool, since the other pool is behind its agency's wall."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import Entry, append_many
from grants.common.actors import Actor
from grants.db.models import Call, ReviewAssignment
from grants.reviews.assignment import schemas
from grants.reviews.assignment.inputs import SELECTION_ROUND, load_inputs, lock_for_assignment
from grants.reviews.assignment.report import build_report
from grants.reviews.assignment.solving import Plan, plan
from grants.reviews.pool.conflicts import detect_conflicts
from workflows.machines.review_assignment import AssignmentState

log = structlog.get_logger("grants.reviews.assignment")
Pair = tuple[uuid.UUID, uuid.UUID]


async def run(
    session: AsyncSession,
    call: Call,
    *,
    actor: Actor,
    pool: uuid.UUID | None = None,
    keep_proposed: bool = False,
    request_id: str | None = None,
    locale: str = "en",
) -> schemas.AssignmentReport:
    """Solve the call's assignment and store it in the caller's transaction.

    `pool` (an agency id; parallel review only) restricts the run to that pool: only its
    `proposed` rows are added, re-scored or withdrawn and audited, every other pool's rows are
    left exactly as they are, and the report shows that pool alone; affinities are the
    whole call's. `None` runs the whole call (joint review, the CLI). The report's texts are
    in `locale`.

    `keep_proposed=False` (run) re-optimises the solver's earlier proposals; `True` (refill)
    keeps every current assignment and only fills empty slots, e.g. after a decline. An
    infeasible call is no error: the best partial assignment is stored and the report lists
    the shortfalls. Conflict detection runs first (idempotent), so a consortium member or a
    colleague is never proposed even when officers have not run it. Raises Conflict for a call
    not in an assignable state or stored assignments that contradict its constraints. Side
    effects: new conflicts, inserts, updates or deletes of `proposed` rows, and audit events:
    those of `conflicts.detect`, then one per changed assignment (`review_assignment.create`,
    `.update` of its affinity, `.withdraw`, shaped as the manual ones), then the run's
    `call.assignment_run`/`…_refill` with the totals.
    """
    await lock_for_assignment(session, call)
    await detect_conflicts(session, call, actor=actor)
    inputs = await load_inputs(session, call)
    solved = plan(inputs, keep_proposed=keep_proposed, pool=pool)
    rows, changes = await _store(session, solved)
    action = "call.assignment_refill" if keep_proposed else "call.assignment_run"
    totals: dict[str, object] = {
        "pool": next((a.code for a in inputs.agencies if a.id == pool), None),
        "added": len(changes.added),
        "updated": len(changes.updated),
        "removed": len(changes.removed),
        "feasible": solved.assignment.feasible if solved.assignment else True,
    }
    entries = [*changes.events(actor), Entry(actor, action, "call", call.id, totals)]
    await append_many(session, [replace(e, request_id=request_id) for e in entries])
    log.info(action, call=call.code, added=len(changes.added), removed=len(changes.removed))
    return build_report(solved, rows, len(changes.added), len(changes.removed), locale)


@dataclass
class _Changes:
    """The `proposed` rows a run added, re-scored (with the affinity before) and removed."""

    added: list[ReviewAssignment] = field(default_factory=list)
    updated: list[tuple[ReviewAssignment, float | None]] = field(default_factory=list)
    removed: list[ReviewAssignment] = field(default_factory=list)

    def events(self, actor: Actor) -> list[Entry]:
        """One audit event per changed row, on the assignment itself."""
        found = [_event(actor, "create", r, None, r.affinity) for r in self.added]
        found += [_event(actor, "update", r, before, r.affinity) for r, before in self.updated]
        found += [_event(actor, "withdraw", r, r.affinity, None) for r in self.removed]
        return found


def _event(
    actor: Actor, verb: str, row: ReviewAssignment, before: float | None, after: float | None
) -> Entry:
    proposed = AssignmentState.PROPOSED
    state = {"create": [None, proposed], "withdraw": [proposed, None]}.get(verb)
    changes: dict[str, object] = {"state": state} if state else {}
    changes |= {
        "proposal_id": row.proposal_id,
        "reviewer_id": row.reviewer_id,
        "pool_agency_id": row.pool_agency_id,
        "source": row.source,
        "affinity": [_decimal(before), _decimal(after)],
    }
    return Entry(actor, f"review_assignment.{verb}", "review_assignment", row.id, changes)


def _decimal(affinity: float | None) -> str | None:
    """Affinity as a decimal string at the solver's resolution (the audit log has no floats)."""
    return None if affinity is None else f"{affinity:.6f}"


async def _store(
    session: AsyncSession, solved: Plan
) -> tuple[dict[Pair, ReviewAssignment], _Changes]:
    """Write the plan; returns the rows of its pairs and what changed."""
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
    changes = _Changes()
    for row in inputs.existing:
        pair = (row.proposal_id, row.reviewer_id)
        if (
            row.state != AssignmentState.PROPOSED
            or pair in solved.fixed
            or not solved.covers(row.pool_agency_id)
        ):
            continue
        if pair not in chosen:
            changes.removed.append(row)
            await session.delete(row)
            continue
        if _decimal(row.affinity) != _decimal(chosen[pair]):
            changes.updated.append((row, row.affinity))
        row.affinity, rows[pair] = chosen[pair], row
    pool_of = {r.user_id: r.pool_agency_id for r in inputs.reviewers}
    for p, r in [pair for pair in chosen if pair not in rows]:
        rows[(p, r)] = ReviewAssignment(
            proposal_id=p,
            reviewer_id=r,
            pool_agency_id=pool_of[r],
            round=SELECTION_ROUND,
            state=AssignmentState.PROPOSED,
            affinity=chosen[(p, r)],
            source="solver",
        )
        changes.added.append(rows[(p, r)])
        session.add(rows[(p, r)])
    await session.flush()
    return rows, changes
