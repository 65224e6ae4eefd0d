"""Identifies the caller of every request from a bearer token or the session cookie.

Anonymous requests pass through with `scope["user"] = None`; guards decide what needs a caller.
The database session opened here is stored where advanced-alchemy's provider looks for it, so
the handler reuses it and one request uses one session.
"""

from __future__ import annotations

import datetime
from typing import Any

import structlog
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.middleware import AbstractMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.engine import in_read_only_context
from grants.db.models import ApiToken, User, UserSession
from grants.security.principal import Principal
from grants.security.tokens import digest

SESSION_COOKIE = "cofund_session"
# A reading request records a token's use only when the record is older than this (a write
# from a reader is best effort, see _touch_while_reading); a writing request always does.
READER_TOUCH_EVERY = datetime.timedelta(minutes=5)
log = structlog.get_logger("grants.security")


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
    """The caller named by the request's bearer token or session cookie, or None."""
    now = datetime.datetime.now(datetime.UTC)
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return await _from_token(session, authorization[7:].strip(), now)
    cookie = _cookie(headers, SESSION_COOKIE)
    return await _from_session(session, cookie, now) if cookie else None


def _cookie(headers: Headers, name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


async def _from_token(
    session: AsyncSession, token: str, now: datetime.datetime
) -> Principal | None:
    row = await session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    if row is None or row.revoked_at is not None or (row.expires_at and row.expires_at <= now):
        return None
    user = await session.get(User, row.user_id)
    if user is None or user.state != "active":
        return None
    principal = principal_for(user, "token", row.id)
    if not in_read_only_context():
        row.last_used_at = now
    elif row.last_used_at is None or now - row.last_used_at >= READER_TOUCH_EVERY:
        await _touch_while_reading(session, row.id, now)
    return principal


async def _touch_while_reading(
    session: AsyncSession, token_id: Any, now: datetime.datetime
) -> None:
    """Record a token's use from a reading request, best effort.

    A reading request's SQLite transaction is deferred: a write in it cannot queue for the
    lock and fails at once while a writer holds it. Bookkeeping must never fail or slow a
    read, so the write goes in a savepoint that is dropped on "database is locked"; the next
    read (or any write) records the use. Throttled so that reads rarely write at all.
    """
    try:
        async with session.begin_nested():
            await session.execute(
                update(ApiToken)
                .where(ApiToken.id == token_id)
                .values(last_used_at=now)
                .execution_options(synchronize_session=False)
            )
    except OperationalError as exc:
        log.info("token_use_not_recorded", token_id=str(token_id), reason=str(exc.orig))


async def _from_session(
    session: AsyncSession, cookie: str, now: datetime.datetime
) -> Principal | None:
    row = await session.scalar(select(UserSession).where(UserSession.token_hash == digest(cookie)))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = await session.get(User, row.user_id)
    if user is None or user.state != "active":
        return None
    return principal_for(user, "session", row.id, csrf_token=row.csrf_token)


def principal_for(
    user: User, kind: Any, credential_id: Any, csrf_token: str | None = None
) -> Principal:
    """Build the caller's view of `user` (roles are loaded eagerly with the user)."""
    officer = next((r for r in user.roles if r.role == "officer"), None)
    return Principal(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        locale=user.locale,
        time_zone=user.time_zone,
        roles=frozenset(r.role for r in user.roles),
        officer_agency_id=officer.agency_id if officer else None,
        auth_kind=kind,
        credential_id=credential_id,
        csrf_token=csrf_token,
    )
