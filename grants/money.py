"""Money as integer minor units with an ISO 4217 code, exact splits and locale formatting.

Pure: no database, no Litestar. Floats are refused everywhere, because a float cannot hold
0.10 exactly and a VND award is large enough to lose whole đồng in one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact
from functools import cache, total_ordering

from babel.numbers import format_currency, get_currency_precision, list_currencies

from messages import Message, MessageError, define

# The one largest-remainder implementation lives in the pure `schedules` package, so tranche
# schedules and money splits cannot drift apart; the names here are kept for grants' callers.
from schedules.split import largest_remainder as split_largest_remainder
from schedules.split import spread_evenly as split_evenly

__all__ = [
    "MAX_AMOUNT",
    "MIN_AMOUNT",
    "CurrencyMismatch",
    "InvalidMoney",
    "Money",
    "format_money",
    "minor_exponent",
    "parse_major",
    "split_evenly",
    "split_largest_remainder",
    "split_money",
    "to_major",
]

# Amounts are stored in BigInteger columns; refusing anything wider here names the field
# instead of failing later with a driver overflow.
MAX_AMOUNT = 2**63 - 1
MIN_AMOUNT = -(2**63)

# "1234.5", "1234", "1,234.50" (groups of exactly three digits), optional leading minus.
# ASCII digits only: `\d` would also accept other scripts' digits, which Decimal then reads.
_MAJOR_PATTERN = re.compile(
    r"(?P<sign>-?)(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?"
)

# Decimal arithmetic with a fixed, generous precision that traps instead of rounding, so the
# result never depends on the caller's thread-local decimal context.
_EXACT = Context(prec=60, traps=[Inexact])


UNKNOWN_CURRENCY = define(
    "money.currency.unknown",
    "'{currency}' is not an ISO 4217 currency code (upper-case, e.g. 'JPY')",
)
NOT_INTEGER = define(
    "money.amount.not_integer", "must be an integer number of minor units, not {kind}"
)
OUT_OF_RANGE = define("money.amount.out_of_range", "out of range for a 64-bit minor-unit amount")
NO_MINOR_UNIT = define(
    "money.amount.no_minor_unit", "{currency} has no minor unit; give a whole number"
)
TOO_MANY_PLACES = define(
    "money.amount.too_many_places", "{currency} allows at most {places} decimal places"
)
NOT_TEXT = define("money.amount.not_text", "must be text, not {kind}")
MALFORMED = define("money.amount.malformed", "'{text}' is not an amount like 1,234.50 or 1234.5")
NEGATIVE = define("money.amount.negative", "must not be negative")


class InvalidMoney(MessageError):
    """An amount or currency is unacceptable; `field` names which, `reason` says why (a message,
    so a validator raising it is refused in the reader's language)."""

    def __init__(self, field: str, reason: Message) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were added, subtracted or compared."""

    def __init__(self, left: str, right: str) -> None:
        super().__init__(f"cannot combine {left} with {right}")
        self.left = left
        self.right = right


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def _check_currency(currency: object) -> str:
    if not isinstance(currency, str) or currency not in _known_currencies():
        shown = currency if isinstance(currency, str) else repr(currency)
        raise InvalidMoney("currency", UNKNOWN_CURRENCY(currency=shown))
    return currency


def _check_amount(amount: object) -> int:
    # bool is an int subclass; True as "1 yen" is always a bug upstream.
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidMoney("amount", NOT_INTEGER(kind=type(amount).__name__))
    if not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        raise InvalidMoney("amount", OUT_OF_RANGE())
    return amount


@total_ordering
@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount: `amount` in the currency's minor unit, `currency` an ISO 4217 code.

    Raises InvalidMoney on construction when the amount is not an int (bools and floats
    included) or is outside the BigInteger range, or the currency is not a known code.
    `+`, `-` and ordering work only within one currency (else CurrencyMismatch); equality
    across currencies is simply False.
    """

    amount: int
    currency: str

    def __post_init__(self) -> None:
        _check_amount(self.amount)
        _check_currency(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return 0 in `currency` (a start value for `sum`); raises InvalidMoney."""
        return cls(0, currency)

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        # Checked at run time too, so `Money + 1` is a TypeError rather than an AttributeError.
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount < other.amount


def minor_exponent(currency: str) -> int:
    """Return the number of decimal places of `currency` (JPY 0, USD 2, BHD 3).

    Raises InvalidMoney when `currency` is not a known ISO 4217 code.
    """
    return int(get_currency_precision(_check_currency(currency)))


def _places_error(currency: str, exponent: int) -> InvalidMoney:
    if exponent == 0:
        return InvalidMoney("amount", NO_MINOR_UNIT(currency=currency))
    return InvalidMoney("amount", TOO_MANY_PLACES(currency=currency, places=exponent))


def parse_major(text: str, currency: str, *, allow_negative: bool = False) -> Money:
    """Parse a major-unit string ("1,234.50" or "1234.5") into Money.

    Raises InvalidMoney when `text` is not a string in that form, has more decimal places
    than the currency has, is negative without `allow_negative`, or is out of range; or when
    the currency is unknown.
    """
    exponent = minor_exponent(currency)
    if not isinstance(text, str):
        raise InvalidMoney("amount", NOT_TEXT(kind=type(text).__name__))
    match = _MAJOR_PATTERN.fullmatch(text.strip())
    if match is None:
        raise InvalidMoney("amount", MALFORMED(text=text))
    if match["sign"] and not allow_negative:
        raise InvalidMoney("amount", NEGATIVE())
    fraction = match["frac"] or ""
    if len(fraction) > exponent:
        raise _places_error(currency, exponent)
    # A whole part this long is beyond any 64-bit amount; refusing it early keeps the exact
    # decimal context below its precision.
    if len(match["whole"]) > 30:
        raise InvalidMoney("amount", OUT_OF_RANGE())
    major = Decimal(f"{match['sign']}{match['whole'].replace(',', '')}.{fraction}")
    return Money(int(major.scaleb(exponent, context=_EXACT)), currency)


def to_major(m: Money) -> Decimal:
    """Return the amount in major units as an exact Decimal (JPY 1234, USD 12.30)."""
    return Decimal(m.amount).scaleb(-minor_exponent(m.currency), context=_EXACT)


def format_money(m: Money, locale: str) -> str:
    """Format `m` for a reader in `locale` ("en", "ja", "vi", ...) with the currency's precision.

    Raises babel's UnknownLocaleError for an unknown locale.
    """
    return format_currency(to_major(m), m.currency, locale=locale, currency_digits=True)


def split_money(m: Money, weights: Sequence[int]) -> list[Money]:
    """Split `m` by `weights` (see schedules.split.largest_remainder) into amounts of its currency.

    Raises ValueError on a negative amount or invalid weights.
    """
    return [Money(part, m.currency) for part in split_largest_remainder(m.amount, weights)]
