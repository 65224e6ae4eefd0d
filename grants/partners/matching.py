"""Matching funds, pure: what a part's enterprise partners commit, counted in the agency's
currency, against the share of the agency's funding the call requires; and the leverage ratio
(enterprise contributions per unit of agency funding). Integer arithmetic throughout; a
contribution in another currency is converted once with the latest recorded rate
(`schedules.fx`), rounded half to even. No database, no Litestar.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from grants.money import minor_exponent
from schedules.fx import RecordedRate, convert_minor, pick_rate


@dataclass(frozen=True, slots=True)
class Counted:
    """Contributions counted in one currency: their total, and the currencies that could not
    be converted for want of a recorded rate (their amounts are left out of `total`)."""

    total: int
    unconverted: tuple[str, ...] = ()


def required_matching(funded: int, percent: int) -> int:
    """The least contribution that is `percent` % of `funded`: ⌈funded × percent / 100⌉."""
    return -(-funded * percent // 100)


def shortfall(funded: int, committed: int, percent: int) -> int:
    """How much more must be committed to reach `percent` % of `funded` (0 when reached)."""
    return max(0, required_matching(funded, percent) - committed)


def share_percent(funded: int, committed: int) -> int:
    """The commitment as a whole percentage of the funding, rounded down (0 without funding)."""
    return committed * 100 // funded if funded > 0 else 0


def counted_in(
    amounts: Iterable[tuple[int, str]],
    currency: str,
    rates: Sequence[RecordedRate],
    as_of: datetime.date,
) -> Counted:
    """The sum of (amount, its currency) in `currency`: each foreign total converted once with
    the latest rate recorded on or before `as_of` (either way round)."""
    by_currency: dict[str, int] = {}
    for amount, code in amounts:
        by_currency[code] = by_currency.get(code, 0) + amount
    total, missing = 0, []
    for code, amount in sorted(by_currency.items()):
        if code == currency:
            total += amount
            continue
        quote = pick_rate(rates, code, currency, as_of)
        if quote is None:
            missing.append(code)
            continue
        total += convert_minor(
            amount,
            quote.recorded.rate,
            from_exponent=minor_exponent(code),
            to_exponent=minor_exponent(currency),
            inverse=quote.inverse,
        )
    return Counted(total, tuple(missing))


def leverage(contributions: int, funding: int) -> str | None:
    """Contributions per unit of funding, both in one currency, as a decimal with 4 places
    (`"0.2500"`), rounded half to even; None without funding."""
    if funding <= 0:
        return None
    ratio = Decimal(contributions) / Decimal(funding)
    return str(ratio.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN))
