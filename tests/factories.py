"""factory-boy factories for every model; build in memory, persist with `persist`.

factory-boy has no async support, so factories only build objects and `persist` adds and
flushes them in the test's session.
"""

from __future__ import annotations

import datetime
from typing import Any

import factory
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, ApiToken, LoginAttempt, User, UserRole, UserSession
from grants.security.passwords import hash_password
from grants.security.tokens import digest

PASSWORD = "correct horse battery"
_PASSWORD_HASH = hash_password(PASSWORD)  # Argon2 is slow on purpose: hash once per run


def _later(**delta: int) -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC) + datetime.timedelta(**delta)


class AgencyFactory(factory.Factory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"AG{n}")
    name = factory.LazyAttribute(lambda o: f"Agency {o.code}")
    country = "JP"
    currency = "JPY"
    fiscal_year_start_month = 4
    time_zone = "Asia/Tokyo"


class UserFactory(factory.Factory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    locale = "en"
    time_zone = "UTC"
    password_hash = _PASSWORD_HASH
    state = "active"
    roles = factory.LazyFunction(list)


class UserRoleFactory(factory.Factory):
    class Meta:
        model = UserRole

    role = "researcher"
    agency_id = None


class UserSessionFactory(factory.Factory):
    class Meta:
        model = UserSession

    token_hash = factory.Sequence(lambda n: digest(f"session-{n}"))
    csrf_token = factory.Sequence(lambda n: f"csrf-{n}")
    expires_at = factory.LazyFunction(lambda: _later(hours=1))


class ApiTokenFactory(factory.Factory):
    class Meta:
        model = ApiToken

    name = "test token"
    prefix = "cft_test"
    token_hash = factory.Sequence(lambda n: digest(f"token-{n}"))


class LoginAttemptFactory(factory.Factory):
    class Meta:
        model = LoginAttempt

    email = "someone@example.org"
    ip_address = "127.0.0.1"


async def persist(session: AsyncSession, *objects: Any) -> None:
    session.add_all(objects)
    await session.flush()


async def make_user(
    session: AsyncSession, *roles: str, agency: Agency | None = None, **fields: Any
) -> User:
    """A persisted user holding `roles` (an officer role is bound to `agency`)."""
    user = UserFactory(**fields)
    user.roles = [
        UserRoleFactory(role=r, agency_id=agency.id if r == "officer" and agency else None)
        for r in roles
    ]
    await persist(session, user)
    return user


async def bearer(session: AsyncSession, user: User) -> dict[str, str]:
    """Headers authenticating as `user` with a fresh API token."""
    secret = f"cft_{user.id.hex}{datetime.datetime.now(datetime.UTC).timestamp()}"
    await persist(session, ApiTokenFactory(user_id=user.id, token_hash=digest(secret)))
    return {"Authorization": f"Bearer {secret}"}
