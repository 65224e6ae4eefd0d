"""Through the API alone: a JST and a NAFOSTED researcher draft, fill, upload to and submit one
proposal; the co-funding officer then sees it and decides eligibility after the deadline."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import bearer
from tests.factories_documents import PDF
from tests.factories_proposals import draft_body, make_world

Client = httpx.AsyncClient
ORCID = "0000-0002-1825-0097"


def _lines(currency: str, version: int) -> dict[str, Any]:
    return {
        "version": version,
        "lines": [
            {"year": y, "category": c, "amount": a, "currency": currency}
            for y in (1, 2, 3)
            for c, a in (("personnel", 6_000_000), ("indirect", 1_800_000))
        ],
    }


async def test_two_researchers_draft_fill_upload_and_submit(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    jp, vn = await bearer(db, world.jp_pi), await bearer(db, world.vn_pi)

    created = (await client.post("/api/proposals", headers=jp, json=draft_body(world))).json()
    url = f"/api/proposals/{created['id']}"
    jst_part, vn_part = (p["id"] for p in created["parts"])
    invitation = await client.post(
        f"{url}/invitations", headers=jp, json={"agency": "NAFOSTED", "email": "vn.pi@example.vn"}
    )
    await client.post(f"/api/invitations/{invitation.json()['id']}/accept", headers=vn)
    filled = [
        await client.patch(
            f"{url}/parts/{jst_part}",
            headers=jp,
            json={"version": 1, "institution_ror": "04wxnsj81"},
        ),
        await client.post(
            f"{url}/parts/{jst_part}/members",
            headers=jp,
            json={
                "name": "Aiko",
                "email": "aiko@example.jp",
                "orcid": ORCID,
                "erad_number": "12345678",
            },
        ),
        await client.put(f"{url}/parts/{jst_part}/budget", headers=jp, json=_lines("JPY", 2)),
        await client.put(f"{url}/parts/{vn_part}/budget", headers=vn, json=_lines("VND", 2)),
        await client.patch(
            f"{url}/parts/{vn_part}",
            headers=vn,
            json={"version": 3, "institution_name": "Vietnam National University, Hanoi"},
        ),
        await client.post(
            f"{url}/documents",
            params={"kind": "project_description"},
            headers={**jp, "X-Filename": "plan.pdf", "Content-Type": "application/pdf"},
            content=PDF,
        ),
    ]
    version = (await client.get(url, headers=vn)).json()["version"]
    submitted = await client.post(f"{url}/events/submit", headers=vn, json={"version": version})

    assert [r.status_code for r in filled] == [200, 201, 200, 200, 200, 201]
    assert submitted.status_code == 200, submitted.text
    body = submitted.json()
    assert (body["state"], body["reference"]) == ("submitted", "JV-2026-0001")
    assert [len(p["budget"]["lines"]) for p in body["parts"]] == [6, 6]
    assert [d["kind"] for d in body["documents"]] == ["project_description"]
    assert (await client.get(url, headers=await bearer(db, world.jst_officer))).status_code == 200


async def test_draft_withdrawn_before_submission_stays_private(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    jp = await bearer(db, world.jp_pi)
    created = (await client.post("/api/proposals", headers=jp, json=draft_body(world))).json()
    url = f"/api/proposals/{created['id']}"
    withdrawn = await client.post(f"{url}/events/withdraw", headers=jp, json={"version": 1})
    officer = await bearer(db, world.jst_officer)

    listed = await client.get("/api/proposals", headers=officer)
    shown = await client.get(url, headers=officer)

    assert withdrawn.json()["state"] == "withdrawn"
    assert (listed.json()["items"], shown.status_code) == ([], 404)
