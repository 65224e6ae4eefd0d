"""A grant side's signed agreement: uploaded by the side's PI or recorded by its agency's
officer as a new version each time, read and downloaded by whoever sees the grant; the other
side and the other agency are refused, and a refusal stores and records nothing."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, Grant, GrantAgreement
from tests.factories import bearer, make_user
from tests.factories_awards import audit_actions, make_deciding, make_grant
from tests.factories_documents import ELF, PDF
from tests.factories_scoring import Panel
from tests.support.problems import problem

Client = httpx.AsyncClient


async def granted(db: AsyncSession) -> tuple[Panel, Grant]:
    panel = await make_deciding(db)
    return panel, await make_grant(db, panel, panel.proposals[0])


def url(grant: Grant, agency: str = "JST") -> str:
    return f"/api/grants/{grant.id}/sides/{agency}/agreement"


async def upload(
    client: Client, grant: Grant, headers: dict[str, str], body: bytes = PDF, agency: str = "JST"
) -> httpx.Response:
    return await client.post(
        url(grant, agency),
        headers={**headers, "X-Filename": "signed agreement.pdf"},
        content=body,
    )


async def agreements(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(GrantAgreement)) or 0)


def stored(response: httpx.Response, grant: Grant, version: int, by: uuid.UUID) -> dict[str, Any]:
    body = response.json()
    return {
        "id": body["id"],
        "grant_id": str(grant.id),
        "agency": "JST",
        "version": version,
        "original_name": "signed agreement.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "uploaded_by": str(by),
        "created_at": body["created_at"],
    }


async def test_the_pi_uploads_and_the_officer_records_a_new_version(
    client: Client, db: AsyncSession
) -> None:
    panel, grant = await granted(db)
    pi = await bearer(db, panel.jp_pi)

    first = await upload(client, grant, pi)
    second = await upload(client, grant, panel.jst_headers)
    listed = await client.get(url(grant), headers=await bearer(db, panel.vn_pi))
    content = await client.get(
        f"{url(grant)}/{first.json()['id']}/content", headers=panel.nafosted_headers
    )

    assert (first.status_code, first.json()) == (201, stored(first, grant, 1, panel.jp_pi.id))
    assert (second.status_code, second.json()) == (
        201,
        stored(second, grant, 2, panel.jst_officer.id),
    )
    assert listed.json() == {
        "items": [second.json(), first.json()],
        "total": 2,
        "limit": listed.json()["limit"],
        "offset": 0,
    }
    assert (content.status_code, content.content) == (200, PDF)
    assert await audit_actions(db) == ["grant_agreement.upload", "grant_agreement.upload"]
    event = await db.scalar(select(AuditEvent).where(AuditEvent.entity_id == first.json()["id"]))
    assert event is not None
    assert {k: v[1] for k, v in event.changes.items() if k != "storage_key"} == {
        "grant_id": str(grant.id),
        "side_id": str(grant.sides[0].id),
        "version": 1,
        "original_name": "signed agreement.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": first.json()["sha256"],
    }


async def test_the_other_sides_pi_cannot_upload_this_sides_agreement(
    client: Client, db: AsyncSession
) -> None:
    panel, grant = await granted(db)

    response = await upload(client, grant, await bearer(db, panel.vn_pi))

    assert problem(response) == FORBIDDEN | {"instance": url(grant)}
    assert (await agreements(db), await audit_actions(db)) == (0, [])


async def test_the_other_agencys_officer_cannot_record_this_sides_agreement(
    client: Client, db: AsyncSession
) -> None:
    panel, grant = await granted(db)

    response = await upload(client, grant, panel.nafosted_headers)

    assert problem(response) == FORBIDDEN | {"instance": url(grant)}
    assert (await agreements(db), await audit_actions(db)) == (0, [])


async def test_an_agreement_that_is_not_a_pdf_is_refused_and_not_recorded(
    client: Client, db: AsyncSession
) -> None:
    panel, grant = await granted(db)

    response = await upload(client, grant, await bearer(db, panel.jp_pi), body=ELF)

    assert (response.status_code, response.json()["code"]) == (415, "document.type_refused")
    assert response.json()["params"] == {
        "sniffed": "application/x-executable",
        "kind": "grant_agreement",
        "allowed": ["application/pdf"],
    }
    assert (await agreements(db), await audit_actions(db)) == (0, [])


async def test_a_side_the_grant_does_not_have_is_not_found(
    client: Client, db: AsyncSession
) -> None:
    panel, grant = await granted(db)

    response = await upload(client, grant, panel.jst_headers, agency="FWO")

    assert problem(response) == {
        "type": "urn:cofund:problem:not_found",
        "title": "Not found",
        "status": 404,
        "detail": "The grant has no side of FWO.",
        "instance": url(grant, "FWO"),
        "code": "grant.side.not_found",
        "params": {"agency": "FWO"},
    }
    assert (await agreements(db), await audit_actions(db)) == (0, [])


async def test_someone_who_does_not_see_the_grant_gets_404(
    client: Client, db: AsyncSession
) -> None:
    _, grant = await granted(db)
    stranger = await make_user(db, "researcher", country="JP", email="someone@else.example")

    response = await client.get(url(grant), headers=await bearer(db, stranger))

    assert (response.status_code, response.json()["code"]) == (404, "policy.grant.not_found")


FORBIDDEN = {
    "type": "urn:cofund:problem:forbidden",
    "title": "Forbidden",
    "status": 403,
    "detail": "Only the PI of JST's side or JST's officers upload its signed grant agreement.",
    "code": "policy.agreement.side_only",
    "params": {"agency": "JST"},
}
