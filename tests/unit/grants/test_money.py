"""Money: construction, arithmetic, parsing, formatting and exact splits."""

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.money import (
    MAX_AMOUNT,
    CurrencyMismatch,
    InvalidMoney,
    Money,
    format_money,
    minor_exponent,
    parse_major,
    split_evenly,
    split_largest_remainder,
    split_money,
    to_major,
)
from messages import render

# --- construction -----------------------------------------------------------------------


def test_money_valid_keeps_fields() -> None:
    money = Money(123450, "USD")

    assert (money.amount, money.currency) == (123450, "USD")


def test_money_float_amount_rejected() -> None:
    with pytest.raises(InvalidMoney) as caught:
        Money(12.5, "USD")  # type: ignore[arg-type]

    assert (caught.value.field, str(caught.value.reason)) == (
        "amount",
        "must be an integer number of minor units, not float",
    )


def test_money_decimal_amount_rejected() -> None:
    with pytest.raises(InvalidMoney) as caught:
        Money(Decimal(5), "JPY")  # type: ignore[arg-type]

    assert caught.value.field == "amount"


def test_money_bool_amount_rejected() -> None:
    with pytest.raises(InvalidMoney) as caught:
        Money(True, "JPY")

    assert (caught.value.field, str(caught.value.reason)) == (
        "amount",
        "must be an integer number of minor units, not bool",
    )


def test_money_amount_beyond_bigint_rejected() -> None:
    with pytest.raises(InvalidMoney) as caught:
        Money(MAX_AMOUNT + 1, "VND")

    assert (caught.value.field, str(caught.value.reason)) == (
        "amount",
        "out of range for a 64-bit minor-unit amount",
    )


@pytest.mark.parametrize("currency", ["XYZ", "usd", "", "JPYY", 392])
def test_money_unknown_currency_rejected(currency: object) -> None:
    with pytest.raises(InvalidMoney) as caught:
        Money(1, currency)  # type: ignore[arg-type]

    assert (caught.value.field, str(caught.value.reason)) == (
        "currency",
        f"'{currency}' is not an ISO 4217 currency code (upper-case, e.g. 'JPY')",
    )


def test_invalid_money_is_value_error() -> None:
    assert issubclass(InvalidMoney, ValueError)


def test_money_frozen_assignment_rejected() -> None:
    money = Money(1, "JPY")

    with pytest.raises(AttributeError):
        money.amount = 2  # type: ignore[misc]


# --- arithmetic -------------------------------------------------------------------------


def test_money_add_same_currency_sums() -> None:
    assert Money(100, "JPY") + Money(23, "JPY") == Money(123, "JPY")


def test_money_sub_same_currency_may_go_negative() -> None:
    assert Money(100, "VND") - Money(150, "VND") == Money(-50, "VND")


def test_money_sum_from_zero_totals() -> None:
    parts = [Money(1, "EUR"), Money(2, "EUR"), Money(3, "EUR")]

    assert sum(parts, Money.zero("EUR")) == Money(6, "EUR")


def test_money_ordering_same_currency_compares_amounts() -> None:
    small, large = Money(1, "USD"), Money(2, "USD")

    assert (small < large, small <= large, large > small, large >= small) == (
        True,
        True,
        True,
        True,
    )


def test_money_add_mixed_currency_raises() -> None:
    with pytest.raises(CurrencyMismatch) as caught:
        Money(1, "JPY") + Money(1, "VND")

    assert (caught.value.left, caught.value.right, str(caught.value)) == (
        "JPY",
        "VND",
        "cannot combine JPY with VND",
    )


def test_money_sub_mixed_currency_raises() -> None:
    with pytest.raises(CurrencyMismatch):
        Money(1, "JPY") - Money(1, "VND")


@pytest.mark.parametrize("compare", ["<", "<=", ">", ">="])
def test_money_compare_mixed_currency_raises(compare: str) -> None:
    operations = {
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }

    with pytest.raises(CurrencyMismatch):
        operations[compare](Money(1, "JPY"), Money(1, "VND"))


def test_money_equal_mixed_currency_is_false() -> None:
    assert (Money(1, "JPY") == Money(1, "VND")) is False


def test_money_add_int_raises_type_error() -> None:
    with pytest.raises(TypeError):
        Money(1, "JPY") + 1  # type: ignore[operator]


def test_money_add_float_raises_type_error() -> None:
    with pytest.raises(TypeError):
        Money(1, "JPY") + 0.5  # type: ignore[operator]


# --- exponents and major units ----------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "exponent"), [("JPY", 0), ("VND", 0), ("USD", 2), ("EUR", 2), ("BHD", 3)]
)
def test_minor_exponent_known_currency_matches_iso(currency: str, exponent: int) -> None:
    assert minor_exponent(currency) == exponent


def test_minor_exponent_unknown_currency_raises() -> None:
    with pytest.raises(InvalidMoney) as caught:
        minor_exponent("ABC")

    assert caught.value.field == "currency"


@pytest.mark.parametrize(
    ("money", "major"),
    [
        (Money(1234, "JPY"), Decimal("1234")),
        (Money(123450, "USD"), Decimal("1234.50")),
        (Money(5, "USD"), Decimal("0.05")),
        (Money(1, "BHD"), Decimal("0.001")),
        (Money(-250, "EUR"), Decimal("-2.50")),
        (Money(MAX_AMOUNT, "VND"), Decimal(MAX_AMOUNT)),
    ],
)
def test_to_major_scales_by_exponent(money: Money, major: Decimal) -> None:
    assert (to_major(money), str(to_major(money))) == (major, str(major))


# --- parsing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "currency", "money"),
    [
        ("1,234.50", "USD", Money(123450, "USD")),
        ("1234.5", "USD", Money(123450, "USD")),
        ("1234", "USD", Money(123400, "USD")),
        ("0.01", "USD", Money(1, "USD")),
        ("1,234,567", "JPY", Money(1234567, "JPY")),
        ("250000000", "VND", Money(250000000, "VND")),
        ("1.234", "BHD", Money(1234, "BHD")),
        ("  42  ", "EUR", Money(4200, "EUR")),
        ("9,223,372,036,854,775,807", "VND", Money(MAX_AMOUNT, "VND")),
    ],
)
def test_parse_major_valid_text_gives_minor_units(text: str, currency: str, money: Money) -> None:
    assert parse_major(text, currency) == money


@pytest.mark.parametrize(
    ("text", "currency", "reason"),
    [
        ("1234.5", "JPY", "JPY has no minor unit; give a whole number"),
        ("1234.0", "JPY", "JPY has no minor unit; give a whole number"),
        ("10000.5", "VND", "VND has no minor unit; give a whole number"),
        ("1.234", "USD", "USD allows at most 2 decimal places"),
        ("1.2345", "BHD", "BHD allows at most 3 decimal places"),
    ],
)
def test_parse_major_too_many_decimals_rejected(text: str, currency: str, reason: str) -> None:
    with pytest.raises(InvalidMoney) as caught:
        parse_major(text, currency)

    assert (caught.value.field, str(caught.value.reason)) == ("amount", reason)


@pytest.mark.parametrize(
    "text", ["", "abc", "1,23", "12,34.5", "1.", ".5", "1e3", "+5", "1 234", "١٢٣", "NaN"]
)
def test_parse_major_malformed_text_rejected(text: str) -> None:
    with pytest.raises(InvalidMoney) as caught:
        parse_major(text, "USD")

    assert (caught.value.field, str(caught.value.reason)) == (
        "amount",
        f"'{text}' is not an amount like 1,234.50 or 1234.5",
    )


def test_parse_major_negative_rejected_by_default() -> None:
    with pytest.raises(InvalidMoney) as caught:
        parse_major("-5", "JPY")

    assert (caught.value.field, str(caught.value.reason)) == ("amount", "must not be negative")


def test_parse_major_negative_allowed_by_flag() -> None:
    assert parse_major("-1,234.5", "USD", allow_negative=True) == Money(-123450, "USD")


def test_parse_major_float_rejected() -> None:
    with pytest.raises(InvalidMoney) as caught:
        parse_major(12.5, "USD")  # type: ignore[arg-type]

    assert (caught.value.field, str(caught.value.reason)) == ("amount", "must be text, not float")


def test_parse_major_unknown_currency_rejected() -> None:
    with pytest.raises(InvalidMoney) as caught:
        parse_major("1", "ZZZ")

    assert caught.value.field == "currency"


@pytest.mark.parametrize("text", ["9,223,372,036,854,775,808", "9" * 40])
def test_parse_major_beyond_bigint_rejected(text: str) -> None:
    with pytest.raises(InvalidMoney) as caught:
        parse_major(text, "VND")

    assert (caught.value.field, str(caught.value.reason)) == (
        "amount",
        "out of range for a 64-bit minor-unit amount",
    )


@given(st.integers(min_value=0, max_value=MAX_AMOUNT), st.sampled_from(["JPY", "USD", "BHD"]))
def test_parse_major_of_to_major_round_trips(amount: int, currency: str) -> None:
    money = Money(amount, currency)

    assert parse_major(str(to_major(money)), currency) == money


# --- formatting -------------------------------------------------------------------------
# Expected strings are what Babel 2.18 (CLDR) produces; \xa0 is a no-break space.


@pytest.mark.parametrize(
    ("money", "locale", "text"),
    [
        (Money(1234567, "JPY"), "en", "¥1,234,567"),
        (Money(1234567, "JPY"), "ja", "￥1,234,567"),
        (Money(1234567, "JPY"), "vi", "1.234.567\xa0¥"),
        (Money(250000000, "VND"), "en", "₫250,000,000"),
        (Money(250000000, "VND"), "ja", "₫250,000,000"),
        (Money(250000000, "VND"), "vi", "250.000.000\xa0₫"),
        (Money(123450, "USD"), "en", "$1,234.50"),
        (Money(123450, "USD"), "ja", "$1,234.50"),
        (Money(123450, "USD"), "vi", "1.234,50\xa0US$"),
        (Money(1234, "BHD"), "en", "BHD1.234"),
        (Money(1234, "BHD"), "vi", "1,234\xa0BHD"),
        (Money(-500, "JPY"), "ja", "-￥500"),
        (Money(0, "USD"), "en", "$0.00"),
    ],
)
def test_format_money_locale_uses_currency_precision(money: Money, locale: str, text: str) -> None:
    assert format_money(money, locale) == text


def test_format_money_huge_vnd_keeps_every_dong() -> None:
    # 9,007,199,254,740,993 is 2**53 + 1: a float would print ...992.
    assert format_money(Money(2**53 + 1, "VND"), "en") == "₫9,007,199,254,740,993"


# --- splits -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (10, [1, 1, 1], [4, 3, 3]),
        (100, [0, 1, 2, 0], [0, 33, 67, 0]),
        (0, [3, 5], [0, 0]),
        (7, [7], [7]),
        (5, [1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0, 0]),
        (1000, [50, 30, 20], [500, 300, 200]),
        (101, [1, 2], [34, 67]),
    ],
)
def test_split_largest_remainder_known_cases_exact(
    total: int, weights: list[int], parts: list[int]
) -> None:
    assert split_largest_remainder(total, weights) == parts


@pytest.mark.parametrize(
    ("total", "weights"),
    [
        (-1, [1, 1]),
        (10, []),
        (10, [0, 0]),
        (10, [1, -1, 2]),
        (10, [1.5, 1]),
        (10, [True, 1]),
        (10.0, [1, 1]),
        (True, [1, 1]),
    ],
)
def test_split_largest_remainder_invalid_args_raise(total: object, weights: list[object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        split_largest_remainder(total, weights)  # type: ignore[arg-type]


def test_split_evenly_larger_parts_first() -> None:
    assert split_evenly(11, 4) == [3, 3, 3, 2]


@pytest.mark.parametrize("n", [0, -2, True, 2.0])
def test_split_evenly_invalid_n_raises(n: object) -> None:
    with pytest.raises(ValueError, match="n must be a positive int"):
        split_evenly(10, n)  # type: ignore[arg-type]


def test_split_money_keeps_currency_and_total() -> None:
    award = Money(100_000_000, "JPY")

    assert split_money(award, [3, 3, 4]) == [
        Money(30_000_000, "JPY"),
        Money(30_000_000, "JPY"),
        Money(40_000_000, "JPY"),
    ]


def test_split_money_negative_raises() -> None:
    with pytest.raises(ValueError, match="total must not be negative"):
        split_money(Money(-1, "USD"), [1, 1])


totals = st.integers(min_value=0, max_value=10**15)
weight_lists = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=20).filter(
    lambda weights: sum(weights) > 0
)


@given(totals, weight_lists)
def test_split_largest_remainder_any_weights_sums_exactly(total: int, weights: list[int]) -> None:
    assert sum(split_largest_remainder(total, weights)) == total


@given(totals, weight_lists)
def test_split_largest_remainder_any_weights_within_one_of_share(
    total: int, weights: list[int]
) -> None:
    parts = split_largest_remainder(total, weights)

    for part, weight in zip(parts, weights, strict=True):
        share = Fraction(total * weight, sum(weights))
        assert share - 1 < part < share + 1
        assert part in (math.floor(share), math.ceil(share))


@given(totals, weight_lists)
def test_split_largest_remainder_zero_weight_gets_zero(total: int, weights: list[int]) -> None:
    parts = split_largest_remainder(total, weights)

    assert [part for part, weight in zip(parts, weights, strict=True) if weight == 0] == [
        0 for weight in weights if weight == 0
    ]


@given(totals, weight_lists)
def test_split_largest_remainder_equal_weights_earlier_gets_odd_unit(
    total: int, weights: list[int]
) -> None:
    parts = split_largest_remainder(total, weights)

    for i in range(len(weights)):
        for j in range(i + 1, len(weights)):
            if weights[i] == weights[j]:
                assert parts[i] - parts[j] in (0, 1)


@given(totals, st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=50))
def test_split_largest_remainder_all_equal_weights_matches_split_evenly(
    total: int, weight: int, n: int
) -> None:
    assert split_largest_remainder(total, [weight] * n) == split_evenly(total, n)


@given(totals, weight_lists, st.integers(min_value=1, max_value=1000))
def test_split_largest_remainder_scaled_weights_same_parts(
    total: int, weights: list[int], factor: int
) -> None:
    scaled = [weight * factor for weight in weights]

    assert split_largest_remainder(total, scaled) == split_largest_remainder(total, weights)


def test_invalid_money_carries_its_message_for_the_reader() -> None:
    with pytest.raises(InvalidMoney) as caught:
        parse_major("1.5", "JPY")

    reason = caught.value.reason
    assert (reason.code, dict(reason.params)) == ("money.amount.no_minor_unit", {"currency": "JPY"})
    assert (caught.value.message, str(caught.value)) == (reason, str(reason))
    assert [render(reason, locale) for locale in ("ja", "vi")] == [
        "JPYには補助単位がないため、整数で指定してください",
        "JPY không có đơn vị lẻ; hãy nhập số nguyên",
    ]
