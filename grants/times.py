"""Instants in UTC, agencies' time zones, locale display, and fiscal years.

Pure: no database, no Litestar. Every instant is stored and compared in UTC; a zone is only
for showing it to people, and a fiscal year is a property of a local date.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_datetime

from messages import Instant, MessageError, define

__all__ = [
    "InstantOutOfRange",
    "InvalidTimeZone",
    "NaiveDatetimeError",
    "ensure_utc",
    "fiscal_year_bounds",
    "fiscal_year_of",
    "format_in_zone",
    "format_in_zones",
    "to_zone",
    "utcnow",
    "validate_time_zone",
]

# Names the tz database lists that are not a place: "localtime" is whatever the host is set
# to and "Factory" means "no zone configured"; neither may be an agency's zone.
_NOT_PLACES = frozenset({"localtime", "Factory"})


NAIVE = define("time.naive", "datetime {value} has no time zone; an instant is required")
OUT_OF_RANGE = define(
    "time.out_of_range",
    "datetime {value} is out of range; an instant must be between {earliest} and {latest}",
)
UNKNOWN_ZONE = define(
    "time.unknown_zone", "unknown time zone '{name}'; expected an IANA name like 'Asia/Tokyo'"
)


class NaiveDatetimeError(MessageError):
    """A datetime without a time zone was given where an instant is required."""

    def __init__(self, value: datetime) -> None:
        super().__init__(NAIVE(value=value.isoformat()))
        self.value = value


class InstantOutOfRange(MessageError):
    """An instant too close to year 1 or 9999 to be shown in every time zone."""

    def __init__(self, value: datetime) -> None:
        # The value itself is shown as given: converting it is what overflows.
        bounds = {"earliest": Instant(EARLIEST_INSTANT), "latest": Instant(LATEST_INSTANT)}
        super().__init__(OUT_OF_RANGE(value=value.isoformat(), **bounds))
        self.value = value


class InvalidTimeZone(MessageError):
    """`name` is not an IANA time zone name known to this system."""

    def __init__(self, name: object) -> None:
        super().__init__(UNKNOWN_ZONE(name=name if isinstance(name, str) else repr(name)))
        self.name = name


# Two days inside what `datetime` can hold, so every stored instant can still be shown in any
# zone (an offset is less than a day) without overflowing.
EARLIEST_INSTANT = datetime(1, 1, 3, tzinfo=UTC)
LATEST_INSTANT = datetime(9999, 12, 29, tzinfo=UTC)

_clock: ContextVar[datetime | None] = ContextVar("cofund_clock", default=None)


def utcnow() -> datetime:
    """Return the current instant as an aware UTC datetime (the set clock's, inside
    `clock_at`)."""
    return _clock.get() or datetime.now(UTC)


@contextmanager
def clock_at(instant: datetime) -> Iterator[None]:
    """Run the block as if it were `instant` (the demo replays a call's timeline with it; the
    server never sets the clock)."""
    token = _clock.set(ensure_utc(instant))
    try:
        yield
    finally:
        _clock.reset(token)


def ensure_utc(dt: datetime) -> datetime:
    """Return the aware datetime `dt` converted to UTC.

    Raises NaiveDatetimeError when `dt` has no time zone (guessing one would move a deadline),
    InstantOutOfRange when it lies outside EARLIEST_INSTANT..LATEST_INSTANT (near year 1 or
    9999 an offset alone overflows), TypeError when it is not a datetime.
    """
    if not isinstance(dt, datetime):
        raise TypeError(f"expected a datetime, not {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise NaiveDatetimeError(dt)
    try:
        utc = dt.astimezone(UTC)
    except OverflowError:
        raise InstantOutOfRange(dt) from None
    if not EARLIEST_INSTANT <= utc <= LATEST_INSTANT:
        raise InstantOutOfRange(dt)
    return utc


@cache
def _known_zones() -> frozenset[str]:
    # Listing the database once also keeps path-like names ("../x") away from ZoneInfo.
    return frozenset(available_timezones()) - _NOT_PLACES


def validate_time_zone(name: str) -> str:
    """Return `name` unchanged if it is an IANA time zone name such as "Asia/Tokyo".

    Raises InvalidTimeZone (with `.name`) otherwise; names are case-sensitive.
    """
    if not isinstance(name, str) or name not in _known_zones():
        raise InvalidTimeZone(name)
    return name


def to_zone(dt: datetime, tz: str) -> datetime:
    """Return the instant `dt` as local time in zone `tz`.

    Raises NaiveDatetimeError for a naive `dt`, InvalidTimeZone for an unknown `tz`.
    """
    return ensure_utc(dt).astimezone(ZoneInfo(validate_time_zone(tz)))


def format_in_zone(dt: datetime, tz: str, locale: str, format: str = "medium") -> str:
    """Format the instant `dt` in zone `tz` for a reader in `locale`, naming the zone.

    `format` is a Babel name ("short", "medium", "long", "full") or pattern; the IANA zone
    name is appended in parentheses because the short and medium formats omit the zone, e.g.
    "Apr 30, 2026, 5:00:00 PM (Asia/Tokyo)".
    Raises NaiveDatetimeError, InvalidTimeZone, or babel's UnknownLocaleError.
    """
    local = to_zone(dt, tz)
    text = format_datetime(local, format, tzinfo=local.tzinfo, locale=locale)
    return f"{text} ({tz})"


def format_in_zones(
    dt: datetime, zones: Sequence[str], locale: str, format: str = "medium"
) -> list[tuple[str, str]]:
    """Format the instant `dt` in each of `zones`: a list of (zone, text), in the given order.

    A zone listed twice (two agencies in one zone) is shown once.
    Raises as format_in_zone.
    """
    unique = list(dict.fromkeys(zones))
    return [(zone, format_in_zone(dt, zone, locale, format)) for zone in unique]


def _check_start_month(start_month: int) -> None:
    if isinstance(start_month, bool) or not isinstance(start_month, int):
        raise ValueError(f"start_month must be an int, not {type(start_month).__name__}")
    if not 1 <= start_month <= 12:
        raise ValueError(f"start_month must be 1..12, got {start_month}")


def fiscal_year_of(d: date, start_month: int) -> int:
    """Return the fiscal year containing `d`, named by the calendar year it starts in.

    With an April start (JST) 2026-03-31 is FY2025 and 2026-04-01 is FY2026; with a January
    start (Vietnam) the fiscal year is the calendar year.
    Raises TypeError when `d` is a datetime (convert the instant to the agency's local date
    first, or a deadline near midnight lands in the wrong year), ValueError for a
    `start_month` outside 1..12.
    """
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"expected a date, not {type(d).__name__}")
    _check_start_month(start_month)
    return d.year if d.month >= start_month else d.year - 1


def fiscal_year_bounds(fy: int, start_month: int) -> tuple[date, date]:
    """Return the first and last day (both inclusive) of fiscal year `fy`.

    Raises ValueError for a `start_month` outside 1..12 or a year whose bounds are outside
    the dates Python can represent.
    """
    _check_start_month(start_month)
    if isinstance(fy, bool) or not isinstance(fy, int):
        raise ValueError(f"fy must be an int, not {type(fy).__name__}")
    first = date(fy, start_month, 1)
    if start_month == 1:
        # Spelled out so a January-start year 9999 does not need a year 10000 to end.
        return first, date(fy, 12, 31)
    return first, date(fy + 1, start_month, 1) - timedelta(days=1)
