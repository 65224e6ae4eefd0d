"""Hostile uploads, on SQLite and PostgreSQL: bidi file names, PDFs with active content (refused,
or flagged for a kind set so), and an XLSX unpacking to 200 MiB — refused while streaming, with
no row and no object left in the store."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from grants.db.models import AuditEvent
from grants.settings import Settings
from tests.factories_documents import (
    PDF,
    Consortium,
    chunked,
    document_rows,
    make_consortium,
    s3_leftovers,
    stored_files,
)
from tests.factories_proposals import problem_of
from tests.integration.test_documents_s3 import _http_on
from tests.support.s3_fixtures import S3Endpoint

Client = httpx.AsyncClient
MiB = 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOSTILE_PDF = PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction 3 0 R /Names 4 0 R") + (
    b"4 0 obj\n<< /J#61vaScript 5 0 R >>\nendobj\n"
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The suite's settings, with the `annex` kind's active content flagged, not refused."""
    return Settings(
        environment="test",
        var_dir=tmp_path,
        secret_key="test-secret-key-not-for-production",
        login_free_failures=3,
        login_max_failures_per_address=6,
        upload_active_content={"annex": "flag"},
    )


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """An XLSX-like ZIP of about 200 KiB whose one sheet unpacks to 200 MiB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = bytes(MiB)
            for _ in range(200):
                sheet.write(block)
    return buffer.getvalue()


async def _team(db: AsyncSession) -> Consortium:
    team = await make_consortium(db)
    team.call.document_kinds = [
        *team.call.document_kinds,
        {"kind": "annex", "label": "Annex", "required": False, "max_bytes": 10 * MiB,
         "allowed_types": ["application/pdf"]},
        {"kind": "budget_sheet", "label": "Budget sheet", "required": False,
         "max_bytes": 10 * MiB, "allowed_types": [XLSX]},
    ]  # fmt: skip
    await db.flush()
    return team


def _upload_headers(team: Consortium, name: str) -> dict[str, str]:
    return {**team.headers, "X-Filename": f"UTF-8''{quote(name)}"}


async def test_bidi_override_is_dropped_from_the_stored_name(
    client: Client, db: AsyncSession
) -> None:
    team = await _team(db)

    response = await client.post(
        team.documents_url,
        params={"kind": "project_description"},
        headers=_upload_headers(team, "invoice\u202efdp.exe"),
        content=PDF,
    )

    assert (response.status_code, response.json()["original_name"]) == (201, "invoicefdp.exe")


async def test_pdf_with_active_content_is_refused_streamed_and_nothing_stored(
    client: Client, db: AsyncSession, tmp_path: Path
) -> None:
    team = await _team(db)

    # Cut into 7-byte chunks: names fall across chunk boundaries.
    response = await client.post(
        team.documents_url,
        params={"kind": "project_description"},
        headers=_upload_headers(team, "plan.pdf"),
        content=chunked(HOSTILE_PDF, 7),
    )

    reason = {
        "field": "body",
        "reason": "the PDF has active content or an embedded file: /JavaScript and /OpenAction",
        "code": "storage.upload.active_content",
        "params": {"names": ["/JavaScript", "/OpenAction"]},
    }
    assert (response.status_code, problem_of(response)) == (
        422,
        {
            "type": "urn:cofund:problem:invalid",
            "title": "Invalid input",
            "status": 422,
            "detail": "The project_description document was refused: the PDF has active content "
            "or an embedded file: /JavaScript and /OpenAction. Nothing was stored.",
            "instance": team.documents_url,
            "code": "document.content_refused",
            "params": {
                "kind": "project_description",
                "reason": {
                    "code": "storage.upload.active_content",
                    "params": {"names": ["/JavaScript", "/OpenAction"]},
                },
            },
            "errors": [reason],
        },
    )
    assert await document_rows(db, team.proposal) == 0
    assert stored_files(tmp_path / "documents") == []


async def test_pdf_with_active_content_is_flagged_where_the_kind_says_so(
    client: Client, db: AsyncSession, tmp_path: Path
) -> None:
    team = await _team(db)

    response = await client.post(
        team.documents_url,
        params={"kind": "annex"},
        headers=_upload_headers(team, "annex.pdf"),
        content=chunked(HOSTILE_PDF, 5),
    )

    assert response.status_code == 201, response.text
    event = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "document.upload",
            AuditEvent.entity_id == response.json()["id"],
        )
    )
    assert event is not None
    assert event.changes["active_content"] == [None, ["/JavaScript", "/OpenAction"]]
    assert len(stored_files(tmp_path / "documents")) == 1


async def test_xlsx_unpacking_to_200_mib_is_refused_and_nothing_stored(
    client: Client, db: AsyncSession, tmp_path: Path, zip_bomb: bytes
) -> None:
    team = await _team(db)
    assert len(zip_bomb) < 300 * 1024

    response = await client.post(
        team.documents_url,
        params={"kind": "budget_sheet"},
        headers=_upload_headers(team, "budget.xlsx"),
        content=chunked(zip_bomb),
    )

    limit = 100 * MiB
    assert (response.status_code, problem_of(response)) == (
        422,
        {
            "type": "urn:cofund:problem:invalid",
            "title": "Invalid input",
            "status": 422,
            "detail": "The budget_sheet document was refused: the archive unpacks to more than "
            "104,857,600 bytes. Nothing was stored.",
            "instance": team.documents_url,
            "code": "document.content_refused",
            "params": {
                "kind": "budget_sheet",
                "reason": {"code": "storage.upload.archive_too_large", "params": {"limit": limit}},
            },
            "errors": [
                {
                    "field": "body",
                    "reason": "the archive unpacks to more than 104,857,600 bytes",
                    "code": "storage.upload.archive_too_large",
                    "params": {"limit": limit},
                }
            ],
        },
    )
    assert await document_rows(db, team.proposal) == 0
    assert stored_files(tmp_path / "documents") == []


async def test_an_ordinary_xlsx_is_stored(client: Client, db: AsyncSession) -> None:
    team = await _team(db)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook>" + "<row/>" * 1000 + "</workbook>")

    response = await client.post(
        team.documents_url,
        params={"kind": "budget_sheet"},
        headers=_upload_headers(team, "budget.xlsx"),
        content=buffer.getvalue(),
    )

    assert (response.status_code, response.json()["content_type"]) == (201, XLSX)


@pytest.fixture
async def s3_http(
    tmp_path: Path,
    s3_server: S3Endpoint,
    s3_bucket: str,
    engine: AsyncEngine,
    session_maker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[Client]:
    async with _http_on(s3_bucket, tmp_path, s3_server, engine, session_maker) as http:
        yield http


async def test_s3_refusals_leave_no_object_nor_open_upload(
    s3_http: Client, db: AsyncSession, s3_client: Any, s3_bucket: str, zip_bomb: bytes
) -> None:
    team = await _team(db)
    # The active name comes after the first 5 MiB part went to the store.
    late = PDF[:9] + b"%" + b"x" * (7 * MiB) + b"\n" + PDF[9:] + b"<< /AA 3 0 R >>\n"

    pdf = await s3_http.post(
        team.documents_url,
        params={"kind": "project_description"},
        headers=_upload_headers(team, "late.pdf"),
        content=chunked(late, MiB),
    )
    bomb = await s3_http.post(
        team.documents_url,
        params={"kind": "budget_sheet"},
        headers=_upload_headers(team, "budget.xlsx"),
        content=chunked(zip_bomb),
    )

    assert [(r.status_code, r.json()["errors"][0]["code"]) for r in (pdf, bomb)] == [
        (422, "storage.upload.active_content"),
        (422, "storage.upload.archive_too_large"),
    ]
    assert await document_rows(db, team.proposal) == 0
    assert s3_leftovers(s3_client, s3_bucket) == (0, 0)
