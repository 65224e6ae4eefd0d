"""Agencies: anyone signed in reads; admins create, change and remove."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent
from tests.factories import AgencyFactory, bearer, make_user, persist

Client = httpx.AsyncClient
NAFOSTED = {
    "code": "NAFOSTED",
    "name": "National Foundation for Science and Technology Development",
    "country": "vn",
    "currency": "vnd",
    "fiscal_year_start_month": 1,
    "time_zone": "Asia/Ho_Chi_Minh",
}


async def test_create_agency_normalises_codes_and_audits(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin"))

    response = await client.post("/api/agencies", headers=headers, json=NAFOSTED)

    assert response.status_code == 201
    body = response.json()
    assert (body["country"], body["currency"], body["version"]) == ("VN", "VND", 1)
    event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "agency.create"))
    assert event is not None
    assert event.changes["currency"] == [None, "VND"]


async def test_create_agency_bad_codes_named(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin"))
    bad = {
        **NAFOSTED,
        "country": "XX",
        "currency": "ABC",
        "time_zone": "Asia/Saigon City",
        "fiscal_year_start_month": 13,
    }

    response = await client.post("/api/agencies", headers=headers, json=bad)

    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == [
        "country",
        "currency",
        "fiscal_year_start_month",
        "time_zone",
    ]


async def test_create_agency_duplicate_code_conflicts(client: Client, db: AsyncSession) -> None:
    await persist(db, AgencyFactory(code="NAFOSTED"))
    headers = await bearer(db, await make_user(db, "admin"))

    response = await client.post("/api/agencies", headers=headers, json=NAFOSTED)

    assert response.status_code == 409
    assert response.json()["errors"] == [{"field": "code", "reason": "already used"}]


async def test_create_agency_refused_for_officer(client: Client, db: AsyncSession) -> None:
    agency = AgencyFactory(code="JST")
    await persist(db, agency)
    headers = await bearer(db, await make_user(db, "officer", agency=agency))

    response = await client.post("/api/agencies", headers=headers, json=NAFOSTED)

    assert response.status_code == 403


async def test_list_agencies_for_any_signed_in_user(client: Client, db: AsyncSession) -> None:
    await persist(
        db, AgencyFactory(code="JST"), AgencyFactory(code="NAFOSTED", country="VN", currency="VND")
    )
    headers = await bearer(db, await make_user(db, "researcher"))

    response = await client.get("/api/agencies?country=vn", headers=headers)

    assert response.status_code == 200
    assert [a["code"] for a in response.json()["items"]] == ["NAFOSTED"]
    assert response.json()["total"] == 1


async def test_update_agency_changes_only_given_fields(client: Client, db: AsyncSession) -> None:
    agency = AgencyFactory(code="JST")
    await persist(db, agency)
    headers = await bearer(db, await make_user(db, "admin"))

    response = await client.patch(
        f"/api/agencies/{agency.id}", headers=headers, json={"version": 1, "name": "JST (NEXUS)"}
    )

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["currency"], response.json()["version"]) == (
        "JST (NEXUS)",
        "JPY",
        2,
    )
    event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "agency.update"))
    assert event is not None
    assert event.changes == {"name": ["Agency JST", "JST (NEXUS)"]}


async def test_update_agency_stale_version_conflicts(client: Client, db: AsyncSession) -> None:
    agency = AgencyFactory(code="JST")
    await persist(db, agency)
    headers = await bearer(db, await make_user(db, "admin"))

    response = await client.patch(
        f"/api/agencies/{agency.id}", headers=headers, json={"version": 5, "name": "x"}
    )

    assert response.status_code == 409
    assert response.json()["type"] == "urn:cofund:problem:stale_version"


async def test_delete_agency_with_officers_refused(client: Client, db: AsyncSession) -> None:
    agency = AgencyFactory(code="JST")
    await persist(db, agency)
    await make_user(db, "officer", agency=agency)
    headers = await bearer(db, await make_user(db, "admin"))

    response = await client.delete(f"/api/agencies/{agency.id}", headers=headers)

    assert response.status_code == 409
    assert (await client.get(f"/api/agencies/{agency.id}", headers=headers)).status_code == 200


async def test_delete_unused_agency(client: Client, db: AsyncSession) -> None:
    agency = AgencyFactory(code="OLD")
    await persist(db, agency)
    headers = await bearer(db, await make_user(db, "admin"))

    response = await client.delete(f"/api/agencies/{agency.id}", headers=headers)

    assert response.status_code == 204
    assert (await client.get(f"/api/agencies/{agency.id}", headers=headers)).status_code == 404
