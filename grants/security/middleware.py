"""Identifies the caller of every request from a bearer token or the session cookie.

Anonymous requests pass through with `scope["user"] = None`; guards decide what needs a caller.
The database session opened here is stored where advanced-alchemy's provider looks for it, so
the handler reuses it and one request uses one session.
"""

from __future__ import annotations

import datetime
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.middleware import AbstractMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.engine import reads_from_sqlite_snapshot
from grants.db.models import ApiToken, User, UserSession
from grants.security.principal import Principal
from grants.security.tokens import digest
from messages import negotiate
from workflows.machines.account import AccountState

SESSION_COOKIE = "cofund_session"


class AuthenticationMiddleware(AbstractMiddleware):
    scopes = {ScopeType.HTTP}  # noqa: RUF012 - Litestar's declared form

    def __init__(self, app: ASGIApp, db_config: SQLAlchemyAsyncConfig) -> None:
        super().__init__(app)
        self.db_config = db_config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _is_public(scope["path"]):
            scope["user"] = None
            await self.app(scope, receive, send)
            return
        session = self.db_config.provide_session(scope["app"].state, scope)
        scope["user"] = await identify(session, Headers.from_scope(scope))
        await self.app(scope, receive, send)


def _is_public(path: str) -> bool:
    return path in ("/health", "/favicon.ico") or path.startswith(("/schema", "/static"))


async def identify(session: AsyncSession, headers: Headers) -> Principal | None:
    """The caller named by the request's bearer token or session cookie, or None; their
    `locale` is the language they read this request in (saved, else `Accept-Language`)."""
    now = datetime.datetime.now(datetime.UTC)
    language = headers.get("accept-language")
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return await _from_token(session, authorization[7:].strip(), now, language)
    cookie = _cookie(headers, SESSION_COOKIE)
    return await _from_session(session, cookie, now, language) if cookie else None


def _cookie(headers: Headers, name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


async def _from_token(
    session: AsyncSession, token: str, now: datetime.datetime, language: str | None
) -> Principal | None:
    row = await session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    if row is None or row.revoked_at is not None or (row.expires_at and row.expires_at <= now):
        return None
    user = await session.get(User, row.user_id)
    if user is None or user.state != AccountState.ACTIVE:
        return None
    if not reads_from_sqlite_snapshot(session):
        # A reading request on SQLite holds no write lock and must not take one (nor fail on
        # it) for bookkeeping: there `last_used_at` is the token's last writing request.
        row.last_used_at = now
    return principal_for(user, "token", row.id, accept_language=language)


async def _from_session(
    session: AsyncSession, cookie: str, now: datetime.datetime, language: str | None
) -> Principal | None:
    row = await session.scalar(select(UserSession).where(UserSession.token_hash == digest(cookie)))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = await session.get(User, row.user_id)
    if user is None or user.state != AccountState.ACTIVE:
        return None
    return principal_for(
        user, "session", row.id, csrf_token=row.csrf_token, accept_language=language
    )


def principal_for(
    user: User,
    kind: Any,
    credential_id: Any,
    csrf_token: str | None = None,
    *,
    accept_language: str | None = None,
) -> Principal:
    """Build the caller's view of `user` (roles are loaded eagerly with the user), reading in
    their saved language, else the best of `accept_language`, else English."""
    officer = next((r for r in user.roles if r.role == "officer"), None)
    return Principal(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        locale=negotiate(user.locale, accept_language),
        time_zone=user.time_zone,
        roles=frozenset(r.role for r in user.roles),
        officer_agency_id=officer.agency_id if officer else None,
        auth_kind=kind,
        credential_id=credential_id,
        csrf_token=csrf_token,
    )
