"""Business verbs on accounts: create, edit, grant roles, change passwords, manage tokens."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from typing import Any, cast

from anyio import to_thread
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from grants.accounts import schemas
from grants.audit.chain import append
from grants.common.actors import Actor
from grants.common.edits import audited_update, check_version
from grants.common.emails import normalise
from grants.db.models import Agency, ApiToken, User, UserRole, UserSession
from grants.errors import Conflict, FieldError, Invalid, NotFound
from grants.security.passwords import hash_password, verify_password
from grants.security.tokens import digest, new_api_token
from messages import define
from workflows.machines.account import AccountState

NO_SUCH_USER = define("account.user.not_found", "No such user.")
NO_SUCH_TOKEN = define("account.token.not_found", "No such token.")
ROLES_REFUSED = define("account.roles.refused", "Some roles cannot be granted.")
ROLE_TWICE = define("account.roles.listed_twice", "The role {role} is listed twice.")
AGENCY_NOT_ALLOWED = define(
    "account.roles.agency_not_allowed", "Only an officer role is bound to an agency."
)
AGENCY_REQUIRED = define(
    "account.roles.agency_required", "An officer belongs to one agency: name its code."
)
UNKNOWN_AGENCY = define("account.roles.unknown_agency", "No agency has the code {agency}.")
LAST_ADMIN = define(
    "account.roles.last_admin", "This is the last active admin; appoint another admin first."
)
EMAIL_TAKEN = define("account.email.taken", "An account with this email already exists.")
EMAIL_REGISTERED = define("account.email.registered", "This email is already registered.")
PASSWORD_WRONG = define("account.password.wrong", "The current password is wrong.")
PASSWORD_MISMATCH = define("account.password.mismatch", "This does not match the current password.")


def normalize_email(email: str) -> str:
    """The stored form of an account's address (see `grants.common.emails`)."""
    return normalise(email)


WITH_ROLES = selectinload(User.roles).selectinload(UserRole.agency)
"""The loader option of a user's roles and their agencies, which `user_view` reads."""


def user_view(user: User) -> schemas.User:
    """The API view of a user, with each officer role's agency code."""
    return schemas.User(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        locale=cast("schemas.Locale | None", user.locale),
        time_zone=user.time_zone,
        country=user.country,
        state=AccountState(user.state),
        version=user.version,
        created_at=user.created_at,
        roles=[
            schemas.RoleView(
                role=cast("schemas.RoleName", r.role),
                agency_id=r.agency_id,
                agency_code=r.agency.code if r.agency else None,
            )
            for r in sorted(user.roles, key=lambda r: r.role)
        ],
    )


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    """The user with `user_id` and their roles' agencies (for `user_view`); raises NotFound.

    Populates an already-loaded user too: the authentication looked the caller up without
    their roles' agencies."""
    query = select(User).where(User.id == user_id).options(WITH_ROLES)
    user = await session.scalar(query.execution_options(populate_existing=True))
    if user is None:
        raise NotFound(NO_SUCH_USER())
    return user


def users_query(
    *, role: str | None = None, state: str | None = None, q: str | None = None
) -> Select[tuple[User]]:
    query = select(User).options(WITH_ROLES).order_by(User.email)
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if state:
        query = query.where(User.state == state)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(
            func.lower(User.email).like(pattern) | func.lower(User.display_name).like(pattern)
        )
    return query


async def _role_rows(session: AsyncSession, grants: Sequence[schemas.RoleGrant]) -> list[UserRole]:
    """Resolve role grants to rows; every wrong grant is reported at once."""
    errors: list[FieldError] = []
    rows: list[UserRole] = []
    seen: set[str] = set()
    for i, grant in enumerate(grants):
        field = f"roles[{i}]"
        if grant.role in seen:
            errors.append(FieldError(field, ROLE_TWICE(role=grant.role)))
            continue
        seen.add(grant.role)
        agency = await _agency_for(session, grant, field, errors)
        agency_id = agency.id if agency else None
        rows.append(UserRole(role=grant.role, agency_id=agency_id, agency=agency))
    if errors:
        raise Invalid(ROLES_REFUSED(), errors=errors)
    return rows


async def _agency_for(
    session: AsyncSession, grant: schemas.RoleGrant, field: str, errors: list[FieldError]
) -> Agency | None:
    if grant.role != "officer":
        if grant.agency is not None:
            errors.append(FieldError(f"{field}.agency", AGENCY_NOT_ALLOWED()))
        return None
    if grant.agency is None:
        errors.append(FieldError(f"{field}.agency", AGENCY_REQUIRED()))
        return None
    agency = await session.scalar(select(Agency).where(Agency.code == grant.agency))
    if agency is None:
        errors.append(FieldError(f"{field}.agency", UNKNOWN_AGENCY(agency=grant.agency)))
    return agency


async def create_user(session: AsyncSession, data: schemas.UserCreate, *, actor: Actor) -> User:
    """Create an active account with its roles; raises Conflict for a taken email."""
    email = normalize_email(data.email)
    if await session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(EMAIL_TAKEN(), errors=[FieldError("email", EMAIL_REGISTERED())])
    user = User(
        email=email,
        display_name=data.display_name,
        locale=data.locale,
        time_zone=data.time_zone,
        country=data.country,
        password_hash=await to_thread.run_sync(hash_password, data.password),
        state=AccountState.ACTIVE,
        roles=await _role_rows(session, data.roles),
    )
    session.add(user)
    await session.flush()
    await append(
        session,
        actor=actor,
        action="user.create",
        entity_type="user",
        entity_id=user.id,
        changes={
            "email": [None, email],
            "display_name": [None, user.display_name],
            "roles": [None, _role_labels(user.roles)],
        },
    )
    return user


def _role_labels(roles: Sequence[UserRole]) -> list[str]:
    return sorted(f"{r.role}:{r.agency_id}" if r.agency_id else r.role for r in roles)


async def update_profile(
    session: AsyncSession, user: User, data: schemas.UserUpdate, *, actor: Actor
) -> User:
    """Change display name, locale, time zone or country; audits only what changed."""
    fields = ("display_name", "locale", "time_zone", "country")
    await audited_update(session, user, data, fields, actor=actor, entity_type="user")
    return user


async def replace_roles(
    session: AsyncSession, user: User, data: schemas.RolesReplace, *, actor: Actor
) -> User:
    """Replace the user's roles; the last active admin keeps the admin role."""
    check_version(user, data.version)
    rows = await _role_rows(session, data.roles)
    losing_admin = any(r.role == "admin" for r in user.roles) and not any(
        r.role == "admin" for r in rows
    )
    if losing_admin and await other_active_admins(session, user.id) == 0:
        raise Conflict(LAST_ADMIN())
    before = _role_labels(user.roles)
    user.roles.clear()
    await session.flush()
    user.roles.extend(rows)
    user.updated_at = datetime.datetime.now(datetime.UTC)  # dirty row: the ORM bumps `version`
    await session.flush()
    await append(
        session,
        actor=actor,
        action="user.roles",
        entity_type="user",
        entity_id=user.id,
        changes={"roles": [before, _role_labels(rows)]},
    )
    return user


async def other_active_admins(session: AsyncSession, user_id: uuid.UUID) -> int:
    query = (
        select(func.count())
        .select_from(UserRole)
        .join(User, User.id == UserRole.user_id)
        .where(UserRole.role == "admin", User.state == AccountState.ACTIVE, User.id != user_id)
    )
    return int(await session.scalar(query) or 0)


async def change_password(
    session: AsyncSession, user: User, data: schemas.PasswordChange, *, actor: Actor
) -> None:
    """Set a new password after checking the current one; ends the user's other sessions and
    revokes every API token (a token made by whoever knew the old password must not outlive
    it)."""
    if not await to_thread.run_sync(verify_password, user.password_hash, data.current_password):
        raise Invalid(
            PASSWORD_WRONG(), errors=[FieldError("current_password", PASSWORD_MISMATCH())]
        )
    user.password_hash = await to_thread.run_sync(hash_password, data.new_password)
    await revoke_sessions(session, user.id)
    revoked = await revoke_tokens(session, user.id)
    changes: dict[str, Any] = {"password": ["***", "***"]}
    if revoked:
        changes["revoked_tokens"] = [None, revoked]
    await append(
        session,
        actor=actor,
        action="user.password",
        entity_type="user",
        entity_id=user.id,
        changes=changes,
    )


async def revoke_tokens(session: AsyncSession, user_id: uuid.UUID) -> list[str]:
    """Revoke every live API token of a user; returns their ids."""
    now = datetime.datetime.now(datetime.UTC)
    rows = await session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    )
    revoked = []
    for row in rows:
        row.revoked_at = now
        revoked.append(str(row.id))
    await session.flush()
    return sorted(revoked)


async def revoke_sessions(
    session: AsyncSession, user_id: uuid.UUID, *, keep: uuid.UUID | None = None
) -> None:
    """End every web session of a user (suspension, password change)."""
    now = datetime.datetime.now(datetime.UTC)
    rows = await session.scalars(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    )
    for row in rows:
        if row.id != keep:
            row.revoked_at = now
    await session.flush()


async def create_token(
    session: AsyncSession, user: User, data: schemas.TokenCreate, *, actor: Actor
) -> tuple[ApiToken, str]:
    """Create a bearer token; returns the row and the secret, which is never stored."""
    secret = new_api_token()
    expires = (
        datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=data.expires_in_days)
        if data.expires_in_days
        else None
    )
    token = ApiToken(
        user_id=user.id,
        name=data.name,
        prefix=secret[:10],
        token_hash=digest(secret),
        expires_at=expires,
    )
    session.add(token)
    await session.flush()
    await append(
        session,
        actor=actor,
        action="token.create",
        entity_type="api_token",
        entity_id=token.id,
        changes={
            "user_id": [None, user.id],
            "name": [None, data.name],
            "expires_at": [None, expires],
        },
    )
    return token, secret


async def revoke_token(
    session: AsyncSession, user_id: uuid.UUID, token_id: uuid.UUID, *, actor: Actor
) -> ApiToken:
    """Revoke one of the user's tokens (idempotent); raises NotFound for another user's."""
    token = await session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFound(NO_SUCH_TOKEN())
    if token.revoked_at is None:
        token.revoked_at = datetime.datetime.now(datetime.UTC)
        await session.flush()
        await append(
            session,
            actor=actor,
            action="token.revoke",
            entity_type="api_token",
            entity_id=token.id,
            changes={"revoked_at": [None, token.revoked_at]},
        )
    return token


async def list_tokens(session: AsyncSession, user_id: uuid.UUID) -> list[ApiToken]:
    rows = await session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at)
    )
    return list(rows)
