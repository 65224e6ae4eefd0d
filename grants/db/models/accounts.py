"""People, their roles, their web sessions, API tokens and login attempts."""

from __future__ import annotations

import datetime
import uuid

from advanced_alchemy.base import UUIDv7AuditBase
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.db.models.agencies import Agency
from workflows.machines.account import AccountState


class User(UUIDv7AuditBase):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("locale IN ('en', 'vi', 'ja')", name="locale_known"),)

    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    # None: not chosen; the reader's `Accept-Language` decides (grants.security.middleware).
    locale: Mapped[str | None] = mapped_column(String(5), default=None)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    country: Mapped[str | None] = mapped_column(String(2), default=None)
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    state: Mapped[str] = mapped_column(String(32), default=AccountState.ACTIVE)
    version: Mapped[int] = mapped_column(Integer, default=1)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form


class UserRole(UUIDv7AuditBase):
    """One role of a user; an officer role is bound to exactly one agency."""

    __tablename__ = "user_roles"
    __table_args__ = (
        UniqueConstraint("user_id", "role", name="uq_user_roles_user_role"),
        CheckConstraint(
            "(role = 'officer' AND agency_id IS NOT NULL)"
            " OR (role <> 'officer' AND agency_id IS NULL)",
            name="officer_has_agency",
        ),
        CheckConstraint(
            "role IN ('researcher', 'reviewer', 'officer', 'auditor', 'admin')", name="role_known"
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    agency_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agencies.id"), default=None, index=True
    )

    user: Mapped[User] = relationship(back_populates="roles", lazy="raise")
    agency: Mapped[Agency | None] = relationship(lazy="raise")


class UserSession(UUIDv7AuditBase):
    """A server-side web session; the cookie holds a secret whose SHA-256 is stored here."""

    __tablename__ = "user_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime.datetime]
    revoked_at: Mapped[datetime.datetime | None] = mapped_column(default=None)
    ip_address: Mapped[str | None] = mapped_column(String(64), default=None)


class ApiToken(UUIDv7AuditBase):
    """A bearer token for scripts; only its SHA-256 is stored, the secret is shown once."""

    __tablename__ = "api_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime.datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime.datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime.datetime | None] = mapped_column(default=None)


class LoginAttempt(UUIDv7AuditBase):
    """Failed logins, counted per account and per address to rate-limit guessing."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_created", "email", "created_at"),
        Index("ix_login_attempts_address_created", "ip_address", "created_at"),
    )

    email: Mapped[str] = mapped_column(String(320))
    ip_address: Mapped[str] = mapped_column(String(64))
