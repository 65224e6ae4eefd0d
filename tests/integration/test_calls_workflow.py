"""The call workflow over HTTP: publish with every problem at once, close at the deadline."""

from __future__ import annotations

import datetime

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent
from tests.factories import RUBRIC, bearer, make_call, make_user
from tests.factories_calls import make_call_with_terms, make_cofunders

Client = httpx.AsyncClient
UTC = datetime.UTC


async def _audit_count(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(AuditEvent)) or 0)


async def test_publish_refused_with_every_problem_and_nothing_written(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    rubric = [dict(c) for c in RUBRIC]
    rubric[0]["weight"] = 30
    call = await make_call_with_terms(
        db,
        co.jst_officer,
        [(co.jst, {"cap_per_year": 50_000_000, "envelope": None, "share_percent": 90})],
        state="draft",
        cofunding_mode="shared",
        opens_at=datetime.datetime(2026, 1, 5, 0, 0, tzinfo=UTC),
        closes_at=datetime.datetime(2026, 1, 31, 8, 0, tzinfo=UTC),
        review_deadline=datetime.datetime(2026, 1, 20, 8, 0, tzinfo=UTC),
        rubric=rubric,
        document_kinds=[],
    )
    before = await _audit_count(db)

    response = await client.post(
        f"/api/calls/{call.id}/events/publish", headers=co.jst_headers, json={"version": 1}
    )

    assert response.status_code == 409
    assert response.json()["reasons"] == [
        "The review deadline must be after the call closes.",
        "The rubric's weights add up to 90, not 100.",
        "The agencies' shares add up to 90%, not 100%.",
        "A joint call needs at least 2 co-funding agencies.",
        "JST has no envelope.",
        "JST's cap per year is above its cap per project in total.",
        "The call requires no document kinds.",
        "The closing time 2026-01-31T08:00:00+00:00 is not in the future.",
    ]
    assert await _audit_count(db) == before
    assert (await client.get(f"/api/calls/{call.id}", headers=co.jst_headers)).json()[
        "state"
    ] == "draft"


async def test_publish_opens_the_call_and_audits(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")

    response = await client.post(
        f"/api/calls/{call.id}/events/publish",
        headers=co.nafosted_headers,
        json={"version": 1, "data": {"note": "approved by both boards"}},
    )

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["version"]) == ("open", 2)
    event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "call.publish"))
    assert event is not None
    assert (event.entity_id, event.changes) == (
        str(call.id),
        {"state": ["draft", "open"], "data": {"note": "approved by both boards"}},
    )


async def test_publish_refused_for_officer_of_other_agency(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="open")
    researcher = await bearer(db, await make_user(db, "researcher"))

    response = await client.post(
        f"/api/calls/{call.id}/events/cancel", headers=researcher, json={"version": 1}
    )

    assert response.status_code == 403
    assert response.json()["title"] == "Forbidden"


async def test_close_before_deadline_refused(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    closes = datetime.datetime(2099, 5, 31, 8, 0, tzinfo=UTC)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, closes_at=closes)

    response = await client.post(
        f"/api/calls/{call.id}/events/close", headers=co.jst_headers, json={"version": 1}
    )

    assert response.status_code == 409
    assert response.json()["reasons"] == ["The call is open until 2099-05-31T08:00:00+00:00."]


async def test_close_after_deadline_allowed(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    now = datetime.datetime.now(UTC)
    call = await make_call(
        db,
        co.jst_officer,
        co.jst,
        co.nafosted,
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now - datetime.timedelta(seconds=1),
    )

    response = await client.post(
        f"/api/calls/{call.id}/events/close", headers=co.jst_headers, json={"version": 1}
    )

    assert (response.status_code, response.json()["state"]) == (200, "closed")


async def test_transitions_of_a_draft_for_a_cofunding_officer(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")

    response = await client.get(f"/api/calls/{call.id}/transitions", headers=co.jst_headers)

    assert response.status_code == 200
    assert [(t["event"], t["target"], t["allowed"], t["reasons"]) for t in response.json()] == [
        ("publish", "open", True, []),
        ("cancel", "cancelled", True, []),
    ]


async def test_transitions_of_a_closed_call_name_pending_steps(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="ranking")

    response = await client.get(f"/api/calls/{call.id}/transitions", headers=co.jst_headers)

    assert [(t["event"], t["allowed"], t["reasons"]) for t in response.json()] == [
        (
            "start_deciding",
            False,
            [
                "Agencies whose ranking is not final: JST, NAFOSTED.",
                "The joint ranking has not been recorded.",
            ],
        )
    ]


async def test_transitions_for_a_researcher_list_nothing(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted)
    researcher = await bearer(db, await make_user(db, "researcher"))

    response = await client.get(f"/api/calls/{call.id}/transitions", headers=researcher)

    assert (response.status_code, response.json()) == (200, [])
