"""Tranches: planned at the award on each agency's fiscal calendar (adding up to each award to
the unit), read by whoever sees the grant, and moved through the tranche machine: the side's PI
requests, that agency's officer approves and disburses; the requester, the other agency's
officer, an amount above the approval and a tranche before its report are refused."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, Grant, Tranche
from tests.conftest import QueryCounter
from tests.factories import BudgetLineFactory, UserRoleFactory, bearer, persist
from tests.factories_awards import (
    JST_REQUEST,
    NAFOSTED_REQUEST,
    approval_body,
    decided,
    lines,
    make_deciding,
    make_grant,
    with_agreements,
    with_tranches,
)
from tests.factories_scoring import Panel
from tests.support.problems import problem
from tests.support.queries import queries_on

Client = httpx.AsyncClient

# A third project year on each side, so every year has money.
JST_3 = (*JST_REQUEST, (3, "personnel", 3_000_000))
NAFOSTED_3 = (*NAFOSTED_REQUEST, (3, "personnel", 600_000_000))


async def awarded(client: Client, db: AsyncSession) -> tuple[Panel, str]:
    """A 3-year JST+NAFOSTED grant from 2027-04-01, awarded through the API (JST's approval
    sent, NAFOSTED's arranged), both sides' agreements signed; its id."""
    panel = await make_deciding(db)
    proposal = panel.proposals[0]
    for part, currency, amount in zip(
        proposal.parts, ("JPY", "VND"), (3_000_000, 600_000_000), strict=True
    ):
        part.budget.append(
            BudgetLineFactory(
                part_id=part.id, year=3, category="personnel", amount=amount, currency=currency
            )
        )
    await persist(db, proposal)
    await decided(db, proposal, panel.nafosted, panel.nafosted_officer, NAFOSTED_3)
    response = await client.post(
        f"/api/proposals/{proposal.id}/decisions",
        headers=panel.jst_headers,
        json=approval_body(proposal, "JST", lines(JST_3, "JPY")),
    )
    assert response.status_code == 201, response.json()
    grant_id = response.json()["grant_id"]
    grant = await db.get(Grant, uuid.UUID(grant_id))
    assert grant is not None
    await with_agreements(db, panel, grant)
    return panel, str(grant_id)


async def schedule(client: Client, grant_id: str, headers: dict[str, str]) -> list[Any]:
    response = await client.get(f"/api/grants/{grant_id}/tranches", headers=headers)
    assert response.status_code == 200, response.json()
    return list(response.json()["items"])


async def fire(
    client: Client, tranche: Any, event: str, headers: dict[str, str], version: int, **data: Any
) -> httpx.Response:
    return await client.post(
        f"/api/tranches/{tranche['id']}/events/{event}",
        headers=headers,
        json={"version": version, "data": data},
    )


def yen(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "JPY"}


async def test_a_3_year_grant_has_each_agencys_schedule_adding_up_to_its_award(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)

    items = await schedule(client, grant_id, await bearer(db, panel.vn_pi))

    assert [
        (
            t["agency"],
            t["position"],
            t["label"],
            t["due_date"],
            t["first_day"],
            t["last_day"],
            t["state"],
            t["planned"]["amount"],
        )
        for t in items
    ] == [
        ("JST", 1, "FY2027", "2027-04-01", "2027-04-01", "2028-03-31", "planned", 6_500_000),
        ("JST", 2, "FY2028", "2028-04-01", "2028-04-01", "2029-03-31", "planned", 4_000_000),
        ("JST", 3, "FY2029", "2029-04-01", "2029-04-01", "2030-03-31", "planned", 3_000_000),
        ("NAFOSTED", 1, "FY2027", "2027-04-01", "2027-04-01", "2027-12-31", "planned", 600_000_002),
        ("NAFOSTED", 2, "FY2028", "2028-01-01", "2028-01-01", "2028-12-31", "planned", 724_999_999),
        ("NAFOSTED", 3, "FY2029", "2029-01-01", "2029-01-01", "2029-12-31", "planned", 624_999_999),
        ("NAFOSTED", 4, "FY2030", "2030-01-01", "2030-01-01", "2030-03-31", "planned", 150_000_000),
    ]
    sums: dict[str, int] = {}
    for t in items:
        sums[t["agency"]] = sums.get(t["agency"], 0) + t["planned"]["amount"]
    assert sums == {"JST": 13_500_000, "NAFOSTED": 2_100_000_000}
    assert items[0] == {
        "id": items[0]["id"],
        "version": 1,
        "grant_id": grant_id,
        "agency": "JST",
        "position": 1,
        "label": "FY2027",
        "fiscal_year": 2027,
        "due_date": "2027-04-01",
        "first_day": "2027-04-01",
        "last_day": "2028-03-31",
        "state": "planned",
        "planned": yen(6_500_000),
        "requested": None,
        "approved": None,
        "disbursed": None,
        "comment": None,
    }


async def test_the_first_jst_tranche_is_requested_approved_and_disbursed(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    first = (await schedule(client, grant_id, panel.jst_headers))[0]
    pi = await bearer(db, panel.jp_pi)

    requested = await fire(client, first, "request", pi, 1)
    approved = await fire(client, first, "approve", panel.jst_headers, 2, amount=6_000_000)
    disbursed = await fire(
        client,
        first,
        "disburse",
        panel.jst_headers,
        3,
        amount=6_000_000,
        payment_reference="MUFG-2027-0410-001",
        paid_on="2027-04-10",
    )

    assert [(r.status_code, r.json()["state"]) for r in (requested, approved, disbursed)] == [
        (200, "requested"),
        (200, "approved"),
        (200, "disbursed"),
    ]
    body = disbursed.json()
    assert body | {"requested": None, "approved": None, "disbursed": None} == first | {
        "version": 4,
        "state": "disbursed",
    }
    assert (body["requested"]["amount"], body["requested"]["by"]) == (
        yen(6_500_000),
        str(panel.jp_pi.id),
    )
    assert (body["approved"]["amount"], body["approved"]["by"]) == (
        yen(6_000_000),
        str(panel.jst_officer.id),
    )
    assert {k: v for k, v in body["disbursed"].items() if k != "at"} == {
        "amount": yen(6_000_000),
        "by": str(panel.jst_officer.id),
        "payment_reference": "MUFG-2027-0410-001",
        "paid_on": "2027-04-10",
    }
    consortium_view = (await schedule(client, grant_id, pi))[0]
    assert (consortium_view["approved"]["by"], consortium_view["disbursed"]["by"]) == (None, None)
    events = await db.execute(
        select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.changes)
        .where(AuditEvent.entity_type == "tranche")
        .order_by(AuditEvent.seq)
    )
    assert [tuple(e) for e in events] == [
        (
            "tranche.request",
            panel.jp_pi.id,
            {"state": ["planned", "requested"], "data": {}, "requested": yen(6_500_000)},
        ),
        (
            "tranche.approve",
            panel.jst_officer.id,
            {
                "state": ["requested", "approved"],
                "data": {"amount": 6_000_000},
                "approved": yen(6_000_000),
            },
        ),
        (
            "tranche.disburse",
            panel.jst_officer.id,
            {
                "state": ["approved", "disbursed"],
                "data": {
                    "amount": 6_000_000,
                    "payment_reference": "MUFG-2027-0410-001",
                    "paid_on": "2027-04-10",
                },
                "disbursed": yen(6_000_000),
            },
        ),
    ]


async def test_the_requester_cannot_approve_their_own_request(
    client: Client, db: AsyncSession
) -> None:
    # The JST PI is also a JST officer: they may request as PI, never approve.
    panel, grant_id = await awarded(client, db)
    panel.jp_pi.roles.append(UserRoleFactory(role="officer", agency_id=panel.jst.id))
    await persist(db, panel.jp_pi)
    first = (await schedule(client, grant_id, panel.jst_headers))[0]
    pi = await bearer(db, panel.jp_pi)
    await fire(client, first, "request", pi, 1)

    response = await fire(client, first, "approve", pi, 2)

    assert problem(response) == {
        "type": "urn:cofund:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "The event is refused.",
        "instance": f"/api/tranches/{first['id']}/events/approve",
        "code": "workflow.refused",
        "params": {},
        "reasons": [
            {
                "code": "tranche.guard.own_request",
                "params": {},
                "message": "The requester cannot approve their own request.",
            },
            {
                "code": "tranche.guard.consortium_member",
                "params": {},
                "message": "A member of the project's consortium cannot approve its tranches.",
            },
        ],
    }
    assert await _tranche_actions(db) == ["tranche.request"]


async def test_the_other_agencys_officer_cannot_approve(client: Client, db: AsyncSession) -> None:
    panel, grant_id = await awarded(client, db)
    first = (await schedule(client, grant_id, panel.jst_headers))[0]
    await fire(client, first, "request", await bearer(db, panel.jp_pi), 1)

    response = await fire(client, first, "approve", panel.nafosted_headers, 2)

    assert problem(response) == {
        "type": "urn:cofund:problem:forbidden",
        "title": "Forbidden",
        "status": 403,
        "detail": "'approve' requires one of the roles 'agency_officer'.",
        "instance": f"/api/tranches/{first['id']}/events/approve",
        "code": "workflow.role_not_allowed",
        "params": {"event": "approve", "roles": "'agency_officer'"},
        "reasons": [
            {
                "code": "workflow.role_not_allowed",
                "params": {"event": "approve", "roles": "'agency_officer'"},
                "message": "'approve' requires one of the roles 'agency_officer'.",
            }
        ],
    }
    assert await _tranche_actions(db) == ["tranche.request"]


async def test_a_disbursement_above_the_approval_is_invalid(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    first = (await schedule(client, grant_id, panel.jst_headers))[0]
    await fire(client, first, "request", await bearer(db, panel.jp_pi), 1)
    await fire(client, first, "approve", panel.jst_headers, 2, amount=6_000_000)

    response = await fire(
        client,
        first,
        "disburse",
        panel.jst_headers,
        3,
        amount=6_000_001,
        payment_reference="MUFG-1",
        paid_on="2027-04-10",
    )

    assert problem(response) == {
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "The data of 'disburse' is invalid.",
        "instance": f"/api/tranches/{first['id']}/events/disburse",
        "code": "workflow.invalid_data",
        "params": {"event": "disburse"},
        "errors": [
            {
                "field": "data.amount",
                "reason": "At most the approved ¥6,000,000 can be disbursed; ¥6,000,001 is more.",
                "code": "tranche.disburse.over_approved",
                "params": {"amount": yen(6_000_001), "approved": yen(6_000_000)},
            }
        ],
    }
    stored = await db.scalar(select(Tranche.state).where(Tranche.id == uuid.UUID(first["id"])))
    assert (stored, await _tranche_actions(db)) == (
        "approved",
        ["tranche.request", "tranche.approve"],
    )


async def test_a_later_tranche_waits_for_the_previous_years_report(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    second = (await schedule(client, grant_id, panel.jst_headers))[1]

    response = await fire(client, second, "request", await bearer(db, panel.jp_pi), 1)

    assert problem(response) == {
        "type": "urn:cofund:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "The event is refused.",
        "instance": f"/api/tranches/{second['id']}/events/request",
        "code": "workflow.refused",
        "params": {},
        "reasons": [
            {
                "code": "tranche.request.statement_missing",
                "params": {"agency": "JST", "year": 1},
                "message": "The financial statement of JST's side for project year 1 has not "
                "been submitted.",
            },
            {
                "code": "tranche.guard.previous_report_pending",
                "params": {"agencies": ["JST", "NAFOSTED"]},
                "message": "The previous year's progress report is not yet accepted by: "
                "JST and NAFOSTED.",
            },
        ],
    }
    assert await _tranche_actions(db) == []


async def test_the_other_sides_pi_cannot_request_this_agencys_tranche(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    first = (await schedule(client, grant_id, panel.jst_headers))[0]

    response = await fire(client, first, "request", await bearer(db, panel.vn_pi), 1)

    assert (response.status_code, response.json()["code"]) == (403, "workflow.role_not_allowed")


async def test_refusals_read_in_japanese_and_vietnamese(client: Client, db: AsyncSession) -> None:
    panel, grant_id = await awarded(client, db)
    first, second = (await schedule(client, grant_id, panel.jst_headers))[:2]
    pi = await bearer(db, panel.jp_pi)
    await fire(client, first, "request", pi, 1)
    await fire(client, first, "approve", panel.jst_headers, 2, amount=6_000_000)

    over = await client.post(
        f"/api/tranches/{first['id']}/events/disburse",
        headers={**panel.jst_headers, "Accept-Language": "ja"},
        json={
            "version": 3,
            "data": {"amount": 6_000_001, "payment_reference": "M-1", "paid_on": "2027-04-10"},
        },
    )
    early = await client.post(
        f"/api/tranches/{second['id']}/events/request",
        headers={**pi, "Accept-Language": "vi"},
        json={"version": 1, "data": {}},
    )

    assert over.json()["errors"][0]["reason"] == JA_OVER_APPROVED
    assert [r["message"] for r in early.json()["reasons"]] == [
        VI_STATEMENT_MISSING,
        VI_REPORT_PENDING,
    ]


JA_OVER_APPROVED = "支払できるのは承認額の￥6,000,000までです。￥6,000,001はこれを超えています。"
VI_STATEMENT_MISSING = "Báo cáo tài chính của phía JST cho năm thứ 1 của dự án chưa được nộp."
VI_REPORT_PENDING = "Báo cáo tiến độ năm trước chưa được chấp nhận bởi: JST và NAFOSTED."


async def test_the_schedule_reads_in_constant_queries(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    panel = await make_deciding(db, n_proposals=2)
    short = await make_grant(
        db, panel, panel.proposals[0], duration_years=2, end_date=datetime.date(2029, 4, 1)
    )
    long = await make_grant(db, panel, panel.proposals[1])
    await with_tranches(db, panel, short)
    await with_tranches(db, panel, long)

    async def counted(grant_id: uuid.UUID) -> tuple[int, int]:
        queries.count, queries.active = 0, True
        response = await client.get(f"/api/grants/{grant_id}/tranches", headers=panel.jst_headers)
        queries.active = False
        return queries.count, response.json()["total"]

    n = queries_on(backend, 16)
    assert (await counted(short.id), await counted(long.id)) == ((n, 5), (n, 7))


async def _tranche_actions(db: AsyncSession) -> list[str]:
    rows = await db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity_type == "tranche")
        .order_by(AuditEvent.seq)
    )
    return list(rows)
