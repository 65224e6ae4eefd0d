"""Mails written from templates in the recipient's language: `templates/mail/<name>.subject.txt`
and `<name>.txt`, Jinja2 with gettext from the messages catalogs (`{% trans %}` blocks; their
English is the msgid, no msgctxt). The outbox holds plain text, so there is no HTML part.

Values a template shows (deadlines in both agencies' zones, amounts, dates) go through the
`local` filter, which formats them for the mail's language as messages do."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from messages import LOCALES, format_value
from messages.render import catalog

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "mail"


def _local(locale: str) -> Any:
    def local(value: Any) -> str:
        return format_value(value, locale)

    return local


@cache
def _environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        extensions=["jinja2.ext.i18n"],
        autoescape=False,  # noqa: S701 - plain text mails, no HTML to escape into
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    env.install_gettext_translations(catalog(locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters["local"] = _local(locale)
    return env


def render_mail(name: str, locale: str | None, **context: Any) -> tuple[str, str]:
    """The subject (one line) and text body of mail `name` in `locale`: the recipient's saved
    language; English when they chose none (a mail has no Accept-Language to go by) or one we
    do not speak. Raises jinja2's UndefinedError when the context lacks a value."""
    env = _environment(locale if locale in LOCALES else "en")
    subject = env.get_template(f"{name}.subject.txt").render(context)
    body = env.get_template(f"{name}.txt").render(context)
    return " ".join(subject.split()), body
