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
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from jinja2 import Template as JinjaTemplate
from jinja2 import pass_context
from jinja2.runtime import Context
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.plugins.jinja import JinjaTemplateEngine

from grants.common.locales import request_locale
from grants.settings import Settings
from grants.web.terms import LABELS
from messages import LOCALES, Instant, Message, format_value
from messages.render import catalog, render

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


@pass_context
def _say(context: Context, message: Message | str) -> str:
    """A message (a guard's reason, a checklist item) in the reader's language."""
    return render(message, _locale_of(context)) if isinstance(message, Message) else message


def _pairs(values: Any) -> list[tuple[str, str]]:
    """`["a", "b"]` as select options whose value is their text."""
    return [(v, v) for v in values]


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
    environment.filters.update(
        money=_money,
        instant=_instant,
        number=_number,
        day=_day,
        state=_state,
        zip_pairs=_pairs,
        say=_say,
    )


@dataclass(frozen=True, slots=True)
class _Money:
    amount: int
    currency: str


@pass_context
def _money(context: Context, amount: int, currency: str) -> str:
    """Integer minor units in `currency`, written the reader's way (`¥1,200,000`, `1.200.000 ₫`)."""
    return format_value(_Money(int(amount), currency), _locale_of(context))


@pass_context
def _instant(context: Context, at: datetime, *zones: str) -> str:
    """An instant in each of `zones` (a deadline: Japan time and Vietnam time), in the reader's
    language."""
    return format_value(Instant(at, tuple(zones) or ("UTC",)), _locale_of(context))


@pass_context
def _state(context: Context, value: str, kind: str) -> str:
    """A state (or role) of `kind` in the reader's language; an unknown one as its code."""
    definition = LABELS.get(f"{kind}.{value}")
    return render(definition(), _locale_of(context)) if definition else str(value)


@pass_context
def _number(context: Context, value: int | float) -> str:
    return format_value(value, _locale_of(context))


@pass_context
def _day(context: Context, value: date) -> str:
    return format_value(value, _locale_of(context))
