"""Signing in and out: password check, failed-login rate limits, server-side sessions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import structlog
from anyio import to_thread
from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.accounts.services import WITH_ROLES
from grants.common.emails import normalise
from grants.db.models import LoginAttempt, User, UserSession
from grants.errors import TooManyRequests, Unauthenticated
from grants.security.passwords import hash_password, needs_rehash, verify_password
from grants.security.tokens import digest, new_secret
from grants.settings import Settings
from messages import define
from workflows.machines.account import AccountState

log = structlog.get_logger("grants.auth")
# One message for a wrong password, an unknown email and a blocked account: no enumeration.
BAD_CREDENTIALS = define("auth.login.bad_credentials", "The email or password is wrong.")
RATE_LIMITED = define(
    "auth.login.rate_limited", "Too many failed sign-ins; wait a few minutes and try again."
)


@dataclass(frozen=True, slots=True)
class NewSession:
    row: UserSession
    user: User
    cookie_value: str


async def login(
    session: AsyncSession, settings: Settings, *, email: str, password: str, address: str
) -> NewSession:
    """Check credentials and open a session.

    Raises TooManyRequests while the account or the address has too many recent failures
    (checked before the password, so guessing stops even with the right one) and Unauthenticated
    for any wrong credential. A failure is recorded and committed before the error is raised,
    so the request's rollback does not erase it.
    """
    email = normalise(email)
    await _refuse_when_limited(session, settings, email, address)
    user = await session.scalar(select(User).where(User.email == email).options(WITH_ROLES))
    # Argon2 takes a few hundred milliseconds on purpose: keep it off the event loop.
    valid = await to_thread.run_sync(
        verify_password, user.password_hash if user else None, password
    )
    if user is None or not valid or user.state != AccountState.ACTIVE:
        session.add(LoginAttempt(email=email, ip_address=address))
        await session.commit()
        log.info("login failed", address=address)
        raise Unauthenticated(BAD_CREDENTIALS())
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = await to_thread.run_sync(hash_password, password)
    await session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    return await _open_session(session, settings, user, address)


async def _refuse_when_limited(
    session: AsyncSession, settings: Settings, email: str, address: str
) -> None:
    since = datetime.datetime.now(datetime.UTC) - datetime.timedelta(
        seconds=settings.login_failure_window_seconds
    )
    per_account = await _failures(session, LoginAttempt.email == email, since)
    per_address = await _failures(session, LoginAttempt.ip_address == address, since)
    if (
        per_account >= settings.login_max_failures_per_account
        or per_address >= settings.login_max_failures_per_address
    ):
        log.warning("login rate limited", address=address)
        raise TooManyRequests(
            RATE_LIMITED(),
            headers={"Retry-After": str(settings.login_failure_window_seconds)},
        )


async def _failures(
    session: AsyncSession, condition: ColumnElement[bool], since: datetime.datetime
) -> int:
    query = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(condition, LoginAttempt.created_at >= since)
    )
    return int(await session.scalar(query) or 0)


async def _open_session(
    session: AsyncSession, settings: Settings, user: User, address: str
) -> NewSession:
    secret = new_secret()
    row = UserSession(
        user_id=user.id,
        token_hash=digest(secret),
        csrf_token=new_secret(),
        expires_at=datetime.datetime.now(datetime.UTC)
        + datetime.timedelta(seconds=settings.session_max_age_seconds),
        ip_address=address,
    )
    session.add(row)
    await session.flush()
    log.info("login", user_id=str(user.id))
    return NewSession(row=row, user=user, cookie_value=secret)


async def logout(session: AsyncSession, session_id: object) -> None:
    """End one web session (a token-authenticated logout ends nothing: revoke the token)."""
    row = await session.get(UserSession, session_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = datetime.datetime.now(datetime.UTC)
        await session.flush()
