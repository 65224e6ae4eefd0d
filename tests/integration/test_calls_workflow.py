"""The call workflow over HTTP: publish with every problem at once, close at the deadline."""

from __future__ import annotations

import datetime

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import ANSWERED, Answer, Purpose, Subject, record
from grants.common.actors import Actor
from grants.db.models import AuditEvent
from grants.errors import Conflict
from tests.factories import RUBRIC, bearer, make_call, make_user
from tests.factories_calls import make_call_with_terms, make_cofunders
from tests.support.reasons import FUTURE_CLOSES, FUTURE_CLOSES_EN, reason

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
        f"/api/calls/{call.id}/events/approve", headers=co.jst_headers, json={"version": 1}
    )

    assert response.status_code == 409
    # The set-up's own checks come first, then the machine's guards.
    assert response.json()["reasons"] == [
        reason(
            "call.timing.review_before_closing",
            "The review deadline, Jan 20, 2026, 5:00\u202fPM (Japan Time), must be after the "
            "call closes at Jan 31, 2026, 5:00\u202fPM (Japan Time).",
            review_deadline="2026-01-20T08:00:00Z",
            closes_at="2026-01-31T08:00:00Z",
        ),
        reason("call.rubric.weights", "The rubric's weights add up to 90, not 100.", total=90),
        reason("call.shares.total", "The agencies' shares add up to 90%, not 100%.", total=90),
        reason(
            "call.setup.too_few_agencies",
            "A joint call needs at least 2 co-funding agencies.",
            count=2,
        ),
        reason("call.caps.no_envelope", "JST has no envelope.", agency="JST"),
        reason(
            "call.caps.year_over_total",
            "JST's cap per year, ¥50,000,000, is above its cap per project in total, ¥45,000,000.",
            agency="JST",
            cap_per_year={"amount": 50_000_000, "currency": "JPY"},
            cap_total={"amount": 45_000_000, "currency": "JPY"},
        ),
        reason("call.setup.no_document_kinds", "The call requires no document kinds."),
        reason(
            "call.guard.closing_time_past",
            "The closing time Jan 31, 2026, 5:00\u202fPM (Japan Time) is not in the future.",
            closes_at="2026-01-31T08:00:00Z",
        ),
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

    assert (response.status_code, response.json()["reasons"]) == (
        409,
        [
            reason(
                "call.guard.not_approved_by",
                "Agencies that have not approved publishing: NAFOSTED.",
                agencies=["NAFOSTED"],
            )
        ],
    )
    assert await _audit_count(db) == before


async def test_second_key_of_one_agency_refused(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")
    url = f"/api/calls/{call.id}/events/approve"
    await client.post(url, headers=co.jst_headers, json={"version": 1})
    before = await _audit_count(db)

    response = await client.post(url, headers=co.jst_headers, json={"version": 1})

    assert (response.status_code, response.json()["reasons"]) == (
        409,
        [reason("call.guard.already_approved", "Your agency has approved this set-up already.")],
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
        (
            "publish",
            False,
            [
                reason(
                    "call.guard.not_approved_by",
                    "Agencies that have not approved publishing: JST.",
                    agencies=["JST"],
                )
            ],
        ),
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
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, closes_at=FUTURE_CLOSES)

    response = await client.post(
        f"/api/calls/{call.id}/events/close", headers=co.jst_headers, json={"version": 1}
    )

    assert response.status_code == 409
    assert response.json()["reasons"] == [
        reason(
            "call.guard.still_open",
            f"The call is open until {FUTURE_CLOSES_EN}.",
            closes_at="2099-03-31T08:00:00Z",
        )
    ]


async def test_close_before_deadline_refused_in_the_officers_language(
    client: Client, db: AsyncSession
) -> None:
    # NAFOSTED's officer reads Vietnamese (their browser's language), JST's reads Japanese
    # (their saved one).
    co = await make_cofunders(db)
    co.jst_officer.locale = "ja"
    await db.flush()
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, closes_at=FUTURE_CLOSES)
    url = f"/api/calls/{call.id}/events/close"

    vi = await client.post(
        url, headers={**co.nafosted_headers, "Accept-Language": "vi"}, json={"version": 1}
    )
    ja = await client.post(url, headers=co.jst_headers, json={"version": 1})

    assert [
        (r.headers["content-language"], r.json()["detail"], r.json()["reasons"]) for r in (vi, ja)
    ] == [
        (
            "vi",
            "Sự kiện này bị từ chối.",
            [
                reason(
                    "call.guard.still_open",
                    "Đợt kêu gọi vẫn mở đến 17:00 31 thg 3, 2099 (Giờ Nhật Bản) / "
                    "15:00 31 thg 3, 2099 (Giờ Việt Nam).",
                    closes_at="2099-03-31T08:00:00Z",
                )
            ],
        ),
        (
            "ja",
            "このイベントは実行できません。",
            [
                reason(
                    "call.guard.still_open",
                    "この公募は2099/03/31 17:00 (日本時間) / 2099/03/31 15:00 (ベトナム時間)"
                    "まで受付中です。",
                    closes_at="2099-03-31T08:00:00Z",
                )
            ],
        ),
    ]


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
        (
            "publish",
            "open",
            False,
            [
                reason(
                    "call.guard.not_approved_by",
                    "Agencies that have not approved publishing: JST and NAFOSTED.",
                    agencies=["JST", "NAFOSTED"],
                )
            ],
        ),
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
                reason(
                    "call.guard.rankings_not_final",
                    "Agencies whose ranking is not final: JST and NAFOSTED.",
                    agencies=["JST", "NAFOSTED"],
                ),
                reason(
                    "call.guard.joint_ranking_missing", "The joint ranking has not been recorded."
                ),
            ],
        )
    ]


async def test_transitions_for_a_researcher_list_nothing(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted)
    researcher = await bearer(db, await make_user(db, "researcher"))

    response = await client.get(f"/api/calls/{call.id}/transitions", headers=researcher)

    assert (response.status_code, response.json()) == (200, [])


async def test_a_second_answer_of_one_agency_is_refused_by_the_record_itself(
    db: AsyncSession,
) -> None:
    # The guard refuses first; the record refuses too, for a race past the guard.
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")
    subject = Subject("call", call.id, Purpose.PUBLISH_CALL, 1)
    officer = Actor(co.jst_officer.id, co.jst_officer.email)

    async def answer() -> None:
        await record(
            db,
            subject,
            agency_id=co.jst.id,
            agency_code="JST",
            officer=officer,
            decision=Answer.APPROVE,
            rationale=None,
        )

    await answer()
    with pytest.raises(Conflict) as caught:
        await answer()

    assert caught.value.detail == ANSWERED(agency="JST")
    assert str(caught.value.detail) == "JST has answered already."
