"""Conversion with recorded rates: exact to the target's minor unit, half to even, the latest
rate on or before the day, the inverse pair only when the pair itself was never recorded."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedules.fx import Quote, RecordedRate, convert_minor, pick_rate

D = datetime.date


def rate(day: D, base: str, quote: str, value: str, source: str = "ECB") -> RecordedRate:
    return RecordedRate(day, base, quote, Decimal(value), source)


@pytest.mark.parametrize(
    ("amount", "value", "exponents", "inverse", "expected"),
    [
        (1_000_000, "0.0067", (0, 2), False, 670_000),  # ¥1,000,000 at 0.0067 → $6,700.00
        (13_500_000, "170.5", (0, 0), False, 2_301_750_000),  # JPY → VND
        (2_301_750_000, "170.5", (0, 0), True, 13_500_000),  # VND → JPY, the pair read backwards
        (1, "0.5", (0, 0), False, 0),  # 0.5 rounds to the even 0
        (3, "0.5", (0, 0), False, 2),  # 1.5 rounds to the even 2
        (5, "0.5", (0, 0), False, 2),  # 2.5 rounds to the even 2
        (12_345, "1", (2, 0), False, 123),  # $123.45 → ¥123 (a rate of 1 still rescales)
        (1, "150.25", (2, 0), False, 2),  # $0.01 → ¥1.5025 → ¥2
        (26_000, "26000", (0, 2), True, 100),  # ₫26,000 → $1.00 with USD→VND 26,000
    ],
)
def test_convert_minor_known_cases_exact(
    amount: int, value: str, exponents: tuple[int, int], inverse: bool, expected: int
) -> None:
    got = convert_minor(
        amount,
        Decimal(value),
        from_exponent=exponents[0],
        to_exponent=exponents[1],
        inverse=inverse,
    )
    assert got == expected


@pytest.mark.parametrize("bad", [Decimal(0), Decimal("-1.5"), Decimal("NaN"), Decimal("Infinity")])
def test_convert_minor_refuses_a_rate_that_is_not_positive(bad: Decimal) -> None:
    with pytest.raises(ValueError, match="positive finite Decimal"):
        convert_minor(100, bad, from_exponent=0, to_exponent=0)


def test_convert_minor_refuses_a_float_amount() -> None:
    with pytest.raises(ValueError, match="amount must be an int, not float"):
        convert_minor(1.0, Decimal(1), from_exponent=0, to_exponent=0)  # type: ignore[arg-type]


def test_pick_rate_takes_the_latest_on_or_before_the_day() -> None:
    rates = [
        rate(D(2027, 1, 5), "JPY", "USD", "0.0066"),
        rate(D(2027, 3, 31), "JPY", "USD", "0.0067"),
        rate(D(2027, 4, 2), "JPY", "USD", "0.0068"),
    ]
    assert pick_rate(rates, "JPY", "USD", D(2027, 4, 1)) == Quote(rates[1], inverse=False)
    assert pick_rate(rates, "JPY", "USD", D(2027, 4, 2)) == Quote(rates[2], inverse=False)
    assert pick_rate(rates, "JPY", "USD", D(2027, 1, 4)) is None


def test_pick_rate_reads_the_inverse_only_when_the_pair_was_never_recorded() -> None:
    newer_inverse = rate(D(2027, 3, 1), "USD", "JPY", "150")
    older_direct = rate(D(2027, 1, 1), "JPY", "USD", "0.0067")
    assert pick_rate([newer_inverse, older_direct], "JPY", "USD", D(2027, 4, 1)) == Quote(
        older_direct, inverse=False
    )
    assert pick_rate([newer_inverse], "JPY", "USD", D(2027, 4, 1)) == Quote(
        newer_inverse, inverse=True
    )


def test_pick_rate_of_one_day_prefers_the_alphabetically_first_source() -> None:
    rates = [
        rate(D(2027, 4, 1), "JPY", "USD", "0.0068", "MUFG"),
        rate(D(2027, 4, 1), "JPY", "USD", "0.0067", "BOJ"),
    ]
    assert pick_rate(rates, "JPY", "USD", D(2027, 4, 1)) == Quote(rates[1], inverse=False)
    assert pick_rate(rates[::-1], "JPY", "USD", D(2027, 4, 1)) == Quote(rates[1], inverse=False)


rates_st = st.decimals(min_value=Decimal("0.000000001"), max_value=Decimal("999999"), places=9)
exponents_st = st.integers(min_value=0, max_value=3)


@given(st.integers(min_value=0, max_value=10**15), rates_st, exponents_st, exponents_st)
def test_convert_minor_is_within_half_a_minor_unit_of_the_exact_value(
    amount: int, value: Decimal, source: int, target: int
) -> None:
    got = convert_minor(amount, value, from_exponent=source, to_exponent=target)
    exact = amount * Fraction(value) * Fraction(10) ** (target - source)
    assert abs(got - exact) <= Fraction(1, 2)


@given(st.integers(min_value=0, max_value=10**12), rates_st)
def test_convert_minor_inverse_undoes_the_rate_within_rounding(amount: int, value: Decimal) -> None:
    there = convert_minor(amount, value, from_exponent=0, to_exponent=0)
    back = convert_minor(there, value, from_exponent=0, to_exponent=0, inverse=True)
    # Rounding `there` moves it by at most ½, which dividing by the rate scales by 1/rate.
    assert abs(back - amount) <= Fraction(1, 2) / Fraction(value) + Fraction(1, 2)


@given(
    st.lists(
        st.builds(
            RecordedRate,
            st.dates(D(2026, 1, 1), D(2028, 12, 31)),
            st.sampled_from(["JPY", "USD"]),
            st.sampled_from(["JPY", "USD"]),
            rates_st,
            st.sampled_from(["BOJ", "ECB"]),
        ).filter(lambda r: r.base != r.quote),
        max_size=12,
        # The database's unique key: one rate per day, pair and source.
        unique_by=lambda r: (r.day, r.base, r.quote, r.source),
    ),
    st.dates(D(2026, 1, 1), D(2028, 12, 31)),
)
def test_pick_rate_never_looks_past_the_day_and_ignores_order(
    rates: list[RecordedRate], as_of: D
) -> None:
    picked = pick_rate(rates, "JPY", "USD", as_of)
    assert picked == pick_rate(rates[::-1], "JPY", "USD", as_of)
    if picked is not None:
        assert picked.recorded.day <= as_of
        direct_days = [r.day for r in rates if (r.base, r.day <= as_of) == ("JPY", True)]
        assert picked.inverse == (not direct_days)
        if not picked.inverse:
            assert picked.recorded.day == max(direct_days)
