"""Amendments through the API on both backends: budget moves (recorded when small, approved in
full or in part by the side's agency, refused with every reason) and no-cost extensions (both
agencies approve; each side's remaining tranches recomputed to the unit)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, Grant, GrantBudgetLine, Tranche
from tests.conftest import QueryCounter
from tests.factories import bearer
from tests.factories_awards import audit_actions, audit_total
from tests.integration.test_tranches import awarded, fire, schedule
from tests.support.problems import problem
from tests.support.queries import queries_on

Client = httpx.AsyncClient


def move(
    from_year: int, from_category: str, to_year: int, to_category: str, amount: Any
) -> dict[str, Any]:
    return {
        "from_year": from_year,
        "from_category": from_category,
        "to_year": to_year,
        "to_category": to_category,
        "amount": amount,
    }


def move_body(*moves: dict[str, Any], agency: str = "JST") -> dict[str, Any]:
    return {
        "kind": "budget_move",
        "agency": agency,
        "reason": "The plan changed.",
        "moves": list(moves),
    }


def extension_body(end_date: str) -> dict[str, Any]:
    return {"kind": "no_cost_extension", "reason": "The cleanroom closed.", "end_date": end_date}


async def request(
    client: Client, grant_id: str, headers: dict[str, str], body: dict[str, Any]
) -> httpx.Response:
    return await client.post(f"/api/grants/{grant_id}/amendments", headers=headers, json=body)


async def decide(
    client: Client, amendment: dict[str, Any], headers: dict[str, str], **data: Any
) -> httpx.Response:
    return await client.post(
        f"/api/amendments/{amendment['id']}/events/decide",
        headers=headers,
        json={"version": amendment["version"], "data": {"rationale": "Considered.", **data}},
    )


def planned(items: list[Any]) -> list[tuple[str, str, str, str, str, int]]:
    return [
        (t["agency"], t["label"], t["first_day"], t["last_day"], t["state"], t["planned"]["amount"])
        for t in items
    ]


async def grid(db: AsyncSession, grant_id: str, agency_side: int = 0) -> dict[tuple[int, str], int]:
    grant = await db.get(Grant, grant_id)
    assert grant is not None
    await db.refresh(grant)
    side = grant.sides[agency_side]
    rows = await db.scalars(
        select(GrantBudgetLine)
        .where(GrantBudgetLine.side_id == side.id)
        .execution_options(populate_existing=True)
    )
    return {(r.year, r.category): r.amount for r in rows}


async def last_changes(db: AsyncSession) -> dict[str, Any]:
    """The changes recorded by the latest audit event."""
    event = await db.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert event is not None
    return dict(event.changes)


def yen(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "JPY"}


async def test_a_small_move_is_recorded_without_approval(client: Client, db: AsyncSession) -> None:
    panel, grant_id = await awarded(client, db)
    pi = await bearer(db, panel.jp_pi)

    response = await request(
        client, grant_id, pi, move_body(move(2, "personnel", 3, "equipment", 300_000))
    )

    body = response.json()
    assert response.status_code == 201, body
    assert body == {
        "id": body["id"],
        "version": 2,
        "grant_id": grant_id,
        "kind": "budget_move",
        "state": "recorded",
        "agency": "JST",
        "reason": "The plan changed.",
        "requested_by": str(panel.jp_pi.id),
        "requested_at": body["requested_at"],
        "moves": [
            {
                "from_year": 2,
                "from_category": "personnel",
                "to_year": 3,
                "to_category": "equipment",
                "proposed": yen(300_000),
                "approved": yen(300_000),
            }
        ],
        "previous_end_date": None,
        "proposed_end_date": None,
        "approved_end_date": None,
        "answers": [],
    }
    assert (await grid(db, grant_id))[(2, "personnel")] == 3_700_000
    assert (await grid(db, grant_id))[(3, "equipment")] == 300_000
    items = await schedule(client, grant_id, pi)
    assert [t["planned"]["amount"] for t in items if t["agency"] == "JST"] == [
        6_500_000,
        3_700_000,
        3_300_000,
    ]
    assert (await audit_actions(db))[-2:] == ["amendment.request", "amendment.record"]


async def test_a_move_is_approved_in_full_by_its_agency(client: Client, db: AsyncSession) -> None:
    panel, grant_id = await awarded(client, db)
    pi = await bearer(db, panel.jp_pi)
    requested = await request(
        client, grant_id, pi, move_body(move(2, "personnel", 3, "personnel", 1_000_000))
    )
    assert requested.status_code == 201, requested.json()
    assert requested.json()["state"] == "requested"

    response = await decide(client, requested.json(), panel.jst_headers, decision="approve")

    body = response.json()
    assert response.status_code == 200, body
    assert (body["state"], body["moves"][0]["approved"], body["version"]) == (
        "approved",
        yen(1_000_000),
        2,
    )
    assert body["answers"] == [
        {
            "agency": "JST",
            "decision": "approve",
            "rationale": "Considered.",
            "end_date": None,
            "officer_id": str(panel.jst_officer.id),
            "answered_at": body["answers"][0]["answered_at"],
        }
    ]
    items = await schedule(client, grant_id, pi)
    assert [t["planned"]["amount"] for t in items if t["agency"] == "JST"] == [
        6_500_000,
        3_000_000,
        4_000_000,
    ]
    assert (await audit_actions(db))[-3:] == [
        "amendment.request",
        "amendment.decide",
        "amendment.approve",
    ]


async def test_a_move_is_approved_in_part(client: Client, db: AsyncSession) -> None:
    panel, grant_id = await awarded(client, db)
    pi = await bearer(db, panel.jp_pi)
    requested = await request(
        client, grant_id, pi, move_body(move(2, "personnel", 3, "personnel", 1_000_000))
    )

    response = await decide(
        client, requested.json(), panel.jst_headers, decision="approve", amounts=[400_000]
    )

    assert (
        response.json()["state"],
        response.json()["moves"][0]["proposed"],
        response.json()["moves"][0]["approved"],
    ) == (
        "approved",
        yen(1_000_000),
        yen(400_000),
    )
    assert await grid(db, grant_id) == {
        (1, "personnel"): 5_000_000,
        (1, "indirect"): 1_500_000,
        (2, "personnel"): 3_600_000,
        (3, "personnel"): 3_400_000,
    }
    items = await schedule(client, grant_id, pi)
    assert [t["planned"]["amount"] for t in items if t["agency"] == "JST"] == [
        6_500_000,
        3_600_000,
        3_400_000,
    ]


async def test_more_than_proposed_is_refused_and_nothing_changes(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    pi = await bearer(db, panel.jp_pi)
    requested = (
        await request(
            client, grant_id, pi, move_body(move(2, "personnel", 3, "personnel", 1_000_000))
        )
    ).json()
    before = await audit_total(db)

    response = await decide(
        client, requested, panel.jst_headers, decision="approve", amounts=[1_000_001]
    )

    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {
            "field": "data.amounts[0]",
            "reason": "At most the proposed ¥1,000,000 can be approved; ¥1,000,001 is more.",
            "code": "amendment.move.over_proposed",
            "params": {"proposed": yen(1_000_000), "amount": yen(1_000_001)},
        }
    ]
    assert await audit_total(db) == before
    assert (await grid(db, grant_id))[(2, "personnel")] == 4_000_000


async def test_the_other_agencys_officer_cannot_decide_a_move(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    pi = await bearer(db, panel.jp_pi)
    requested = (
        await request(
            client, grant_id, pi, move_body(move(2, "personnel", 3, "personnel", 1_000_000))
        )
    ).json()
    before = await audit_total(db)

    response = await decide(client, requested, panel.nafosted_headers, decision="approve")

    assert (response.status_code, problem(response)["reasons"][0]["code"]) == (
        403,
        "workflow.role_not_allowed",
    )
    assert await audit_total(db) == before


async def test_the_other_sides_pi_cannot_request_a_move(client: Client, db: AsyncSession) -> None:
    panel, grant_id = await awarded(client, db)
    before = await audit_total(db)

    response = await request(
        client,
        grant_id,
        await bearer(db, panel.vn_pi),
        move_body(move(2, "personnel", 3, "personnel", 1)),
    )

    assert (response.status_code, problem(response)["detail"]) == (
        403,
        "Only a PI of the project requests an amendment; a budget move only the PI of its side.",
    )
    assert await audit_total(db) == before


async def test_every_reason_a_move_is_refused_is_given_and_nothing_changes(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    pi = await bearer(db, panel.jp_pi)
    before, lines = await audit_total(db), await grid(db, grant_id)

    response = await request(
        client,
        grant_id,
        pi,
        move_body(
            move(2, "personnel", 2, "personnel", 1),
            move(4, "personnel", 1, "travel", 1),
            move(3, "personnel", 1, "personnel", 3_000_001),
        ),
    )

    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in problem(response)["errors"]] == [
        ("moves[0]", "amendment.move.same_line"),
        ("moves[1].from_year", "amendment.move.year_beyond"),
        ("moves[1].amount", "amendment.move.over_line"),
        ("moves[2].amount", "amendment.move.over_line"),
    ]
    assert (await audit_total(db), await grid(db, grant_id)) == (before, lines)


async def test_a_move_past_a_cap_or_the_indirect_share_is_refused(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    pi = await bearer(db, panel.jp_pi)
    before, lines = await audit_total(db), await grid(db, grant_id)

    response = await request(
        client,
        grant_id,
        pi,
        move_body(
            move(2, "personnel", 1, "personnel", 4_000_000),
            move(3, "personnel", 3, "indirect", 2_000_000),
        ),
    )

    assert response.status_code == 422
    assert [(e["field"], e["code"], e["params"]) for e in problem(response)["errors"]] == [
        (
            "moves",
            "decision.budget.over_year_cap",
            {"year": 1, "total": yen(10_500_000), "agency": "JST", "cap": yen(10_000_000)},
        ),
        (
            "moves",
            "budget.indirect_over_share",
            {"agency": "JST", "indirect": yen(3_500_000), "percent": 30, "direct": yen(10_000_000)},
        ),
    ]
    assert (await audit_total(db), await grid(db, grant_id)) == (before, lines)


async def test_money_of_a_year_whose_tranche_is_requested_does_not_move(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    pi = await bearer(db, panel.jp_pi)
    first = (await schedule(client, grant_id, pi))[0]
    assert (await fire(client, first, "request", pi, 1)).status_code == 200
    before = await audit_total(db)

    response = await request(
        client, grant_id, pi, move_body(move(1, "personnel", 2, "personnel", 100))
    )

    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {
            "field": "moves[0].from_year",
            "reason": "Year 1's money is paid by tranche FY2027, which is requested: it no "
            "longer moves.",
            "code": "amendment.move.year_fixed",
            "params": {"year": 1, "tranche": "FY2027", "state": "requested"},
        }
    ]
    assert await audit_total(db) == before


async def test_decimals_and_unknown_categories_are_refused(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    pi = await bearer(db, panel.jp_pi)
    before = await audit_total(db)

    response = await request(
        client, grant_id, pi, move_body(move(2, "salaries", 3, "personnel", 1.5))
    )

    assert response.status_code == 422
    assert [e["field"] for e in problem(response)["errors"]] == [
        "moves[0].from_category",
        "moves[0].amount",
    ]
    assert await audit_total(db) == before


async def test_an_extension_approved_by_both_recomputes_both_schedules(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    pi = await bearer(db, panel.vn_pi)
    jp = await bearer(db, panel.jp_pi)
    first = (await schedule(client, grant_id, jp))[0]
    assert (await fire(client, first, "request", jp, 1)).status_code == 200
    requested = (await request(client, grant_id, pi, extension_body("2030-10-01"))).json()
    assert (requested["state"], requested["previous_end_date"], requested["proposed_end_date"]) == (
        "requested",
        "2030-04-01",
        "2030-10-01",
    )

    jst = await decide(client, requested, panel.jst_headers, decision="approve")
    assert jst.json()["state"] == "requested"
    nafosted = await decide(
        client, requested, panel.nafosted_headers, decision="approve", end_date="2030-09-01"
    )

    body = nafosted.json()
    assert (body["state"], body["approved_end_date"]) == ("approved", "2030-09-01")
    assert [(a["agency"], a["decision"], a["end_date"]) for a in body["answers"]] == [
        ("JST", "approve", "2030-10-01"),
        ("NAFOSTED", "approve", "2030-09-01"),
    ]
    grant = (await client.get(f"/api/grants/{grant_id}", headers=pi)).json()
    assert grant["end_date"] == "2030-09-01"
    items = await schedule(client, grant_id, pi)
    assert planned(items) == [
        ("JST", "FY2027", "2027-04-01", "2028-03-31", "requested", 6_500_000),
        ("JST", "FY2028", "2028-04-01", "2029-03-31", "planned", 2_896_557),
        ("JST", "FY2029", "2029-04-01", "2030-03-31", "planned", 2_896_548),
        ("JST", "FY2030", "2030-04-01", "2030-08-31", "planned", 1_206_895),
        ("NAFOSTED", "FY2027", "2027-04-01", "2027-12-31", "planned", 460_975_616),
        ("NAFOSTED", "FY2028", "2028-01-01", "2028-12-31", "planned", 614_634_144),
        ("NAFOSTED", "FY2029", "2029-01-01", "2029-12-31", "planned", 614_634_144),
        ("NAFOSTED", "FY2030", "2030-01-01", "2030-08-31", "planned", 409_756_096),
    ]
    sums: dict[str, int] = {}
    for t in items:
        sums[t["agency"]] = sums.get(t["agency"], 0) + t["planned"]["amount"]
    assert sums == {"JST": 13_500_000, "NAFOSTED": 2_100_000_000}
    assert [t["position"] for t in items if t["agency"] == "JST"] == [1, 2, 3, 4]
    assert (await audit_actions(db))[-3:] == [
        "amendment.decide",
        "amendment.decide",
        "amendment.approve",
    ]


async def test_an_extension_rejected_by_one_agency_is_rejected(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    pi = await bearer(db, panel.jp_pi)
    requested = (await request(client, grant_id, pi, extension_body("2030-10-01"))).json()
    before = await schedule(client, grant_id, pi)

    response = await decide(client, requested, panel.nafosted_headers, decision="reject")

    assert (response.json()["state"], response.json()["approved_end_date"]) == ("rejected", None)
    assert await schedule(client, grant_id, pi) == before
    grant = (await client.get(f"/api/grants/{grant_id}", headers=pi)).json()
    assert grant["end_date"] == "2030-04-01"


async def test_an_extension_not_by_whole_months_or_too_long_is_refused(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    pi = await bearer(db, panel.jp_pi)
    before = await audit_total(db)

    answers = [
        (await request(client, grant_id, pi, extension_body(day))).json()["errors"][0]["code"]
        for day in ("2030-03-01", "2030-05-15", "2031-05-01")
    ]

    assert answers == [
        "amendment.extension.not_later",
        "amendment.extension.not_whole_months",
        "amendment.extension.too_long",
    ]
    assert await audit_total(db) == before
    assert (
        await db.scalar(select(Grant.end_date).where(Grant.id == grant_id))
    ).isoformat() == "2030-04-01"  # type: ignore[union-attr]


async def test_the_requester_withdraws_and_nothing_changes(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    pi = await bearer(db, panel.jp_pi)
    requested = (await request(client, grant_id, pi, extension_body("2030-10-01"))).json()

    response = await client.post(
        f"/api/amendments/{requested['id']}/events/withdraw", headers=pi, json={"version": 1}
    )

    assert (response.status_code, response.json()["state"]) == (200, "withdrawn")
    listed = (
        await client.get(f"/api/grants/{grant_id}/amendments", headers=panel.jst_headers)
    ).json()
    assert (listed["total"], [a["state"] for a in listed["items"]]) == (1, ["withdrawn"])
    tranches = await db.scalars(select(Tranche.last_day).where(Tranche.grant_id == grant_id))
    assert max(tranches).isoformat() == "2030-03-31"


async def test_the_list_reads_in_constant_queries(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    panel, one = await awarded(client, db)
    pi = await bearer(db, panel.jp_pi)
    await request(client, one, pi, extension_body("2030-10-01"))

    async def counted() -> tuple[int, int]:
        queries.count, queries.active = 0, True
        response = await client.get(f"/api/grants/{one}/amendments", headers=panel.jst_headers)
        queries.active = False
        return queries.count, response.json()["total"]

    at_one = await counted()
    for amount in (1_000_000, 2_000_000):
        body = move_body(move(2, "personnel", 3, "personnel", amount))
        assert (await request(client, one, pi, body)).status_code == 201
    at_three = await counted()

    assert (at_one, at_three) == ((at_one[0], 1), (at_one[0], 3))
    assert at_one[0] == queries_on(backend, 19)


async def test_an_agency_answers_once(client: Client, db: AsyncSession) -> None:
    panel, grant_id = await awarded(client, db)
    requested = (
        await request(client, grant_id, await bearer(db, panel.jp_pi), extension_body("2030-10-01"))
    ).json()
    assert (
        await decide(client, requested, panel.jst_headers, decision="approve")
    ).status_code == 200
    before = await audit_total(db)

    response = await decide(client, requested, panel.jst_headers, decision="reject")

    assert (response.status_code, [r["code"] for r in problem(response)["reasons"]]) == (
        409,
        ["amendment.guard.caller_answered"],
    )
    assert await audit_total(db) == before


async def test_an_approved_end_date_past_the_proposed_is_refused(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    requested = (
        await request(client, grant_id, await bearer(db, panel.jp_pi), extension_body("2030-07-01"))
    ).json()
    before = await audit_total(db)

    response = await decide(
        client, requested, panel.jst_headers, decision="approve", end_date="2030-08-01"
    )

    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in problem(response)["errors"]] == [
        ("data.end_date", "amendment.extension.over_proposed")
    ]
    assert await audit_total(db) == before


async def test_a_move_no_longer_fitting_when_decided_is_refused(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    pi = await bearer(db, panel.jp_pi)
    first = (
        await request(
            client, grant_id, pi, move_body(move(2, "personnel", 3, "personnel", 3_000_000))
        )
    ).json()
    second = (
        await request(client, grant_id, pi, move_body(move(2, "personnel", 3, "travel", 2_000_000)))
    ).json()
    assert (await decide(client, first, panel.jst_headers, decision="approve")).status_code == 200
    before, lines = await audit_total(db), await grid(db, grant_id)

    response = await decide(client, second, panel.jst_headers, decision="approve")

    assert response.status_code == 409
    assert [(e["field"], e["code"]) for e in problem(response)["errors"]] == [
        ("moves[0].amount", "amendment.move.over_line")
    ]
    assert (await audit_total(db), await grid(db, grant_id)) == (before, lines)


async def test_a_threshold_of_zero_sends_every_move_to_the_officer(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    panel.jst.budget_move_threshold_percent = 0
    await db.flush()

    response = await request(
        client,
        grant_id,
        await bearer(db, panel.jp_pi),
        move_body(move(2, "personnel", 3, "personnel", 1)),
    )

    assert (
        response.status_code,
        response.json()["state"],
        response.json()["moves"][0]["approved"],
    ) == (
        201,
        "requested",
        None,
    )


async def test_no_move_is_recorded_on_the_year_grid_after_an_extension(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    pi = await bearer(db, panel.jp_pi)
    requested = (await request(client, grant_id, pi, extension_body("2030-10-01"))).json()
    await decide(client, requested, panel.jst_headers, decision="approve")
    await decide(client, requested, panel.nafosted_headers, decision="approve")
    before = await audit_total(db)

    response = await request(
        client, grant_id, pi, move_body(move(2, "personnel", 3, "personnel", 1))
    )

    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in problem(response)["errors"]] == [
        ("moves", "amendment.move.after_extension")
    ]
    assert await audit_total(db) == before


async def test_a_suspended_grant_is_not_amended(client: Client, db: AsyncSession) -> None:
    panel, grant_id = await awarded(client, db)
    grant = await db.get(Grant, grant_id)
    assert grant is not None
    grant.state = "suspended"
    await db.flush()
    before = await audit_total(db)

    response = await request(
        client, grant_id, await bearer(db, panel.vn_pi), extension_body("2030-10-01")
    )

    assert (response.status_code, problem(response)["detail"]) == (
        409,
        "The grant is not active.",
    )
    assert await audit_total(db) == before
