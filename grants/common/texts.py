"""The one multilingual text of the API: `{"en": …, "ja": …, "vi": …}`.

Every text a call or a proposal carries in the three languages of the programme (a call's title
and description, a proposal's title and abstract) is a `MultilingualText` in a request body:
English required (every agency reads it), Japanese and Vietnamese optional, each language
stripped and length-limited, and a key that is no language of the programme refused with a
field error naming it (`title.fr`). `MultilingualTitle` is the same type with a title's length.

A `PATCH` merges a text per language (RFC 7396 on the nested object): `MultilingualTextPatch`
and `MultilingualTitlePatch` take the same languages, each optional, `null` removing one;
`merged` applies the patch to the stored text, and `english_missing` names the text whose
English the patch would remove (English cannot be cleared; the caller says in which words).

Stored and shown, a text is a plain `dict[str, str]` without the languages it lacks (`Stored`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field

from grants.common.schemas import Input
from grants.errors import FieldError
from messages import Message, MessageError, define

LANGUAGES = ("en", "ja", "vi")
"""English, Japanese, Vietnamese: the programme's languages, in the order texts list them."""
TEXT_MAX = 20_000
TITLE_MAX = 500

Stored = dict[str, str]
"""A text as stored and shown: only the languages it has."""

UNKNOWN_LANGUAGE = define(
    "text.language.unknown", "not a language of the texts; the languages are {languages}"
)


def _unknown_language(value: Any) -> Any:
    # Every key that is no language of the programme lands here (see `__pydantic_extra__`).
    raise MessageError(UNKNOWN_LANGUAGE(languages=LANGUAGES))


UnknownLanguage = Annotated[None, BeforeValidator(_unknown_language)]


def _language(max_length: int, *, required: bool = False) -> Any:
    # A plain `Field` on each language (not an Annotated alias) so that the OpenAPI schema
    # Litestar builds shows the limits on the optional languages too.
    if required:
        return Field(min_length=1, max_length=max_length)
    return Field(default=None, min_length=1, max_length=max_length)


class _Languages(Input):
    # Extra keys are allowed only so that each is refused by name with a readable reason
    # (with `extra="forbid"` Pydantic says "Extra inputs are not permitted").
    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)
    __pydantic_extra__: dict[str, UnknownLanguage] = Field(init=False)

    def stored(self) -> Stored:
        """The languages given, in the programme's order, as stored."""
        values = self.model_dump(include=set(LANGUAGES))
        return {lang: values[lang] for lang in LANGUAGES if values.get(lang) is not None}


class MultilingualText(_Languages):
    """A text in English (required) and optionally Japanese and Vietnamese."""

    en: str = _language(TEXT_MAX, required=True)
    ja: str | None = _language(TEXT_MAX)
    vi: str | None = _language(TEXT_MAX)


class MultilingualTitle(MultilingualText):
    """A `MultilingualText` of at most 500 characters in each language."""

    en: str = _language(TITLE_MAX, required=True)
    ja: str | None = _language(TITLE_MAX)
    vi: str | None = _language(TITLE_MAX)


class MultilingualTextPatch(_Languages):
    """A merge patch of a `MultilingualText`: a language sent replaces it, `null` removes it
    (English cannot be removed: see `english_missing`), one left out stays."""

    en: str | None = _language(TEXT_MAX)
    ja: str | None = _language(TEXT_MAX)
    vi: str | None = _language(TEXT_MAX)

    def merged(self, stored: Mapping[str, str]) -> Stored:
        """`stored` with this patch applied (RFC 7396), in the programme's order."""
        sent = self.model_dump(include=self.model_fields_set & set(LANGUAGES))
        texts = {**stored, **sent}
        return {lang: texts[lang] for lang in LANGUAGES if texts.get(lang) is not None}


class MultilingualTitlePatch(MultilingualTextPatch):
    """A merge patch of a `MultilingualTitle`."""

    en: str | None = _language(TITLE_MAX)
    ja: str | None = _language(TITLE_MAX)
    vi: str | None = _language(TITLE_MAX)


def english_missing(field: str, texts: Mapping[str, str], reason: Message) -> list[FieldError]:
    """`[FieldError("<field>.en", reason)]` when a merged text has no English, else `[]`."""
    return [] if texts.get("en") else [FieldError(f"{field}.en", reason)]
