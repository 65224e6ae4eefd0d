"""The language of a page, and the pages' Jinja environment speaking it.

A page is in the language asked for with `?lang=` (remembered in a cookie), else the one
remembered, else the reader's saved locale, else `Accept-Language`, else English
(`grants.common.locales.request_locale` decides the last three). Templates translate with
`{{ _("…") }}` and `{% trans %}`; their gettext reads the page's `locale` from the template
context, which every render gets (the views pass it; any other render derives it from the
request), so `<html lang="{{ locale }}">` and the text always agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import Template as JinjaTemplate
from jinja2 import pass_context
from jinja2.runtime import Context
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.plugins.jinja import JinjaTemplateEngine

from grants.common.locales import request_locale
from grants.settings import Settings
from messages import LOCALES
from messages.render import catalog

LANG_PARAM = "lang"
LANG_COOKIE = "cofund_lang"
_REMEMBER_SECONDS = 365 * 24 * 3600
# Each language named in itself, for the switcher: a reader finds their own without reading ours.
LANGUAGES = (("en", "English"), ("ja", "日本語"), ("vi", "Tiếng Việt"))


def asked_locale(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The language this request asks for with `?lang=`, when it is one we speak."""
    asked = connection.query_params.get(LANG_PARAM)
    return asked if asked in LOCALES else None


def page_locale(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The language to show this page in (the order is in the module docstring)."""
    remembered = connection.cookies.get(LANG_COOKIE)
    if asked := asked_locale(connection):
        return asked
    if remembered in LOCALES:
        return remembered
    return request_locale(connection)


def remember_choice(
    connection: ASGIConnection[Any, Any, Any, Any], settings: Settings
) -> list[Cookie]:
    """The cookie keeping a language chosen with `?lang=` for the next pages (none otherwise)."""
    asked = asked_locale(connection)
    if asked is None:
        return []
    return [
        Cookie(
            key=LANG_COOKIE,
            value=asked,
            max_age=_REMEMBER_SECONDS,
            httponly=True,
            secure=settings.cookie_secure,
            samesite="lax",
            path="/",
        )
    ]


def _locale_of(context: Context) -> str:
    locale = context.get("locale")
    return locale if locale in LOCALES else "en"


@pass_context
def _gettext(context: Context, message: str) -> str:
    return catalog(_locale_of(context)).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, number: int) -> str:
    return catalog(_locale_of(context)).ngettext(singular, plural, number)


class LocalisedTemplate(JinjaTemplate):
    """A template whose every render knows its page's `locale`: given by the view, or derived
    from the request (an error page rendered by the exception handlers)."""

    def new_context(
        self,
        vars: dict[str, Any] | None = None,
        shared: bool = False,
        locals: Mapping[str, Any] | None = None,
    ) -> Context:
        if vars is None or "locale" not in vars:
            request = (vars or {}).get("request")
            locale = page_locale(request) if request is not None else "en"
            vars = {**(vars or {}), "locale": locale}
        return super().new_context(vars, shared, locals)


def configure_templates(engine: JinjaTemplateEngine) -> None:
    """Give the pages' Jinja environment gettext in each page's language (Jinja's i18n
    extension, new-style: `_("Hello %(name)s", name=…)` escapes and fills its parameters)."""
    environment = engine.engine
    environment.add_extension("jinja2.ext.i18n")
    # The extension adds this method to the environment; Jinja's types do not declare it.
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True
    )
    environment.template_class = LocalisedTemplate
    environment.globals["languages"] = LANGUAGES
