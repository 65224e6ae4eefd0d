"""The sign-in form over HTTP: signed double-submit CSRF cookie, redirects, HTML errors."""

from __future__ import annotations

import re

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from grants.web.views import LOGIN_CSRF_COOKIE
from tests.factories import PASSWORD, make_user

Client = httpx.AsyncClient


async def _form_token(client: Client) -> str:
    page = await client.get("/login")
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


async def test_sign_in_form_redirects_home_with_session(client: Client, db: AsyncSession) -> None:
    await make_user(db, "researcher", email="web@example.org", display_name="Web User")
    token = await _form_token(client)

    response = await client.post(
        "/login", data={"email": "web@example.org", "password": PASSWORD, "csrf": token}
    )
    home = await client.get("/")

    assert (response.status_code, response.headers["location"]) == (302, "/")
    assert "Welcome, Web User" in home.text


async def test_sign_in_form_with_forged_unsigned_cookie_refused(
    client: Client, db: AsyncSession
) -> None:
    await make_user(db, email="web@example.org")
    client.cookies.set(LOGIN_CSRF_COOKIE, "planted", path="/login")

    response = await client.post(
        "/login", data={"email": "web@example.org", "password": PASSWORD, "csrf": "planted"}
    )

    assert response.status_code == 403
    assert "The form expired; please try again." in response.text
    assert (await client.get("/", headers={"accept": "text/html"})).status_code == 302


async def test_home_signed_out_redirects_browsers_to_login(client: Client) -> None:
    response = await client.get("/", headers={"accept": "text/html"})

    assert (response.status_code, response.headers["location"]) == (302, "/login")


async def test_htmx_request_signed_out_gets_hx_redirect(client: Client) -> None:
    response = await client.get("/", headers={"accept": "text/html", "hx-request": "true"})

    assert response.headers["hx-redirect"] == "/login"
