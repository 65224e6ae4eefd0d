"""Parallel review: an officer's solver run and refill cover their own agency's pool only. The
other pool's rows stay exactly as they were, only the pool's rows are audited, the report shows
that pool alone, and the two pools' runs together give what one whole-call run gives."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.actors import Actor
from grants.db.models import AuditEvent, Call, ReviewAssignment
from grants.reviews.assignment.engine import run
from grants.reviews.assignment.inputs import load_inputs
from grants.reviews.assignment.solving import plan
from tests.factories import (
    BidFactory,
    ConflictFactory,
    ReviewAssignmentFactory,
    bearer,
    persist,
)
from tests.factories_assignment import ReviewWorld, make_review_world, stored

Client = httpx.AsyncClient


def snapshot(rows: list[ReviewAssignment]) -> list[tuple[Any, ...]]:
    return [
        (r.id, r.proposal_id, r.reviewer_id, r.pool_agency_id, r.state, r.source, r.affinity)
        for r in rows
    ]


async def officers(db: AsyncSession, rw: ReviewWorld) -> tuple[dict[str, str], dict[str, str]]:
    """Headers of JST's and NAFOSTED's officers (taken before any `stored` expires them)."""
    return await bearer(db, rw.world.jst_officer), await bearer(db, rw.vn_officer)


async def run_as(client: Client, rw: ReviewWorld, headers: dict[str, str]) -> Any:
    return (await client.post(f"{rw.call_path}/assignment/run", headers=headers)).json()


async def audited(db: AsyncSession, request_id: str) -> list[tuple[str, Any]]:
    """(action, pool of the row or the run's totals) of the audit events of one request."""
    events = await db.scalars(
        select(AuditEvent)
        .where(AuditEvent.request_id == request_id, AuditEvent.action != "conflicts.detect")
        .order_by(AuditEvent.seq)
    )
    return [(e.action, e.changes.get("pool_agency_id") or e.changes) for e in events]


async def test_officer_run_covers_their_pool_and_leaves_the_others_rows(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, proposals=1, jp=2, vn=1, reviewers_per_proposal=1)
    p0 = rw.proposals[0].id
    jst = str(rw.world.jst.id)
    names = {u.id: u.display_name for u in rw.jp}
    jp0, jp1 = rw.jp[0].id, rw.jp[1].id
    jst_headers = await bearer(db, rw.world.jst_officer)

    response = await client.post(f"{rw.call_path}/assignment/run", headers=jst_headers)

    (row,) = await stored(db)
    assert (row.reviewer_id, str(row.pool_agency_id)) == (jp0, jst)
    assert response.json() == {
        "call_id": str(rw.call_id),
        "call_code": "JV-2026",
        "review_mode": "parallel",
        "pool": "JST",
        "feasible": True,
        "slots_required": 1,
        "slots_filled": 1,
        "proposals_covered": 1,
        "proposals_total": 1,
        "total_affinity": round(row.affinity, 6),
        "added": 1,
        "removed": 0,
        "proposals": [
            {
                "proposal_id": str(p0),
                "reference": "JV-2026-0001",
                "title": "Chiplet interconnects for edge accelerators",
                "reviewers": [
                    {
                        "assignment_id": str(row.id),
                        "reviewer_id": str(jp0),
                        "reviewer_name": names[jp0],
                        "pool": "JST",
                        "state": "proposed",
                        "affinity": round(row.affinity, 6),
                        "shared_terms": ["chiplet", "interconnect", "packaging"],
                    }
                ],
            }
        ],
        "loads": [
            {
                "reviewer_id": str(u),
                "reviewer_name": names[u],
                "pool": "JST",
                "load": int(u == jp0),
                "cap": 8,
            }
            for u in sorted([jp0, jp1], key=names.__getitem__)
        ],
        "shortfalls": [],
    }
    rid = response.headers["x-request-id"]
    assert await audited(db, rid) == [
        ("review_assignment.create", jst),
        (
            "call.assignment_run",
            {"pool": "JST", "added": 1, "updated": 0, "removed": 0, "feasible": True},
        ),
    ]


async def test_jst_run_leaves_nafosteds_proposed_rows_exactly_as_they_were(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, reviewers_per_proposal=1)
    jst, naf = rw.world.jst.id, rw.world.nafosted.id
    jst_reviewers = sorted(str(u.id) for u in rw.jp)
    jst_headers, naf_headers = await officers(db, rw)
    await run_as(client, rw, naf_headers)
    await run_as(client, rw, jst_headers)
    before = await stored(db)
    naf_rows = snapshot([r for r in before if r.pool_agency_id == naf])
    # A conflict on one pair of each pool: a whole-call run would replace both.
    for pool in (jst, naf):
        hit = next(r for r in before if r.pool_agency_id == pool)
        await persist(db, ConflictFactory(proposal_id=hit.proposal_id, reviewer_id=hit.reviewer_id))

    response = await client.post(f"{rw.call_path}/assignment/run", headers=jst_headers)

    after = await stored(db)
    assert snapshot([r for r in after if r.pool_agency_id == naf]) == naf_rows
    report = response.json()
    assert (report["pool"], report["added"], report["removed"]) == ("JST", 1, 1)
    assert {r["pool"] for p in report["proposals"] for r in p["reviewers"]} == {"JST"}
    assert sorted(load["reviewer_id"] for load in report["loads"]) == jst_reviewers
    assert (report["slots_required"], report["slots_filled"]) == (3, 3)
    assert await audited(db, response.headers["x-request-id"]) == [
        ("review_assignment.create", str(jst)),
        ("review_assignment.withdraw", str(jst)),
        (
            "call.assignment_run",
            {"pool": "JST", "added": 1, "updated": 0, "removed": 1, "feasible": True},
        ),
    ]


async def test_nafosted_run_after_jsts_fills_only_its_pool(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, reviewers_per_proposal=1)
    naf = rw.world.nafosted.id
    expected = sorted((p.id, u.id) for p, u in zip(rw.proposals, rw.vn, strict=True))
    jst_headers, naf_headers = await officers(db, rw)
    await run_as(client, rw, jst_headers)
    jst_rows = snapshot(await stored(db))

    report = await run_as(client, rw, naf_headers)

    rows = await stored(db)
    assert snapshot([r for r in rows if r.pool_agency_id != naf]) == jst_rows
    assert sorted((r.proposal_id, r.reviewer_id) for r in rows if r.pool_agency_id == naf) == (
        expected
    )
    assert (report["pool"], report["added"], report["slots_filled"]) == ("NAFOSTED", 3, 3)
    assert [sorted(r["pool"] for r in p["reviewers"]) for p in report["proposals"]] == [
        ["NAFOSTED"]
    ] * 3
    assert {load["pool"] for load in report["loads"]} == {"NAFOSTED"}


async def test_pool_runs_together_equal_a_whole_call_run(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db, proposals=4, jp=3, vn=3, reviewers_per_proposal=2, cap=3)
    p0, p1, *_ = rw.proposals
    await persist(
        db,
        BidFactory(proposal_id=p1.id, reviewer_id=rw.vn[0].id, level="eager"),
        ConflictFactory(proposal_id=p0.id, reviewer_id=rw.jp[0].id),
    )
    jst_headers, naf_headers = await officers(db, rw)
    await run_as(client, rw, jst_headers)
    await run_as(client, rw, naf_headers)
    pairs = {(r.proposal_id, r.reviewer_id, r.pool_agency_id, r.affinity) for r in await stored(db)}
    call = await db.get(Call, rw.call_id)
    assert call is not None

    whole = plan(await load_inputs(db, call), keep_proposed=False)
    report = await run(db, call, actor=Actor(id=None, label="cli"))

    assert whole.assignment is not None
    inputs = whole.inputs
    assert pairs == {
        (inputs.proposals[p].id, inputs.reviewers[r].user_id, inputs.reviewers[r].pool_agency_id, a)
        for p, r, a in zip(
            whole.assignment.proposal_idx.tolist(),
            whole.assignment.reviewer_idx.tolist(),
            whole.assignment.affinity.tolist(),
            strict=True,
        )
    }
    assert len(pairs) == 16
    assert (report.pool, report.added, report.removed, report.slots_filled) == (None, 0, 0, 16)
    totals = await db.scalar(
        select(AuditEvent.changes)
        .where(AuditEvent.action == "call.assignment_run")
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    )
    assert totals == {"pool": None, "added": 0, "updated": 0, "removed": 0, "feasible": True}


async def test_run_never_repeats_a_pair_another_pool_holds(
    client: Client, db: AsyncSession
) -> None:
    # The chiplet expert serves JST now but holds a NAFOSTED invitation from before.
    rw = await make_review_world(db, proposals=1, jp=2, vn=1, reviewers_per_proposal=1)
    p0, jp0, jp1 = rw.proposals[0].id, rw.jp[0].id, rw.jp[1].id
    held = ReviewAssignmentFactory(
        proposal_id=p0, reviewer_id=jp0, pool_agency_id=rw.world.nafosted.id, state="invited"
    )
    await persist(db, held)
    held_row = snapshot([held])
    jst_headers, _ = await officers(db, rw)

    report = await run_as(client, rw, jst_headers)

    assert [
        (r["reviewer_id"], r["pool"], r["state"]) for r in report["proposals"][0]["reviewers"]
    ] == [(str(jp1), "JST", "proposed")]
    rows = await stored(db)
    assert snapshot([r for r in rows if r.reviewer_id == jp0]) == held_row
    assert sorted((r.reviewer_id, r.state) for r in rows) == sorted(
        [(jp0, "invited"), (jp1, "proposed")]
    )
