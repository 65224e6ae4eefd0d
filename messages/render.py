"""Rendering a message in a language: the catalog's translation, its parameters formatted for
that locale with Babel (money with the currency's digits, instants in each zone given, lists
joined as the language joins them)."""

from __future__ import annotations

import gettext
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format, get_timezone_name
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, get_currency_precision

from messages.core import REGISTRY, Message
from messages.params import Instant, MoneyLike, Term

__all__ = ["CATALOGS", "DOMAIN", "LOCALES", "catalog", "format_value", "negotiate", "render"]

LOCALES = ("en", "vi", "ja")
DOMAIN = "messages"
CATALOGS = Path(__file__).parent / "locale"


@cache
def catalog(locale: str) -> gettext.NullTranslations:
    """The compiled catalog of `locale` (`make` compiles it); read from the `.po` when the `.mo`
    is missing or older, so a checkout that has not run `make` still speaks every language."""
    folder = CATALOGS / locale / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if not po.exists():
        return gettext.NullTranslations()
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    import io

    with po.open("rb") as handle:
        buffer = io.BytesIO()
        write_mo(buffer, read_po(handle, locale=locale))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def negotiate(preferred: str | None, accept_language: str | None) -> str:
    """The reader's language: their saved one, else the best of `Accept-Language` (weights
    honoured, `vi-VN` read as `vi`), else English."""
    if preferred in LOCALES:
        return preferred
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate((accept_language or "").split(",")):
        tag, _, weight = item.strip().partition(";")
        quality = 1.0
        if weight.strip().startswith("q="):
            try:
                quality = float(weight.strip()[2:])
            except ValueError:
                quality = 0.0
        language = tag.strip().split("-")[0].lower()
        if language in LOCALES and quality > 0:
            ranked.append((-quality, index, language))
    return min(ranked)[2] if ranked else "en"


def translate(code: str, text: str, locale: str) -> str:
    return catalog(locale).pgettext(code, text)


def render(message: Message, locale: str) -> str:
    """`message` in `locale` (one of LOCALES; anything else renders in English)."""
    locale = locale if locale in LOCALES else "en"
    template = translate(message.code, message.text, locale)
    values = {name: format_value(value, locale) for name, value in message.params.items()}
    return template.format_map(values)


def format_value(value: Any, locale: str) -> str:
    """One value as a message parameter shows it in `locale` (money, instants in their zones,
    dates, numbers, lists, terms)."""
    if isinstance(value, Message):
        return render(value, locale)
    if isinstance(value, Term):
        definition = REGISTRY.get(value.code)
        return translate(value.code, definition.text, locale) if definition else value.value
    if isinstance(value, Instant):
        return _instant(value, locale)
    if isinstance(value, datetime):
        return _instant(Instant(value), locale)
    if isinstance(value, date):
        return format_date(value, "medium", locale=locale)
    if isinstance(value, MoneyLike) and not isinstance(value, str | int):
        return _money(value, locale)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | Decimal | float):
        return format_decimal(value, locale=locale)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return format_list([format_value(item, locale) for item in value], locale=locale)
    return str(value)


def _money(value: MoneyLike, locale: str) -> str:
    digits = get_currency_precision(value.currency)
    major = Decimal(value.amount).scaleb(-digits)
    return format_currency(major, value.currency, locale=locale, currency_digits=True)


def _instant(value: Instant, locale: str) -> str:
    """`Mar 31, 2027, 5:00 PM (Japan Time) / Mar 31, 2027, 3:00 PM (Vietnam Time)`: the date
    and minute in each zone, the zone named in the reader's language."""
    zones = list(dict.fromkeys(value.zones)) or ["UTC"]
    pattern = str(get_datetime_format("medium", locale=Locale.parse(locale)))
    shown = []
    for name in zones:
        local = value.at.astimezone(ZoneInfo(name)) if name != "UTC" else value.at.astimezone(UTC)
        text = pattern.replace("{1}", format_date(local.date(), "medium", locale=locale))
        text = text.replace("{0}", format_time(local, "short", tzinfo=local.tzinfo, locale=locale))
        zone = "UTC" if name == "UTC" else get_timezone_name(local.tzinfo, locale=locale)
        shown.append(f"{text} ({zone})")
    return " / ".join(shown)
