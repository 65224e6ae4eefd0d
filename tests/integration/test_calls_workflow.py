"""The call workflow over HTTP: publish with every problem at once, close at the deadline."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent
from messages import Message, params_json, render
from tests.factories import RUBRIC, bearer, make_call, make_user
from tests.factories_calls import make_call_with_terms, make_cofunders
from workflows.machines import call as machine

Client = httpx.AsyncClient
UTC = datetime.UTC
NOW = datetime.datetime(2026, 6, 1, tzinfo=UTC)
FACTS = machine.CallContext(
    now=NOW,
    closes_at=NOW,
    configuration_problems=(),
    unchecked_proposals=0,
    proposals_short_of_reviews=0,
    agencies_without_final_ranking=(),
    joint_ranking_recorded=True,
    proposals_undecided=0,
)


def guard_said(reasons: Iterable[Message | str]) -> list[dict[str, Any]]:
    """What the call machine's own guards say, as problem+json `reasons` in English: the guards
    and their wording are the machine's (workflows.machines.call), the transport is ours."""
    return [
        {"code": r.code, "params": params_json(r.params), "message": render(r, "en")}
        if isinstance(r, Message)
        else {"code": None, "params": {}, "message": r}
        for r in reasons
    ]


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
        f"/api/calls/{call.id}/events/approve", headers=co.jst_headers, json={"version": 1}
    )

    closes = datetime.datetime(2026, 1, 31, 8, 0, tzinfo=UTC)
    late = machine.closes_in_future(dataclasses.replace(FACTS, now=closes, closes_at=closes))
    assert response.status_code == 409
    assert response.json()["reasons"] == [
        {
            "code": "call.timing.review_before_closing",
            "params": {
                "review_deadline": "2026-01-20T08:00:00Z",
                "closes_at": "2026-01-31T08:00:00Z",
            },
            "message": "The review deadline, Jan 20, 2026, 5:00\u202fPM (Japan Time), must be "
            "after the call closes at Jan 31, 2026, 5:00\u202fPM (Japan Time).",
        },
        {
            "code": "call.rubric.weights",
            "params": {"total": 90},
            "message": "The rubric's weights add up to 90, not 100.",
        },
        {
            "code": "call.shares.total",
            "params": {"total": 90},
            "message": "The agencies' shares add up to 90%, not 100%.",
        },
        {
            "code": "call.setup.too_few_agencies",
            "params": {"count": 2},
            "message": "A joint call needs at least 2 co-funding agencies.",
        },
        {
            "code": "call.caps.no_envelope",
            "params": {"agency": "JST"},
            "message": "JST has no envelope.",
        },
        {
            "code": "call.caps.year_over_total",
            "params": {
                "agency": "JST",
                "cap_per_year": {"amount": 50_000_000, "currency": "JPY"},
                "cap_total": {"amount": 45_000_000, "currency": "JPY"},
            },
            "message": "JST's cap per year, ¥50,000,000, is above its cap per project in total, "
            "¥45,000,000.",
        },
        {
            "code": "call.setup.no_document_kinds",
            "params": {},
            "message": "The call requires no document kinds.",
        },
        *guard_said(late),
    ]
    assert await _audit_count(db) == before
    assert (await client.get(f"/api/calls/{call.id}", headers=co.jst_headers)).json()[
        "state"
    ] == "draft"


async def _actions(db: AsyncSession, call_id: object) -> list[tuple[str, object]]:
    rows = await db.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "call", AuditEvent.entity_id == str(call_id))
        .order_by(AuditEvent.seq)
    )
    return [(e.action, e.changes) for e in rows]


async def test_publish_needs_both_keys_and_the_second_opens_the_call(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")
    url = f"/api/calls/{call.id}/events/approve"

    first = await client.post(url, headers=co.jst_headers, json={"version": 1})
    second = await client.post(
        url,
        headers=co.nafosted_headers,
        json={"version": 1, "data": {"rationale": "approved by both boards"}},
    )

    assert (first.json()["state"], first.json()["version"]) == ("draft", 1)
    assert (second.json()["state"], second.json()["version"]) == ("open", 2)
    assert await _actions(db, call.id) == [
        (
            "approval.publish_call",
            {"agency": "JST", "decision": "approve", "rationale": None, "subject_version": 1},
        ),
        ("call.approve", {"state": ["draft", "draft"], "data": {}, "agency": "JST"}),
        (
            "approval.publish_call",
            {
                "agency": "NAFOSTED",
                "decision": "approve",
                "rationale": "approved by both boards",
                "subject_version": 1,
            },
        ),
        (
            "call.approve",
            {
                "state": ["draft", "draft"],
                "data": {"rationale": "approved by both boards"},
                "agency": "NAFOSTED",
            },
        ),
        ("call.publish", {"state": ["draft", "open"], "data": {}}),
    ]


async def test_publish_alone_refused_until_every_agency_approved(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")
    await client.post(
        f"/api/calls/{call.id}/events/approve", headers=co.jst_headers, json={"version": 1}
    )
    before = await _audit_count(db)

    response = await client.post(
        f"/api/calls/{call.id}/events/publish", headers=co.jst_headers, json={"version": 1}
    )

    waiting = dataclasses.replace(FACTS, agencies_not_approved=("NAFOSTED",))
    assert (response.status_code, response.json()["reasons"]) == (
        409,
        guard_said(machine.approved_by_every_agency(waiting)),
    )
    assert await _audit_count(db) == before


async def test_second_key_of_one_agency_refused(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")
    url = f"/api/calls/{call.id}/events/approve"
    await client.post(url, headers=co.jst_headers, json={"version": 1})
    before = await _audit_count(db)

    response = await client.post(url, headers=co.jst_headers, json={"version": 1})

    approved = dataclasses.replace(FACTS, caller_approved=True)
    assert (response.status_code, response.json()["reasons"]) == (
        409,
        guard_said(machine.caller_not_yet_approved(approved)),
    )
    assert await _audit_count(db) == before


async def test_an_edit_after_a_key_voids_it(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")
    url = f"/api/calls/{call.id}/events/approve"
    await client.post(url, headers=co.jst_headers, json={"version": 1})
    edited = await client.patch(
        f"/api/calls/{call.id}",
        headers=co.nafosted_headers,
        json={"version": 1, "topics": ["chip design"]},
    )

    response = await client.post(url, headers=co.nafosted_headers, json={"version": 2})
    options = await client.get(f"/api/calls/{call.id}/transitions", headers=co.jst_headers)

    assert (edited.status_code, response.json()["state"]) == (200, "draft")
    assert [(t["event"], t["allowed"], t["reasons"]) for t in options.json()] == [
        ("approve", True, []),
        ("publish", False, ["Agencies that have not approved publishing: JST."]),
        ("cancel", True, []),
    ]


async def test_approve_data_is_checked(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")

    response = await client.post(
        f"/api/calls/{call.id}/events/approve",
        headers=co.jst_headers,
        json={"version": 1, "data": {"note": "x"}},
    )

    assert (response.status_code, response.json()["errors"]) == (
        422,
        [
            {
                "field": "data.note",
                "reason": "This field is not accepted here.",
                "code": "validation.extra_forbidden",
                "params": {},
            }
        ],
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

    early = dataclasses.replace(FACTS, closes_at=closes)
    assert response.status_code == 409
    assert response.json()["reasons"] == guard_said(machine.deadline_reached(early))


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
        ("approve", "draft", True, []),
        ("publish", "open", False, ["Agencies that have not approved publishing: JST, NAFOSTED."]),
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
