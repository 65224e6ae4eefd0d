"""The decisions, money and grant pages over HTTP on both backends, on the demo's finished call
(NEXUS-JV-2024: its 5-year grant in its second fiscal year, the year-1 report waiting for both
agencies): what each page shows (exact texts), in English, Japanese and Vietnamese, its forms
acting through the same services and workflows as the API, and their refusals."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Call, Grant, Tranche, User
from grants.demo import FINISHED_CALL_CODE, seed
from storage.local import LocalDocumentStore
from tests.factories import PASSWORD
from tests.integration.test_web_reviewer_pages import csrf_of, text_of

Client = httpx.AsyncClient
HTML = {"accept": "text/html"}
JST, NAFOSTED = "officer.jst@demo.cofund.example", "officer.nafosted@demo.cofund.example"
MORI, VO = "kaito.mori@demo.cofund.example", "quang.vo@demo.cofund.example"
DEMO_PASSWORD = "cofund-demo-2026"


async def _sign_in(client: Client, email: str) -> None:
    client.cookies.clear()
    response = await client.post(
        "/api/auth/login", json={"email": email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text


async def _demo(db: AsyncSession, tmp_path: Path) -> tuple[Grant, Call]:
    await seed(db, LocalDocumentStore(tmp_path))
    await db.commit()
    call = await db.scalar(select(Call).where(Call.code == FINISHED_CALL_CODE))
    grant = await db.scalar(select(Grant).where(Grant.call_id == call.id))
    assert call is not None and grant is not None
    return grant, call


async def test_smoke(client: Client, db: AsyncSession, tmp_path: Path) -> None:
    grant, call = await _demo(db, tmp_path)
    await _sign_in(client, JST)
    for url in (f"/grants/{grant.id}", "/officer/tranches", f"/officer/calls/{call.id}/decisions", f"/officer/calls/{call.id}/money"):
        r = await client.get(url, headers=HTML)
        Path("/tmp/ml/" + url.strip("/").replace("/", "_") + ".html").write_text(r.text)
        assert r.status_code == 200, r.text[-3000:]
    await _sign_in(client, MORI)
    r = await client.get(f"/grants/{grant.id}?lang=ja", headers=HTML)
    Path("/tmp/ml/mori.html").write_text(r.text)
    assert r.status_code == 200, r.text[-3000:]
