"""Security headers on every kind of response, on SQLite and PostgreSQL: a page, an API answer,
a static file, a problem, a 404 and the API reference; no-store when signed in; HSTS on https."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from grants.app import create_app
from grants.security.headers import POLICY, SCHEMA_POLICY
from grants.settings import Settings
from storage.local import LocalDocumentStore
from tests.conftest import running
from tests.factories import PASSWORD, bearer, make_user

Client = httpx.AsyncClient
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
FIXED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def _security(response: httpx.Response) -> dict[str, str | None]:
    names = [*FIXED, "content-security-policy", "strict-transport-security", "cache-control"]
    return {name: response.headers.get(name) for name in names}


@pytest.mark.parametrize(
    ("path", "status", "cache_control"),
    [
        ("/login", 200, "no-store"),  # the sign-in page (it sets its form cookie): never framed
        ("/health", 200, None),  # an API answer
        ("/static/cofund.css", 200, None),
        ("/api/me", 401, None),  # a problem
        ("/no/such/page", 404, None),  # not routed at all
    ],
)
async def test_every_response_carries_the_headers(
    client: Client, path: str, status: int, cache_control: str | None
) -> None:
    response = await client.get(path)

    assert response.status_code == status
    assert _security(response) == {
        **FIXED,
        "content-security-policy": CSP,
        "strict-transport-security": None,
        "cache-control": cache_control,
    }


async def test_signed_in_answers_are_never_stored(client: Client, db: AsyncSession) -> None:
    await make_user(db, email="reader@example.org")
    headers = await bearer(db, await make_user(db))

    me = await client.get("/api/me", headers=headers)
    await client.post("/api/auth/login", json={"email": "reader@example.org", "password": PASSWORD})
    page = await client.get("/")
    static = await client.get("/static/cofund.css")  # public: no credentials looked at

    assert [(r.status_code, r.headers.get("cache-control")) for r in (me, page, static)] == [
        (200, "no-store"),
        (200, "no-store"),
        (200, None),
    ]


async def test_the_api_reference_has_its_own_policy_and_no_inline_script(client: Client) -> None:
    page = await client.get("/schema")

    assert page.headers["content-security-policy"] == SCHEMA_POLICY != POLICY
    assert "style-src 'self' 'unsafe-inline'" in SCHEMA_POLICY
    scripts = page.text.count("<script")
    assert (scripts, page.text.count("<script src="), "data-configuration=" in page.text) == (
        2,
        1,
        True,
    )


@pytest.fixture
async def https_client(
    tmp_path: Path, engine: AsyncEngine, session_maker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Client]:
    settings = Settings(
        environment="test",
        var_dir=tmp_path,
        secret_key="test-secret-key-not-for-production",
        base_url="https://cofund.example",
    )
    app = create_app(
        settings,
        engine=engine,
        session_maker=session_maker,
        document_store=LocalDocumentStore(tmp_path / "documents"),
    )
    transport = httpx.ASGITransport(app=app)
    async with running(app), Client(transport=transport, base_url="https://t") as http:
        yield http


async def test_hsts_when_the_base_url_is_https(https_client: Client) -> None:
    response = await https_client.get("/health")

    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
