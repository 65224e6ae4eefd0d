"""The demo seeds one open joint call, published by the JST officer through the workflow."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, User
from grants.demo import seed
from tests.factories import bearer

Client = httpx.AsyncClient


async def test_demo_call_is_open_to_researchers(client: Client, db: AsyncSession) -> None:
    await seed(db)
    hana = await db.scalar(select(User).where(User.email == "hana.sato@demo.cofund.example"))
    assert hana is not None

    # Demo accounts choose no language: Hana's browser asks for Japanese.
    headers = {**await bearer(db, hana), "Accept-Language": "ja"}
    listed = await client.get("/api/calls?state=open", headers=headers)
    shown = await client.get(f"/api/calls/{listed.json()['items'][0]['id']}", headers=headers)

    body = shown.json()
    assert (body["code"], body["state"], body["title"]["ja"]) == (
        "NEXUS-JV-2027",
        "open",
        "日越半導体共同研究",
    )
    assert [(t["agency"], t["currency"], t["cap_total_text"]) for t in body["agencies"]] == [
        ("JST", "JPY", "￥45,000,000"),
        ("NAFOSTED", "VND", "₫6,000,000,000"),
    ]
    assert [z["time_zone"] for z in body["closes_at_local"]] == ["Asia/Tokyo", "Asia/Ho_Chi_Minh"]
    events = await db.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "call", AuditEvent.entity_id == body["id"])
        .order_by(AuditEvent.seq)
    )
    jst, nafosted = "officer.jst@demo.cofund.example", "officer.nafosted@demo.cofund.example"
    # Each agency's officer approved its side; the second key published the call.
    assert [(e.action, e.actor_label) for e in events] == [
        ("call.create", jst),
        ("approval.publish_call", jst),
        ("call.approve", jst),
        ("approval.publish_call", nafosted),
        ("call.approve", nafosted),
        ("call.publish", nafosted),
    ]
