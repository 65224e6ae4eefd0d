"""Documents on the local store, on SQLite and PostgreSQL: upload, versions, download, refusals."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from litestar import Litestar
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, Document, Proposal
from tests.conftest import QueryCounter, running
from tests.factories import DocumentFactory, bearer, make_user, persist
from tests.factories_documents import (
    ELF,
    PDF,
    PE,
    chunked,
    document_rows,
    failing_after,
    make_consortium,
    pdf_of,
    stored_files,
)
from tests.factories_proposals import problem_of
from tests.support.queries import queries_on

Client = httpx.AsyncClient
KIND = {"kind": "project_description"}


def _named(name: str, headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "X-Filename": f"UTF-8''{quote(name)}", "Content-Type": "application/pdf"}


async def test_upload_round_trip_local(client: Client, db: AsyncSession, tmp_path: Path) -> None:
    team = await make_consortium(db)
    body = pdf_of(300_000)

    response = await client.post(
        team.documents_url, params=KIND, headers=_named("plan.pdf", team.headers), content=body
    )

    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["kind"], created["version"], created["original_name"]) == (
        "project_description",
        1,
        "plan.pdf",
    )
    assert (created["size"], created["sha256"]) == (len(body), hashlib.sha256(body).hexdigest())
    assert created["content_type"] == "application/pdf"
    assert created["uploaded_by"] == str(team.pi.id)
    download = await client.get(
        f"{team.documents_url}/{created['id']}/content", headers=team.headers
    )
    assert download.status_code == 200
    assert download.content == body
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith('attachment; filename="plan.pdf"')
    row = await db.get(Document, uuid.UUID(created["id"]))
    assert row is not None
    assert stored_files(tmp_path / "documents") == [tmp_path / "documents" / row.storage_key]


async def test_upload_twice_makes_version_two_and_lists_latest(
    client: Client, db: AsyncSession
) -> None:
    team = await make_consortium(db)
    first = await client.post(
        team.documents_url, params=KIND, headers=_named("v1.pdf", team.headers), content=PDF
    )
    counterpart = await bearer(db, team.counterpart)

    second = await client.post(
        team.documents_url,
        params={**KIND, "filename": "v2.pdf"},
        headers=counterpart,
        content=chunked(pdf_of(200_000)),
    )

    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    listing = (await client.get(team.documents_url, headers=team.headers)).json()
    assert [(d["version"], d["original_name"]) for d in listing["latest"]] == [(2, "v2.pdf")]
    assert [d["version"] for d in listing["items"]] == [2, 1]
    assert listing["total"] == 2
    shown = await client.get(f"{team.documents_url}/{first.json()['id']}", headers=team.headers)
    assert shown.json() == first.json()
    events = await db.scalars(select(AuditEvent).where(AuditEvent.action == "document.upload"))
    assert sorted(e.changes["version"][1] for e in events) == [1, 2]


async def test_upload_japanese_and_vietnamese_names_round_trip(
    client: Client, db: AsyncSession
) -> None:
    team = await make_consortium(db)

    japanese = await client.post(
        team.documents_url, params=KIND, headers=_named("研究計画書.pdf", team.headers), content=PDF
    )
    vietnamese = await client.post(
        team.documents_url,
        params={**KIND, "filename": "Đề xuất dự án.pdf"},
        headers=team.headers,
        content=PDF,
    )

    assert japanese.json()["original_name"] == "研究計画書.pdf"
    assert vietnamese.json()["original_name"] == "Đề xuất dự án.pdf"
    download = await client.get(
        f"{team.documents_url}/{japanese.json()['id']}/content", headers=team.headers
    )
    assert f"filename*=UTF-8''{quote('研究計画書.pdf')}" in download.headers["content-disposition"]


async def test_upload_name_as_raw_utf8_header_and_with_directories(
    client: Client, db: AsyncSession
) -> None:
    team = await make_consortium(db)

    raw = await client.post(
        team.documents_url,
        params=KIND,
        headers={**team.headers, "X-Filename": "Kế hoạch.pdf".encode()},  # type: ignore[dict-item]
        content=PDF,
    )
    pathy = await client.post(
        team.documents_url,
        params={**KIND, "filename": "../../etc/C:\\temp\\budget.pdf"},
        headers=team.headers,
        content=PDF,
    )

    assert raw.json()["original_name"] == "Kế hoạch.pdf"
    assert pathy.json()["original_name"] == "budget.pdf"


async def test_oversight_reads_submitted_documents_but_cannot_upload(
    client: Client, db: AsyncSession
) -> None:
    team = await make_consortium(db, state="submitted")
    document = DocumentFactory(proposal_id=team.proposal.id, uploaded_by=team.pi.id)
    await persist(db, document)
    auditor = await bearer(db, await make_user(db, "auditor"))

    listing = await client.get(team.documents_url, headers=auditor)
    upload = await client.post(
        team.documents_url, params=KIND, headers=_named("x.pdf", auditor), content=PDF
    )

    assert [d["id"] for d in listing.json()["latest"]] == [str(document.id)]
    assert upload.status_code == 403
    assert await document_rows(db, team.proposal) == 1


async def test_upload_over_limit_streamed_is_413_and_stores_nothing(
    client: Client, db: AsyncSession, tmp_path: Path
) -> None:
    team = await make_consortium(db, max_bytes=100_000)

    response = await client.post(
        team.documents_url,
        params=KIND,
        headers=_named("big.pdf", team.headers),
        content=chunked(pdf_of(300_000)),
    )

    assert (response.status_code, problem_of(response)) == (413, _too_large(team.documents_url))
    assert await document_rows(db, team.proposal) == 0
    assert stored_files(tmp_path / "documents") == []


def _too_large(url: str) -> dict[str, Any]:
    return {
        "type": "urn:cofund:problem:too_large",
        "title": "Document too large",
        "status": 413,
        "detail": "A project_description document may have at most 100,000 bytes; "
        "nothing was stored.",
        "instance": url,
        "code": "document.too_large",
        "params": {"kind": "project_description", "limit": 100_000},
        "errors": [
            {
                "field": "body",
                "reason": "larger than 100,000 bytes",
                "code": "storage.upload.too_large",
                "params": {"limit": 100_000},
            }
        ],
    }


async def test_upload_refusals_read_in_japanese_and_vietnamese(
    client: Client, db: AsyncSession
) -> None:
    team = await make_consortium(db, max_bytes=100_000)
    team.pi.locale, team.counterpart.locale = "ja", "vi"
    await db.flush()
    japanese = {**_named("big.pdf", team.headers), "Accept-Language": "ja"}
    vietnamese = {**_named("x.pdf", await bearer(db, team.counterpart)), "Accept-Language": "vi"}

    too_large = await client.post(
        team.documents_url, params=KIND, headers=japanese, content=chunked(pdf_of(300_000))
    )
    executable = await client.post(team.documents_url, params=KIND, headers=vietnamese, content=ELF)

    assert (too_large.status_code, too_large.headers["content-language"]) == (413, "ja")
    assert problem_of(too_large) == _too_large(team.documents_url) | {
        "title": "書類が大きすぎます",
        "detail": "project_description の書類は 100,000 バイトまでです。何も保存されていません。",
        "errors": [
            {
                "field": "body",
                "reason": "100,000 バイトを超えています",
                "code": "storage.upload.too_large",
                "params": {"limit": 100_000},
            }
        ],
    }
    executable_body = _unsupported(team.documents_url, "application/x-executable")
    assert (executable.status_code, problem_of(executable)) == (
        415,
        executable_body
        | {
            "title": "Loại tài liệu không được chấp nhận",
            "detail": "Nội dung tệp là application/x-executable, không được chấp nhận cho tài "
            "liệu loại project_description; các loại được chấp nhận là application/pdf. "
            "Không có gì được lưu.",
            "errors": [
                executable_body["errors"][0]
                | {"reason": "loại nội dung application/x-executable không được chấp nhận"}
            ],
        },
    )


async def test_upload_content_length_over_limit_is_refused_before_reading(
    client: Client, db: AsyncSession, tmp_path: Path
) -> None:
    team = await make_consortium(db, max_bytes=100_000)
    sent: list[int] = []

    async def body() -> AsyncIterator[bytes]:
        for chunk in (pdf_of(200_000), b"x" * 100):
            sent.append(len(chunk))
            yield chunk

    response = await client.post(
        team.documents_url,
        params=KIND,
        headers={**_named("big.pdf", team.headers), "Content-Length": "200100"},
        content=body(),
    )

    assert (response.status_code, problem_of(response)) == (413, _too_large(team.documents_url))
    assert sent == []
    assert await document_rows(db, team.proposal) == 0


async def test_upload_renamed_executables_are_415_and_store_nothing(
    client: Client, db: AsyncSession, tmp_path: Path
) -> None:
    team = await make_consortium(db)

    elf = await client.post(
        team.documents_url, params=KIND, headers=_named("paper.pdf", team.headers), content=ELF
    )
    pe = await client.post(
        team.documents_url, params=KIND, headers=_named("paper.pdf", team.headers), content=PE
    )

    assert (elf.status_code, pe.status_code) == (415, 415)
    assert problem_of(elf) == _unsupported(team.documents_url, "application/x-executable")
    assert problem_of(pe) == _unsupported(
        team.documents_url, "application/vnd.microsoft.portable-executable"
    )
    assert await document_rows(db, team.proposal) == 0
    assert stored_files(tmp_path / "documents") == []


def _unsupported(url: str, sniffed: str) -> dict[str, Any]:
    return {
        "type": "urn:cofund:problem:unsupported_type",
        "title": "Unsupported document type",
        "status": 415,
        "detail": f"The file's content is {sniffed}, which a project_description document may "
        "not be; the accepted types are application/pdf. Nothing was stored.",
        "instance": url,
        "code": "document.type_refused",
        "params": {
            "sniffed": sniffed,
            "kind": "project_description",
            "allowed": ["application/pdf"],
        },
        "errors": [
            {
                "field": "body",
                "reason": f"content type {sniffed} is not allowed",
                "code": "storage.upload.unsupported_type",
                "params": {"sniffed": sniffed},
            }
        ],
    }


async def test_upload_unknown_kind_or_no_name_is_422(client: Client, db: AsyncSession) -> None:
    team = await make_consortium(db)

    unknown = await client.post(
        team.documents_url,
        params={"kind": "budget_sheet"},
        headers=_named("x.pdf", team.headers),
        content=PDF,
    )
    unnamed = await client.post(team.documents_url, params=KIND, headers=team.headers, content=PDF)

    assert (unknown.status_code, problem_of(unknown)) == (
        422,
        {
            "type": "urn:cofund:problem:invalid",
            "title": "Invalid input",
            "status": 422,
            "detail": "The call has no document kind 'budget_sheet'; it has: project_description.",
            "instance": team.documents_url,
            "code": "document.unknown_kind",
            "params": {"kind": "budget_sheet", "kinds": ["project_description"]},
            "errors": [
                {
                    "field": "kind",
                    "reason": "unknown document kind 'budget_sheet'",
                    "code": "document.unknown_kind_field",
                    "params": {"kind": "budget_sheet"},
                }
            ],
        },
    )
    assert (unnamed.status_code, problem_of(unnamed)) == (
        422,
        {
            "type": "urn:cofund:problem:invalid",
            "title": "Invalid input",
            "status": 422,
            "detail": "Name the file in the X-Filename header or the filename query parameter.",
            "instance": team.documents_url,
            "code": "document.name_missing",
            "params": {},
            "errors": [
                {
                    "field": "filename",
                    "reason": "missing, empty or not valid UTF-8",
                    "code": "document.name_missing_field",
                    "params": {},
                }
            ],
        },
    )
    assert await document_rows(db, team.proposal) == 0


async def test_upload_stream_failing_midway_leaves_nothing(
    client: Client, db: AsyncSession, tmp_path: Path
) -> None:
    team = await make_consortium(db)

    response = await client.post(
        team.documents_url,
        params=KIND,
        headers=_named("cut.pdf", team.headers),
        content=failing_after(pdf_of(2_000_000)),
    )

    assert response.status_code == 500
    assert await document_rows(db, team.proposal) == 0
    assert stored_files(tmp_path / "documents") == []


async def test_upload_to_submitted_proposal_is_409(client: Client, db: AsyncSession) -> None:
    team = await make_consortium(db, state="submitted")

    response = await client.post(
        team.documents_url, params=KIND, headers=_named("late.pdf", team.headers), content=PDF
    )

    assert response.status_code == 409
    assert response.json()["detail"].startswith("The proposal is submitted")
    assert await document_rows(db, team.proposal) == 0


async def test_outsiders_get_404_on_list_content_and_upload(
    client: Client, db: AsyncSession
) -> None:
    team = await make_consortium(db)
    document = DocumentFactory(proposal_id=team.proposal.id, uploaded_by=team.pi.id)
    await persist(db, document)
    outsider = await bearer(db, await make_user(db, "researcher", country="JP"))
    base = team.documents_url

    answers = [
        await client.get(base, headers=outsider),
        await client.get(f"{base}/{document.id}", headers=outsider),
        await client.get(f"{base}/{document.id}/content", headers=outsider),
        await client.post(base, params=KIND, headers=_named("x.pdf", outsider), content=PDF),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    # The policy's refusal (grants.security), not one of the documents' own.
    assert {a.json()["detail"] for a in answers} == {"No such proposal."}


async def test_document_of_another_proposal_is_404(client: Client, db: AsyncSession) -> None:
    team = await make_consortium(db)
    other = await make_consortium(db)
    foreign = DocumentFactory(proposal_id=other.proposal.id, uploaded_by=other.pi.id)
    await persist(db, foreign)

    response = await client.get(f"{team.documents_url}/{foreign.id}", headers=team.headers)

    assert (response.status_code, problem_of(response)) == (
        404,
        {
            "type": "urn:cofund:problem:not_found",
            "title": "Not found",
            "status": 404,
            "detail": "No such document.",
            "instance": f"{team.documents_url}/{foreign.id}",
            "code": "document.not_found",
            "params": {},
        },
    )


async def test_list_documents_constant_queries(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    team = await make_consortium(db)
    counts = []
    for total in (1, 20):
        await db.execute(Document.__table__.delete())
        await persist(
            db,
            *(
                DocumentFactory(proposal_id=team.proposal.id, uploaded_by=team.pi.id, version=v)
                for v in range(1, total + 1)
            ),
        )
        queries.count, queries.active = 0, True
        response = await client.get(team.documents_url, headers=team.headers)
        queries.active = False
        assert response.json()["total"] == total
        counts.append(queries.count)

    n = queries_on(backend, 15)
    assert counts == [n, n]


async def test_client_disconnecting_midway_leaves_nothing(
    app: Litestar, db: AsyncSession, tmp_path: Path
) -> None:
    team = await make_consortium(db)
    body = pdf_of(3_000_000)
    events: list[dict[str, Any]] = [
        {"type": "http.request", "body": body[i : i + 500_000], "more_body": True}
        for i in range(0, 2_000_000, 500_000)
    ]
    events.append({"type": "http.disconnect"})
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return events.pop(0) if events else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async with running(app):
        await app(_upload_scope(team.documents_url, team.headers), receive, send)  # type: ignore[arg-type]

    assert events == []
    body = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
    assert (sent[0]["status"], {k: v for k, v in body.items() if k != "request_id"}) == (
        400,
        {
            "type": "urn:cofund:problem:client_disconnected",
            "title": "Client disconnected",
            "status": 400,
            "detail": "The client closed the connection before the request was read; "
            "nothing was changed.",
            "instance": team.documents_url,
            "code": "problem.client_disconnected",
            "params": {},
        },
    )
    assert await document_rows(db, team.proposal) == 0
    assert stored_files(tmp_path / "documents") == []


def _upload_scope(path: str, headers: dict[str, str]) -> dict[str, Any]:
    raw = {**headers, "x-filename": "gone.pdf", "transfer-encoding": "chunked"}
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"kind=project_description",
        "headers": [(k.lower().encode(), v.encode()) for k, v in raw.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }


async def test_proposal_submitted_during_upload_is_409_and_no_row(
    client: Client, db: AsyncSession, tmp_path: Path
) -> None:
    team = await make_consortium(db)

    async def body_while_submitting() -> AsyncIterator[bytes]:
        yield pdf_of(200_000)
        await db.execute(
            update(Proposal).where(Proposal.id == team.proposal.id).values(state="submitted")
        )
        yield b"%more\n"

    response = await client.post(
        team.documents_url,
        params=KIND,
        headers=_named("racing.pdf", team.headers),
        content=body_while_submitting(),
    )

    assert response.status_code == 409
    assert await document_rows(db, team.proposal) == 0
    # The stored bytes stay, unreferenced: the application never deletes (see services).
    assert len(stored_files(tmp_path / "documents")) == 1
