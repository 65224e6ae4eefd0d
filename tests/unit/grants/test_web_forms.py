"""The pure pieces of the web forms: field names from the API's error paths, numbers from typed
text, the budget table as the API's lines in minor units, and the flash cookie's round trip."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from grants.web.forms import form_name, texts, whole
from grants.web.part_pages import budget_field, budget_lines


def test_form_name_flattens_paths_the_way_the_forms_name_fields() -> None:
    names = [form_name(p) for p in ("title.en", "lines[2].amount", "lines", "duration_years")]

    assert names == ["title_en", "lines-2_amount", "lines", "duration_years"]


@given(st.integers(min_value=0, max_value=10**15))
def test_whole_reads_digits_as_the_integer_typed(number: int) -> None:
    assert whole(f" {number} ") == number


@given(st.text().filter(lambda t: not t.strip().isdigit()))
def test_whole_leaves_anything_else_for_the_model_to_refuse(typed: str) -> None:
    assert whole(typed) == typed.strip()


def test_texts_keeps_only_the_languages_typed() -> None:
    form = {"title_en": " Chiplets ", "title_ja": "", "title_vi": "Chiplet"}

    assert texts(form, "title", ("en", "ja", "vi")) == {"en": "Chiplets", "vi": "Chiplet"}


def test_budget_lines_in_minor_units_skip_empty_cells_and_keep_fractions_as_typed() -> None:
    form = {
        budget_field("JST", 1, "personnel"): "6,000,000",
        budget_field("JST", 2, "travel"): "12.5",
        budget_field("JST", 3, "other"): "",
        budget_field("NAFOSTED", 1, "personnel"): "1",
    }

    lines = list(budget_lines(form, "JST", "JPY", 3))

    assert lines == [
        {"year": 1, "category": "personnel", "amount": 6_000_000, "currency": "JPY"},
        {"year": 2, "category": "travel", "amount": "12.5", "currency": "JPY"},
    ]


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_budget_lines_in_a_currency_with_cents_send_whole_minor_units(amount: Decimal) -> None:
    form = {budget_field("FWO", 1, "equipment"): str(amount)}

    [line] = budget_lines(form, "FWO", "EUR", 1)

    assert line["amount"] == int(amount * 100)
