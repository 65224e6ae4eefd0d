"""Officers change a call's assignment by hand: every constraint checked, nothing saved when
one is broken; a mere proposal can be withdrawn."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent
from tests.factories import ConflictFactory, ReviewAssignmentFactory, bearer, persist
from tests.factories_assignment import ReviewWorld, make_review_world, stored
from tests.support.coded import coded, field_error
from tests.support.problems import problem

Client = httpx.AsyncClient


def body(rw: ReviewWorld, proposal: int, reviewer_id: object, agency: str = "JST") -> dict:
    return {
        "proposal_id": str(rw.proposals[proposal].id),
        "reviewer_id": str(reviewer_id),
        "agency": agency,
    }


TITLES = {403: "Forbidden", 409: "Conflict", 422: "Invalid input"}
KINDS = {403: "forbidden", 409: "conflict", 422: "invalid"}


def refusal(status: int, instance: str, detail: str, code: str, /, **extra: Any) -> dict[str, Any]:
    """The exact problem body of a refused hand change; `extra` holds `params` (none by
    default), `errors` or `reasons`."""
    return {
        "type": f"urn:cofund:problem:{KINDS[status]}",
        "title": TITLES[status],
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
        "params": extra.pop("params", {}),
        **extra,
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

    written = "Co-authored a paper with the Japanese PI in 2025."
    assert (response.status_code, problem(response)) == (
        409,
        refusal(
            409,
            f"{rw.call_path}/assignments",
            f"{rw.jp[0].display_name} has a conflict of interest with this proposal.",
            "assignment.manual.conflicted",
            params={"reviewer": rw.jp[0].display_name},
            reasons=[
                coded(
                    f"Co-authorship declared by the reviewer: {written}",
                    "conflict.declared_coauthor",
                    reason=written,
                )
            ],
        ),
    )
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

    name = rw.jp[0].display_name
    assert (response.status_code, problem(response)) == (
        409,
        refusal(
            409,
            f"{rw.call_path}/assignments",
            f"{name} already has 1 assignments in this call; their load cap is 1.",
            "assignment.manual.load_cap",
            params={"reviewer": name, "load": 1, "cap": 1},
        ),
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

    url = f"{rw.call_path}/assignments"
    detail = ("The assignment cannot be made.", "assignment.manual.invalid")
    assert (response.status_code, problem(response)) == (
        422,
        refusal(
            422,
            url,
            *detail,
            errors=[
                field_error(
                    "reviewer_id",
                    "not serving in the JST pool of this call",
                    "assignment.manual.reviewer_not_serving",
                    agency="JST",
                )
            ],
        ),
    )
    assert (unknown.status_code, problem(unknown)) == (
        422,
        refusal(
            422,
            url,
            *detail,
            errors=[
                field_error(
                    "agency",
                    "not a co-funding agency of this call; its co-funders are JST and NAFOSTED",
                    "assignment.manual.agency_not_cofunding",
                    agencies=["JST", "NAFOSTED"],
                )
            ],
        ),
    )
    assert await stored(db) == []


async def test_manual_add_in_another_agencys_pool_is_403(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    headers = await bearer(db, rw.vn_officer)
    before = await audit_count(db)

    response = await client.post(
        f"{rw.call_path}/assignments", headers=headers, json=body(rw, 0, rw.jp[1].id, "JST")
    )

    assert (response.status_code, problem(response)) == (
        403,
        refusal(
            403,
            f"{rw.call_path}/assignments",
            "Only officers of JST assign reviewers from its pool.",
            "assignment.manual.other_pool",
            params={"agency": "JST"},
        ),
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

    url, name = f"{rw.call_path}/assignments", rw.jp[0].display_name
    assert first.status_code == 201
    assert (again.status_code, problem(again)) == (
        409,
        refusal(
            409,
            url,
            f"{name} is already on this proposal (proposed).",
            "assignment.manual.already_assigned",
            params={"reviewer": name, "state": "proposed"},
        ),
    )
    assert (full.status_code, problem(full)) == (
        409,
        refusal(
            409,
            url,
            "The proposal already has 1 reviewers from the JST pool.",
            "assignment.manual.pool_full",
            params={"count": 1, "agency": "JST"},
        ),
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
    assert (kept.status_code, problem(kept)) == (
        409,
        refusal(
            409,
            f"{rw.call_path}/assignments/{invited.id}",
            "The assignment is invited; only a proposed one can be withdrawn.",
            "assignment.withdraw.not_proposed",
            params={"state": "invited"},
        ),
    )
    assert [r.state for r in await stored(db)] == ["invited"]
