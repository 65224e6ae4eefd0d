"""The demo's people act through the same entry point as every request: `fire`, with each
person's principal, on the call's timeline where a step happens after a deadline."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from contextlib import nullcontext
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import User
from grants.security.middleware import principal_for
from grants.security.principal import Principal
from grants.settings import get_settings
from grants.times import clock_at
from grants.workflow.binding import Binding
from grants.workflow.service import EventRequest, fire


def principal(user: User) -> Principal:
    """The user as a signed-in caller."""
    return principal_for(user, "session", uuid.uuid4())


async def act(
    session: AsyncSession,
    binding: Binding[Any],
    entity: Any,
    event: str,
    user: User,
    *,
    data: Mapping[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> None:
    """Fire `event` on `entity` as `user` (at the instant `at`, when given)."""
    with clock_at(at) if at is not None else nullcontext():
        await fire(
            session,
            binding,
            entity.id,
            event,
            EventRequest(entity.version, data or {}),
            principal(user),
            settings=get_settings(),
        )
