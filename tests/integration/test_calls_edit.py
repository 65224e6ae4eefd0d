"""Editing a draft call (field-level audit, versions) and listing calls (filters, queries)."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent
from tests.conftest import QueryCounter
from tests.factories import bearer, make_call, make_user
from tests.factories_calls import call_body, make_agency_officer, make_cofunders
from tests.support.queries import queries_on

Client = httpx.AsyncClient


async def test_patch_draft_audits_changed_fields_only(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    created = (await client.post("/api/calls", headers=co.jst_headers, json=call_body())).json()
    terms = [
        {k: t[k] for k in ("agency", "cap_per_year", "cap_total", "envelope")}
        for t in created["agencies"]
    ]
    terms[1]["cap_total"] = 5_000_000_000

    response = await client.patch(
        f"/api/calls/{created['id']}",
        headers={**co.nafosted_headers, "Accept-Language": "vi"},
        json={
            "version": 1,
            "topics": ["chip design", "EDA"],
            "closes_at": "2030-05-31T10:00:00+02:00",
            "durations": [3, 5, 10],
            "agencies": terms,
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["closes_at"]) == (2, "2030-05-31T08:00:00Z")
    assert body["agencies"][1]["cap_total_text"] == "5.000.000.000\xa0₫"
    event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "call.update"))
    assert event is not None
    assert sorted(event.changes) == ["agencies", "topics"]
    assert event.changes["topics"] == [
        ["advanced packaging", "chip design", "EDA", "edge-AI hardware"],
        ["chip design", "EDA"],
    ]
    assert [t["cap_total"] for t in event.changes["agencies"][1]] == [45_000_000, 5_000_000_000]


async def test_patch_open_call_conflicts(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="open")

    response = await client.patch(
        f"/api/calls/{call.id}", headers=co.jst_headers, json={"version": 1, "topics": ["EDA"]}
    )

    assert response.status_code == 409
    assert response.json()["detail"] == "The call is open; only a draft call can be edited."


async def test_patch_stale_version_conflicts(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")

    response = await client.patch(
        f"/api/calls/{call.id}", headers=co.jst_headers, json={"version": 4, "topics": ["EDA"]}
    )

    assert response.status_code == 409
    assert response.json()["type"] == "urn:cofund:problem:stale_version"


async def test_patch_unknown_field_named(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")

    response = await client.patch(
        f"/api/calls/{call.id}", headers=co.jst_headers, json={"version": 1, "x": 1}
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "x",
            "reason": "This field is not accepted here.",
            "code": "validation.extra_forbidden",
            "params": {},
        }
    ]


async def test_patch_closing_before_opening_named(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")
    times = {"opens_at": "2031-04-01T00:00:00Z", "closes_at": "2031-03-31T23:00:00Z"}

    response = await client.patch(
        f"/api/calls/{call.id}", headers=co.jst_headers, json={"version": 1, **times}
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "closes_at",
            "reason": "The call must close after it opens at Apr 1, 2031, 9:00\u202fAM "
            "(Japan Time) / Apr 1, 2031, 7:00\u202fAM (Vietnam Time).",
            "code": "call.timing.closes_before_opening",
            "params": {"opens_at": "2031-04-01T00:00:00Z"},
        }
    ]


async def test_patch_draft_of_other_agency_is_404(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    other = await make_agency_officer(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")

    response = await client.patch(
        f"/api/calls/{call.id}", headers=other, json={"version": 1, "topics": ["EDA"]}
    )

    assert response.status_code == 404


async def test_patch_open_call_by_researcher_forbidden(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="open")
    researcher = await bearer(db, await make_user(db, "researcher"))

    response = await client.patch(
        f"/api/calls/{call.id}", headers=researcher, json={"version": 1, "topics": ["EDA"]}
    )

    assert response.status_code == 403
    assert response.json()["detail"] == "Only officers of the co-funding agencies change a call."


async def test_list_calls_constant_queries_at_1_and_20(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    co = await make_cofunders(db)

    async def count_for_page() -> tuple[int, int]:
        queries.count, queries.active = 0, True
        response = await client.get("/api/calls?limit=50", headers=co.jst_headers)
        queries.active = False
        return queries.count, response.json()["total"]

    await make_call(db, co.jst_officer, co.jst, co.nafosted)
    one = await count_for_page()
    for _ in range(19):
        await make_call(db, co.jst_officer, co.jst, co.nafosted)
    twenty = await count_for_page()

    n = queries_on(backend, 9)
    assert (one, twenty) == ((n, 1), (n, 20))


async def test_list_hides_drafts_from_others_and_filters(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    other = await make_agency_officer(db)
    await make_call(db, co.jst_officer, co.jst, co.nafosted, code="DRAFT-1", state="draft")
    await make_call(db, co.jst_officer, co.jst, co.nafosted, code="OPEN-1")
    await make_call(db, co.jst_officer, co.jst, code="JST-ONLY", title={"en": "Quantum sensing"})

    async def codes(headers: dict[str, str], query: str = "") -> list[str]:
        body = (await client.get(f"/api/calls?{query}", headers=headers)).json()
        return sorted(c["code"] for c in body["items"])

    assert await codes(other) == ["JST-ONLY", "OPEN-1"]
    assert await codes(co.nafosted_headers) == ["DRAFT-1", "JST-ONLY", "OPEN-1"]
    assert await codes(co.nafosted_headers, "state=draft") == ["DRAFT-1"]
    assert await codes(co.nafosted_headers, "agency=nafosted") == ["DRAFT-1", "OPEN-1"]
    assert await codes(other, "q=quantum") == ["JST-ONLY"]
    assert await codes(other, "q=open-") == ["OPEN-1"]
    bad = await client.get("/api/calls?state=archived", headers=other)
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "state")


async def test_patch_null_refused_but_review_deadline_cleared(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    created = (await client.post("/api/calls", headers=co.jst_headers, json=call_body())).json()
    url = f"/api/calls/{created['id']}"

    refused = await client.patch(url, headers=co.jst_headers, json={"version": 1, "title": None})
    cleared = await client.patch(
        url, headers=co.jst_headers, json={"version": 1, "review_deadline": None}
    )

    assert refused.json()["errors"] == [
        {
            "field": "title",
            "reason": "required: it cannot be cleared (leave it out to keep it)",
            "code": "call.patch.cannot_clear",
            "params": {},
        }
    ]
    assert (cleared.status_code, cleared.json()["review_deadline"]) == (200, None)
