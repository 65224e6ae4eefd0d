"""What every page's layout needs, in one place: the reader, their language and time zone, the
form token, the flash message left by the previous request, and the breadcrumbs.

A view renders with `page(request, "dir/name.html", principal=…, crumbs=[…], **context)`; the
layout (`templates/base.html`) draws the navigation for the reader's roles, the language
switcher, their name and time zone, the skip link, the flash and the breadcrumbs. A handler
that redirects after a change says what happened with `flash(redirect, SAVED())`: the message's
code and parameters travel in a short-lived cookie and show once, in the next page's language.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template

from grants.security.principal import Principal
from grants.settings import Settings
from grants.web.i18n import page_locale, remember_choice
from messages import REGISTRY, Message, render

FLASH_COOKIE = "cofund_flash"
FlashKind = Literal["success", "error", "info"]


@dataclass(frozen=True, slots=True)
class Crumb:
    """One step of the breadcrumbs: its label (already in the reader's language) and its link
    (none for the current page)."""

    label: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Flash:
    kind: FlashKind
    text: str


def flash(
    response: Redirect, message: Message, settings: Settings, kind: FlashKind = "success"
) -> Redirect:
    """`response` carrying `message` to show once on the next page."""
    params = {k: v for k, v in message.params.items() if isinstance(v, str | int)}
    value = json.dumps({"code": message.code, "kind": kind, "params": params}, ensure_ascii=True)
    response.cookies.append(
        Cookie(
            key=FLASH_COOKIE,
            value=value,
            max_age=60,
            httponly=True,
            secure=settings.cookie_secure,
            samesite="lax",
            path="/",
        )
    )
    return response


def _taken_flash(request: Request[Any, Any, Any], locale: str) -> Flash | None:
    """The flash left for this page, when it names a message we define (a forged cookie can
    only pick one of our sentences, never write its own)."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        data = json.loads(raw)
        definition = REGISTRY[data["code"]]
        kind = data["kind"] if data["kind"] in ("success", "error", "info") else "info"
        params = {str(k): v for k, v in dict(data.get("params", {})).items()}
        return Flash(kind, render(definition(**params), locale))
    except Exception:  # unreadable, or parameters that no longer fit: drop it
        return None


def page(
    request: Request[Any, Any, Any],
    template: str,
    *,
    settings: Settings,
    principal: Principal | None = None,
    crumbs: Sequence[Crumb] = (),
    status: int = 200,
    **context: Any,
) -> Template:
    """`template` rendered in the page's language with the layout's context."""
    locale = page_locale(request)
    shown = _taken_flash(request, locale)
    cookies = list(remember_choice(request, settings))
    if request.cookies.get(FLASH_COOKIE):
        cookies.append(Cookie(key=FLASH_COOKIE, value="", max_age=0, path="/"))
    return Template(
        template,
        context={
            **context,
            "me": principal,
            "csrf": principal.csrf_token if principal else context.get("csrf"),
            "locale": locale,
            "crumbs": list(crumbs),
            "flash": shown,
        },
        status_code=status,
        cookies=cookies,
        headers={"Content-Language": locale},
    )
