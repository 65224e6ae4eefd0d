"""The authorization matrix, generated from the application's route table.

Every route × every persona of `grants.security.matrix` is requested against one world
(`tests.factories_matrix`); the status (and, for lists, the number of items) must be the one
declared next to the policy. A route without a declaration, or a declaration naming no route,
fails `test_matrix_declares_every_route`.

Each cell runs inside a savepoint rolled back after the request, so a write one persona makes
never changes what the next request sees.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from grants.auditpack import jobs as export_jobs
from grants.security.matrix import KNOWN_GAPS, MATRIX, PERSONAS, Expected, app_routes
from tests.factories_matrix import MatrixWorld, make_matrix_world
from tests.integration.matrix_requests import REQUESTS, url_of

Client = httpx.AsyncClient
Route = tuple[str, str]


@pytest.fixture
async def world(db: AsyncSession, app: Litestar) -> MatrixWorld:
    return await make_matrix_world(db, app.state["document_store"])


async def answer(client: Client, route: Route, world: MatrixWorld, persona: str) -> Expected:
    """The status, and for a list the number of items, the persona gets on `route`."""
    method, path = route
    req = REQUESTS[route]
    response = await client.request(
        method,
        url_of(path, req, world),
        headers={**world.headers[persona], **req.headers},
        params=req.query,
        json=req.json(world) if req.json else None,
        content=req.content,
        data=req.form,
    )
    body = _json(response)
    if response.status_code == 200 and isinstance(body, dict) and "items" in body:
        return (200, len(body["items"]))
    if response.status_code == 200 and isinstance(body, list) and method == "GET":
        return (200, len(body))
    return response.status_code


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def test_matrix_declares_every_route(app: Litestar) -> None:
    routes = set(app_routes(app.routes))

    assert sorted(routes - MATRIX.keys()) == []
    assert sorted(MATRIX.keys() - routes) == []
    assert sorted(routes - REQUESTS.keys()) == []
    assert all(set(row) == set(PERSONAS) for row in MATRIX.values())


@pytest.mark.parametrize("persona", PERSONAS)
async def test_matrix_answers_as_declared_for(
    client: Client, connection: AsyncConnection, world: MatrixWorld, persona: str
) -> None:
    got: dict[Route, Expected] = {}
    for route in sorted(MATRIX):
        savepoint = await connection.begin_nested()
        try:
            got[route] = await answer(client, route, world, persona)
            await export_jobs.drain()  # a requested audit pack is built after the answer
        finally:
            await savepoint.rollback()
    declared = {route: row[persona] for route, row in MATRIX.items()}
    wrong = {
        route: (got[route], declared[route])
        for route in MATRIX
        if got[route] != declared[route] and (route, persona) not in KNOWN_GAPS
    }
    healed = [
        route
        for route in MATRIX
        if (route, persona) in KNOWN_GAPS and got[route] == declared[route]
    ]

    assert wrong == {}, "route: (got, declared)"
    assert healed == [], "known gaps that now answer as declared: remove them from KNOWN_GAPS"
