"""Calls: officers create and edit drafts; who sees which call; the list and its filters."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent
from tests.factories import bearer, make_call, make_user
from tests.factories_calls import call_body, make_agency_officer, make_cofunders

Client = httpx.AsyncClient


async def _audit_count(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(AuditEvent)) or 0)


async def test_create_call_with_every_field(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)

    response = await client.post("/api/calls", headers=co.jst_headers, json=call_body())

    assert response.status_code == 201
    body = response.json()
    assert (body["code"], body["state"], body["version"]) == ("NEXUS-JV-2030", "draft", 1)
    assert body["title"]["vi"] == "Hợp tác nghiên cứu chung Nhật Bản–Việt Nam về bán dẫn"
    assert body["agency_codes"] == ["JST", "NAFOSTED"]
    assert body["agencies"][1] == {
        "agency": "NAFOSTED",
        "agency_name": "National Foundation for Science and Technology Development",
        "country": "VN",
        "currency": "VND",
        "cap_per_year": 2_000_000_000,
        "cap_per_year_text": "₫2,000,000,000",
        "cap_total": 6_000_000_000,
        "cap_total_text": "₫6,000,000,000",
        "envelope": 60_000_000_000,
        "envelope_text": "₫60,000,000,000",
        "max_indirect_percent": 10,
        "pi_once_per_call": False,
        "share_percent": None,
        "partner_required": False,
        "min_matching_percent": None,
        "members_abroad_allowed": False,
    }
    assert body["agencies"][0]["cap_per_year_text"] == "¥15,000,000"
    event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "call.create"))
    assert event is not None
    assert event.entity_id == body["id"]
    assert event.changes["closes_at"] == [None, "2030-05-31T08:00:00.000000Z"]
    assert event.changes["agencies"][0] is None
    assert [t["agency"] for t in event.changes["agencies"][1]] == ["JST", "NAFOSTED"]


async def test_create_call_every_bad_field_named(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    body = call_body(opens_at="2030-04-01T09:00:00", shoe_size=44)
    body["rubric"][0]["weight"] = 50
    body["agencies"][0]["cap_total"] = 45_000_000.0
    body["agencies"][1]["cap_per_year"] = 2e9
    body["document_kinds"][1]["allowed_types"] = ["application/x-msdownload"]
    before = await _audit_count(db)

    response = await client.post("/api/calls", headers=co.jst_headers, json=body)

    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == [
        "agencies[0].cap_total",
        "agencies[1].cap_per_year",
        "document_kinds[1].allowed_types",
        "opens_at",
        "rubric",
        "shoe_size",
    ]
    assert response.json()["errors"][-1] == {
        "field": "rubric",
        "reason": "The rubric's weights add up to 110, not 100.",
        "code": "call.rubric.weights",
        "params": {"total": 110},
    }
    assert response.json()["errors"][2:4] == [
        {
            "field": "agencies[0].cap_total",
            "reason": "an amount is a whole number of minor units "
            "(JPY and VND have none), not float 45000000.0",
            "code": "call.amount.not_whole",
            "params": {"kind": "float", "value": "45000000.0"},
        },
        {
            "field": "agencies[1].cap_per_year",
            "reason": "an amount is a whole number of minor units "
            "(JPY and VND have none), not float 2000000000.0",
            "code": "call.amount.not_whole",
            "params": {"kind": "float", "value": "2000000000.0"},
        },
    ]
    assert response.json()["errors"][0] == {
        "field": "opens_at",
        "reason": "Give the time with its offset or Z, e.g. 2027-03-31T08:00Z.",
        "code": "validation.timezone_aware",
        "params": {},
    }
    assert response.json()["errors"][1] == {
        "field": "document_kinds[1].allowed_types",
        "reason": "unknown types application/x-msdownload; allowed: application/pdf, "
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, "
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document, "
        "image/jpeg, image/png, and text/csv",
        "code": "call.document_kinds.unknown_types",
        "params": {
            "unknown": ["application/x-msdownload"],
            "allowed": [
                "application/pdf",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "image/jpeg",
                "image/png",
                "text/csv",
            ],
        },
    }
    assert await _audit_count(db) == before


async def test_create_call_inconsistent_set_up_named(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    body = call_body(closes_at="2030-03-01T00:00:00Z", cofunding_mode="shared")
    body["rubric"][0]["weight"] = 50
    body["rubric"][2]["scale_min"] = 5
    body["agencies"][0]["share_percent"] = 60
    body["agencies"][1]["share_percent"] = 30

    response = await client.post("/api/calls", headers=co.jst_headers, json=body)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "closes_at",
            "reason": "The call must close after it opens at Apr 1, 2030, 9:00\u202fAM "
            "(Japan Time) / Apr 1, 2030, 7:00\u202fAM (Vietnam Time).",
            "code": "call.timing.closes_before_opening",
            "params": {"opens_at": "2030-04-01T00:00:00Z"},
        },
        {
            "field": "rubric",
            "reason": "The rubric's weights add up to 110, not 100.",
            "code": "call.rubric.weights",
            "params": {"total": 110},
        },
        {
            "field": "rubric[2].scale_max",
            "reason": "Criterion 'impact': the scale maximum, 5, must exceed its minimum, 5.",
            "code": "call.rubric.scale",
            "params": {"criterion": "impact", "scale_min": 5, "scale_max": 5},
        },
        {
            "field": "agencies",
            "reason": "The agencies' shares add up to 90%, not 100%.",
            "code": "call.shares.total",
            "params": {"total": 90},
        },
    ]


async def test_create_call_unknown_and_foreign_agencies_named(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    body = call_body()
    body["agencies"] = [
        {"agency": "NAFOSTED", "currency": "JPY"},
        {"agency": "NSF"},
        {"agency": "NAFOSTED"},
    ]

    response = await client.post("/api/calls", headers=co.jst_headers, json=body)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "agencies[0].currency",
            "reason": "NAFOSTED's terms are in VND",
            "code": "call.terms.own_currency",
            "params": {"agency": "NAFOSTED", "currency": "VND"},
        },
        {
            "field": "agencies[1].agency",
            "reason": "no agency has the code 'NSF'",
            "code": "call.terms.unknown_agency",
            "params": {"agency": "NSF"},
        },
        {
            "field": "agencies[2].agency",
            "reason": "NAFOSTED is listed twice",
            "code": "call.terms.agency_twice",
            "params": {"agency": "NAFOSTED"},
        },
        {
            "field": "agencies",
            "reason": "your own agency must be among the co-funders",
            "code": "call.terms.own_agency_missing",
            "params": {},
        },
    ]


async def test_create_call_refused_for_researcher(client: Client, db: AsyncSession) -> None:
    await make_cofunders(db)
    headers = await bearer(db, await make_user(db, "researcher"))

    response = await client.post("/api/calls", headers=headers, json=call_body())

    assert response.status_code == 403
    assert response.json()["detail"] == "This needs the role officer."


async def test_create_call_duplicate_code_conflicts(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    await make_call(db, co.jst_officer, co.jst, co.nafosted, code="NEXUS-JV-2030")

    response = await client.post("/api/calls", headers=co.jst_headers, json=call_body())

    assert response.status_code == 409
    assert (response.json()["detail"], response.json()["code"]) == (
        "A call with this code exists.",
        "call.code.taken",
    )
    assert response.json()["errors"] == [
        {"field": "code", "reason": "already used", "code": "call.code.used", "params": {}}
    ]


async def test_draft_hidden_from_researcher_and_other_agency_officer(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    other = await make_agency_officer(db)
    draft = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")
    researcher = await bearer(db, await make_user(db, "researcher"))

    as_researcher = await client.get(f"/api/calls/{draft.id}", headers=researcher)
    as_other = await client.get(f"/api/calls/{draft.id}", headers=other)
    as_cofunder = await client.get(f"/api/calls/{draft.id}", headers=co.nafosted_headers)

    assert (as_researcher.status_code, as_researcher.json()["detail"]) == (404, "No such call.")
    assert (as_other.status_code, as_other.json()["detail"]) == (404, "No such call.")
    assert (as_cofunder.status_code, as_cofunder.json()["state"]) == (200, "draft")


async def test_open_call_visible_to_every_signed_in_user(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="open")
    researcher = await bearer(db, await make_user(db, "researcher"))

    response = await client.get(f"/api/calls/{call.id}", headers=researcher)

    assert (response.status_code, response.json()["code"]) == (200, call.code)


async def test_auditor_sees_draft(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    draft = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")
    auditor = await bearer(db, await make_user(db, "auditor"))

    response = await client.get(f"/api/calls/{draft.id}", headers=auditor)

    assert (response.status_code, response.json()["state"]) == (200, "draft")


async def test_deadline_shown_in_both_agencies_zones(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    created = await client.post("/api/calls", headers=co.jst_headers, json=call_body())

    response = await client.get(f"/api/calls/{created.json()['id']}", headers=co.jst_headers)

    assert response.json()["closes_at_local"] == [
        {
            "agency": "JST",
            "time_zone": "Asia/Tokyo",
            "text": "May 31, 2030, 5:00:00\u202fPM (Asia/Tokyo)",
        },
        {
            "agency": "NAFOSTED",
            "time_zone": "Asia/Ho_Chi_Minh",
            "text": "May 31, 2030, 3:00:00\u202fPM (Asia/Ho_Chi_Minh)",
        },
    ]


async def test_amounts_and_deadline_in_callers_locale(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    created = await client.post("/api/calls", headers=co.jst_headers, json=call_body())

    response = await client.get(
        f"/api/calls/{created.json()['id']}",
        headers={**co.nafosted_headers, "Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"},
    )

    body = response.json()
    assert [t["cap_total_text"] for t in body["agencies"]] == [
        "45.000.000\xa0¥",
        "6.000.000.000\xa0₫",
    ]
    assert body["closes_at_local"][1]["text"] == "15:00:00 31 thg 5, 2030 (Asia/Ho_Chi_Minh)"


async def test_openapi_documents_call_bodies(client: Client) -> None:
    response = await client.get("/schema/openapi.json")

    schemas = response.json()["components"]["schemas"]
    assert {"CallCreate", "CallUpdate", "CallDetail"} <= set(schemas)
    assert "post" in response.json()["paths"]["/api/calls/{call_id}/events/approve"]
