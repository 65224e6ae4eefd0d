"""Running the reviewer assignment of a call through the API: every proposal covered by k
reviewers per pool, no conflicted pair, caps kept, and a report of what cannot be covered."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, Conflict, ReviewAssignment, ReviewerPool
from tests.conftest import QueryCounter
from tests.factories import (
    BidFactory,
    CallReviewerFactory,
    ConflictFactory,
    ReviewerProfileFactory,
    bearer,
    make_reviewer,
    make_user,
    persist,
)
from tests.factories_assignment import EXPERTISE, make_review_world, stored
from tests.support.problems import problem
from tests.support.queries import queries_on

Client = httpx.AsyncClient


async def test_run_assigns_k_per_pool_without_conflicts_within_caps(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, reviewers_per_proposal=1, cap=1)
    p0, p1, p2 = rw.proposals
    # The chiplet expert is conflicted with the chiplet proposal.
    await persist(
        db, ConflictFactory(proposal_id=p0.id, reviewer_id=rw.jp[0].id, reason="Same lab.")
    )
    headers = await bearer(db, rw.world.jst_officer)
    naf_headers = await bearer(db, rw.vn_officer)

    # Each agency's officer runs its own pool.
    jst_run = await client.post(f"{rw.call_path}/assignment/run", headers=headers)
    naf_run = await client.post(f"{rw.call_path}/assignment/run", headers=naf_headers)

    assert (jst_run.status_code, naf_run.status_code) == (200, 200)
    reports = [jst_run.json(), naf_run.json()]
    for report, pool in zip(reports, ["JST", "NAFOSTED"], strict=True):
        assert (report["pool"], report["feasible"], report["shortfalls"]) == (pool, True, [])
        assert (report["slots_required"], report["slots_filled"]) == (3, 3)
        assert (report["proposals_covered"], report["proposals_total"]) == (3, 3)
        assert [[r["pool"] for r in p["reviewers"]] for p in report["proposals"]] == [[pool]] * 3
        assert [(load["pool"], load["load"]) for load in report["loads"]] == [(pool, 1)] * 3
    pairs = {
        (p["reference"], r["reviewer_id"], r["pool"])
        for report in reports
        for p in report["proposals"]
        for r in p["reviewers"]
    }
    assert (p0.reference, str(rw.jp[0].id), "JST") not in pairs
    # Topic i goes to expert i where no conflict stands in the way.
    assert (p1.reference, str(rw.jp[1].id), "JST") in pairs
    assert (p2.reference, str(rw.vn[2].id), "NAFOSTED") in pairs
    explained = {
        (p["reference"], r["reviewer_id"]): r["shared_terms"]
        for p in reports[0]["proposals"]
        for r in p["reviewers"]
    }
    assert sorted(explained[(p1.reference, str(rw.jp[1].id))]) == ["eda", "placement", "routing"]
    rows = await stored(db)
    assert len(rows) == 6
    assert {(r.state, r.source, r.round) for r in rows} == {("proposed", "solver", 0)}
    assert all(r.affinity is not None for r in rows)
    assert max(Counter(r.reviewer_id for r in rows).values()) == 1


async def test_run_twice_keeps_the_same_rows(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db, reviewers_per_proposal=1)
    headers = await bearer(db, rw.world.jst_officer)
    first = await client.post(f"{rw.call_path}/assignment/run", headers=headers)
    ids = [r.id for r in await stored(db)]

    second = await client.post(f"{rw.call_path}/assignment/run", headers=headers)

    assert (first.json()["added"], first.json()["removed"]) == (3, 0)
    assert (second.json()["added"], second.json()["removed"]) == (0, 0)
    assert [r.id for r in await stored(db)] == ids
    actions = await db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity_id == str(rw.call_id))
        .order_by(AuditEvent.seq)
    )
    assert list(actions) == ["conflicts.detect", "call.assignment_run"] * 2


def _created_event(row: ReviewAssignment, rid: str) -> tuple[Any, ...]:
    """The audit event of a solver's new proposal: pool and affinity (as a decimal string)."""
    affinity = f"{row.affinity:.6f}"
    changes = {
        "state": [None, "proposed"],
        "proposal_id": str(row.proposal_id),
        "reviewer_id": str(row.reviewer_id),
        "pool_agency_id": str(row.pool_agency_id),
        "source": "solver",
        "affinity": [None, affinity],
    }
    return ("review_assignment.create", str(row.id), changes, rid)


def _withdrawal_of(created: tuple[Any, ...], rid: str) -> tuple[object, ...]:
    """The withdrawal event of the row whose creation event is `created`."""
    _, entity_id, changes, _ = created
    affinity = changes["affinity"][1]
    undone = {**changes, "state": ["proposed", None], "affinity": [affinity, None]}
    return ("review_assignment.withdraw", entity_id, undone, rid)


async def test_run_audits_each_assignment_of_its_pool_with_affinity(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, proposals=1, jp=2, vn=1, reviewers_per_proposal=1)
    jst, nafosted = rw.world.jst.id, rw.world.nafosted.id
    headers = await bearer(db, rw.world.jst_officer)
    naf_headers = await bearer(db, rw.vn_officer)
    auditor = await bearer(db, await make_user(db, "auditor"))
    first = await client.post(f"{rw.call_path}/assignment/run", headers=headers)
    naf_run = await client.post(f"{rw.call_path}/assignment/run", headers=naf_headers)
    rid1, rid_naf = first.headers["x-request-id"], naf_run.headers["x-request-id"]
    before = {r.pool_agency_id: r for r in await stored(db)}
    withdrawn, kept = before[jst], before[nafosted]
    created = [_created_event(withdrawn, rid1), _created_event(kept, rid_naf)]
    kept_id = kept.id
    # A conflict on NAFOSTED's pair too: JST's run must leave NAFOSTED's row alone anyway.
    await persist(
        db,
        ConflictFactory(proposal_id=withdrawn.proposal_id, reviewer_id=withdrawn.reviewer_id),
        ConflictFactory(proposal_id=kept.proposal_id, reviewer_id=kept.reviewer_id),
    )

    second = await client.post(f"{rw.call_path}/assignment/run", headers=headers)
    rows = await client.get("/api/audit/events?entity_type=review_assignment", headers=auditor)
    runs = await client.get(
        f"/api/audit/events?entity_id={rw.call_id}&action=call.assignment_run", headers=auditor
    )

    rid2 = second.headers["x-request-id"]
    events = [
        (e["action"], e["entity_id"], e["changes"], e["request_id"]) for e in rows.json()["items"]
    ]
    assert events[:2] == created
    after = {r.pool_agency_id: r for r in await stored(db)}
    assert events[2:] == [
        _created_event(after[jst], rid2),
        _withdrawal_of(created[0], rid2),
    ]
    assert after[nafosted].id == kept_id
    assert [(e["changes"], e["request_id"]) for e in runs.json()["items"]] == [
        ({"pool": "JST", "added": 1, "updated": 0, "removed": 0, "feasible": True}, rid1),
        ({"pool": "NAFOSTED", "added": 1, "updated": 0, "removed": 0, "feasible": True}, rid_naf),
        ({"pool": "JST", "added": 1, "updated": 0, "removed": 1, "feasible": True}, rid2),
    ]


async def test_run_follows_eager_bid_and_skips_conflict_bid(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, proposals=1, jp=2, vn=1, reviewers_per_proposal=1)
    (p0,) = rw.proposals
    await persist(
        db,
        BidFactory(proposal_id=p0.id, reviewer_id=rw.jp[0].id, level="conflict"),
        BidFactory(proposal_id=p0.id, reviewer_id=rw.jp[1].id, level="eager"),
    )
    headers = await bearer(db, rw.world.jst_officer)

    response = await client.post(f"{rw.call_path}/assignment/run", headers=headers)

    reviewers = [r["reviewer_id"] for r in response.json()["proposals"][0]["reviewers"]]
    assert reviewers == [str(rw.jp[1].id)]


async def test_infeasible_call_reports_shortfalls_and_stores_best_partial(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, proposals=2, jp=2, vn=1, reviewers_per_proposal=2)
    headers = await bearer(db, rw.vn_officer)  # NAFOSTED's pool has one reviewer for k = 2

    response = await client.post(f"{rw.call_path}/assignment/run", headers=headers)

    assert response.status_code == 200
    report = response.json()
    assert (report["feasible"], report["slots_required"], report["slots_filled"]) == (False, 4, 2)
    assert report["proposals_covered"] == 0
    assert report["shortfalls"] == [
        {
            "proposal_id": str(p.id),
            "reference": p.reference,
            "pool": "NAFOSTED",
            "needed": 2,
            "assigned": 1,
            "available": 1,
            "reason": "too_few_candidates",
            "explanation": f"{p.reference}: too few candidate reviewers from NAFOSTED once "
            "conflicts of interest and declines are left out (needed 2, candidates 1, assigned 1).",
            "explanation_code": "shortfall.too_few_candidates",
            "explanation_params": {
                "proposal": p.reference,
                "group": "NAFOSTED",
                "needed": 2,
                "available": 1,
                "assigned": 1,
            },
        }
        for p in rw.proposals
    ]
    assert len(await stored(db)) == 2


async def test_caps_too_low_are_reported_with_their_reason(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, proposals=3, jp=1, vn=3, reviewers_per_proposal=1, cap=2)
    headers = await bearer(db, rw.world.jst_officer)

    response = await client.post(f"{rw.call_path}/assignment/run", headers=headers)

    shortfalls = response.json()["shortfalls"]
    assert [(s["pool"], s["needed"], s["assigned"], s["reason"]) for s in shortfalls] == [
        ("JST", 1, 0, "capacity_too_low")
    ]
    assert shortfalls[0]["explanation"] == (
        f"{shortfalls[0]['reference']}: the load caps of the reviewers from JST add up to fewer "
        "reviews than the call needs from them (needed 1, candidates 1, assigned 0)."
    )


async def test_joint_mode_run_covers_the_whole_call_and_meets_the_country_minimum(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(
        db,
        proposals=2,
        jp=3,
        vn=2,
        review_mode="joint",
        reviewers_per_proposal=2,
        min_reviewers_per_country=1,
    )
    headers = await bearer(db, rw.world.jst_officer)

    response = await client.post(f"{rw.call_path}/assignment/run", headers=headers)

    report = response.json()
    # One shared pool: any co-funding officer's run covers the whole call.
    assert (report["pool"], report["feasible"], report["slots_required"]) == (None, True, 4)
    assert len(report["loads"]) == 5
    vn = {str(u.id) for u in rw.vn}
    jp = {str(u.id) for u in rw.jp}
    for proposal in report["proposals"]:
        ids = {r["reviewer_id"] for r in proposal["reviewers"]}
        assert (len(ids), len(ids & vn), len(ids & jp)) == (2, 1, 1)


async def test_run_on_a_draft_call_is_refused(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db, state="draft")
    headers = await bearer(db, rw.world.jst_officer)

    response = await client.post(f"{rw.call_path}/assignment/run", headers=headers)

    assert (response.status_code, problem(response)) == (
        409,
        {
            "type": "urn:cofund:problem:conflict",
            "title": "Conflict",
            "status": 409,
            "detail": "The call is draft; reviewers are assigned only in the states open, "
            "closed, and reviewing.",
            "instance": f"{rw.call_path}/assignment/run",
            "code": "assignment.call.not_runnable",
            "params": {"state": "draft", "states": ["open", "closed", "reviewing"]},
        },
    )
    assert await stored(db) == []


async def test_list_shows_assignments_with_loads(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db, reviewers_per_proposal=1)
    headers = await bearer(db, rw.world.jst_officer)
    await client.post(f"{rw.call_path}/assignment/run", headers=headers)

    response = await client.get(f"{rw.call_path}/assignments?limit=2", headers=headers)

    body = response.json()
    # JST's officer lists JST's pool only: one reviewer per proposal, three proposals.
    assert (body["total"], len(body["items"]), body["limit"]) == (3, 2, 2)
    first = body["items"][0]
    assert (first["proposal_reference"], first["state"], first["conflicts"]) == (
        "JV-2026-0001",
        "proposed",
        [],
    )
    assert sum(load["load"] for load in body["loads"]) == 3
    assert {load["pool"] for load in body["loads"]} == {"JST"}


async def test_another_agencys_pool_is_hidden_from_an_officer(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, reviewers_per_proposal=1)
    naf = await bearer(db, rw.vn_officer)
    for headers in (await bearer(db, rw.world.jst_officer), naf):
        await client.post(f"{rw.call_path}/assignment/run", headers=headers)
    jst_ids = {u.id for u in rw.jp}
    jst_row = next(r for r in await stored(db) if r.reviewer_id in jst_ids)

    listed = (await client.get(f"{rw.call_path}/assignments", headers=naf)).json()
    shown = await client.get(f"{rw.call_path}/assignments/{jst_row.id}", headers=naf)
    withdrawn = await client.delete(f"{rw.call_path}/assignments/{jst_row.id}", headers=naf)

    assert (listed["total"], {r["pool"] for r in listed["items"]}) == (3, {"NAFOSTED"})
    assert {load["pool"] for load in listed["loads"]} == {"NAFOSTED"}
    assert [(r.status_code, r.json()["detail"]) for r in (shown, withdrawn)] == [
        (404, "No such assignment.")
    ] * 2
    assert jst_row.id in {r.id for r in await stored(db)}


async def test_list_runs_the_same_queries_for_one_or_many_items(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    rw = await make_review_world(db, reviewers_per_proposal=1)
    headers = await bearer(db, rw.world.jst_officer)
    await client.post(f"{rw.call_path}/assignment/run", headers=headers)
    counts, sizes = [], []
    for limit in (1, 6):
        queries.count, queries.active = 0, True
        response = await client.get(f"{rw.call_path}/assignments?limit={limit}", headers=headers)
        queries.active = False
        sizes.append(len(response.json()["items"]))
        counts.append(queries.count)

    n = queries_on(backend, 20)
    assert (sizes, counts) == ([1, 3], [n, n])  # JST's pool: one reviewer per proposal


async def test_call_without_reviewers_reports_every_slot_short(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, proposals=1, jp=0, vn=0, reviewers_per_proposal=1)
    officers = [await bearer(db, rw.world.jst_officer), await bearer(db, rw.vn_officer)]

    responses = [
        await client.post(f"{rw.call_path}/assignment/run", headers=headers) for headers in officers
    ]

    assert [
        [(s["pool"], s["needed"], s["available"]) for s in response.json()["shortfalls"]]
        for response in responses
    ] == [[("JST", 1, 0)], [("NAFOSTED", 1, 0)]]


async def test_call_without_proposals_gives_an_empty_report(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, proposals=0)
    headers = await bearer(db, rw.world.jst_officer)

    response = await client.post(f"{rw.call_path}/assignment/run", headers=headers)

    report = response.json()
    assert (report["feasible"], report["proposals"], report["slots_required"]) == (True, [], 0)
    assert [(load["pool"], load["load"]) for load in report["loads"]] == [("JST", 0)] * 3


async def test_run_detects_conflicts_first_so_a_consortium_member_is_never_proposed(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, proposals=1, jp=0, vn=1, reviewers_per_proposal=1)
    pi = rw.world.jp_pi
    # The Japanese PI is also a chiplet expert in the JST pool: the best text match.
    await persist(
        db,
        ReviewerProfileFactory(
            user_id=pi.id,
            expertise=EXPERTISE[0][0],
            keywords=EXPERTISE[0][1],
            pools=[ReviewerPool(agency_id=rw.world.jst.id)],
        ),
    )
    other = await make_reviewer(db, rw.world.jst, expertise=EXPERTISE[1][0])
    ids = (pi.id, other.id, rw.proposals[0].id)
    headers = await bearer(db, rw.world.jst_officer)

    response = await client.post(f"{rw.call_path}/assignment/run", headers=headers)

    jst = [r for r in response.json()["proposals"][0]["reviewers"] if r["pool"] == "JST"]
    assert [r["reviewer_id"] for r in jst] == [str(ids[1])]
    sources = await db.scalars(
        select(Conflict.source).where(
            Conflict.reviewer_id == ids[0], Conflict.proposal_id == ids[2]
        )
    )
    assert list(sources) == ["consortium_member"]


async def test_only_reviewers_who_accepted_to_serve_are_assigned_once_any_has(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, proposals=2, jp=2, vn=2, reviewers_per_proposal=1)
    call_id, jst, naf = rw.call_id, rw.world.jst.id, rw.world.nafosted.id
    await persist(
        db,
        CallReviewerFactory(call_id=call_id, reviewer_id=rw.jp[1].id, agency_id=jst),
        CallReviewerFactory(call_id=call_id, reviewer_id=rw.vn[0].id, agency_id=naf),
        CallReviewerFactory(
            call_id=call_id, reviewer_id=rw.jp[0].id, agency_id=jst, state="declined"
        ),
    )
    serving = [[str(rw.jp[1].id)], [str(rw.vn[0].id)]]
    officers = [await bearer(db, rw.world.jst_officer), await bearer(db, rw.vn_officer)]

    reports = [
        (await client.post(f"{rw.call_path}/assignment/run", headers=headers)).json()
        for headers in officers
    ]

    assert [[load["reviewer_id"] for load in r["loads"]] for r in reports] == serving
    assert [
        [[r["reviewer_id"] for r in p["reviewers"]] for p in r["proposals"]] for r in reports
    ] == [[ids] * 2 for ids in serving]
