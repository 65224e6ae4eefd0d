"""National identifiers of enterprises (python-stdnum): compact forms, wrong check digits,
malformed numbers and countries without a checked scheme, each with its reason."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from grants.partners.identifiers import (
    MALFORMED,
    NO_SCHEME,
    WRONG_CHECK_DIGIT,
    check_identifier,
    formatted,
    home_currency,
)
from tests.factories_partners import jp_number, vn_code, wrong_check_digit


def test_a_japanese_corporate_number_is_kept_compact_and_formatted() -> None:
    assert check_identifier("JP", "5-8356-7825-6246") == ("5835678256246", None)
    assert formatted("JP", "5835678256246") == "5-8356-7825-6246"


def test_a_vietnamese_tax_code_and_its_branch() -> None:
    assert check_identifier("VN", "0100233488") == ("0100233488", None)
    assert check_identifier("VN", "0100233488-001") == ("0100233488001", None)
    assert formatted("VN", "0100233488001") == "0100233488-001"


def test_each_refusal_names_its_reason() -> None:
    assert check_identifier("JP", "2-8356-7825-6246") == (
        None,
        WRONG_CHECK_DIGIT(country="JP", scheme="jp.cn"),
    )
    assert check_identifier("VN", "0100233489") == (
        None,
        WRONG_CHECK_DIGIT(country="VN", scheme="vn.mst"),
    )
    assert check_identifier("JP", "12345") == (
        None,
        MALFORMED(country="JP", scheme="jp.cn", digits="13"),
    )
    assert check_identifier("BE", "0403.170.701") == (None, NO_SCHEME(countries=["JP", "VN"]))


def test_home_currencies() -> None:
    assert (home_currency("JP"), home_currency("VN")) == ("JPY", "VND")


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_every_generated_corporate_number_passes_and_a_changed_check_digit_fails(n: int) -> None:
    number = jp_number(n)
    assert check_identifier("JP", number) == (number, None)
    assert check_identifier("JP", wrong_check_digit(number, leading=True))[0] is None


@given(st.integers(min_value=1, max_value=10**7 - 1))
def test_every_generated_tax_code_passes(n: int) -> None:
    code = vn_code(n)
    assert check_identifier("VN", code) == (code, None)
