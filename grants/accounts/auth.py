"""Signing in and out: password check, failed-login delays, server-side sessions."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

import structlog
from anyio import to_thread
from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.accounts.services import WITH_ROLES
from grants.accounts.throttle import delay_seconds
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
SLOWED = define(
    "auth.login.slowed",
    "Too many failed sign-ins to this account from your address; wait {seconds} seconds and "
    "try again.",
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

    Raises TooManyRequests while this account and address must wait after their recent failures
    (a delay growing with each failure, see `grants.accounts.throttle`) or the address has too
    many recent failures on any accounts (both checked before the password, so guessing stops
    even with the right one), and Unauthenticated for any wrong credential. A failure is
    recorded and committed before the error is raised, so the request's rollback does not erase
    it. A success forgets this address's failures on the account.
    """
    email = normalise(email)
    now = datetime.datetime.now(datetime.UTC)
    await _refuse_when_slowed(session, settings, email, address, now)
    await _refuse_when_limited(session, settings, address, now)
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
    await session.execute(
        delete(LoginAttempt).where(LoginAttempt.email == email, LoginAttempt.ip_address == address)
    )
    return await _open_session(session, settings, user, address)


async def _refuse_when_slowed(
    session: AsyncSession,
    settings: Settings,
    email: str,
    address: str,
    now: datetime.datetime,
) -> None:
    since = now - datetime.timedelta(seconds=settings.login_attempts_kept_seconds)
    count, last = (
        await session.execute(
            select(func.count(), func.max(LoginAttempt.created_at)).where(
                LoginAttempt.email == email,
                LoginAttempt.ip_address == address,
                LoginAttempt.created_at >= since,
            )
        )
    ).one()
    wait = delay_seconds(
        int(count or 0),
        free=settings.login_free_failures,
        base=settings.login_delay_seconds,
        cap=settings.login_delay_max_seconds,
    )
    if not wait or last is None:
        return
    if last.tzinfo is None:  # SQLite hands back naive UTC
        last = last.replace(tzinfo=datetime.UTC)
    remaining = (last + datetime.timedelta(seconds=wait) - now).total_seconds()
    if remaining > 0:
        seconds = math.ceil(remaining)
        log.warning("login slowed", address=address, seconds=seconds)
        raise TooManyRequests(SLOWED(seconds=seconds), headers={"Retry-After": str(seconds)})


async def _refuse_when_limited(
    session: AsyncSession, settings: Settings, address: str, now: datetime.datetime
) -> None:
    # Spraying many accounts from one address: a fixed window, for that address only.
    since = now - datetime.timedelta(seconds=settings.login_failure_window_seconds)
    per_address = await _failures(session, LoginAttempt.ip_address == address, since)
    if per_address >= settings.login_max_failures_per_address:
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
