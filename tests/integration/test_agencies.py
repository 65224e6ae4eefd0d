"""Agencies: anyone signed in reads; admins create, change and remove."""

from __future__ import annotations

import httpx
import pytest
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
    assert sorted(response.json()["errors"], key=lambda e: e["field"]) == [
        {
            "field": "country",
            "reason": "'XX' is not an ISO 3166 alpha-2 country code",
            "code": "code.country.unknown",
            "params": {"value": "XX"},
        },
        {
            "field": "currency",
            "reason": "'ABC' is not an ISO 4217 currency code",
            "code": "code.currency.unknown",
            "params": {"value": "ABC"},
        },
        {
            "field": "fiscal_year_start_month",
            "reason": "Give at most 12.",
            "code": "validation.less_than_equal",
            "params": {"le": 12},
        },
        {
            "field": "time_zone",
            "reason": "unknown time zone 'Asia/Saigon City'; expected an IANA name like "
            "'Asia/Tokyo'",
            "code": "time.unknown_zone",
            "params": {"name": "Asia/Saigon City"},
        },
    ]


@pytest.mark.parametrize(
    ("locale", "reasons"),
    [
        (
            "ja",
            [
                "「XX」はISO 3166の2文字の国コードではありません",
                "「ABC」はISO 4217の通貨コードではありません",
                "タイムゾーン「Asia/Saigon City」は不明です。「Asia/Tokyo」のようなIANA名を"
                "指定してください",
            ],
        ),
        (
            "vi",
            [
                "'XX' không phải là mã quốc gia ISO 3166 gồm 2 chữ cái",
                "'ABC' không phải là mã tiền tệ ISO 4217",
                "múi giờ 'Asia/Saigon City' không xác định; hãy dùng tên IANA như 'Asia/Tokyo'",
            ],
        ),
    ],
)
async def test_create_agency_bad_codes_named_in_the_admins_language(
    client: Client, db: AsyncSession, locale: str, reasons: list[str]
) -> None:
    headers = await bearer(db, await make_user(db, "admin", locale=locale))
    bad = {**NAFOSTED, "country": "XX", "currency": "ABC", "time_zone": "Asia/Saigon City"}

    response = await client.post("/api/agencies", headers=headers, json=bad)

    assert response.headers["content-language"] == locale
    assert [e["reason"] for e in sorted(response.json()["errors"], key=lambda e: e["field"])] == (
        reasons
    )


async def test_create_agency_duplicate_code_conflicts(client: Client, db: AsyncSession) -> None:
    await persist(db, AgencyFactory(code="NAFOSTED"))
    headers = await bearer(db, await make_user(db, "admin"))

    response = await client.post("/api/agencies", headers=headers, json=NAFOSTED)

    assert response.status_code == 409
    assert (response.json()["detail"], response.json()["code"]) == (
        "An agency with this code exists.",
        "agency.code.taken",
    )
    assert response.json()["errors"] == [
        {"field": "code", "reason": "already used", "code": "agency.code.used", "params": {}}
    ]


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
    assert {k: response.json()[k] for k in ("type", "detail", "code", "params")} == {
        "type": "urn:cofund:problem:stale_version",
        "detail": "You saw version 5, but it is now version 1.",
        "code": "edit.stale_version",
        "params": {"seen": 5, "current": 1},
    }


async def test_delete_agency_with_officers_refused(client: Client, db: AsyncSession) -> None:
    agency = AgencyFactory(code="JST")
    await persist(db, agency)
    await make_user(db, "officer", agency=agency)
    headers = await bearer(db, await make_user(db, "admin"))

    response = await client.delete(f"/api/agencies/{agency.id}", headers=headers)

    assert response.status_code == 409
    assert (response.json()["detail"], response.json()["code"]) == (
        "Officers belong to this agency; reassign them first.",
        "agency.delete.has_officers",
    )
    assert (await client.get(f"/api/agencies/{agency.id}", headers=headers)).status_code == 200


async def test_delete_unused_agency(client: Client, db: AsyncSession) -> None:
    agency = AgencyFactory(code="OLD")
    await persist(db, agency)
    headers = await bearer(db, await make_user(db, "admin"))

    response = await client.delete(f"/api/agencies/{agency.id}", headers=headers)

    assert response.status_code == 204
    assert (await client.get(f"/api/agencies/{agency.id}", headers=headers)).status_code == 404
