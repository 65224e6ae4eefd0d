"""Arranging document tests: a JST–NAFOSTED call, a proposal with both PIs, file bodies and a
look into what the stores hold."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Call, Document, Proposal, User
from tests.factories import AgencyFactory, bearer, make_call, make_proposal, make_user, persist

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"\x90" * 1000
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 1000
MIB = 1024 * 1024


def pdf_of(size: int) -> bytes:
    """A PDF-looking body of exactly `size` bytes (header, padding comment, trailer)."""
    padding = size - len(PDF)
    assert padding >= 0
    return PDF[:9] + b"%" + b"x" * (padding - 2) + b"\n" + PDF[9:] if padding >= 2 else PDF


def kinds(max_bytes: int) -> list[dict[str, Any]]:
    """One required PDF kind `project_description` limited to `max_bytes`."""
    return [
        {
            "kind": "project_description",
            "label": "Project description",
            "required": True,
            "max_bytes": max_bytes,
            "allowed_types": ["application/pdf"],
        }
    ]


@dataclass
class Consortium:
    call: Call
    proposal: Proposal
    pi: User
    counterpart: User
    headers: dict[str, str]  # the Japanese PI's bearer token

    @property
    def documents_url(self) -> str:
        return f"/api/proposals/{self.proposal.id}/documents"


async def make_consortium(
    db: AsyncSession, *, state: str = "draft", max_bytes: int = 10 * MIB
) -> Consortium:
    """A call co-funded by JST and NAFOSTED and a proposal in `state` with a PI on each side."""
    jst = AgencyFactory(country="JP", currency="JPY")
    nafosted = AgencyFactory(
        country="VN", currency="VND", time_zone="Asia/Ho_Chi_Minh", fiscal_year_start_month=1
    )
    await persist(db, jst, nafosted)
    officer = await make_user(db, "officer", agency=jst)
    pi = await make_user(db, "researcher", country="JP")
    counterpart = await make_user(db, "researcher", country="VN")
    call = await make_call(db, officer, jst, nafosted, document_kinds=kinds(max_bytes))
    proposal = await make_proposal(db, call, {jst.id: pi, nafosted.id: counterpart}, state=state)
    return Consortium(call, proposal, pi, counterpart, await bearer(db, pi))


async def chunked(body: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """`body` as a stream (httpx sends it chunked, without a Content-Length)."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def failing_after(body: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """Sends `body`, then fails as a client that goes away would."""
    async for chunk in chunked(body, size):
        yield chunk
    raise ConnectionResetError("client went away")


async def document_rows(db: AsyncSession, proposal: Proposal) -> int:
    count = await db.scalar(
        select(func.count()).select_from(Document).where(Document.proposal_id == proposal.id)
    )
    return int(count or 0)


def stored_files(root: Path) -> list[Path]:
    """Every file a local store holds, finished or in progress."""
    return sorted(p for p in root.rglob("*") if p.is_file())


def s3_leftovers(client: Any, bucket: str) -> tuple[int, int]:
    """(objects, open multipart uploads) in `bucket`."""
    objects = client.list_objects_v2(Bucket=bucket).get("KeyCount", 0)
    uploads = len(client.list_multipart_uploads(Bucket=bucket).get("Uploads", []))
    return objects, uploads
