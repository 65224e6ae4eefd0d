"""Forgetting what is no longer needed: ended web sessions and old failed sign-ins."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import delete, or_
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import LoginAttempt, UserSession
from grants.settings import Settings


@dataclass(frozen=True, slots=True)
class Purged:
    sessions: int
    login_attempts: int


async def purge(
    session: AsyncSession, settings: Settings, *, now: datetime.datetime | None = None
) -> Purged:
    """Delete web sessions that expired or were revoked, and failed sign-ins older than
    `login_attempts_kept_seconds` (the throttle no longer counts them)."""
    now = now or datetime.datetime.now(datetime.UTC)
    sessions = await session.execute(
        delete(UserSession).where(
            or_(UserSession.expires_at <= now, UserSession.revoked_at.is_not(None))
        )
    )
    kept_since = now - datetime.timedelta(seconds=settings.login_attempts_kept_seconds)
    attempts = await session.execute(
        delete(LoginAttempt).where(LoginAttempt.created_at < kept_since)
    )
    return Purged(
        sessions=int(getattr(sessions, "rowcount", 0) or 0),
        login_attempts=int(getattr(attempts, "rowcount", 0) or 0),
    )
