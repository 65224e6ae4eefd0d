"""Audit packs through the HTTP API on both backends: a job is requested (202 and its
Location), polled, downloaded; the zip verifies offline; who may ask and who may reach a job;
bad input is a 4xx problem naming the field."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import log_key
from grants.auditpack import jobs
from grants.db.models import AuditEvent, ExportJob
from grants.settings import Settings
from tests.factories import persist
from tests.factories_auditpack import DOCUMENT, ExportJobFactory, PackWorld, make_pack_world
from tests.support.problems import forbidden, problem
from transparency.pack_verify import verify_pack

Client = httpx.AsyncClient
PACK = "/api/exports/audit-pack"


@pytest.fixture
async def world(db: AsyncSession, app: Litestar) -> PackWorld:
    return await make_pack_world(db, app.state["document_store"])


def _stable(body: dict[str, Any]) -> dict[str, Any]:
    """The job body without what differs per run (ids, times, the zip's size and hash)."""
    skip = {"id", "created_at", "started_at", "finished_at", "size", "sha256", "download"}
    return {k: v for k, v in body.items() if k not in skip}


async def _download(client: Client, world: PackWorld, who: str, body: dict[str, Any]) -> bytes:
    await jobs.drain()
    polled = await client.get(f"/api/exports/jobs/{body['id']}", headers=world.headers[who])
    assert polled.status_code == 200, polled.text
    assert polled.json()["state"] == "done", polled.json()
    response = await client.get(polled.json()["download"], headers=world.headers[who])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert hashlib.sha256(response.content).hexdigest() == polled.json()["sha256"]
    assert len(response.content) == polled.json()["size"]
    return response.content


async def test_an_auditor_requests_polls_and_downloads_a_pack_that_verifies(
    client: Client, world: PackWorld, db: AsyncSession, settings: Settings, tmp_path: Path
) -> None:
    response = await client.post(
        PACK, json={"call": "JV-2026", "with_documents": True}, headers=world.headers["auditor"]
    )

    assert response.status_code == 202, response.text
    created = response.json()
    assert response.headers["location"] == f"/api/exports/jobs/{created['id']}"
    filters = {"call": "JV-2026", "with_documents": True, "since_checkpoint_size": None}
    assert _stable(created) == {
        "kind": "audit_pack",
        "state": "queued",
        "filters": {**filters, "tree_size": 6},
        "progress": {"done": 0, "total": 24},
        "error": None,
    }
    await jobs.drain()
    polled = await client.get(response.headers["location"], headers=world.headers["auditor"])
    assert _stable(polled.json()) == {
        "kind": "audit_pack",
        "state": "done",
        "filters": {**filters, "tree_size": 6},
        "progress": {"done": 24, "total": 24},
        "error": None,
    }
    assert polled.json()["download"] == f"/api/exports/jobs/{created['id']}/download"
    content = await _download(client, world, "auditor", created)
    path = tmp_path / "pack.zip"
    path.write_bytes(content)

    report = verify_pack(path, [log_key.verifier(settings)])

    assert [str(p) for p in report.problems] == []
    assert (report.events, report.documents, report.files) == (6, 1, 25)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert archive.read(f"documents/{world.document.id}") == DOCUMENT
    assert manifest["exporter"] == {
        "id": str(world.people["auditor"].id),
        "label": "auditor@example.org",
    }
    assert manifest["filters"] == {**filters, "tree_size": 6}
    assert manifest["events"] == "full"
    assert [(f["path"], f.get("rows")) for f in manifest["files"]] == [
        ("datasets/calls.csv", 1),
        ("datasets/call_agencies.csv", 2),
        ("datasets/proposals.csv", 1),
        ("datasets/parts.csv", 2),
        ("datasets/members.csv", 2),
        ("datasets/budget_lines.csv", 0),
        ("datasets/partners.csv", 0),
        ("datasets/partner_contributions.csv", 0),
        ("datasets/documents.csv", 1),
        ("datasets/conflicts.csv", 0),
        ("datasets/assignments.csv", 0),
        ("datasets/reviews.csv", 0),
        ("datasets/rankings.csv", 0),
        ("datasets/approvals.csv", 0),
        ("datasets/decisions.csv", 0),
        ("datasets/grants.csv", 0),
        ("datasets/tranches.csv", 0),
        ("datasets/progress_reports.csv", 0),
        ("datasets/amendments.csv", 0),
        ("datasets/fx_rates.csv", 0),
        ("datasets/grant_agreements.csv", 0),
        ("datasets/audit_events.csv", 6),
        ("audit/events.jsonl", 6),
        ("audit/checkpoint.txt", None),
        (f"documents/{world.document.id}", None),
    ]
    actions = list(
        await db.scalars(select(AuditEvent.action).where(AuditEvent.entity_type != "thing"))
    )
    assert actions == ["export.audit_pack.request", "export.audit_pack.download"]


async def test_an_officer_packs_a_call_of_their_agency_with_the_events_as_hashes(
    client: Client, world: PackWorld, settings: Settings, tmp_path: Path
) -> None:
    response = await client.post(PACK, json={"call": "JV-2026"}, headers=world.headers["jst"])
    assert response.status_code == 202, response.text
    content = await _download(client, world, "jst", response.json())
    path = tmp_path / "pack.zip"
    path.write_bytes(content)

    report = verify_pack(path, [log_key.verifier(settings)])

    assert [str(p) for p in report.problems] == []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        first = json.loads(archive.read("audit/events.jsonl").splitlines()[0])
        names = archive.namelist()
    assert manifest["events"] == "hashes"
    assert sorted(first) == ["hash", "leaf_hash", "redacted", "seq"]
    assert "datasets/audit_events.csv" not in names


@pytest.mark.parametrize(
    ("who", "body", "code", "detail"),
    [
        (
            "researcher",
            {"call": "JV-2026"},
            "exporters_only",
            "Only auditors, admins and officers export audit packs.",
        ),
        ("jst", {}, "call_required", "An officer's audit pack is of one call: name the call."),
        (
            "fwo",
            {"call": "JV-2026"},
            "not_cofunded",
            "Your agency does not co-fund this call; you export only your own agency's calls.",
        ),
    ],
)
async def test_who_may_not_export_gets_403(
    client: Client, world: PackWorld, who: str, body: dict[str, Any], code: str, detail: str
) -> None:
    response = await client.post(PACK, json=body, headers=world.headers[who])

    assert response.status_code == 403
    assert problem(response) == {
        **forbidden(PACK, detail),
        "code": f"policy.audit_pack.{code}",
        "params": {},
    }


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {"call": "NOPE-1"},
            {
                "field": "call",
                "reason": "There is no call with the code NOPE-1.",
                "code": "auditpack.call.unknown",
                "params": {"code": "NOPE-1"},
            },
        ),
        (
            {"since_checkpoint": "not a note"},
            {
                "field": "since_checkpoint",
                "reason": "This is not a checkpoint signed by this log's key "
                "(note.signature.missing).",
                "code": "auditpack.since.unreadable",
                "params": {"reason": "note.signature.missing"},
            },
        ),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(
    client: Client, world: PackWorld, body: dict[str, Any], error: dict[str, Any]
) -> None:
    response = await client.post(PACK, json=body, headers=world.headers["auditor"])

    assert response.status_code == 422
    assert problem(response) == {
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "The audit pack cannot be built; see the fields.",
        "instance": PACK,
        "code": "auditpack.refused",
        "params": {},
        "errors": [error],
    }


async def test_a_job_is_only_the_requesters_and_downloads_only_when_done(
    client: Client, world: PackWorld, db: AsyncSession
) -> None:
    job = ExportJobFactory(requested_by=world.people["jst"].id, runner=None)
    await persist(db, job)
    await db.commit()
    url = f"/api/exports/jobs/{job.id}"

    other = await client.get(url, headers=world.headers["fwo"])
    early = await client.get(f"{url}/download", headers=world.headers["jst"])
    auditor = await client.get(url, headers=world.headers["auditor"])

    assert other.status_code == 404
    assert problem(other)["detail"] == "No such export job."
    assert early.status_code == 409
    assert problem(early)["detail"] == "The export is queued; download it once it is done."
    assert auditor.json()["state"] == "queued"


async def test_a_job_abandoned_by_a_stopped_server_is_reported_failed(
    client: Client, world: PackWorld, db: AsyncSession
) -> None:
    long_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    job = ExportJobFactory(
        requested_by=world.people["jst"].id, state="running", created_at=long_ago
    )
    await persist(db, job)
    await db.execute(
        ExportJob.__table__.update().where(ExportJob.id == job.id).values(updated_at=long_ago)
    )
    await db.commit()

    response = await client.get(f"/api/exports/jobs/{job.id}", headers=world.headers["jst"])

    assert response.json()["state"] == "failed"
    assert response.json()["error"] == (
        "the server that was writing this export stopped; request a new one"
    )
