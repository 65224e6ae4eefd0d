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

    call = (await _get(client, "/api/calls?limit=50", jst))["items"]
    assert {c["code"]: c["state"] for c in call}[FINISHED_CALL_CODE] == "finished"
    auditor = await bearer(db, users["auditor@demo.cofund.example"])
    verified = await _get(client, "/api/audit/verify", auditor)
    assert verified == {**verified, "intact": True, "broken_seq": None}
