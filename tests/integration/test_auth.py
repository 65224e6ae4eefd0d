"""Signing in and out, sessions, CSRF, API tokens and the failed-login rate limit."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, LoginAttempt
from tests.factories import PASSWORD, bearer, make_user

Client = httpx.AsyncClient


async def _login(client: Client, email: str, password: str = PASSWORD, **headers: str) -> Any:
    return await client.post(
        "/api/auth/login", json={"email": email, "password": password}, headers=headers
    )


def _without_request_specifics(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "request_id"}


BAD_CREDENTIALS = {
    "type": "urn:cofund:problem:unauthenticated",
    "title": "Not authenticated",
    "status": 401,
    "detail": "The email or password is wrong.",
    "instance": "/api/auth/login",
    "code": "auth.login.bad_credentials",
    "params": {},
}


async def test_login_valid_password_opens_session(client: Client, db: AsyncSession) -> None:
    user = await make_user(db, "researcher", email="hana@example.org")

    response = await _login(client, "Hana@Example.org")

    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == "hana@example.org"
    assert body["user"]["roles"] == [{"role": "researcher", "agency_id": None, "agency_code": None}]
    me = await client.get("/api/me")
    assert me.status_code == 200
    assert me.json()["user"]["id"] == str(user.id)


async def test_login_wrong_password_and_unknown_email_answer_identically(
    client: Client, db: AsyncSession
) -> None:
    await make_user(db, email="known@example.org")

    wrong = await _login(client, "known@example.org", "not the password")
    unknown = await _login(client, "nobody@example.org", "not the password")

    assert (wrong.status_code, unknown.status_code) == (401, 401)
    assert (
        wrong.headers["content-type"]
        == unknown.headers["content-type"]
        == "application/problem+json"
    )
    assert _without_request_specifics(wrong.json()) == _without_request_specifics(unknown.json())
    assert _without_request_specifics(wrong.json()) == BAD_CREDENTIALS


async def test_login_failures_are_recorded_despite_the_error(
    client: Client, db: AsyncSession
) -> None:
    await make_user(db, email="known@example.org")

    await _login(client, "known@example.org", "nope")

    count = await db.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.email == "known@example.org")
    )
    assert count == 1


async def test_login_slowed_per_account_and_address_even_with_right_password(
    client: Client, db: AsyncSession
) -> None:
    await make_user(db, email="target@example.org")
    for _ in range(3):
        assert (await _login(client, "target@example.org", "guess")).status_code == 401

    response = await _login(client, "target@example.org")

    assert _without_request_specifics(response.json()) == {
        "type": "urn:cofund:problem:rate_limited",
        "title": "Too many requests",
        "status": 429,
        "detail": "Too many failed sign-ins to this account from your address; wait 30 seconds "
        "and try again.",
        "instance": "/api/auth/login",
        "code": "auth.login.slowed",
        "params": {"seconds": 30},
    }
    assert response.headers["retry-after"] == "30"


async def test_login_rate_limited_per_address_across_accounts(
    client: Client, db: AsyncSession
) -> None:
    for i in range(6):
        assert (await _login(client, f"spray{i}@example.org", "guess")).status_code == 401

    response = await _login(client, "spray-new@example.org", "guess")

    assert (response.status_code, response.json()["code"]) == (429, "auth.login.rate_limited")


async def test_login_suspended_account_refused_like_a_wrong_password(
    client: Client, db: AsyncSession
) -> None:
    await make_user(db, email="gone@example.org", state="suspended")

    response = await _login(client, "gone@example.org")

    assert response.status_code == 401
    assert _without_request_specifics(response.json()) == BAD_CREDENTIALS


async def test_logout_ends_the_session(client: Client, db: AsyncSession) -> None:
    await make_user(db, email="out@example.org")
    csrf = (await _login(client, "out@example.org")).json()["csrf_token"]

    response = await client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})

    assert response.status_code == 200
    assert (await client.get("/api/me")).status_code == 401


async def test_session_unsafe_api_request_without_csrf_refused(
    client: Client, db: AsyncSession
) -> None:
    await make_user(db, "admin", email="admin@example.org")
    await _login(client, "admin@example.org")
    before = await db.scalar(select(func.count()).select_from(AuditEvent))

    response = await client.patch("/api/me", json={"version": 1, "display_name": "Changed"})

    assert _without_request_specifics(response.json()) == {
        "type": "urn:cofund:problem:forbidden",
        "title": "Forbidden",
        "status": 403,
        "detail": "The CSRF token is missing or wrong; send it in the X-CSRF-Token header.",
        "instance": "/api/me",
        "code": "security.csrf.refused",
        "params": {},
    }
    assert await db.scalar(select(func.count()).select_from(AuditEvent)) == before


async def test_session_unsafe_api_request_with_csrf_accepted(
    client: Client, db: AsyncSession
) -> None:
    await make_user(db, email="me@example.org")
    csrf = (await _login(client, "me@example.org")).json()["csrf_token"]

    response = await client.patch(
        "/api/me", json={"version": 1, "display_name": "Renamed"}, headers={"X-CSRF-Token": csrf}
    )

    assert response.status_code == 200
    assert response.json()["display_name"] == "Renamed"


async def test_token_created_once_then_authenticates_until_revoked(
    client: Client, db: AsyncSession
) -> None:
    user = await make_user(db, "auditor")
    headers = await bearer(db, user)

    created = await client.post(
        "/api/me/tokens", json={"name": "export script", "expires_in_days": 30}, headers=headers
    )
    secret = created.json()["token"]
    own = {"Authorization": f"Bearer {secret}"}
    assert (await client.get("/api/me", headers=own)).status_code == 200
    listed = await client.get("/api/me/tokens", headers=own)
    assert "token" not in listed.json()[0]
    revoked = await client.post(f"/api/me/tokens/{created.json()['id']}/revoke", headers=own)

    assert revoked.status_code == 200
    assert (await client.get("/api/me", headers=own)).status_code == 401


async def test_bearer_token_needs_no_csrf(client: Client, db: AsyncSession) -> None:
    user = await make_user(db)
    headers = await bearer(db, user)

    response = await client.patch("/api/me", json={"version": 1, "locale": "ja"}, headers=headers)

    assert response.status_code == 200
    assert response.json()["locale"] == "ja"


async def test_bearer_token_of_suspended_user_refused(client: Client, db: AsyncSession) -> None:
    user = await make_user(db, state="suspended")
    headers = await bearer(db, user)

    response = await client.get("/api/me", headers=headers)

    assert (response.status_code, response.json()["code"]) == (401, "security.unauthenticated")


async def test_password_change_wrong_current_password_names_field(
    client: Client, db: AsyncSession
) -> None:
    user = await make_user(db)
    headers = await bearer(db, user)

    response = await client.post(
        "/api/me/password",
        json={"current_password": "wrong", "new_password": "a-new-long-password"},
        headers=headers,
    )

    assert _without_request_specifics(response.json()) == {
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "The current password is wrong.",
        "instance": "/api/me/password",
        "code": "account.password.wrong",
        "params": {},
        "errors": [
            {
                "field": "current_password",
                "reason": "This does not match the current password.",
                "code": "account.password.mismatch",
                "params": {},
            }
        ],
    }


async def test_passwords_and_tokens_never_reach_the_logs(
    client: Client, db: AsyncSession, capfd: Any
) -> None:
    user = await make_user(db, email="quiet@example.org")
    await _login(client, "quiet@example.org", "a-wrong-secret-password")
    csrf = (await _login(client, "quiet@example.org")).json()["csrf_token"]
    created = await client.post(
        "/api/me/tokens", json={"name": "t"}, headers={"X-CSRF-Token": csrf}
    )
    secret = created.json()["token"]
    await client.get("/api/me", headers={"Authorization": f"Bearer {secret}"})

    logged = "".join(capfd.readouterr())

    assert str(user.id) in logged  # the logs did capture this test's requests
    for needle in (PASSWORD, "a-wrong-secret-password", secret, csrf):
        assert needle not in logged
