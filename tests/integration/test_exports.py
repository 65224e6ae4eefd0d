"""Dataset exports through the HTTP API: exact bytes per format, filters, officers' scope,
the audit event of each export, bad input."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories_exports import make_export_world

Client = httpx.AsyncClient


async def test_smoke(client: Client, db: AsyncSession) -> None:
    world = await make_export_world(db)
    for name in ("calls", "call_agencies", "proposals", "parts", "members", "budget_lines", "documents", "conflicts", "assignments", "reviews", "rankings", "approvals", "decisions", "grants", "tranches", "progress_reports", "amendments", "fx_rates", "audit_events"):
        for fmt in ("csv", "jsonl", "xlsx"):
            response = await client.get(f"/api/exports/{name}.{fmt}", headers=world.auditor)
            assert response.status_code == 200, (name, fmt, response.text)
    response = await client.get("/api/exports/budget_lines.csv", headers=world.auditor)
    print(response.text)
    response = await client.get("/api/exports/reviews.csv", headers=world.panel.jst_headers)
    print(response.text)
    response = await client.get("/api/exports/all.xlsx", headers=world.panel.jst_headers)
    assert response.status_code == 200
