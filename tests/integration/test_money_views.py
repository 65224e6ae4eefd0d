"""The money views: a call's money per agency (in its currency and converted with recorded
rates, with the rate's day and source; null with a reason when no rate exists) and a grant's
budget, schedule and payments; both in a constant number of queries."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Grant, Tranche
from tests.conftest import QueryCounter
from tests.factories import AgencyFactory, bearer, make_user, persist
from tests.factories_awards import make_deciding, make_grant, with_tranches
from tests.factories_fx import make_rates
from tests.factories_scoring import Panel
from tests.support.coded import coded, field_error
from tests.support.queries import queries_on

Client = httpx.AsyncClient
D = datetime.date
PAID_AT = datetime.datetime(2027, 4, 10, 1, 0, tzinfo=datetime.UTC)


def usd(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "USD"}


def yen(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "JPY"}


def dong(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "VND"}


async def granted(db: AsyncSession, n: int = 1) -> tuple[Panel, list[Grant], list[Tranche]]:
    """`n` grants of the JV-2026 call with their schedules; on the first, JST's FY2027 tranche
    paid in full and NAFOSTED's FY2027 tranche requested in full."""
    panel = await make_deciding(db, n_proposals=n)
    grants, tranches = [], []
    for proposal in panel.proposals:
        grant = await make_grant(db, panel, proposal)
        grants.append(grant)
        tranches.extend(await with_tranches(db, panel, grant))
    jst_first, vn_first = tranches[0], tranches[3]
    jst_first.state = "disbursed"
    jst_first.requested_amount = jst_first.approved_amount = jst_first.planned_amount
    jst_first.disbursed_amount = jst_first.planned_amount
    jst_first.requested_by, jst_first.requested_at = panel.jp_pi.id, PAID_AT
    jst_first.approved_by, jst_first.approved_at = panel.jst_officer.id, PAID_AT
    jst_first.disbursed_by, jst_first.disbursed_at = panel.jst_officer.id, PAID_AT
    jst_first.paid_on, jst_first.payment_reference = D(2027, 4, 10), "JST-PAY-1"
    vn_first.state = "requested"
    vn_first.requested_amount = vn_first.planned_amount
    vn_first.requested_by, vn_first.requested_at = panel.vn_pi.id, PAID_AT
    await persist(db, jst_first, vn_first)
    return panel, grants, tranches


async def rates(db: AsyncSession, panel: Panel) -> None:
    await make_rates(
        db,
        panel.jst_officer,
        {"rate_date": D(2027, 3, 31), "base": "JPY", "quote": "USD", "rate": Decimal("0.0067")},
        {"rate_date": D(2027, 6, 30), "base": "JPY", "quote": "USD", "rate": Decimal("0.0070")},
        {
            "rate_date": D(2027, 3, 1),
            "base": "USD",
            "quote": "VND",
            "rate": Decimal("26000"),
            "source": "SBV",
        },
    )


JST_FIGURES = {
    "envelope": yen(300_000_000),
    "committed": yen(10_500_000),
    "requested": yen(0),
    "approved_not_disbursed": yen(0),
    "disbursed": yen(6_500_000),
    "remaining": yen(289_500_000),
}
NAFOSTED_FIGURES = {
    "envelope": dong(60_000_000_000),
    "committed": dong(1_500_000_000),
    "requested": dong(600_000_002),
    "approved_not_disbursed": dong(0),
    "disbursed": dong(0),
    "remaining": dong(58_500_000_000),
}


def no_partners(funding: dict[str, Any]) -> dict[str, Any]:
    """An agency's enterprise figures without partners: its funding beside nothing."""
    nothing = {"amount": 0, "currency": funding["currency"]}
    return {
        "funding": funding,
        "committed": nothing,
        "actual": nothing,
        "leverage": "0.0000",
        "actual_leverage": "0.0000",
        "unconverted": [],
    }


async def test_a_calls_money_is_converted_with_the_rate_day_and_source(
    client: Client, db: AsyncSession
) -> None:
    panel, _, _ = await granted(db)
    await rates(db, panel)

    response = await client.get(
        f"/api/calls/{panel.call.id}/money",
        headers=panel.nafosted_headers,
        params={"reporting_currency": "USD", "as_of": "2027-04-01"},
    )

    assert (response.status_code, response.json()) == (
        200,
        {
            "call_id": str(panel.call.id),
            "call_code": "JV-2026",
            "cofunding_mode": "own_side",
            "as_of": "2027-04-01",
            "grants": 1,
            "agencies": [
                {
                    "agency": "JST",
                    "currency": "JPY",
                    "share_percent": None,
                    "figures": JST_FIGURES,
                    "converted": {
                        # ¥ × 0.0067, in cents; the June rate is after the day asked for.
                        "figures": {
                            "envelope": usd(201_000_000),
                            "committed": usd(7_035_000),
                            "requested": usd(0),
                            "approved_not_disbursed": usd(0),
                            "disbursed": usd(4_355_000),
                            "remaining": usd(193_965_000),
                        },
                        "rate": {
                            "rate": "0.0067",
                            "rate_date": "2027-03-31",
                            "base": "JPY",
                            "quote": "USD",
                            "source": "BOJ",
                            "inverse": False,
                        },
                        "reason": None,
                    },
                    "enterprise": no_partners(JST_FIGURES["committed"]),
                },
                {
                    "agency": "NAFOSTED",
                    "currency": "VND",
                    "share_percent": None,
                    "figures": NAFOSTED_FIGURES,
                    "converted": {
                        # ₫ ÷ 26,000 (only USD/VND is recorded), in cents, half to even.
                        "figures": {
                            "envelope": usd(230_769_231),
                            "committed": usd(5_769_231),
                            "requested": usd(2_307_692),
                            "approved_not_disbursed": usd(0),
                            "disbursed": usd(0),
                            "remaining": usd(225_000_000),
                        },
                        "rate": {
                            "rate": "26000",
                            "rate_date": "2027-03-01",
                            "base": "USD",
                            "quote": "VND",
                            "source": "SBV",
                            "inverse": True,
                        },
                        "reason": None,
                    },
                    "enterprise": no_partners(NAFOSTED_FIGURES["committed"]),
                },
            ],
            "consolidated": {
                "currency": "USD",
                "figures": {
                    "envelope": usd(431_769_231),
                    "committed": usd(12_804_231),
                    "requested": usd(2_307_692),
                    "approved_not_disbursed": usd(0),
                    "disbursed": usd(4_355_000),
                    "remaining": usd(418_965_000),
                },
                "reasons": [],
            },
        },
    )


async def test_without_a_rate_the_converted_figures_are_null_with_the_reason(
    client: Client, db: AsyncSession
) -> None:
    panel, _, _ = await granted(db)
    await rates(db, panel)

    response = await client.get(
        f"/api/calls/{panel.call.id}/money",
        headers=panel.jst_headers,
        params={"reporting_currency": "USD", "as_of": "2027-02-28"},
    )

    body = response.json()
    reason = coded(
        "No VND/USD rate (nor USD/VND) is recorded on or before Feb 28, 2027: NAFOSTED's "
        "figures are not converted.",
        "money.fx.no_rate",
        base="VND",
        quote="USD",
        day="2027-02-28",
        agency="NAFOSTED",
    )
    jst_reason = coded(
        "No JPY/USD rate (nor USD/JPY) is recorded on or before Feb 28, 2027: JST's "
        "figures are not converted.",
        "money.fx.no_rate",
        base="JPY",
        quote="USD",
        day="2027-02-28",
        agency="JST",
    )
    assert response.status_code == 200
    assert [a["converted"] for a in body["agencies"]] == [
        {"figures": None, "rate": None, "reason": jst_reason},
        {"figures": None, "rate": None, "reason": reason},
    ]
    assert [a["figures"] for a in body["agencies"]] == [JST_FIGURES, NAFOSTED_FIGURES]
    assert body["consolidated"] == {
        "currency": "USD",
        "figures": None,
        "reasons": [jst_reason, reason],
    }


async def test_in_an_agencys_own_currency_no_rate_is_needed(
    client: Client, db: AsyncSession
) -> None:
    panel, _, _ = await granted(db)

    response = await client.get(
        f"/api/calls/{panel.call.id}/money",
        headers=panel.jst_headers,
        params={"reporting_currency": "JPY", "as_of": "2027-04-01"},
    )

    jst, nafosted = response.json()["agencies"]
    assert jst["converted"] == {"figures": JST_FIGURES, "rate": None, "reason": None}
    assert nafosted["converted"]["figures"] is None
    assert nafosted["converted"]["reason"]["code"] == "money.fx.no_rate"


async def test_without_a_reporting_currency_nothing_is_converted(
    client: Client, db: AsyncSession
) -> None:
    panel, _, _ = await granted(db)

    response = await client.get(f"/api/calls/{panel.call.id}/money", headers=panel.jst_headers)

    body = response.json()
    assert [(a["figures"], a["converted"]) for a in body["agencies"]] == [
        (JST_FIGURES, None),
        (NAFOSTED_FIGURES, None),
    ]
    assert body["consolidated"] is None


async def test_an_unknown_reporting_currency_is_refused(client: Client, db: AsyncSession) -> None:
    panel, _, _ = await granted(db)

    response = await client.get(
        f"/api/calls/{panel.call.id}/money",
        headers=panel.jst_headers,
        params={"reporting_currency": "usd"},
    )

    assert (response.status_code, response.json()["code"], response.json()["errors"]) == (
        422,
        "money.view.bad_currency",
        [
            field_error(
                "reporting_currency",
                "'usd' is not an ISO 4217 currency code (upper-case, e.g. 'JPY')",
                "money.currency.unknown",
                currency="usd",
            )
        ],
    )


async def test_a_calls_money_is_for_its_cofunders_auditors_and_admins(
    client: Client, db: AsyncSession
) -> None:
    panel, _, _ = await granted(db)
    fwo = AgencyFactory(code="FWO", country="BE", currency="EUR")
    await persist(db, fwo)
    readers = [await make_user(db, "auditor"), await make_user(db, "admin")]
    refused = [panel.jp_pi, await make_user(db, "officer", agency=fwo)]
    url = f"/api/calls/{panel.call.id}/money"

    statuses = [
        (await client.get(url, headers=await bearer(db, user))).status_code
        for user in (*readers, *refused)
    ]
    refusal = await client.get(url, headers=await bearer(db, panel.jp_pi))

    assert statuses == [200, 200, 403, 403]
    assert refusal.json()["code"] == "policy.money.call_readers"


async def test_a_calls_money_reads_in_constant_queries(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    panel = await make_deciding(db, n_proposals=4)
    await rates(db, panel)

    async def counted() -> tuple[int, int]:
        queries.count, queries.active = 0, True
        response = await client.get(
            f"/api/calls/{panel.call.id}/money",
            headers=panel.jst_headers,
            params={"reporting_currency": "USD", "as_of": "2027-04-01"},
        )
        queries.active = False
        return queries.count, response.json()["grants"]

    await with_tranches(db, panel, await make_grant(db, panel, panel.proposals[0]))
    one = await counted()
    for proposal in panel.proposals[1:]:
        await with_tranches(db, panel, await make_grant(db, panel, proposal))
    many = await counted()

    n = queries_on(backend, 13)  # two of them the enterprise contributions, committed and actual
    assert (one, many) == ((n, 1), (n, 4))


async def test_a_grants_money_has_each_sides_grid_schedule_payments_and_next_due(
    client: Client, db: AsyncSession
) -> None:
    panel, grants, tranches = await granted(db)

    response = await client.get(
        f"/api/grants/{grants[0].id}/money", headers=await bearer(db, panel.vn_pi)
    )

    body = response.json()
    jst, nafosted = body["sides"]

    def scheduled(t: Tranche, **steps: Any) -> dict[str, Any]:
        cur = {"JPY": yen, "VND": dong}[t.currency]
        return {
            "id": str(t.id),
            "position": t.position,
            "label": t.label,
            "fiscal_year": t.fiscal_year,
            "due_date": t.due_date.isoformat(),
            "state": t.state,
            "planned": cur(t.planned_amount),
            "requested": None,
            "approved": None,
            "disbursed": None,
            "paid_on": None,
            **steps,
        }

    paid = scheduled(
        tranches[0],
        requested=yen(6_500_000),
        approved=yen(6_500_000),
        disbursed=yen(6_500_000),
        paid_on="2027-04-10",
    )
    assert (response.status_code, body["grant_id"], body["state"]) == (
        200,
        str(grants[0].id),
        "active",
    )
    assert jst == {
        "agency": "JST",
        "number": "JST-2027-0001",
        "currency": "JPY",
        "awarded": yen(10_500_000),
        "budget": [
            {"year": 1, "category": "indirect", "amount": 1_500_000},
            {"year": 1, "category": "personnel", "amount": 5_000_000},
            {"year": 2, "category": "personnel", "amount": 4_000_000},
        ],
        "totals_by_year": [{"year": 1, "amount": 6_500_000}, {"year": 2, "amount": 4_000_000}],
        "tranches": [paid, scheduled(tranches[1]), scheduled(tranches[2])],
        "disbursed": yen(6_500_000),
        "next_due": scheduled(tranches[1]),
        "share": None,
    }
    requested = scheduled(tranches[3], requested=dong(600_000_002))
    assert (nafosted["disbursed"], nafosted["next_due"]) == (dong(0), requested)
    assert [t["label"] for t in nafosted["tranches"]] == ["FY2027", "FY2028", "FY2029", "FY2030"]


async def test_a_grants_money_is_hidden_from_other_consortia(
    client: Client, db: AsyncSession
) -> None:
    _, grants, _ = await granted(db)
    outsider = await make_user(db, "researcher")

    response = await client.get(
        f"/api/grants/{grants[0].id}/money", headers=await bearer(db, outsider)
    )

    assert (response.status_code, response.json()["code"]) == (404, "policy.grant.not_found")


async def test_a_grants_money_reads_in_constant_queries(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    panel = await make_deciding(db, n_proposals=2)
    short = await make_grant(
        db, panel, panel.proposals[0], duration_years=2, end_date=D(2029, 4, 1)
    )
    long = await make_grant(db, panel, panel.proposals[1])
    await with_tranches(db, panel, short)
    await with_tranches(db, panel, long)

    async def counted(grant_id: uuid.UUID) -> tuple[int, int]:
        queries.count, queries.active = 0, True
        response = await client.get(f"/api/grants/{grant_id}/money", headers=panel.jst_headers)
        queries.active = False
        return queries.count, sum(len(side["tranches"]) for side in response.json()["sides"])

    n = queries_on(backend, 18)
    assert (await counted(short.id), await counted(long.id)) == ((n, 5), (n, 7))
