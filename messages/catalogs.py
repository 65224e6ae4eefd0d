"""Keeping the catalogs true to the code: extract every message, update each language's `.po`,
and list what is missing. `python -m messages.catalogs update` (`make catalogs`) writes;
`check()` (the catalogs test) only reads.

Extraction follows `babel.cfg`; `define(code, text)` is read as gettext's `pgettext`, so each
entry's msgctxt is its code.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from messages.core import placeholders
from messages.render import CATALOGS, DOMAIN, LOCALES

_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {**DEFAULT_KEYWORDS, "define": ((1, "c"), 2)}
_PERCENT = re.compile(r"%\((\w+)\)s")

Key = tuple[str | None, str]


def extract() -> Catalog:
    """Every message of the code and the templates, as a template catalog."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    # A fixed creation date and entries sorted by code keep `make catalogs` from rewriting
    # lines that did not change, so catalogs merge cleanly.
    template = Catalog(project="CoFund", domain=DOMAIN, creation_date=_EPOCH)
    found = extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    )
    for _, _, message, comments, context in sorted(found, key=lambda m: (m[4] or "", str(m[2]))):
        template.add(message, None, auto_comments=comments, context=context)
    return template


def po_path(locale: str) -> Path:
    return CATALOGS / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(locale: str) -> Catalog:
    path = po_path(locale)
    if not path.exists():
        return Catalog(locale=locale, domain=DOMAIN, project="CoFund")
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def update() -> None:
    """Bring every language's `.po` in line with the code: new messages added untranslated,
    vanished ones dropped; translations kept."""
    template = extract()
    for locale in LOCALES:
        catalog = read(locale)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        catalog.fuzzy = False  # a fuzzy header makes `pybabel compile` skip the whole file
        if locale == "en":  # the source language: each entry is its own English, in full
            for message in catalog:
                if message.id and not message.string:
                    message.string = message.id
        path = po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, no_location=True, width=100)


def names_in(text: str) -> frozenset[str]:
    """The placeholders of a text: `{name}` (our messages) and `%(name)s` (templates)."""
    return placeholders(text) | frozenset(_PERCENT.findall(text))


def check() -> list[str]:
    """Every problem of the catalogs, one line each: a message missing from a language, left
    untranslated or fuzzy, with other placeholders than the English, or no longer in the code."""
    template = extract()
    wanted: dict[Key, str] = {(m.context, str(m.id)): str(m.id) for m in template if m.id}
    problems = []
    for locale in LOCALES:
        catalog = read(locale)
        held = {(m.context, str(m.id)): m for m in catalog if m.id}
        for key, english in sorted(wanted.items(), key=lambda item: (item[0][0] or "", item[1])):
            entry = held.get(key)
            label = f"{locale}: {key[0] or ''} {english!r}"
            if entry is None:
                problems.append(f"{label} is missing (run `make catalogs`)")
            elif locale != "en" and (not entry.string or entry.fuzzy):
                problems.append(f"{label} has no translation")
            elif entry.string and names_in(str(entry.string)) != names_in(english):
                problems.append(f"{label} has placeholders {sorted(names_in(str(entry.string)))}")
        problems += [
            f"{locale}: {key[0] or ''} {key[1]!r} is no longer in the code (run `make catalogs`)"
            for key in held.keys() - wanted.keys()
        ]
    return problems


if __name__ == "__main__":
    if sys.argv[1:] == ["update"]:
        update()
    elif sys.argv[1:] == ["check"]:
        found = check()
        print("\n".join(found) or "catalogs complete")
        sys.exit(1 if found else 0)
    else:
        sys.exit("usage: python -m messages.catalogs update|check")
