"""Health, OpenAPI, request ids and problem+json for every kind of bad request."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.migrate import head_revision
from storage.errors import StorageUnavailable
from tests.factories import bearer, make_user

Client = httpx.AsyncClient


async def test_health_reports_database_and_storage(client: Client) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True, "revision": head_revision()}
    assert body["checks"]["storage"] == {"ok": True}


async def test_health_storage_down_is_503_naming_it(
    client: Client, app: Litestar, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Down:
        async def check(self) -> None:
            raise StorageUnavailable("bucket cofund-documents unreachable")

    app.state["document_store"] = Down()

    response = await client.get("/health")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {
        "ok": False,
        "error": "bucket cofund-documents unreachable",
    }


async def test_openapi_lists_the_foundation_endpoints(client: Client) -> None:
    response = await client.get("/schema/openapi.json")

    paths = set(response.json()["paths"])
    assert {
        "/api/auth/login",
        "/api/auth/logout",
        "/api/me",
        "/api/me/tokens",
        "/api/users",
        "/api/users/{user_id}/transitions",
        "/api/users/{user_id}/events/suspend",
        "/api/users/{user_id}/events/reactivate",
        "/api/users/{user_id}/events/deactivate",
        "/api/agencies",
        "/api/agencies/{agency_id}",
        "/api/audit/events",
        "/api/audit/verify",
        "/health",
    } <= paths


async def test_request_id_echoed_and_generated(client: Client) -> None:
    given = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    generated = await client.get("/health")

    assert given.headers["x-request-id"] == "abc-123"
    assert len(generated.headers["x-request-id"]) == 32


async def _admin(db: AsyncSession) -> dict[str, str]:
    return await bearer(db, await make_user(db, "admin"))


async def test_malformed_json_is_400_problem(client: Client, db: AsyncSession) -> None:
    headers = {**await _admin(db), "content-type": "application/json"}

    response = await client.post("/api/agencies", headers=headers, content=b'{"code": "X",')

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 400


async def test_wrong_types_are_422_naming_fields(client: Client, db: AsyncSession) -> None:
    response = await client.post(
        "/api/agencies",
        headers=await _admin(db),
        json={
            "code": 5,
            "name": ["x"],
            "country": "JP",
            "currency": "JPY",
            "fiscal_year_start_month": "April",
            "time_zone": "Asia/Tokyo",
        },
    )

    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == [
        "code",
        "fiscal_year_start_month",
        "name",
    ]


async def test_body_that_is_not_an_object_is_4xx(client: Client, db: AsyncSession) -> None:
    response = await client.post("/api/agencies", headers=await _admin(db), json=[1, 2, 3])

    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == "application/problem+json"


async def test_oversized_body_is_413_problem(client: Client, db: AsyncSession) -> None:
    response = await client.post(
        "/api/agencies", headers=await _admin(db), json={"name": "x" * (2 * 1024 * 1024)}
    )

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", ["/api/agencies/not-a-uuid", "/api/nothing-here"])
async def test_unknown_paths_and_bad_ids_are_4xx_problem(
    client: Client, db: AsyncSession, path: str
) -> None:
    response = await client.get(path, headers=await _admin(db))

    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == "application/problem+json"


async def test_wrong_method_is_405_problem(client: Client, db: AsyncSession) -> None:
    response = await client.put("/api/agencies", headers=await _admin(db), json={})

    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"


async def test_bad_query_parameter_is_4xx_naming_it(client: Client, db: AsyncSession) -> None:
    response = await client.get("/api/agencies?limit=100000", headers=await _admin(db))

    body: dict[str, Any] = response.json()
    assert response.status_code in (400, 422)
    assert [e["field"] for e in body["errors"]] == ["limit"]
