"""Officers change a call's assignment by hand: every constraint checked, nothing saved when
one is broken; a mere proposal can be withdrawn."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent
from tests.factories import ConflictFactory, ReviewAssignmentFactory, bearer, persist
from tests.factories_assignment import ReviewWorld, make_review_world, stored

Client = httpx.AsyncClient


def body(rw: ReviewWorld, proposal: int, reviewer_id: object, agency: str = "JST") -> dict:
    return {
        "proposal_id": str(rw.proposals[proposal].id),
        "reviewer_id": str(reviewer_id),
        "agency": agency,
    }


async def audit_count(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(AuditEvent)) or 0)


async def test_manual_add_stores_a_manual_proposal(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    headers = await bearer(db, rw.world.jst_officer)

    response = await client.post(
        f"{rw.call_path}/assignments", headers=headers, json=body(rw, 0, rw.jp[1].id)
    )

    assert response.status_code == 201
    created = response.json()
    assert (created["state"], created["source"], created["pool"], created["affinity"]) == (
        "proposed",
        "manual",
        "JST",
        None,
    )
    assert created["reviewer_id"] == str(rw.jp[1].id)
    assert [(r.id, r.source) for r in await stored(db)] == [(uuid.UUID(created["id"]), "manual")]


async def test_manual_add_with_active_conflict_is_409_naming_it(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    await persist(
        db,
        ConflictFactory(
            proposal_id=rw.proposals[0].id,
            reviewer_id=rw.jp[0].id,
            source="coauthor",
            reason="Co-authored a paper with the Japanese PI in 2025.",
        ),
    )
    headers = await bearer(db, rw.world.jst_officer)
    before = await audit_count(db)

    response = await client.post(
        f"{rw.call_path}/assignments", headers=headers, json=body(rw, 0, rw.jp[0].id)
    )

    assert response.status_code == 409
    assert response.json()["reasons"] == ["Co-authored a paper with the Japanese PI in 2025."]
    assert (await stored(db), await audit_count(db)) == ([], before)


async def test_manual_add_ignores_a_dismissed_conflict(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    await persist(
        db,
        ConflictFactory(
            proposal_id=rw.proposals[0].id, reviewer_id=rw.jp[0].id, status="dismissed"
        ),
    )
    headers = await bearer(db, rw.world.jst_officer)

    response = await client.post(
        f"{rw.call_path}/assignments", headers=headers, json=body(rw, 0, rw.jp[0].id)
    )

    assert (response.status_code, response.json()["conflicts"]) == (201, [])


async def test_manual_add_beyond_load_cap_is_409_and_saves_nothing(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, cap=1)
    await persist(
        db,
        ReviewAssignmentFactory(
            proposal_id=rw.proposals[1].id,
            reviewer_id=rw.jp[0].id,
            pool_agency_id=rw.world.jst.id,
            state="accepted",
        ),
    )
    headers = await bearer(db, rw.world.jst_officer)

    response = await client.post(
        f"{rw.call_path}/assignments", headers=headers, json=body(rw, 0, rw.jp[0].id)
    )

    assert response.status_code == 409
    assert response.json()["detail"].endswith(
        "already has 1 assignments in this call; their load cap is 1."
    )
    assert len(await stored(db)) == 1


async def test_manual_add_outside_the_pool_is_422(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    headers = await bearer(db, rw.world.jst_officer)

    response = await client.post(
        f"{rw.call_path}/assignments", headers=headers, json=body(rw, 0, rw.vn[0].id, "JST")
    )
    unknown = await client.post(
        f"{rw.call_path}/assignments", headers=headers, json=body(rw, 0, rw.vn[0].id, "FWO")
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "reviewer_id", "reason": "not serving in the JST pool of this call"}
    ]
    assert unknown.json()["errors"] == [
        {"field": "agency", "reason": "not a co-funding agency of this call (JST, NAFOSTED)"}
    ]
    assert await stored(db) == []


async def test_manual_add_in_another_agencys_pool_is_403(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    headers = await bearer(db, rw.vn_officer)
    before = await audit_count(db)

    response = await client.post(
        f"{rw.call_path}/assignments", headers=headers, json=body(rw, 0, rw.jp[1].id, "JST")
    )

    assert response.status_code == 403
    assert (response.json()["detail"], response.json()["status"]) == (
        "Only officers of JST assign reviewers from its pool.",
        403,
    )
    assert (await stored(db), await audit_count(db)) == ([], before)


async def test_manual_add_duplicate_or_full_pool_is_409(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db, reviewers_per_proposal=1)
    headers = await bearer(db, rw.world.jst_officer)
    first = await client.post(
        f"{rw.call_path}/assignments", headers=headers, json=body(rw, 0, rw.jp[0].id)
    )

    again = await client.post(
        f"{rw.call_path}/assignments", headers=headers, json=body(rw, 0, rw.jp[0].id)
    )
    full = await client.post(
        f"{rw.call_path}/assignments", headers=headers, json=body(rw, 0, rw.jp[1].id)
    )

    assert first.status_code == 201
    assert (again.status_code, again.json()["detail"]) == (
        409,
        f"{rw.jp[0].display_name} is already on this proposal (proposed).",
    )
    assert (full.status_code, full.json()["detail"]) == (
        409,
        "The proposal already has 1 reviewers from the JST pool.",
    )
    assert len(await stored(db)) == 1


async def test_manual_proposal_survives_a_solver_run(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db, reviewers_per_proposal=1)
    headers = await bearer(db, rw.world.jst_officer)
    # Against the text match: the EDA expert on the chiplet proposal.
    await client.post(f"{rw.call_path}/assignments", headers=headers, json=body(rw, 0, rw.jp[1].id))

    report = (await client.post(f"{rw.call_path}/assignment/run", headers=headers)).json()

    reviewers = report["proposals"][0]["reviewers"]  # JST's run: JST's pool only
    assert [(r["reviewer_id"], r["pool"], r["state"]) for r in reviewers] == [
        (str(rw.jp[1].id), "JST", "proposed")
    ]
    assert (report["pool"], report["feasible"], report["added"]) == ("JST", True, 2)


async def test_withdraw_only_a_proposed_assignment(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    proposed, invited = (
        ReviewAssignmentFactory(
            proposal_id=rw.proposals[i].id,
            reviewer_id=rw.jp[0].id,
            pool_agency_id=rw.world.jst.id,
            state=state,
        )
        for i, state in ((0, "proposed"), (1, "invited"))
    )
    await persist(db, proposed, invited)
    headers = await bearer(db, rw.world.jst_officer)

    gone = await client.delete(f"{rw.call_path}/assignments/{proposed.id}", headers=headers)
    kept = await client.delete(f"{rw.call_path}/assignments/{invited.id}", headers=headers)

    assert gone.status_code == 204
    assert (kept.status_code, kept.json()["detail"]) == (
        409,
        "The assignment is invited; only a proposed one can be withdrawn.",
    )
    assert [r.state for r in await stored(db)] == ["invited"]
