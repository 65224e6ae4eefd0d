"""A progress report's narrative through the HTTP API alone: after the award a PI uploads the
PDF as a `progress_report` document of the grant's proposal, submits the report naming it, both
agencies accept, the side's PI submits the year's financial statement, and the next tranche may
be requested. Who may upload it, and when."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, Document, Grant
from tests.factories import bearer
from tests.factories_awards import make_deciding
from tests.factories_documents import ELF, PDF
from tests.factories_reports import FIGURES
from tests.factories_scoring import Panel
from tests.integration.test_tranches import awarded, fire, schedule
from tests.support.problems import problem

Client = httpx.AsyncClient
NARRATIVE = {"kind": "progress_report", "filename": "report-2027.pdf"}


async def upload(
    client: Client, panel: Panel, headers: dict[str, str], body: bytes = PDF
) -> httpx.Response:
    return await client.post(
        f"/api/proposals/{panel.proposals[0].id}/documents",
        params=NARRATIVE,
        headers=headers,
        content=body,
    )


async def written(db: AsyncSession) -> tuple[int, list[str]]:
    """Documents stored and audit actions after the award's own."""
    documents = await db.scalar(select(func.count()).select_from(Document))
    actions = await db.scalars(
        select(AuditEvent.action)
        .where(
            AuditEvent.entity_type.in_(
                ("document", "progress_report", "financial_statement", "tranche")
            )
        )
        .order_by(AuditEvent.seq)
    )
    return int(documents or 0), list(actions)


def yen(budget: int, spent: int) -> dict[str, Any]:
    """A statement's figures in yen."""
    return {
        "budget": {"amount": budget, "currency": "JPY"},
        "spent": {"amount": spent, "currency": "JPY"},
        "variance": {"amount": spent - budget, "currency": "JPY"},
    }


def refused(panel: Panel, status: int, code: str, detail: str) -> dict[str, Any]:
    kind = {403: "forbidden", 409: "conflict"}[status]
    return {
        "type": f"urn:cofund:problem:{kind}",
        "title": kind.capitalize(),
        "status": status,
        "detail": detail,
        "instance": f"/api/proposals/{panel.proposals[0].id}/documents",
        "code": code,
        "params": {},
    }


async def test_a_pi_uploads_the_narrative_submits_and_both_agencies_accept(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    vn_pi = await bearer(db, panel.vn_pi)

    uploaded = await upload(client, panel, vn_pi)
    document = uploaded.json()
    first = (await client.get(f"/api/grants/{grant_id}/reports", headers=vn_pi)).json()["items"][0]
    submitted = await client.post(
        f"/api/reports/{first['id']}/events/submit",
        headers=vn_pi,
        json={"version": 1, "data": {"document_id": document["id"], "figures": FIGURES}},
    )
    for headers, agency in ((panel.jst_headers, "JST"), (panel.nafosted_headers, "NAFOSTED")):
        answered = await client.post(
            f"/api/reports/{first['id']}/decisions",
            headers=headers,
            json={"version": 2, "agency": agency, "decision": "accept"},
        )
    jp_pi = await bearer(db, panel.jp_pi)
    # Year 1's statement of JST's side, which JST's second tranche needs beside the report.
    statement = await client.put(
        f"/api/grants/{grant_id}/sides/JST/statements/1",
        headers=jp_pi,
        json={"lines": [{"category": "personnel", "spent": 4_800_000}]},
    )
    second = (await schedule(client, grant_id, panel.jst_headers))[1]
    requested = await fire(client, second, "request", jp_pi, 1)

    assert (uploaded.status_code, document) == (
        201,
        {
            "id": document["id"],
            "proposal_id": str(panel.proposals[0].id),
            "kind": "progress_report",
            "version": 1,
            "original_name": "report-2027.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest(),
            "uploaded_by": str(panel.vn_pi.id),
            "created_at": document["created_at"],
        },
    )
    assert (submitted.status_code, submitted.json()["document_id"]) == (200, document["id"])
    assert (answered.status_code, answered.json()["state"]) == (201, "accepted")
    shown = statement.json()
    assert (statement.status_code, shown) == (
        200,
        {
            "id": shown["id"],
            "grant_id": grant_id,
            "agency": "JST",
            "year": 1,
            "version": 1,
            "submitted_by": str(panel.jp_pi.id),
            "submitted_at": shown["submitted_at"],
            "fixed": False,
            "lines": [
                {"category": "personnel", **yen(5_000_000, 4_800_000)},
                {"category": "indirect", **yen(1_500_000, 0)},
            ],
            "total": yen(6_500_000, 4_800_000),
            "contributions": [],
        },
    )
    assert (requested.status_code, requested.json()["state"]) == (200, "requested")
    assert await written(db) == (
        1,
        [
            "document.upload",
            "progress_report.submit",
            "progress_report.decide",
            "progress_report.decide",
            "progress_report.accept",
            "financial_statement.submit",
            "tranche.request",
        ],
    )


async def test_an_officer_cannot_upload_a_narrative(client: Client, db: AsyncSession) -> None:
    panel, _ = await awarded(client, db)

    response = await upload(client, panel, panel.jst_headers)

    assert problem(response) == refused(
        panel,
        403,
        "policy.report.narrative_pi_only",
        "Only a PI of the grant uploads the narrative of its progress reports.",
    )
    assert await written(db) == (0, [])


async def test_a_narrative_before_the_award_is_a_conflict(client: Client, db: AsyncSession) -> None:
    panel = await make_deciding(db)

    response = await upload(client, panel, await bearer(db, panel.jp_pi))

    assert problem(response) == refused(
        panel,
        409,
        "policy.report.narrative_no_grant",
        "The proposal has no grant: a progress report narrative is uploaded after the award.",
    )
    assert await written(db) == (0, [])


async def test_a_narrative_to_a_suspended_grant_is_a_conflict(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    await db.execute(update(Grant).where(Grant.id == uuid.UUID(grant_id)).values(state="suspended"))
    await db.commit()

    response = await upload(client, panel, await bearer(db, panel.jp_pi))

    body = refused(
        panel,
        409,
        "policy.report.narrative_grant_inactive",
        "The grant is suspended: a progress report narrative is uploaded while it is active.",
    )
    assert problem(response) == {**body, "params": {"state": "suspended"}}
    assert await written(db) == (0, [])


async def test_a_narrative_that_is_no_pdf_is_refused_and_nothing_is_stored(
    client: Client, db: AsyncSession
) -> None:
    panel, _ = await awarded(client, db)

    response = await upload(client, panel, await bearer(db, panel.jp_pi), ELF)

    body = problem(response)
    assert (body["status"], body["code"], body["params"]) == (
        415,
        "document.type_refused",
        {
            "sniffed": "application/x-executable",
            "kind": "progress_report",
            "allowed": ["application/pdf"],
        },
    )
    assert await written(db) == (0, [])
