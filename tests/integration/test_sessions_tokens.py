"""Sessions and tokens, on SQLite and PostgreSQL: a password change ends API tokens, sign-in
takes JSON from this site only, failed sign-ins slow one account and address (never the owner
elsewhere), and ended sessions and old failures are purged."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.accounts.purge import purge
from grants.cli import _run_in_session, main
from grants.db.models import ApiToken, AuditEvent, LoginAttempt, UserSession
from grants.settings import Settings, get_settings
from tests.factories import (
    PASSWORD,
    LoginAttemptFactory,
    UserSessionFactory,
    bearer,
    make_user,
    persist,
)
from tests.factories_proposals import problem_of

Client = httpx.AsyncClient
LOGIN = "/api/auth/login"


def _ago(seconds: int) -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=seconds)


async def test_password_change_revokes_every_api_token(client: Client, db: AsyncSession) -> None:
    user = await make_user(db, email="owner@example.org")
    headers = await bearer(db, user)
    created = await client.post("/api/me/tokens", json={"name": "script"}, headers=headers)
    script = {"Authorization": f"Bearer {created.json()['token']}"}
    assert (await client.get("/api/me", headers=script)).status_code == 200

    changed = await client.post(
        "/api/me/password",
        json={"current_password": PASSWORD, "new_password": "a-new-long-password"},
        headers=headers,
    )

    assert changed.json() == {"status": "password changed"}
    for old in (headers, script):
        refused = await client.get("/api/me", headers=old)
        assert (refused.status_code, refused.json()["code"]) == (401, "security.unauthenticated")
    live = await db.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )
    event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "user.password"))
    assert (live, event is not None and sorted(event.changes)) == (
        0,
        ["password", "revoked_tokens"],
    )


async def test_login_with_a_text_plain_json_body_is_415(client: Client, db: AsyncSession) -> None:
    # The cross-site attack: a form on another site posts this body as text/plain.
    await make_user(db, email="attacker@example.org")
    body = f'{{"email": "attacker@example.org", "password": "{PASSWORD}"}}'

    response = await client.post(LOGIN, content=body, headers={"Content-Type": "text/plain"})

    assert (response.status_code, problem_of(response)) == (
        415,
        {
            "type": "urn:cofund:problem:unsupported_media_type",
            "title": "Unsupported media type",
            "status": 415,
            "detail": "Sign in with a JSON body sent as Content-Type: application/json.",
            "instance": LOGIN,
            "code": "security.login.json_only",
            "params": {},
            "errors": [
                {
                    "field": "content-type",
                    "reason": "must be application/json, not text/plain",
                    "code": "security.login.json_only_field",
                    "params": {"sent": "text/plain"},
                }
            ],
        },
    )
    assert "set-cookie" not in response.headers


async def test_login_form_types_are_415(client: Client, db: AsyncSession) -> None:
    await make_user(db, email="form@example.org")

    urlencoded = await client.post(LOGIN, data={"email": "form@example.org", "password": PASSWORD})
    multipart = await client.post(
        LOGIN, files={"email": (None, "form@example.org"), "password": (None, PASSWORD)}
    )

    assert [(r.status_code, r.json()["code"]) for r in (urlencoded, multipart)] == [
        (415, "security.login.json_only"),
        (415, "security.login.json_only"),
    ]


async def test_login_from_another_site_is_403(client: Client, db: AsyncSession) -> None:
    await make_user(db, email="victim@example.org")
    credentials = {"email": "victim@example.org", "password": PASSWORD}

    by_origin = await client.post(
        LOGIN, json=credentials, headers={"Origin": "https://evil.example"}
    )
    by_fetch = await client.post(LOGIN, json=credentials, headers={"Sec-Fetch-Site": "cross-site"})
    same_origin = await client.post(
        LOGIN,
        json=credentials,
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )

    assert problem_of(by_origin) == {
        "type": "urn:cofund:problem:forbidden",
        "title": "Forbidden",
        "status": 403,
        "detail": "Signing in from another site is refused; sign in on this site's own page.",
        "instance": LOGIN,
        "code": "security.login.cross_site",
        "params": {},
        "errors": [
            {
                "field": "origin",
                "reason": "another site: https://evil.example",
                "code": "security.login.cross_site_field",
                "params": {"sent": "https://evil.example"},
            }
        ],
    }
    assert (by_fetch.status_code, by_fetch.json()["errors"][0]["field"]) == (403, "sec-fetch-site")
    assert same_origin.json()["user"]["email"] == "victim@example.org"


async def test_failures_from_another_address_never_lock_the_owner_out(
    client: Client, db: AsyncSession
) -> None:
    await make_user(db, email="victim@example.org")
    attacker = "203.0.113.9"
    await persist(
        db,
        *[LoginAttemptFactory(email="victim@example.org", ip_address=attacker) for _ in range(41)],
    )

    response = await client.post(LOGIN, json={"email": "victim@example.org", "password": PASSWORD})

    assert response.json()["user"]["email"] == "victim@example.org"
    left = await db.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.ip_address == "203.0.113.9")
    )
    assert (
        left == 41
    )  # the attacker's failures are theirs; the owner's success forgets only its own


async def test_the_delay_doubles_with_each_failure_and_then_lets_the_owner_in(
    client: Client, db: AsyncSession
) -> None:
    await make_user(db, email="slow@example.org")
    # Four failures (three free, then 30 s, then 60 s): the last one 45 s ago.
    await persist(
        db,
        *[
            LoginAttemptFactory(email="slow@example.org", created_at=_ago(seconds))
            for seconds in (200, 150, 100, 45)
        ],
    )

    waiting = await client.post(LOGIN, json={"email": "slow@example.org", "password": PASSWORD})
    await db.execute(
        LoginAttempt.__table__.update()
        .where(LoginAttempt.email == "slow@example.org")
        .values(created_at=_ago(300))
    )
    after = await client.post(LOGIN, json={"email": "slow@example.org", "password": PASSWORD})

    assert (waiting.status_code, waiting.headers["retry-after"], waiting.json()["params"]) == (
        429,
        "15",
        {"seconds": 15},
    )
    assert after.json()["user"]["email"] == "slow@example.org"


async def test_purge_deletes_ended_sessions_and_old_failures(
    db: AsyncSession, settings: Settings
) -> None:
    user = await make_user(db)
    live = UserSessionFactory(user_id=user.id)
    expired = UserSessionFactory(user_id=user.id, expires_at=_ago(1))
    revoked = UserSessionFactory(user_id=user.id, revoked_at=_ago(10))
    recent = LoginAttemptFactory(created_at=_ago(60))
    old = LoginAttemptFactory(created_at=_ago(settings.login_attempts_kept_seconds + 60))
    await persist(db, live, expired, revoked, recent, old)

    purged = await purge(db, settings)

    sessions = await db.scalars(select(UserSession.id).where(UserSession.user_id == user.id))
    attempts = await db.scalars(select(LoginAttempt.id))
    assert (purged.sessions, purged.login_attempts) == (2, 1)
    assert (list(sessions), list(attempts)) == ([live.id], [recent.id])


def test_sessions_purge_command(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        assert runner.invoke(main, ["db", "upgrade"], catch_exceptions=False).exit_code == 0
        _run_in_session(_add_old_rows)
        first = runner.invoke(main, ["sessions", "purge"], catch_exceptions=False)
        again = runner.invoke(main, ["sessions", "purge"], catch_exceptions=False)
    finally:
        get_settings.cache_clear()

    assert [first.output, again.output] == [
        "purged 1 session(s) and 1 failed sign-in(s)\n",
        "purged 0 session(s) and 0 failed sign-in(s)\n",
    ]


async def _add_old_rows(session: AsyncSession) -> None:
    user = await make_user(session)
    await persist(
        session,
        UserSessionFactory(user_id=user.id),
        UserSessionFactory(user_id=user.id, expires_at=_ago(1)),
        LoginAttemptFactory(created_at=_ago(2 * 24 * 3600)),
    )
