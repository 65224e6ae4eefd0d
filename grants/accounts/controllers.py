"""HTTP API of sign-in, the caller's own account, and the admin's user management."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, patch, post, put
from litestar.datastructures import Cookie
from litestar.di import Provide
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from grants.accounts import auth, schemas, services
from grants.common.deps import client_address
from grants.common.filters import checked, one_of
from grants.common.pagination import Window, fetch_page, provide_window
from grants.common.schemas import Page
from grants.security.guards import authenticated, requires_or_audits, same_site_json
from grants.security.middleware import SESSION_COOKIE
from grants.security.principal import Principal, Role
from grants.settings import Settings
from workflows.machines.account import AccountState


def session_cookie(settings: Settings, value: str, max_age: int) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        max_age=max_age,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]  # noqa: RUF012

    @post("/login", name="auth:login", status_code=200, guards=[same_site_json])
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: schemas.LoginRequest,
        db_session: AsyncSession,
        settings: Settings,
    ) -> Response[schemas.Session]:
        """Sign in with email and password; sets the session cookie and returns the CSRF token.

        Public (no credentials; no CSRF token needed). Opens a web session: sets the
        `cofund_session` cookie; send the returned `csrf_token` in `X-CSRF-Token` on every unsafe
        request made with that cookie. Wrong credentials answer 401; too many recent failures for
        the account from this address (a delay doubling with each further failure) or for the
        address answer 429 with `Retry-After` (checked before the password). Failures are recorded.
        The body must be `application/json` (415 otherwise) and a browser's request from another
        site (`Origin`, `Sec-Fetch-Site`) is refused (403).
        """
        opened = await auth.login(
            db_session,
            settings,
            email=data.email,
            password=data.password,
            address=client_address(request),
        )
        body = schemas.Session(
            user=services.user_view(opened.user),
            csrf_token=opened.row.csrf_token,
            expires_at=opened.row.expires_at,
        )
        return Response(
            body,
            cookies=[
                session_cookie(settings, opened.cookie_value, settings.session_max_age_seconds)
            ],
        )

    @post("/logout", name="auth:logout", status_code=200, guards=[authenticated])
    async def logout(
        self, principal: Principal, db_session: AsyncSession, settings: Settings
    ) -> Response[dict[str, str]]:
        """End the current web session and clear its cookie.

        Any signed-in user. Ends the caller's web session (a bearer token is not revoked: use `POST
        /api/me/tokens/{token_id}/revoke`) and clears the cookie.
        """
        if principal.auth_kind == "session":
            await auth.logout(db_session, principal.credential_id)
        return Response({"status": "signed out"}, cookies=[session_cookie(settings, "", 0)])


class MeController(Controller):
    path = "/api/me"
    tags = ["me"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012

    @get("/", name="me:show")
    async def show(self, principal: Principal, db_session: AsyncSession) -> schemas.Session:
        """The caller's account and, for a web session, its CSRF token.

        Any signed-in user. Changes nothing; a web-session caller gets the CSRF token to echo in
        `X-CSRF-Token`.
        """
        user = await services.get_user(db_session, principal.user_id)
        return schemas.Session(user=services.user_view(user), csrf_token=principal.csrf_token)

    @patch("/", name="me:update")
    async def update(
        self, principal: Principal, data: schemas.UserUpdate, db_session: AsyncSession
    ) -> schemas.User:
        """Change one's own display name, locale or time zone.

        Any signed-in user, for their own account only (roles and state are an admin's). Audited as
        `user.update`.
        """
        user = await services.get_user(db_session, principal.user_id)
        return services.user_view(
            await services.update_profile(db_session, user, data, actor=principal.actor)
        )

    @post("/password", name="me:password", status_code=200)
    async def password(
        self, principal: Principal, data: schemas.PasswordChange, db_session: AsyncSession
    ) -> dict[str, str]:
        """Change one's password; other web sessions end.

        Any signed-in user, for themself, sending the current password (422 naming
        `current_password` when it is wrong). Ends every other web session of the account; audited
        as `user.password`.
        """
        user = await services.get_user(db_session, principal.user_id)
        await services.change_password(db_session, user, data, actor=principal.actor)
        return {"status": "password changed"}

    @get("/tokens", name="me:tokens")
    async def tokens(self, principal: Principal, db_session: AsyncSession) -> list[schemas.Token]:
        """The caller's API tokens (never their secrets).

        Any signed-in user: only their own tokens, with names, creation, last use and revocation
        times. Changes nothing.
        """
        return [
            schemas.Token.model_validate(t)
            for t in await services.list_tokens(db_session, principal.user_id)
        ]

    @post("/tokens", name="me:token-create")
    async def create_token(
        self, principal: Principal, data: schemas.TokenCreate, db_session: AsyncSession
    ) -> schemas.TokenCreated:
        """Create a bearer token; its secret is in this response only.

        Any signed-in user, for themself. Creates an API token (`Authorization: Bearer cft_…`) with
        a name and optional expiry; audited as `token.create`.
        """
        user = await services.get_user(db_session, principal.user_id)
        token, secret = await services.create_token(db_session, user, data, actor=principal.actor)
        return schemas.TokenCreated(
            **schemas.Token.model_validate(token).model_dump(), token=secret
        )

    @post("/tokens/{token_id:uuid}/revoke", name="me:token-revoke", status_code=200)
    async def revoke_token(
        self, principal: Principal, token_id: uuid.UUID, db_session: AsyncSession
    ) -> schemas.Token:
        """Revoke one of the caller's tokens.

        Any signed-in user, for their own tokens only (another user's token answers 404). The token
        stops working at once; audited as `token.revoke`.
        """
        token = await services.revoke_token(
            db_session, principal.user_id, token_id, actor=principal.actor
        )
        return schemas.Token.model_validate(token)


class UserController(Controller):
    path = "/api/users"
    tags = ["users"]  # noqa: RUF012
    guards = [requires_or_audits(Role.ADMIN)]  # noqa: RUF012 - auditors read, never write
    dependencies = {"window": Provide(provide_window, sync_to_thread=False)}  # noqa: RUF012

    @get("/", name="users:list")
    async def list_users(
        self,
        db_session: AsyncSession,
        window: Window,
        role: str | None = one_of("role", Role),
        account_state: str | None = one_of("state", AccountState),
        q: str | None = Parameter(query="q", default=None, max_length=100),
    ) -> Page[schemas.User]:
        """Users, filtered by role, state or a name/email fragment.

        Admins and auditors (403 for everyone else). A page of accounts (`limit`, `offset`).
        Changes nothing.
        """
        rows, total = await fetch_page(
            db_session,
            services.users_query(
                role=checked("role", role, Role),
                state=checked("state", account_state, AccountState),
                q=q,
            ),
            window,
        )
        return Page.of([services.user_view(u) for u in rows], total, window)

    @post("/", name="users:create")
    async def create(
        self, principal: Principal, data: schemas.UserCreate, db_session: AsyncSession
    ) -> schemas.User:
        """Create an account with its roles.

        Admins only (403 for everyone else). Creates an active account with a password and roles;
        an officer role names its agency. 409 when the email is taken. Audited as `user.create`.
        """
        return services.user_view(
            await services.create_user(db_session, data, actor=principal.actor)
        )

    @get("/{user_id:uuid}", name="users:show")
    async def show(self, user_id: uuid.UUID, db_session: AsyncSession) -> schemas.User:
        """One user.

        Admins and auditors (403 for everyone else). Changes nothing.
        """
        return services.user_view(await services.get_user(db_session, user_id))

    @patch("/{user_id:uuid}", name="users:update")
    async def update(
        self,
        principal: Principal,
        user_id: uuid.UUID,
        data: schemas.UserUpdate,
        db_session: AsyncSession,
    ) -> schemas.User:
        """Edit a user's profile.

        Admins only. Changes another user's name, locale or time zone. Audited as `user.update`.
        """
        user = await services.get_user(db_session, user_id)
        return services.user_view(
            await services.update_profile(db_session, user, data, actor=principal.actor)
        )

    @put("/{user_id:uuid}/roles", name="users:roles")
    async def roles(
        self,
        principal: Principal,
        user_id: uuid.UUID,
        data: schemas.RolesReplace,
        db_session: AsyncSession,
    ) -> schemas.User:
        """Replace a user's roles (an officer role names its agency).

        Admins only. Replaces every role of the user under the version you saw (409 when stale);
        the last active admin keeps the admin role (409). Audited as `user.roles`.
        """
        user = await services.get_user(db_session, user_id)
        return services.user_view(
            await services.replace_roles(db_session, user, data, actor=principal.actor)
        )
