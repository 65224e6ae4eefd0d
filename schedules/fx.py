"""Currency conversion with recorded exchange rates, exact to the target's minor unit.

Pure: stdlib only. A rate of the pair (base, quote) says how many units of `quote` one unit of
`base` buys (JPY→VND 170.5: ¥1 buys 170.5 đồng). Amounts are integers in each currency's minor
unit; the caller gives each currency's exponent (ISO 4217: JPY 0, VND 0, USD 2), so this module
needs no currency table of its own. Arithmetic runs on fractions, so nothing is lost before the
one rounding (half to even) to the target's minor unit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

__all__ = ["Quote", "RecordedRate", "convert_minor", "pick_rate"]


@dataclass(frozen=True, slots=True)
class RecordedRate:
    """One recorded rate: on `day`, 1 `base` bought `rate` `quote`, according to `source`."""

    day: datetime.date
    base: str
    quote: str
    rate: Decimal
    source: str


@dataclass(frozen=True, slots=True)
class Quote:
    """The rate used for one conversion: the recorded rate and whether it was read backwards
    (`inverse`: only the pair quote→base was recorded, so the amount is divided by it)."""

    recorded: RecordedRate
    inverse: bool


def _checked_rate(rate: Decimal) -> Fraction:
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
        raise ValueError(f"a rate is a positive finite Decimal, not {rate!r}")
    return Fraction(rate)


def convert_minor(
    amount: int, rate: Decimal, *, from_exponent: int, to_exponent: int, inverse: bool = False
) -> int:
    """Convert `amount` (minor units of the source) to minor units of the target.

    amount × rate (÷ rate when `inverse`), rescaled from the source's to the target's minor
    unit and rounded half to even once, at the end. Raises ValueError when the rate is not a
    positive finite Decimal, the amount is not an int, or an exponent is negative.
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"amount must be an int, not {type(amount).__name__}")
    if from_exponent < 0 or to_exponent < 0:
        raise ValueError("exponents are non-negative")
    factor = _checked_rate(rate)
    if inverse:
        factor = 1 / factor
    exact = amount * factor * Fraction(10) ** (to_exponent - from_exponent)
    # round() of a Fraction rounds half to even, as banks and ISO 4217 reporting expect.
    return round(exact)


def pick_rate(
    rates: Iterable[RecordedRate], base: str, quote: str, as_of: datetime.date
) -> Quote | None:
    """The rate to convert `base` into `quote` on `as_of`: the latest recorded on or before
    that day for the pair itself, else (only when the pair was never recorded by then) the
    latest of the inverse pair, read backwards. Among rates of one day, the first source in
    alphabetical order, so the choice never depends on storage order. None when neither exists.
    """
    direct: RecordedRate | None = None
    backwards: RecordedRate | None = None
    for r in rates:
        if r.day > as_of:
            continue
        if (r.base, r.quote) == (base, quote):
            direct = _later(direct, r)
        elif (r.base, r.quote) == (quote, base):
            backwards = _later(backwards, r)
    if direct is not None:
        return Quote(direct, inverse=False)
    if backwards is not None:
        return Quote(backwards, inverse=True)
    return None


def _later(kept: RecordedRate | None, candidate: RecordedRate) -> RecordedRate:
    if kept is None or candidate.day > kept.day:
        return candidate
    if candidate.day == kept.day and candidate.source < kept.source:
        return candidate
    return kept
