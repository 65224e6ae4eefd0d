"""Admin user management and the account workflow through `…/transitions` and `…/events`."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent
from tests.conftest import QueryCounter
from tests.factories import AgencyFactory, bearer, make_user, persist
from tests.support.problems import problem
from tests.support.queries import queries_on
from tests.support.reasons import reason

Client = httpx.AsyncClient


async def _audit_count(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(AuditEvent)) or 0)


async def test_create_user_with_officer_role_bound_to_agency(
    client: Client, db: AsyncSession
) -> None:
    await persist(db, AgencyFactory(code="JST"))
    headers = await bearer(db, await make_user(db, "admin"))

    response = await client.post(
        "/api/users",
        headers=headers,
        json={
            "email": "Officer@JST.example",
            "display_name": "Officer",
            "password": "long enough password",
            "locale": "ja",
            "time_zone": "Asia/Tokyo",
            "roles": [{"role": "officer", "agency": "JST"}],
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "officer@jst.example"
    assert [(r["role"], r["agency_code"]) for r in body["roles"]] == [("officer", "JST")]
    event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert event is not None
    assert event.entity_id == body["id"]


async def test_create_user_every_bad_field_named(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin"))
    before = await _audit_count(db)

    response = await client.post(
        "/api/users",
        headers=headers,
        json={
            "email": "not-an-email",
            "display_name": "",
            "password": "short",
            "time_zone": "Mars/Olympus",
            "roles": [{"role": "pope"}],
            "shoe_size": 44,
        },
    )

    assert response.status_code == 422
    fields = sorted(e["field"] for e in response.json()["errors"])
    assert fields == [
        "display_name",
        "email",
        "password",
        "roles[0].role",
        "shoe_size",
        "time_zone",
    ]
    assert await _audit_count(db) == before


async def test_create_user_officer_without_agency_refused(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin"))

    response = await client.post(
        "/api/users",
        headers=headers,
        json={
            "email": "o@example.org",
            "display_name": "O",
            "password": "long enough password",
            "roles": [{"role": "officer"}, {"role": "auditor", "agency": "JST"}],
        },
    )

    assert problem(response) == {
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "Some roles cannot be granted.",
        "instance": "/api/users",
        "code": "account.roles.refused",
        "params": {},
        "errors": [
            {
                "field": "roles[0].agency",
                "reason": "An officer belongs to one agency: name its code.",
                "code": "account.roles.agency_required",
                "params": {},
            },
            {
                "field": "roles[1].agency",
                "reason": "Only an officer role is bound to an agency.",
                "code": "account.roles.agency_not_allowed",
                "params": {},
            },
        ],
    }


async def test_create_user_duplicate_email_conflicts(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin"))
    await make_user(db, email="taken@example.org")

    response = await client.post(
        "/api/users",
        headers=headers,
        json={
            "email": "TAKEN@example.org",
            "display_name": "T",
            "password": "long enough password",
        },
    )

    assert problem(response) == {
        "type": "urn:cofund:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "An account with this email already exists.",
        "instance": "/api/users",
        "code": "account.email.taken",
        "params": {},
        "errors": [
            {
                "field": "email",
                "reason": "This email is already registered.",
                "code": "account.email.registered",
                "params": {},
            }
        ],
    }


async def test_users_endpoints_refuse_non_admins(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "reviewer", "researcher"))

    response = await client.get("/api/users", headers=headers)

    assert problem(response) == {
        "type": "urn:cofund:problem:forbidden",
        "title": "Forbidden",
        "status": 403,
        "detail": "This needs the role admin.",
        "instance": "/api/users",
        "code": "security.role.needed",
        "params": {"role": "admin"},
    }


async def test_users_list_unauthenticated_is_401_problem(client: Client) -> None:
    response = await client.get("/api/users")

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_users_list_constant_queries_at_1_and_20(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    headers = await bearer(db, await make_user(db, "admin", email="a0@example.org"))

    async def count_for_page() -> tuple[int, int]:
        queries.count, queries.active = 0, True
        response = await client.get("/api/users?limit=50", headers=headers)
        queries.active = False
        return queries.count, response.json()["total"]

    one = await count_for_page()
    for i in range(19):
        await make_user(db, "reviewer", "researcher", email=f"u{i:02}@example.org")
    twenty = await count_for_page()

    n = queries_on(backend, 8)
    assert (one, twenty) == ((n, 1), (n, 20))


async def test_users_list_filters_and_paginates(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin", email="admin@example.org"))
    for i in range(5):
        await make_user(db, "reviewer", email=f"rev{i}@example.org")

    response = await client.get("/api/users?role=reviewer&limit=2&offset=2", headers=headers)

    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (5, 2, 2)
    assert [u["email"] for u in body["items"]] == ["rev2@example.org", "rev3@example.org"]


async def test_replace_roles_stale_version_conflicts(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin"))
    user = await make_user(db, "researcher")

    response = await client.put(
        f"/api/users/{user.id}/roles", headers=headers, json={"version": 7, "roles": []}
    )

    assert response.status_code == 409
    assert response.json()["type"] == "urn:cofund:problem:stale_version"


async def test_transitions_list_what_admin_may_fire(client: Client, db: AsyncSession) -> None:
    admin = await make_user(db, "admin")
    headers = await bearer(db, admin)
    user = await make_user(db, "researcher")

    response = await client.get(f"/api/users/{user.id}/transitions", headers=headers)

    assert response.status_code == 200
    assert [(t["event"], t["target"], t["allowed"]) for t in response.json()] == [
        ("suspend", "suspended", True),
        ("deactivate", "deactivated", True),
    ]


async def test_suspend_fires_audits_and_ends_access(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin"))
    user = await make_user(db, "researcher")
    user_headers = await bearer(db, user)

    response = await client.post(
        f"/api/users/{user.id}/events/suspend",
        headers=headers,
        json={"version": 1, "data": {"reason": "left the institute"}},
    )

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["version"]) == ("suspended", 2)
    event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "user.suspend"))
    assert event is not None
    assert event.changes == {
        "state": ["active", "suspended"],
        "data": {"reason": "left the institute"},
        "sessions": "revoked",
    }
    assert (await client.get("/api/me", headers=user_headers)).status_code == 401


async def test_self_suspension_refused_with_reasons_and_nothing_written(
    client: Client, db: AsyncSession
) -> None:
    admin = await make_user(db, "admin")
    headers = await bearer(db, admin)
    before = await _audit_count(db)

    response = await client.post(
        f"/api/users/{admin.id}/events/suspend", headers=headers, json={"version": 1}
    )

    assert response.status_code == 409
    assert response.json()["reasons"] == [
        reason("account.guard.oneself", "An admin cannot suspend or deactivate their own account."),
        reason(
            "account.guard.last_admin",
            "This is the last active admin account; appoint another admin first.",
        ),
    ]
    await db.refresh(admin)
    assert admin.state == "active"
    assert await _audit_count(db) == before


async def test_event_with_stale_version_conflicts(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin"))
    user = await make_user(db)

    response = await client.post(
        f"/api/users/{user.id}/events/suspend", headers=headers, json={"version": 3}
    )

    assert response.status_code == 409
    assert response.json()["type"] == "urn:cofund:problem:stale_version"


async def test_event_not_allowed_from_state_names_it(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin"))
    user = await make_user(db)

    response = await client.post(
        f"/api/users/{user.id}/events/reactivate", headers=headers, json={"version": 1}
    )

    assert response.status_code == 409
    assert (
        response.json()["detail"]
        == "'reactivate' is not possible in state 'active'; it is allowed from 'suspended'."
    )


async def test_unknown_event_is_404(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin"))
    user = await make_user(db)

    response = await client.post(
        f"/api/users/{user.id}/events/promote", headers=headers, json={"version": 1}
    )

    assert response.status_code == 404
    assert response.json()["detail"] == "The account workflow has no event 'promote'."


async def test_unknown_user_is_404(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin"))

    response = await client.get("/api/users/01890000-0000-7000-8000-000000000000", headers=headers)

    assert response.status_code == 404
    assert response.json()["title"] == "Not found"
