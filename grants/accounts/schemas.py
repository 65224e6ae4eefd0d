"""Request and response bodies of accounts, sessions and API tokens."""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from pydantic import EmailStr, Field, field_validator

from grants.common import codes
from grants.common.schemas import Input, Integer, Output
from grants.security.passwords import MIN_PASSWORD_LENGTH
from grants.times import validate_time_zone
from workflows.machines.account import AccountState

Locale = Literal["en", "vi", "ja"]
RoleName = Literal["researcher", "reviewer", "officer", "auditor", "admin"]


class LoginRequest(Input):
    email: EmailStr
    password: str = Field(min_length=1, max_length=1024)


class RoleGrant(Input):
    """A role; `agency` (its code) is required for officer and forbidden otherwise."""

    role: RoleName
    agency: str | None = None


class RoleView(Output):
    role: RoleName
    agency_id: uuid.UUID | None
    agency_code: str | None = None


class User(Output):
    id: uuid.UUID
    email: str
    display_name: str
    locale: Locale | None
    time_zone: str
    country: str | None
    state: AccountState
    version: int
    roles: list[RoleView]
    created_at: datetime.datetime


class Session(Output):
    user: User
    csrf_token: str | None = None
    expires_at: datetime.datetime | None = None


class _Profile(Input):
    @field_validator("time_zone", check_fields=False)
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return validate_time_zone(value) if value is not None else None

    @field_validator("country", check_fields=False)
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return codes.country(value) if value is not None else None


class UserCreate(_Profile):
    email: EmailStr
    display_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=1024)
    locale: Locale | None = Field(
        default=None, description="The language chosen; none: the browser's Accept-Language."
    )
    time_zone: str = "UTC"
    country: str | None = Field(default=None, description="ISO 3166 alpha-2, e.g. of a PI")
    roles: list[RoleGrant] = Field(default_factory=list)


class UserUpdate(_Profile):
    """Profile fields; all optional. `version` is the one the client saw."""

    version: Integer = Field(ge=1)
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    locale: Locale | None = None
    time_zone: str | None = None
    country: str | None = None


class RolesReplace(Input):
    version: Integer = Field(ge=1)
    roles: list[RoleGrant]


class PasswordChange(Input):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=1024)


class TokenCreate(Input):
    name: str = Field(min_length=1, max_length=100)
    expires_in_days: Integer | None = Field(default=None, ge=1, le=3650)


class Token(Output):
    id: uuid.UUID
    name: str
    prefix: str
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    last_used_at: datetime.datetime | None


class TokenCreated(Token):
    """Returned once, at creation: the only time the secret is shown."""

    token: str
