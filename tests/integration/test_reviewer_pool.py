"""The reviewer pool: profiles by officers and admins, a reviewer's own profile, visibility."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, ReviewerProfile, UserRole
from tests.conftest import QueryCounter
from tests.factories import bearer, make_reviewer, make_user
from tests.factories_proposals import audit_count, make_world
from tests.factories_reviews_pool import KYOTO_ROR, ORCID, pool_reviewer, submitted_proposal
from tests.support.queries import queries_on

Client = httpx.AsyncClient


def profile_body(email: str, **fields: object) -> dict[str, object]:
    body: dict[str, object] = {
        "email": email,
        "expertise": "Chiplet interconnects and 2.5D packaging.",
        "keywords": ["chiplet", "packaging"],
        "institution_ror": KYOTO_ROR,
        "institution_name": "Kyoto University",
        "country": "jp",
        "orcid": ORCID,
        "load_cap": 6,
        "pools": ["jst"],
    }
    body.update(fields)
    return body


async def test_create_profile_grants_reviewer_role_and_audits(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    person = await make_user(db, "researcher", email="kenji@example.jp")
    headers = await bearer(db, world.jst_officer)
    before = await audit_count(db)

    response = await client.post(
        "/api/reviewers", headers=headers, json=profile_body("Kenji@example.jp")
    )

    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("user_id", "email", "country", "pools", "load_cap", "orcid")} == {
        "user_id": str(person.id),
        "email": "kenji@example.jp",
        "country": "JP",
        "pools": ["JST"],
        "load_cap": 6,
        "orcid": ORCID,
    }
    roles = await db.scalars(select(UserRole.role).where(UserRole.user_id == person.id))
    assert sorted(roles) == ["researcher", "reviewer"]
    assert await audit_count(db) == before + 1
    event = await db.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()))
    assert event is not None
    assert (event.action, event.changes["role_added"]) == ("reviewer_profile.create", True)


async def test_create_profile_bad_codes_name_each_field(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    await make_user(db, email="kenji@example.jp")
    headers = await bearer(db, world.jst_officer)

    response = await client.post(
        "/api/reviewers",
        headers=headers,
        json=profile_body(
            "kenji@example.jp",
            orcid="0000-0002-1825-0098",
            institution_ror="04wxnsj82",
            country="XX",
            load_cap=51,
        ),
    )

    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == [
        "country",
        "institution_ror",
        "load_cap",
        "orcid",
    ]
    assert await db.scalar(select(ReviewerProfile.id)) is None


async def test_create_profile_unknown_email_and_pool_422(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    headers = await bearer(db, world.jst_officer)

    response = await client.post(
        "/api/reviewers", headers=headers, json=profile_body("nobody@example.jp", pools=["NSF"])
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "email",
            "reason": "no account has this email",
            "code": "reviewer.profile.no_account",
            "params": {},
        },
        {
            "field": "pools",
            "reason": "no agency has the code 'NSF'",
            "code": "pool.agency.unknown_code",
            "params": {"code": "NSF"},
        },
    ]


async def test_create_profile_twice_is_409(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    reviewer = await make_reviewer(db, world.jst)
    headers = await bearer(db, world.jst_officer)

    response = await client.post(
        "/api/reviewers", headers=headers, json=profile_body(reviewer.email)
    )

    assert response.status_code == 409
    assert response.json()["errors"] == [
        {
            "field": "email",
            "reason": "already a reviewer",
            "code": "reviewer.profile.already_reviewer",
            "params": {},
        }
    ]


async def test_update_profile_replaces_pools_and_checks_version(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    reviewer = await make_reviewer(db, world.jst)
    headers = await bearer(db, await make_user(db, "admin"))
    url = f"/api/reviewers/{reviewer.id}"

    response = await client.patch(
        url, headers=headers, json={"version": 1, "pools": ["NAFOSTED"], "load_cap": 3}
    )
    stale = await client.patch(url, headers=headers, json={"version": 1, "load_cap": 4})

    assert response.status_code == 200
    body = response.json()
    assert (body["pools"], body["load_cap"], body["version"]) == (["NAFOSTED"], 3, 2)
    assert stale.status_code == 409
    shown = await client.get(url, headers=headers)
    assert (shown.json()["pools"], shown.json()["load_cap"]) == (["NAFOSTED"], 3)


async def test_list_filters_by_pool_country_and_text(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    await pool_reviewer(db, world.jst, email="a@example.jp", expertise="EDA flows")
    await pool_reviewer(db, world.nafosted, country="VN", email="b@example.vn")
    await pool_reviewer(db, world.jst, world.nafosted, country="VN", email="c@example.vn")
    headers = await bearer(db, world.jst_officer)

    by_pool = await client.get("/api/reviewers?pool=jst", headers=headers)
    by_country = await client.get("/api/reviewers?country=JP", headers=headers)
    by_text = await client.get("/api/reviewers?q=eda", headers=headers)

    assert [p["email"] for p in by_pool.json()["items"]] == ["a@example.jp", "c@example.vn"]
    assert [p["email"] for p in by_country.json()["items"]] == ["a@example.jp"]
    assert [p["email"] for p in by_text.json()["items"]] == ["a@example.jp"]
    assert by_pool.json()["items"][1]["pools"] == ["JST", "NAFOSTED"]


async def test_list_constant_queries_at_1_and_20(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    world = await make_world(db)
    headers = await bearer(db, world.jst_officer)
    await pool_reviewer(db, world.jst, email="r00@example.org")

    async def count_for_page() -> tuple[int, int]:
        queries.count, queries.active = 0, True
        response = await client.get("/api/reviewers?limit=50", headers=headers)
        queries.active = False
        return queries.count, response.json()["total"]

    one = await count_for_page()
    for i in range(1, 20):
        await pool_reviewer(db, world.jst, world.nafosted, email=f"r{i:02}@example.org")
    twenty = await count_for_page()

    n = queries_on(backend, 10)
    assert (one, twenty) == ((n, 1), (n, 20))


async def test_own_profile_edits_expertise_only(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    reviewer = await make_reviewer(db, world.jst)
    headers = await bearer(db, reviewer)

    shown = await client.get("/api/me/reviewer-profile", headers=headers)
    changed = await client.patch(
        "/api/me/reviewer-profile",
        headers=headers,
        json={"version": 1, "expertise": "EDA", "keywords": ["eda"]},
    )
    refused = await client.patch(
        "/api/me/reviewer-profile", headers=headers, json={"version": 2, "load_cap": 50}
    )

    assert shown.json()["user_id"] == str(reviewer.id)
    assert (changed.json()["expertise"], changed.json()["keywords"]) == ("EDA", ["eda"])
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "load_cap"


async def test_researchers_never_reach_reviewer_endpoints(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    reviewer = await make_reviewer(db, world.jst)
    proposal = await submitted_proposal(db, world)
    headers = await bearer(db, world.jp_pi)
    bid = {"level": "eager"}

    answers = [
        await client.get("/api/reviewers", headers=headers),
        await client.get(f"/api/reviewers/{reviewer.id}", headers=headers),
        await client.post("/api/reviewers", headers=headers, json=profile_body(reviewer.email)),
        await client.post("/api/reviewers/import", headers=headers, content=b"x"),
        await client.get("/api/me/reviewer-profile", headers=headers),
        await client.get(f"/api/calls/{world.call.id}/biddable", headers=headers),
        await client.get(f"/api/calls/{world.call.id}/conflicts", headers=headers),
        await client.post(f"/api/calls/{world.call.id}/conflicts/detect", headers=headers),
        await client.get(f"/api/calls/{world.call.id}/reviewers", headers=headers),
        await client.put(f"/api/proposals/{proposal.id}/bid", headers=headers, json=bid),
        await client.post(
            f"/api/proposals/{proposal.id}/conflict-declaration",
            headers=headers,
            json={"reason": "x"},
        ),
    ]

    assert [r.status_code for r in answers] == [403] * 11


async def test_reviewer_reaches_no_officer_endpoint_nor_an_unserved_call(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await submitted_proposal(db, world)
    reviewer = await pool_reviewer(db, world.jst)
    headers = await bearer(db, reviewer)

    answers = [
        await client.get("/api/reviewers", headers=headers),
        await client.get(f"/api/calls/{world.call.id}/conflicts", headers=headers),
        await client.get(f"/api/calls/{world.call.id}/biddable", headers=headers),
        await client.put(
            f"/api/proposals/{proposal.id}/bid", headers=headers, json={"level": "eager"}
        ),
        await client.get(f"/api/proposals/{proposal.id}/exclusions", headers=headers),
    ]

    assert [r.status_code for r in answers] == [403, 403, 404, 404, 404]
