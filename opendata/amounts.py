"""Minor units to the major-unit numbers the standards publish, exactly."""

from __future__ import annotations

from decimal import Decimal, localcontext

from babel.numbers import get_currency_precision


def major(amount: int, currency: str) -> Decimal:
    """`amount` minor units of `currency` as an exact Decimal in major units: JPY and VND have
    no minor unit (¥1,500 is 1500), USD two places (12345 is 123.45)."""
    exponent = int(get_currency_precision(currency))
    with localcontext() as exact:
        # Enough digits for any 64-bit amount: scaleb never rounds.
        exact.prec = 40
        return Decimal(amount).scaleb(-exponent)


def number_text(value: Decimal) -> str:
    """The JSON/XML number text of a major amount: no exponent, no float on the way."""
    return format(value, "f")
