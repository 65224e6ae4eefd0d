"""The demo's finished call (NEXUS-JV-2024) as a new user meets it over the API: one proposal
awarded, one rejected, and the 5-year grant in its second fiscal year with both agencies'
first tranches paid and the rest waiting for the year-1 report."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import User
from grants.demo import FINISHED_CALL_CODE, seed
from grants.demo.finished_call import Timeline
from schedules import add_months
from storage.local import LocalDocumentStore
from tests.factories import bearer

Client = httpx.AsyncClient
JST, NAFOSTED = "officer.jst@demo.cofund.example", "officer.nafosted@demo.cofund.example"
MORI, VO = "kaito.mori@demo.cofund.example", "quang.vo@demo.cofund.example"


async def _get(client: Client, url: str, headers: dict[str, str]) -> Any:
    response = await client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.text)
    return response.json()


async def test_the_demo_grant_is_in_its_second_fiscal_year_with_first_tranches_paid(
    client: Client, db: AsyncSession, tmp_path: Path
) -> None:
    await seed(db, LocalDocumentStore(tmp_path))
    users = {u.email: u for u in await db.scalars(select(User))}
    jst, vo = await bearer(db, users[JST]), await bearer(db, users[VO])
    start = Timeline.before(datetime.datetime.now(datetime.UTC).date()).start

    grants = await _get(client, "/api/grants", jst)
    assert [(g["call_code"], g["reference"], g["state"]) for g in grants["items"]] == [
        (FINISHED_CALL_CODE, f"{FINISHED_CALL_CODE}-0001", "active")
    ]
    grant = await _get(client, f"/api/grants/{grants['items'][0]['id']}", vo)
    assert (grant["start_date"], grant["duration_years"]) == (start.isoformat(), 5)
    assert [(s["agency"], s["awarded"]) for s in grant["sides"]] == [
        ("JST", {"amount": 43_500_000, "currency": "JPY"}),
        ("NAFOSTED", {"amount": 5_500_000_000, "currency": "VND"}),
    ]

    tranches = (await _get(client, f"/api/grants/{grant['id']}/tranches", vo))["items"]
    firsts = [t for t in tranches if t["position"] == 1]
    assert [(t["agency"], t["state"], t["due_date"]) for t in firsts] == [
        ("JST", "disbursed", start.isoformat()),
        ("NAFOSTED", "disbursed", start.isoformat()),
    ]
    assert [(t["disbursed"]["amount"], t["disbursed"]["payment_reference"]) for t in firsts] == [
        (firsts[0]["planned"], f"{grant['sides'][0]['number']}-T1"),
        (firsts[1]["planned"], f"{grant['sides'][1]['number']}-T1"),
    ]
    assert {t["state"] for t in tranches if t["position"] > 1} == {"planned"}
    totals: dict[str, int] = {}
    for t in tranches:
        totals[t["agency"]] = totals.get(t["agency"], 0) + t["planned"]["amount"]
    assert totals == {"JST": 43_500_000, "NAFOSTED": 5_500_000_000}

    # The year-1 report waits for both agencies; the papers of both sides are in.
    reports = (await _get(client, f"/api/grants/{grant['id']}/reports", vo))["items"]
    assert [(r["year"], r["state"], r["round"]) for r in reports] == [
        (1, "submitted", 1),
        *[(year, "due", 0) for year in range(2, 6)],
    ]
    statements = (await _get(client, f"/api/grants/{grant['id']}/statements", jst))["items"]
    assert [(s["agency"], s["year"]) for s in statements] == [("JST", 1), ("NAFOSTED", 1)]

    # So the JST side's second tranche is refused, naming both agencies, and nothing changes.
    second = next(t for t in tranches if (t["agency"], t["position"]) == ("JST", 2))
    mori = await bearer(db, users[MORI])
    refused = await client.post(
        f"/api/tranches/{second['id']}/events/request",
        headers=mori,
        json={"version": second["version"], "data": {}},
    )
    assert (refused.status_code, refused.json()["reasons"]) == (
        409,
        [
            {
                "code": "tranche.guard.previous_report_pending",
                "params": {"agencies": ["JST", "NAFOSTED"]},
                "message": "The previous year's progress report is not yet accepted by: "
                "JST and NAFOSTED.",
            }
        ],
    )

    call = (await _get(client, "/api/calls?limit=50", jst))["items"]
    assert {c["code"]: c["state"] for c in call}[FINISHED_CALL_CODE] == "finished"
    auditor = await bearer(db, users["auditor@demo.cofund.example"])
    verified = await _get(client, "/api/audit/verify", auditor)
    assert verified == {**verified, "intact": True, "broken_seq": None}


async def _post(client: Client, url: str, headers: dict[str, str], body: Any) -> Any:
    response = await client.post(url, headers=headers, json=body)
    assert response.status_code in (200, 201), (url, response.text)
    return response.json()


async def test_the_demo_grant_goes_on_through_the_api_report_tranche_and_extension(
    client: Client, db: AsyncSession, tmp_path: Path
) -> None:
    """What a new user does next on the demo: both agencies accept the year-1 report, the JST
    side's second tranche is requested, approved and paid, and a 6-month no-cost extension,
    approved by both, re-plans the rest of both schedules to the unit."""
    await seed(db, LocalDocumentStore(tmp_path))
    users = {u.email: u for u in await db.scalars(select(User))}
    jst, naf = await bearer(db, users[JST]), await bearer(db, users[NAFOSTED])
    mori = await bearer(db, users[MORI])
    grant = (await _get(client, "/api/grants", jst))["items"][0]
    base = f"/api/grants/{grant['id']}"

    report = (await _get(client, f"{base}/reports", mori))["items"][0]
    for headers, agency in ((jst, "JST"), (naf, "NAFOSTED")):
        body = {"version": report["version"], "agency": agency, "decision": "accept"}
        report = await _post(client, f"/api/reports/{report['id']}/decisions", headers, body)
    assert (report["year"], report["state"]) == (1, "accepted")

    tranches = (await _get(client, f"{base}/tranches", mori))["items"]
    second = next(t for t in tranches if (t["agency"], t["position"]) == ("JST", 2))
    url = f"/api/tranches/{second['id']}/events"
    step = await _post(client, f"{url}/request", mori, {"version": second["version"], "data": {}})
    step = await _post(client, f"{url}/approve", jst, {"version": step["version"], "data": {}})
    paid = {"payment_reference": "JST-2026-0042", "paid_on": datetime.date.today().isoformat()}
    step = await _post(
        client,
        f"{url}/disburse",
        jst,
        {"version": step["version"], "data": {"amount": second["planned"]["amount"], **paid}},
    )
    assert (step["state"], step["disbursed"]["amount"]) == ("disbursed", second["planned"])

    # A 6-month no-cost extension: requested by a PI, approved by both agencies.
    end = datetime.date.fromisoformat(grant["end_date"])
    later = add_months(end, 6)
    body = {"kind": "no_cost_extension", "reason": "The cleanroom closed.", "end_date": str(later)}
    amendment = await _post(client, f"{base}/amendments", mori, body)
    for headers in (jst, naf):
        data = {"decision": "approve", "rationale": "The delay is documented."}
        amendment = await _post(
            client,
            f"/api/amendments/{amendment['id']}/events/decide",
            headers,
            {"version": amendment["version"], "data": data},
        )
    assert amendment["state"] == "approved"
    shown = await _get(client, base, mori)
    assert shown["end_date"] == str(later)
    after = (await _get(client, f"{base}/tranches", mori))["items"]
    totals: dict[str, int] = {}
    for t in after:
        totals[t["agency"]] = totals.get(t["agency"], 0) + t["planned"]["amount"]
    assert totals == {"JST": 43_500_000, "NAFOSTED": 5_500_000_000}
    # What was paid stays as it was; the new last fiscal year covers the added months.
    kept = {(t["agency"], t["position"]): t for t in after}
    assert [kept[("JST", 1)]["state"], kept[("JST", 2)]["state"]] == ["disbursed", "disbursed"]
    assert max(t["last_day"] for t in after) == str(later - datetime.timedelta(days=1))
