"""Web pages: sign-in and the dashboard (the start page), in the page's language
(`grants.web.i18n`). Forms carry the session's CSRF token."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.accounts import auth
from grants.accounts.controllers import session_cookie
from grants.common.deps import client_address
from grants.db.models import Agency
from grants.errors import DomainError, Forbidden
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings
from grants.web.dashboard import dashboard
from grants.web.i18n import page_locale, remember_choice
from grants.web.layout import page
from messages import Message, define, render

LOGIN_CSRF_COOKIE = "cofund_login_csrf"
FORM_EXPIRED = define("web.login.form_expired", "The form expired; please try again.")
FORM_CSRF_REFUSED = define(
    "web.form.csrf_refused", "The form's CSRF token is missing or wrong; reload the page."
)


class LoginForm(BaseModel):
    email: str = ""
    password: str = ""
    csrf: str = ""
    next: str = ""


class CsrfForm(BaseModel):
    csrf: str = ""


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path of this site (`/proposals/…?lang=ja`), else None: never
    another site (`//evil.example`, `https://…`, `/\\evil`), so `next` opens no redirect."""
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if target.startswith(("//", "/\\")) or any(ord(c) < 0x20 or c == "\\" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path.startswith("/login"):
        return None
    return target


def _same_site_referer(request: Request[Any, Any, Any]) -> str | None:
    """The page a form was posted from, when it is one of ours (its path and query)."""
    referer = urlsplit(request.headers.get("referer", ""))
    ours = urlsplit(str(request.base_url))
    if (referer.scheme, referer.netloc) != (ours.scheme, ours.netloc):
        return None
    return safe_next(urlunsplit(("", "", referer.path, referer.query, "")))


def login_path(request: Request[Any, Any, Any]) -> str:
    """The sign-in page, with the page to come back to: this one for a page read, the page a
    form was sent from for a form (its unsent fields are kept by cofund.js), or the page an
    htmx request updates. The start page needs no `next`."""
    if request.method == "GET" and not request.headers.get("hx-request"):
        query = request.url.query
        back = safe_next(request.url.path + (f"?{query}" if query else ""))
    elif request.headers.get("hx-current-url"):
        current = urlsplit(request.headers["hx-current-url"])
        ours = urlsplit(str(request.base_url))
        same = (current.scheme, current.netloc) == (ours.scheme, ours.netloc)
        back = safe_next(urlunsplit(("", "", current.path, current.query, ""))) if same else None
    else:
        back = _same_site_referer(request)
    login = request.app.route_reverse("web:login")
    return f"{login}?{urlencode({'next': back})}" if back and back != "/" else login


def _sign(settings: Settings, token: str) -> str:
    return hmac.new(settings.secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def _login_token(request: Request[Any, Any, Any], settings: Settings) -> str | None:
    """The form token from the login cookie, if the cookie carries our signature.

    A signed double-submit cookie: a cookie planted by a sibling subdomain cannot be signed.
    """
    token, _, signature = request.cookies.get(LOGIN_CSRF_COOKIE, "").partition(".")
    if token and hmac.compare_digest(signature, _sign(settings, token)):
        return token
    return None


def _login_page(
    request: Request[Any, Any, Any],
    settings: Settings,
    error: Message | str | None = None,
    email: str = "",
    status: int = 200,
    next_page: str | None = None,
) -> Template:
    # Reuse the browser's token so a second sign-in tab does not expire the first one's form.
    token = _login_token(request, settings) or secrets.token_urlsafe(32)
    cookie = Cookie(
        key=LOGIN_CSRF_COOKIE,
        value=f"{token}.{_sign(settings, token)}",
        httponly=True,
        samesite="strict",
        path="/login",
        secure=settings.cookie_secure,
    )
    locale = page_locale(request)
    said = render(error, locale) if isinstance(error, Message) else error
    back = (
        safe_next(next_page)
        if next_page is not None
        else safe_next(request.query_params.get("next"))
    )
    return Template(
        "auth/login.html",
        context={
            "csrf": token,
            "error": said,
            "email": email,
            "locale": locale,
            "next": back or "",
        },
        status_code=status,
        cookies=[cookie, *remember_choice(request, settings)],
        headers={"Content-Language": locale},
    )


class WebController(Controller):
    include_in_schema = False

    @get("/login", name="web:login")
    async def login_page(self, request: Request[Any, Any, Any], settings: Settings) -> Template:
        return _login_page(request, settings)

    @post("/login", name="web:login-submit")
    async def login_submit(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        settings: Settings,
        data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        expected = _login_token(request, settings)
        if not expected or not secrets.compare_digest(expected, data.csrf):
            return _login_page(
                request, settings, FORM_EXPIRED(), data.email, status=403, next_page=data.next
            )
        try:
            opened = await auth.login(
                db_session,
                settings,
                email=data.email,
                password=data.password,
                address=client_address(request),
            )
        except DomainError as exc:
            return _login_page(
                request, settings, exc.detail, data.email, status=exc.status, next_page=data.next
            )
        return Redirect(
            path=safe_next(data.next) or request.app.route_reverse("web:home"),
            cookies=[
                session_cookie(settings, opened.cookie_value, settings.session_max_age_seconds)
            ],
        )

    @post("/logout", name="web:logout", guards=[authenticated])
    async def logout(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        data: Annotated[CsrfForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        check_form_csrf(principal, data.csrf)
        await auth.logout(db_session, principal.credential_id)
        return Redirect(
            path=request.app.route_reverse("web:login"), cookies=[session_cookie(settings, "", 0)]
        )

    @get("/", name="web:home", guards=[authenticated])
    async def home(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
    ) -> Template:
        """The dashboard: the reader's proposals and invitations with their states, then the
        agencies."""
        agencies = list(await db_session.scalars(select(Agency).order_by(Agency.code)))
        scope = next((a for a in agencies if a.id == principal.officer_agency_id), None)
        return page(
            request,
            "home/index.html",
            settings=settings,
            principal=principal,
            agencies=agencies,
            officer_agency=scope,
            **await dashboard(db_session, principal),
        )


def check_form_csrf(principal: Principal, token: str) -> None:
    """Every web form posts the session's CSRF token (a hidden `csrf` field)."""
    if not principal.csrf_token or not secrets.compare_digest(principal.csrf_token, token):
        raise Forbidden(FORM_CSRF_REFUSED())
