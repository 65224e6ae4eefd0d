"""The catalogs hold every message of the code and the templates, each truly translated into
Vietnamese and Japanese with the English placeholders (see messages/catalogs.py)."""

from __future__ import annotations

from messages.catalogs import check


def test_every_message_is_translated_with_its_placeholders() -> None:
    assert check() == []
