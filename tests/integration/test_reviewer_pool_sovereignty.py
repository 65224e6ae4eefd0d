"""Each agency manages and sees only its own reviewer pool; auditors read and never write."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, CallReviewer, Conflict, ReviewerProfile, User
from tests.factories import CallReviewerFactory, ConflictFactory, bearer, make_user, persist
from tests.factories_proposals import World, audit_count, make_world
from tests.factories_reviews_pool import make_review_world, pool_reviewer
from tests.support.coded import field_error
from tests.support.problems import forbidden, problem

Client = httpx.AsyncClient
OWN_POOL = "An agency manages only its own reviewer pool."
SHARED = field_error(
    "",
    "the reviewer is in another agency's pool too; an admin changes it",
    "pool.profile.shared_reviewer",
)


def not_found(instance: str, detail: str) -> dict[str, Any]:
    return {
        "type": "urn:cofund:problem:not_found",
        "title": "Not found",
        "status": 404,
        "detail": detail,
        "instance": instance,
    }


def uncoded(response: httpx.Response) -> dict[str, Any]:
    """The problem without its message code: for refusals the security policy words (its
    codes are tested with the policy)."""
    return {k: v for k, v in problem(response).items() if k not in ("code", "params")}


def own_pool(instance: str, errors: list[dict[str, Any]]) -> dict[str, Any]:
    """The 403 of a pool change or view outside the caller's agency's pool."""
    return forbidden(instance, OWN_POOL, errors) | {"code": "pool.own_pool_only", "params": {}}


def only(agency: str, field: str = "pools") -> dict[str, Any]:
    reason = f"only {agency} adds or removes its own pool's reviewers"
    return field_error(field, reason, "pool.membership.own_agency_only", agency=agency)


def shared(field: str) -> dict[str, Any]:
    return {**SHARED, "field": field}


async def officer_headers(db: AsyncSession, world: World, agency: str) -> dict[str, str]:
    if agency == "JST":
        return await bearer(db, world.jst_officer)
    return await bearer(db, await make_user(db, "officer", agency=getattr(world, agency.lower())))


async def admin_view(client: Client, db: AsyncSession, user: User) -> dict[str, Any]:
    """The profile as an admin reads it, to check that a refused request changed nothing."""
    admin = await bearer(db, await make_user(db, "admin"))
    shown = await client.get(f"/api/reviewers/{user.id}", headers=admin)
    return {k: shown.json()[k] for k in ("pools", "load_cap", "version")}


async def test_create_profile_in_other_agencys_pool_forbidden(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    person = await make_user(db, "researcher", email="minh@example.vn", country="VN")
    body = {"email": person.email, "expertise": "EDA", "country": "VN", "pools": ["NAFOSTED"]}
    before = await audit_count(db)

    response = await client.post(
        "/api/reviewers", headers=await officer_headers(db, world, "JST"), json=body
    )

    assert problem(response) == own_pool("/api/reviewers", [only("NAFOSTED")])
    assert await db.scalar(select(func.count()).select_from(ReviewerProfile)) == 0
    assert await audit_count(db) == before


async def test_update_other_agencys_reviewer_is_not_found(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    reviewer = await pool_reviewer(db, world.nafosted, country="VN")
    url = f"/api/reviewers/{reviewer.id}"
    before = await audit_count(db)
    fwo = await officer_headers(db, world, "FWO")

    moved = await client.patch(
        url, headers=await officer_headers(db, world, "JST"), json={"version": 1, "pools": ["JST"]}
    )
    capped = await client.patch(url, headers=fwo, json={"version": 1, "load_cap": 0})
    shown = await client.get(url, headers=fwo)

    for response in (moved, capped, shown):
        assert uncoded(response) == not_found(url, "No such reviewer profile.")
    assert await admin_view(client, db, reviewer) == {
        "pools": ["NAFOSTED"],
        "load_cap": 8,
        "version": 1,
    }
    assert await audit_count(db) == before


async def test_update_removing_other_pool_of_shared_reviewer_forbidden(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    reviewer = await pool_reviewer(db, world.jst, world.nafosted)
    url = f"/api/reviewers/{reviewer.id}"
    before = await audit_count(db)

    response = await client.patch(
        url, headers=await officer_headers(db, world, "JST"), json={"version": 1, "pools": ["JST"]}
    )

    assert problem(response) == own_pool(url, [only("NAFOSTED")])
    assert await admin_view(client, db, reviewer) == {
        "pools": ["JST", "NAFOSTED"],
        "load_cap": 8,
        "version": 1,
    }
    assert await audit_count(db) == before


async def test_update_leaving_own_pool_of_shared_reviewer_allowed(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    reviewer = await pool_reviewer(db, world.jst, world.nafosted)
    url = f"/api/reviewers/{reviewer.id}"
    headers = await officer_headers(db, world, "JST")

    response = await client.patch(url, headers=headers, json={"version": 1, "pools": ["NAFOSTED"]})
    after = await client.get(url, headers=headers)

    assert (response.status_code, response.json()["pools"]) == (200, ["NAFOSTED"])
    assert uncoded(after) == not_found(url, "No such reviewer profile.")


async def test_update_load_cap_of_shared_reviewer_forbidden(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    reviewer = await pool_reviewer(db, world.jst, world.nafosted)
    url = f"/api/reviewers/{reviewer.id}"
    before = await audit_count(db)

    response = await client.patch(
        url,
        headers=await officer_headers(db, world, "JST"),
        json={"version": 1, "load_cap": 0, "expertise": "Other", "country": "JP"},
    )

    assert problem(response) == own_pool(url, [shared("expertise"), shared("load_cap")])
    assert await admin_view(client, db, reviewer) == {
        "pools": ["JST", "NAFOSTED"],
        "load_cap": 8,
        "version": 1,
    }
    assert await audit_count(db) == before


async def test_update_load_cap_of_shared_reviewer_by_admin_allowed(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    reviewer = await pool_reviewer(db, world.jst, world.nafosted)
    admin = await bearer(db, await make_user(db, "admin"))

    response = await client.patch(
        f"/api/reviewers/{reviewer.id}", headers=admin, json={"version": 1, "load_cap": 2}
    )

    assert (response.status_code, response.json()["load_cap"]) == (200, 2)


async def test_update_load_cap_of_own_reviewer_allowed(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    reviewer = await pool_reviewer(db, world.jst)

    response = await client.patch(
        f"/api/reviewers/{reviewer.id}",
        headers=await officer_headers(db, world, "JST"),
        json={"version": 1, "load_cap": 0},
    )

    assert (response.status_code, response.json()["load_cap"], response.json()["version"]) == (
        200,
        0,
        2,
    )
    event = await db.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()))
    assert event is not None
    assert (event.action, event.changes) == ("reviewer_profile.update", {"load_cap": [8, 0]})


async def test_list_shows_only_own_pool(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    await pool_reviewer(db, world.jst, email="a@example.jp")
    await pool_reviewer(db, world.nafosted, country="VN", email="b@example.vn")
    await pool_reviewer(db, world.jst, world.nafosted, country="VN", email="c@example.vn")

    async def listed(agency: str, query: str = "") -> tuple[list[str], int]:
        headers = await officer_headers(db, world, agency)
        body = (await client.get(f"/api/reviewers?{query}", headers=headers)).json()
        return [p["email"] for p in body["items"]], body["total"]

    assert await listed("JST") == (["a@example.jp", "c@example.vn"], 2)
    assert await listed("NAFOSTED") == (["b@example.vn", "c@example.vn"], 2)
    assert await listed("FWO") == ([], 0)
    assert await listed("NAFOSTED", "country=VN&pool=nafosted") == (
        ["b@example.vn", "c@example.vn"],
        2,
    )


async def test_list_filtered_by_other_pool_forbidden(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    await pool_reviewer(db, world.nafosted, country="VN", email="b@example.vn")

    response = await client.get(
        "/api/reviewers?pool=NAFOSTED", headers=await officer_headers(db, world, "JST")
    )

    seen = field_error("pool", "you see only your own agency's pool", "pool.filter.own_pool_only")
    assert problem(response) == own_pool("/api/reviewers", [seen])


async def test_auditor_reads_reviewers_and_users_but_writes_nothing(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    reviewer = await pool_reviewer(db, world.nafosted, country="VN", email="b@example.vn")
    auditor = await bearer(db, await make_user(db, "auditor"))
    before = await audit_count(db)
    csv = {**auditor, "Content-Type": "text/csv"}

    reviewers = await client.get("/api/reviewers", headers=auditor)
    users = await client.get("/api/users?role=reviewer", headers=auditor)
    writes = [
        await client.patch(
            f"/api/reviewers/{reviewer.id}", headers=auditor, json={"version": 1, "load_cap": 0}
        ),
        await client.post("/api/reviewers/import", headers=csv, content=b"email\n"),
        await client.post(
            "/api/users",
            headers=auditor,
            json={"email": "x@example.jp", "display_name": "X", "roles": []},
        ),
    ]

    assert [p["email"] for p in reviewers.json()["items"]] == ["b@example.vn"]
    assert [u["email"] for u in users.json()["items"]] == ["b@example.vn"]
    assert [uncoded(r) for r in writes] == [
        forbidden(f"/api/reviewers/{reviewer.id}", "This needs the role officer or admin."),
        forbidden("/api/reviewers/import", "This needs the role officer or admin."),
        forbidden("/api/users", "This needs the role admin."),
    ]
    assert await audit_count(db) == before


async def test_invite_for_other_agencys_pool_forbidden(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    reviewer = await pool_reviewer(db, rw.world.nafosted, country="VN")
    url = f"/api/calls/{rw.call_id}/reviewers"
    before = await audit_count(db)

    response = await client.post(
        url,
        headers=await officer_headers(db, rw.world, "JST"),
        json={"reviewer": str(reviewer.id), "agency": "NAFOSTED"},
    )

    invites = "you invite only for your own agency's pool"
    assert problem(response) == own_pool(
        url, [field_error("agency", invites, "pool.invite.own_pool_only")]
    )
    assert await db.scalar(select(func.count()).select_from(CallReviewer)) == 0
    assert await audit_count(db) == before


async def test_invite_from_own_pool_allowed(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    reviewer = await pool_reviewer(db, rw.world.nafosted, country="VN")

    response = await client.post(
        f"/api/calls/{rw.call_id}/reviewers",
        headers=await officer_headers(db, rw.world, "NAFOSTED"),
        json={"reviewer": str(reviewer.id), "agency": "NAFOSTED"},
    )

    assert (response.status_code, response.json()["agency_code"]) == (201, "NAFOSTED")


async def test_call_reviewers_listed_per_own_pool(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    w = rw.world
    for agency, country in ((w.jst, "JP"), (w.nafosted, "VN")):
        reviewer = await pool_reviewer(db, agency, country=country)
        await persist(
            db,
            CallReviewerFactory(call_id=rw.call_id, reviewer_id=reviewer.id, agency_id=agency.id),
        )
    auditor = await bearer(db, await make_user(db, "auditor"))

    async def agencies(headers: dict[str, str]) -> list[str]:
        body = (await client.get(f"/api/calls/{rw.call_id}/reviewers", headers=headers)).json()
        return [s["agency_code"] for s in body["items"]]

    assert await agencies(await officer_headers(db, w, "JST")) == ["JST"]
    assert await agencies(await officer_headers(db, w, "NAFOSTED")) == ["NAFOSTED"]
    assert await agencies(auditor) == ["JST", "NAFOSTED"]


async def test_conflict_of_other_agencys_reviewer_not_decided(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    w = rw.world
    # In both pools, serving the call for NAFOSTED: NAFOSTED decides the pair's conflicts.
    reviewer = await pool_reviewer(db, w.jst, w.nafosted, country="VN", email="v@example.vn")
    await persist(
        db,
        CallReviewerFactory(call_id=rw.call_id, reviewer_id=reviewer.id, agency_id=w.nafosted.id),
    )
    conflict = ConflictFactory(proposal_id=rw.proposal.id, reviewer_id=reviewer.id)
    await persist(db, conflict)
    url = f"/api/conflicts/{conflict.id}/waive"
    jst = await officer_headers(db, w, "JST")
    before = await audit_count(db)

    refused = await client.post(url, headers=jst, json={"reason": "Fine by us."})
    listed = await client.get(f"/api/calls/{rw.call_id}/conflicts", headers=jst)

    assert problem(refused) == forbidden(
        url,
        "Only an officer of the agency whose pool the reviewer serves on this call "
        "decides their conflicts.",
    ) | {"code": "conflict.decide.not_pool_officer", "params": {}}
    assert (listed.json()["items"], listed.json()["total"]) == ([], 0)
    await db.refresh(conflict)
    assert (conflict.status, await audit_count(db)) == ("active", before)
    allowed = await client.post(
        url, headers=await officer_headers(db, w, "NAFOSTED"), json={"reason": "Fine by us."}
    )
    assert (allowed.status_code, allowed.json()["status"]) == (200, "waived")
    assert await db.scalar(select(Conflict.status)) == "waived"
