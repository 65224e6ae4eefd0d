"""The one multilingual text type: languages, stripping, limits, unknown keys, merge patch."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from grants.common.edits import CANNOT_CLEAR
from grants.common.pydantic_messages import pydantic_message
from grants.common.texts import (
    MultilingualText,
    MultilingualTextPatch,
    MultilingualTitle,
    english_missing,
)
from grants.errors import FieldError
from messages import render


class Body(BaseModel):
    title: MultilingualTitle
    description: MultilingualText | None = None
    patch: MultilingualTextPatch | None = None


def errors_of(
    data: dict[str, object], locale: str = "en"
) -> list[tuple[tuple[str | int, ...], str]]:
    """Each refused field and its reason as the reader sees it."""
    with pytest.raises(ValidationError) as refused:
        Body.model_validate(data)
    return [(e["loc"], render(pydantic_message(e), locale)) for e in refused.value.errors()]


UNKNOWN = "not a language of the texts; the languages are en, ja, and vi"


def test_text_stripped_and_stored_without_missing_languages() -> None:
    body = Body.model_validate({"title": {"vi": " Bán dẫn ", "en": "  Chips\n"}})

    assert body.title.stored() == {"en": "Chips", "vi": "Bán dẫn"}


def test_text_unknown_language_refused_naming_each_key() -> None:
    found = errors_of({"title": {"en": "Chips", "fr": "Puces", "de": None}})

    assert found == [(("title", "fr"), UNKNOWN), (("title", "de"), UNKNOWN)]


def test_text_unknown_language_refused_in_the_readers_language() -> None:
    data = {"title": {"en": "Chips", "fr": "Puces"}}

    assert [errors_of(data, locale) for locale in ("ja", "vi")] == [
        [(("title", "fr"), "テキストの言語ではありません（使用できる言語：en、ja、vi）")],
        [(("title", "fr"), "không phải ngôn ngữ của văn bản; các ngôn ngữ là en, ja và vi")],
    ]


def test_text_english_required_and_blank_refused() -> None:
    found = errors_of({"title": {"ja": "半導体"}, "description": {"en": "   "}})

    assert found == [
        (("title", "en"), "This field is required."),
        (("description", "en"), "Give at least 1 characters."),
    ]


def test_title_limited_per_language() -> None:
    found = errors_of({"title": {"en": "Chips", "ja": "題" * 501}})

    assert found == [(("title", "ja"), "Give at most 500 characters.")]


def test_patch_null_removes_a_language_and_absent_keeps_it() -> None:
    patch = MultilingualTextPatch.model_validate({"ja": None, "vi": "Chip"})

    assert patch.merged({"en": "Chips", "ja": "チップ"}) == {"en": "Chips", "vi": "Chip"}


def test_patch_unknown_language_refused() -> None:
    found = errors_of({"title": {"en": "Chips"}, "patch": {"EN": "Chips"}})

    assert found == [(("patch", "EN"), UNKNOWN)]


def test_english_missing_names_the_text() -> None:
    merged = MultilingualTextPatch.model_validate({"en": None}).merged({"en": "A", "ja": "あ"})

    assert english_missing("abstract", merged, CANNOT_CLEAR) == [
        FieldError("abstract.en", CANNOT_CLEAR)
    ]
    assert english_missing("abstract", {"en": "A"}, CANNOT_CLEAR) == []
