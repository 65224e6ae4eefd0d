"""The pure parts of the reviewers' pages: which language a text is shown in, and how a typed
review form becomes the API's review body."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.errors import Invalid
from grants.web.reviewer_pages import text_in
from grants.web.reviewer_views import review_body

LANGUAGES = st.sampled_from(["en", "ja", "vi"])
TEXTS = st.dictionaries(LANGUAGES, st.text(min_size=1, max_size=20), max_size=3)


@given(TEXTS, LANGUAGES)
def test_text_in_is_the_readers_language_else_english_else_any(
    texts: dict[str, str], locale: str
) -> None:
    shown, language = text_in(texts, locale)

    if locale in texts:
        assert (shown, language) == (texts[locale], locale)
    elif "en" in texts:
        assert (shown, language) == (texts["en"], "en")
    elif texts:
        assert texts[language] == shown
    else:
        assert (shown, language) == ("", locale)


def test_review_form_becomes_review_body_leaving_blanks_out() -> None:
    typed = {
        "csrf": "token",
        "version": "3",
        "score.novelty": "4",
        "score.impact": " ",
        "comments_to_applicants": "Clear aims.",
        "confidential_comments": "",
        "recommendation": "fund",
        "confidence": "5",
        "action": "save",
    }

    body = review_body(typed)

    assert body.model_dump() == {
        "version": 3,
        "scores": {"novelty": 4},
        "comments_to_applicants": "Clear aims.",
        "confidential_comments": None,
        "recommendation": "fund",
        "confidence": 5,
    }


def test_review_form_keeps_a_non_number_for_the_scale_check() -> None:
    body = review_body({"version": "1", "score.novelty": "four"})

    assert body.scores == {"novelty": "four"}


def test_review_form_unknown_recommendation_names_the_field() -> None:
    with pytest.raises(Invalid) as refused:
        review_body({"version": "1", "recommendation": "maybe"})

    assert [e.field for e in refused.value.errors] == ["recommendation"]
