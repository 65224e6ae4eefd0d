"""One rate's checks, shared by the JSON endpoint and the CSV import: every reason at once,
each naming its field (the import prefixes its line)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from grants.db.models.fx import RATE_PRECISION, RATE_SCALE
from grants.money import InvalidMoney, minor_exponent
from messages import Message, define

# ASCII digits only (`\d` would admit other scripts' digits, which Decimal reads).
_RATE = re.compile(r"(?P<sign>-?)(?P<whole>[0-9]+)(?:\.(?P<frac>[0-9]+))?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
INTEGER_DIGITS = RATE_PRECISION - RATE_SCALE

RATE_MALFORMED = define("fx.rate.malformed", "'{text}' is not a decimal rate like 0.0058 or 170.5")
RATE_NOT_POSITIVE = define("fx.rate.not_positive", "a rate must be greater than zero, not {text}")
RATE_TOO_PRECISE = define("fx.rate.too_precise", "at most {places} decimal places")
RATE_TOO_LARGE = define("fx.rate.too_large", "at most {digits} digits before the decimal point")
SAME_PAIR = define("fx.pair.same_currency", "the quote currency must differ from the base ({base})")
DATE_MALFORMED = define("fx.date.malformed", "'{text}' is not a date like 2027-04-01")
SOURCE_REQUIRED = define("fx.source.required", "name the rate's source (e.g. a central bank)")
SOURCE_TOO_LONG = define("fx.source.too_long", "at most {count} characters")

SOURCE_MAX = 100


@dataclass(frozen=True, slots=True)
class RateIn:
    """A checked rate, ready to store."""

    rate_date: datetime.date
    base: str
    quote: str
    rate: Decimal
    source: str


Errors = list[tuple[str, Message]]


def parse_rate(text: str) -> tuple[Decimal | None, Message | None]:
    """The exact Decimal of a rate's text, or why it is refused."""
    found = _RATE.fullmatch(text.strip())
    if found is None:
        return None, RATE_MALFORMED(text=text)
    value = Decimal(text.strip())
    if found["sign"] or value == 0:
        return None, RATE_NOT_POSITIVE(text=text.strip())
    if len(found["frac"] or "") > RATE_SCALE:
        return None, RATE_TOO_PRECISE(places=RATE_SCALE)
    if len(found["whole"].lstrip("0")) > INTEGER_DIGITS:
        return None, RATE_TOO_LARGE(digits=INTEGER_DIGITS)
    return value, None


def parse_date(text: str) -> tuple[datetime.date | None, Message | None]:
    """A `YYYY-MM-DD` date (nothing else `fromisoformat` would also read), or why not."""
    if _DATE.fullmatch(text.strip()):
        try:
            return datetime.date.fromisoformat(text.strip()), None
        except ValueError:
            pass
    return None, DATE_MALFORMED(text=text)


def _currency(field: str, code: str, errors: Errors) -> None:
    try:
        minor_exponent(code)
    except InvalidMoney as bad:
        errors.append((field, bad.reason))


def check_rate(
    rate_date: datetime.date | None,
    base: str,
    quote: str,
    rate_text: str,
    source: str,
    errors: Errors,
) -> RateIn | None:
    """The rate when every field is good; else None, with every reason added to `errors`."""
    before = len(errors)
    _currency("base", base, errors)
    _currency("quote", quote, errors)
    if base == quote:
        errors.append(("quote", SAME_PAIR(base=base)))
    rate, why = parse_rate(rate_text)
    if why is not None:
        errors.append(("rate", why))
    if not source.strip():
        errors.append(("source", SOURCE_REQUIRED()))
    elif len(source.strip()) > SOURCE_MAX:
        errors.append(("source", SOURCE_TOO_LONG(count=SOURCE_MAX)))
    if len(errors) > before or rate is None or rate_date is None:
        return None
    return RateIn(rate_date, base, quote, rate, source.strip())


def rate_text(rate: Decimal) -> str:
    """A stored rate as its shortest exact text ("0.0058", "150", never an exponent)."""
    return format(rate.normalize(), "f")
