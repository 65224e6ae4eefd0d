"""CSV import of reviewers: all rows or none, every bad row named by its line."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, ReviewerProfile, User
from tests.factories import bearer, make_user
from tests.factories_proposals import audit_count, make_world
from tests.factories_reviews_pool import KYOTO_ROR, ORCID, pool_reviewer
from tests.support.coded import field_error
from tests.support.problems import problem

Client = httpx.AsyncClient
HEADER = (
    "email,name,expertise,keywords,institution_ror,institution_name,country,orcid,load_cap,pools"
)
GOOD_1 = (
    f"aiko@example.jp,Aiko Sato,Chiplets,chiplet;packaging,{KYOTO_ROR},Kyoto University,JP,"
    f"{ORCID},5,JST"
)
GOOD_2 = "minh@example.vn,Minh Tran,EDA flows,eda,,Hanoi University,VN,,8,JST"
CSV = {"Content-Type": "text/csv"}


def invalid(field: str) -> dict[str, object]:
    return field_error(field, "This value is not valid.", "validation.value_error")


async def profile_count(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(ReviewerProfile)) or 0)


async def test_import_creates_users_and_profiles(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    existing = await make_user(db, "researcher", email="minh@example.vn", country="VN")
    headers = {**await bearer(db, world.jst_officer), **CSV}
    before = await audit_count(db)

    response = await client.post(
        "/api/reviewers/import", headers=headers, content=f"{HEADER}\n{GOOD_1}\n{GOOD_2}\n"
    )

    assert response.status_code == 201
    assert response.json() == {"profiles_created": 2, "users_created": 1}
    aiko = await db.scalar(select(User).where(User.email == "aiko@example.jp"))
    assert aiko is not None
    assert (aiko.display_name, aiko.locale, aiko.country, aiko.password_hash) == (
        "Aiko Sato",
        None,
        "JP",
        None,
    )
    listed = await client.get("/api/reviewers", headers=headers)
    assert [(p["email"], p["pools"], p["keywords"]) for p in listed.json()["items"]] == [
        ("aiko@example.jp", ["JST"], ["chiplet", "packaging"]),
        ("minh@example.vn", ["JST"], ["eda"]),
    ]
    await db.refresh(existing, attribute_names=["roles"])
    assert sorted(r.role for r in existing.roles) == ["researcher", "reviewer"]
    assert await audit_count(db) == before + 4
    event = await db.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()))
    assert event is not None
    assert event.action == "reviewer_profile.import"


async def test_import_audits_each_row_with_its_line(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    minh = await make_user(db, "researcher", email="minh@example.vn", country="VN")
    headers = {**await bearer(db, world.jst_officer), **CSV}
    auditor = await bearer(db, await make_user(db, "auditor"))
    before = await audit_count(db)

    response = await client.post(
        "/api/reviewers/import", headers=headers, content=f"{HEADER}\n{GOOD_1}\n{GOOD_2}\n"
    )
    listed = await client.get(f"/api/audit/events?offset={before}", headers=auditor)

    aiko = await db.scalar(select(User).where(User.email == "aiko@example.jp"))
    assert aiko is not None
    profile_of = {p.user_id: p.id for p in await db.scalars(select(ReviewerProfile))}
    rid = response.headers["x-request-id"]
    assert [
        (e["action"], e["entity_type"], e["entity_id"], e["changes"], e["request_id"])
        for e in listed.json()["items"]
    ] == [
        (
            "user.create",
            "user",
            str(aiko.id),
            {
                "email": [None, "aiko@example.jp"],
                "display_name": [None, "Aiko Sato"],
                "roles": [None, ["reviewer"]],
            },
            rid,
        ),
        (
            "reviewer_profile.create",
            "reviewer_profile",
            str(profile_of[aiko.id]),
            {
                "expertise": [None, "Chiplets"],
                "keywords": [None, ["chiplet", "packaging"]],
                "institution_ror": [None, KYOTO_ROR],
                "institution_name": [None, "Kyoto University"],
                "country": [None, "JP"],
                "orcid": [None, ORCID],
                "load_cap": [None, 5],
                "pools": [None, ["JST"]],
                "role_added": True,
                "line": 2,
            },
            rid,
        ),
        (
            "reviewer_profile.create",
            "reviewer_profile",
            str(profile_of[minh.id]),
            {
                "expertise": [None, "EDA flows"],
                "keywords": [None, ["eda"]],
                "institution_ror": [None, None],
                "institution_name": [None, "Hanoi University"],
                "country": [None, "VN"],
                "orcid": [None, None],
                "load_cap": [None, 8],
                "pools": [None, ["JST"]],
                "role_added": True,
                "line": 3,
            },
            rid,
        ),
        (
            "reviewer_profile.import",
            "reviewer_pool",
            "csv",
            {"profiles_created": 2, "users_created": 1},
            rid,
        ),
    ]


async def test_import_with_one_bad_row_imports_nothing(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    headers = {**await bearer(db, world.jst_officer), **CSV}
    bad = "bad@example.jp,Bad Row,Physics,,,,JP,0000-0002-1825-0098,8,JST"
    before = await audit_count(db)

    response = await client.post(
        "/api/reviewers/import", headers=headers, content=f"{HEADER}\n{GOOD_1}\n{bad}\n{GOOD_2}\n"
    )

    assert response.status_code == 422
    # The ORCID check's own words are grants.common.codes'.
    assert (response.json()["detail"], response.json()["errors"]) == (
        "The file has errors; nothing was imported.",
        [
            field_error(
                "line 3: orcid", "the ORCID iD's check character is wrong", "code.orcid.check"
            )
        ],
    )
    assert await profile_count(db) == 0
    assert await db.scalar(select(User.id).where(User.email == "aiko@example.jp")) is None
    assert await audit_count(db) == before


async def test_import_reports_every_bad_row_with_its_line(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    taken = await pool_reviewer(db, world.jst, email="taken@example.jp")
    headers = {**await bearer(db, world.jst_officer), **CSV}
    rows = [
        HEADER,
        GOOD_1,
        "x@example.jp,X,Physics,,04wxnsj82,,XX,,99,JST",
        f"{taken.email},Taken,Physics,,,,JP,,8,JST",
        "new@example.jp,,Physics,,,,JP,,8,NSF",
        GOOD_1,
    ]

    response = await client.post("/api/reviewers/import", headers=headers, content="\n".join(rows))

    assert response.status_code == 422
    assert response.json()["errors"] == [
        field_error(
            "line 3: institution_ror", "the ROR id's check digits are wrong", "code.ror.check"
        ),
        field_error(
            "line 3: country",
            "'XX' is not an ISO 3166 alpha-2 country code",
            "code.country.unknown",
            value="XX",
        ),
        field_error("line 3: load_cap", "Give at most 50.", "validation.less_than_equal", le=50),
        field_error("line 4: email", "already a reviewer", "reviewer.profile.already_reviewer"),
        field_error("line 5: name", "required for a new account", "reviewer.import.name_required"),
        field_error(
            "line 5: pools", "no agency has the code 'NSF'", "pool.agency.unknown_code", code="NSF"
        ),
        field_error("line 6: email", "repeats line 2", "reviewer.import.repeated_email", line=2),
    ]
    assert await profile_count(db) == 1


async def test_import_wrong_header_is_422(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    headers = {**await bearer(db, world.jst_officer), **CSV}

    response = await client.post(
        "/api/reviewers/import", headers=headers, content="email,name\na@example.jp,A\n"
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        field_error("line 1: header", f"expected {HEADER}", "reviewer.import.header", header=HEADER)
    ]


async def test_import_unreadable_csv_is_422(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    headers = {**await bearer(db, world.jst_officer), **CSV}

    response = await client.post(
        "/api/reviewers/import", headers=headers, content=f"{HEADER}\n{'x' * 131_073}\n"
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        field_error(
            "body",
            "not a readable CSV file: field larger than field limit (131072)",
            "reviewer.import.unreadable",
            error="field larger than field limit (131072)",
        )
    ]


async def test_import_lone_carriage_return_ends_a_line(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    headers = {**await bearer(db, world.jst_officer), **CSV}

    response = await client.post(
        "/api/reviewers/import", headers=headers, content=f"{HEADER}\r{GOOD_1}\r"
    )

    assert response.status_code == 201
    assert response.json() == {"profiles_created": 1, "users_created": 1}


async def test_import_needs_officer_or_admin(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    reviewer = await pool_reviewer(db, world.jst)
    headers = {**await bearer(db, reviewer), **CSV}

    response = await client.post(
        "/api/reviewers/import", headers=headers, content=f"{HEADER}\n{GOOD_1}\n"
    )

    assert response.status_code == 403
    assert await profile_count(db) == 1


async def test_import_into_another_agencys_pool_forbidden(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    headers = {**await bearer(db, world.jst_officer), **CSV}
    both = "minh@example.vn,Minh Tran,EDA flows,eda,,Hanoi University,VN,,8,NAFOSTED;JST"
    before = await audit_count(db)

    response = await client.post(
        "/api/reviewers/import", headers=headers, content=f"{HEADER}\n{GOOD_1}\n{both}\n"
    )

    assert (response.status_code, problem(response)) == (
        403,
        {
            "type": "urn:cofund:problem:forbidden",
            "title": "Forbidden",
            "status": 403,
            "detail": "An agency manages only its own reviewer pool.",
            "instance": "/api/reviewers/import",
            "code": "pool.own_pool_only",
            "params": {},
            "errors": [
                field_error(
                    "line 3: pools",
                    "only NAFOSTED adds or removes its own pool's reviewers",
                    "pool.membership.own_agency_only",
                    agency="NAFOSTED",
                )
            ],
        },
    )
    assert await profile_count(db) == 0
    assert await db.scalar(select(User.id).where(User.email == "aiko@example.jp")) is None
    assert await audit_count(db) == before


async def test_import_into_both_pools_by_admin(client: Client, db: AsyncSession) -> None:
    await make_world(db)
    headers = {**await bearer(db, await make_user(db, "admin")), **CSV}
    both = "minh@example.vn,Minh Tran,EDA flows,eda,,Hanoi University,VN,,8,NAFOSTED;JST"

    response = await client.post(
        "/api/reviewers/import", headers=headers, content=f"{HEADER}\n{both}\n"
    )

    assert response.json() == {"profiles_created": 1, "users_created": 1}
    listed = await client.get("/api/reviewers", headers=headers)
    assert [p["pools"] for p in listed.json()["items"]] == [["JST", "NAFOSTED"]]
