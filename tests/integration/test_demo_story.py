"""The demo's call in review (NEXUS-JV-2026) through the whole review and ranking story over
the API, each agency acting only for itself: each officer invites its own pool's reviewers
(and cannot touch the other's), reviewers score and submit, each agency finalises its own
ranking behind its wall, the joint ranking takes both keys, and the call moves to deciding."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Call, User
from grants.demo import REVIEW_CALL_CODE, seed
from tests.factories import bearer

Client = httpx.AsyncClient
JST, NAFOSTED = "officer.jst@demo.cofund.example", "officer.nafosted@demo.cofund.example"


async def _post(client: Client, url: str, headers: dict[str, str], **body: object) -> dict:
    response = await client.post(url, headers=headers, json=body or None)
    assert response.status_code in (200, 201), (url, response.text)
    return dict(response.json())


async def test_demo_review_call_through_ranking_each_agency_for_itself(
    client: Client, db: AsyncSession
) -> None:
    await seed(db)
    users = {u.email: u for u in await db.scalars(select(User))}
    call = await db.scalar(select(Call).where(Call.code == REVIEW_CALL_CODE))
    assert call is not None
    jst, naf = await bearer(db, users[JST]), await bearer(db, users[NAFOSTED])
    auditor = await bearer(db, users["auditor@demo.cofund.example"])
    who = {
        u.id: await bearer(db, u)
        for u in users.values()
        if any(r.role == "reviewer" for r in u.roles)
    }
    base = f"/api/calls/{call.id}"

    # Each agency's officer runs the solver on its own pool and invites its own reviewers.
    runs = [await _post(client, f"{base}/assignment/run", h) for h in (jst, naf)]
    invited = [await _post(client, f"{base}/assignment/invite", h) for h in (jst, naf)]
    assert [(r["pool"], r["feasible"], r["slots_filled"]) for r in runs] == [
        ("JST", True, 8),
        ("NAFOSTED", True, 8),
    ]
    assert [(i["invited"], i["refused"]) for i in invited] == [(8, []), (8, [])]

    # Each officer sees only its own pool's assignments and cannot reach the other's.
    own = {
        code: (await client.get(f"{base}/assignments?limit=100", headers=h)).json()["items"]
        for code, h in (("JST", jst), ("NAFOSTED", naf))
    }
    assert {code: [r["pool"] for r in rows] for code, rows in own.items()} == {
        "JST": ["JST"] * 8,
        "NAFOSTED": ["NAFOSTED"] * 8,
    }
    foreign = await client.post(
        f"/api/assignments/{own['NAFOSTED'][0]['id']}/events/reopen",
        headers=jst,
        json={"version": 2},
    )
    assert (foreign.status_code, foreign.json()["detail"]) == (404, "No such assignment.")
    rows = own["JST"] + own["NAFOSTED"]

    # Every reviewer accepts, scores every criterion and submits.
    marks = {"JST": 4, "NAFOSTED": 3}
    for row in rows:
        mine = who[uuid.UUID(row["reviewer_id"])]
        url = f"/api/assignments/{row['id']}"
        accepted = await _post(client, f"{url}/events/accept", mine, version=row["version"])
        mark = marks[row["pool"]] + (row["proposal_reference"].endswith("1"))
        scores = {"novelty": mark, "feasibility": mark, "impact": mark}
        saved = await client.put(
            f"{url}/review",
            headers=mine,
            json={
                "version": accepted["version"],
                "scores": scores,
                "recommendation": "fund",
                "confidence": 4,
            },
        )
        assert saved.status_code == 200, saved.text
        await _post(client, f"{url}/events/submit", mine, version=saved.json()["version"])

    shown = (await client.get(base, headers=jst)).json()
    ranking = await _post(client, f"{base}/events/start_ranking", naf, version=shown["version"])
    assert ranking["state"] == "ranking"

    # Each agency ranks its own pool's scores; the other's ranking stays behind its wall.
    finals = {}
    for code, headers in (("JST", jst), ("NAFOSTED", naf)):
        other = naf if code == "JST" else jst
        draft = await _post(client, f"{base}/rankings/{code}/draft", headers)
        meddling = await client.post(f"{base}/rankings/{code}/draft", headers=other)
        walled = await client.get(f"{base}/rankings/{code}", headers=other)
        assert (meddling.status_code, walled.status_code) == (403, 403)
        final = await _post(
            client, f"/api/rankings/{draft['id']}/events/finalise", headers, version=1
        )
        finals[code] = [e["reference"] for e in final["entries"]]
    assert finals["JST"][0] == finals["NAFOSTED"][0] == f"{REVIEW_CALL_CODE}-0001"

    # The joint panel's ranking takes both keys; then the call moves to its decisions.
    ids = {e["reference"]: e["proposal_id"] for e in final["entries"]}
    entries = [
        {"proposal_id": ids[ref], "position": i, "recommendation": "fund"}
        for i, ref in enumerate(finals["JST"], start=1)
    ]
    joint = await _post(client, f"{base}/joint-ranking", jst, entries=entries, minutes="Hanoi.")
    approve = f"/api/rankings/{joint['id']}/events/approve"
    first = await _post(client, approve, jst, version=joint["version"])
    twice = await client.post(approve, headers=jst, json={"version": first["version"]})
    second = await _post(client, approve, naf, version=first["version"])
    shown = (await client.get(base, headers=jst)).json()
    deciding = await _post(client, f"{base}/events/start_deciding", jst, version=shown["version"])

    assert (first["state"], twice.status_code, second["state"]) == ("draft", 409, "final")
    assert second["approved_by"] == ["JST", "NAFOSTED"]
    assert deciding["state"] == "deciding"
    verified = (await client.get("/api/audit/verify", headers=auditor)).json()
    assert (verified["intact"], verified["broken_seq"]) == (True, None)
