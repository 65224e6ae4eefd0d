"""Times: UTC instants, agency zones, locale display and fiscal years."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.times import (
    EARLIEST_INSTANT,
    LATEST_INSTANT,
    InstantOutOfRange,
    InvalidTimeZone,
    NaiveDatetimeError,
    ensure_utc,
    fiscal_year_bounds,
    fiscal_year_of,
    format_in_zone,
    format_in_zones,
    to_zone,
    utcnow,
    validate_time_zone,
)
from messages import render

# 08:00 UTC on 30 April 2026: 17:00 in Tokyo (UTC+9), 15:00 in Hanoi/HCMC (UTC+7).
DEADLINE = datetime(2026, 4, 30, 8, 0, tzinfo=UTC)
NNBSP = "\u202f"  # CLDR puts a narrow no-break space before AM/PM in English.

# --- instants ---------------------------------------------------------------------------


def test_utcnow_is_aware_utc() -> None:
    now = utcnow()

    assert (now.tzinfo, now.utcoffset()) == (UTC, timedelta(0))


def test_ensure_utc_naive_raises() -> None:
    naive = datetime(2026, 4, 30, 17, 0)

    with pytest.raises(NaiveDatetimeError) as caught:
        ensure_utc(naive)

    assert (caught.value.value, str(caught.value)) == (
        naive,
        "datetime 2026-04-30T17:00:00 has no time zone; an instant is required",
    )


def test_naive_datetime_error_is_value_error() -> None:
    assert issubclass(NaiveDatetimeError, ValueError)


def test_ensure_utc_tokyo_converts_to_same_instant() -> None:
    tokyo = datetime(2026, 4, 30, 17, 0, tzinfo=ZoneInfo("Asia/Tokyo"))

    result = ensure_utc(tokyo)

    assert (result, result.tzinfo) == (DEADLINE, UTC)


def test_ensure_utc_fixed_offset_converts() -> None:
    plus_seven = datetime(2026, 4, 30, 15, 0, tzinfo=timezone(timedelta(hours=7)))

    assert ensure_utc(plus_seven).isoformat() == "2026-04-30T08:00:00+00:00"


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00+01:00",  # astimezone itself overflows
        "9999-12-31T23:00:00-05:00",
        "0001-01-02T23:59:59+00:00",  # representable, but not in a zone west of UTC
        "9999-12-29T00:00:01+00:00",
    ],
)
def test_ensure_utc_near_year_1_or_9999_raises_out_of_range(text: str) -> None:
    with pytest.raises(InstantOutOfRange) as caught:
        ensure_utc(datetime.fromisoformat(text))

    assert str(caught.value) == (
        f"datetime {text} is out of range; an instant must be between "
        f"Jan 3, 1, 12:00{NNBSP}AM (UTC) and Dec 29, 9999, 12:00{NNBSP}AM (UTC)"
    )
    assert (caught.value.message.code, caught.value.message.params["value"]) == (
        "time.out_of_range",
        text,
    )


@given(st.datetimes(timezones=st.timezones()))
def test_ensure_utc_any_aware_datetime_converts_or_refuses_out_of_range(dt: datetime) -> None:
    try:
        utc = ensure_utc(dt)
    except InstantOutOfRange:
        return
    assert EARLIEST_INSTANT <= utc <= LATEST_INSTANT
    # Every instant let through can be shown at the farthest offsets a datetime allows.
    for hours in (-23.99, 23.99):
        utc.astimezone(timezone(timedelta(hours=hours)))


def test_ensure_utc_date_raises_type_error() -> None:
    with pytest.raises(TypeError, match="expected a datetime, not date"):
        ensure_utc(date(2026, 4, 30))  # type: ignore[arg-type]


# --- zones ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Asia/Tokyo", "Asia/Ho_Chi_Minh", "UTC", "Europe/Brussels"])
def test_validate_time_zone_known_returns_name(name: str) -> None:
    assert validate_time_zone(name) == name


@pytest.mark.parametrize(
    "name",
    ["Asia/Nowhere", "asia/tokyo", "Asia/Tokyo ", "", "../etc/passwd", "/etc/localtime",
     "localtime", "Factory", None],
)  # fmt: skip
def test_validate_time_zone_unknown_raises(name: object) -> None:
    with pytest.raises(InvalidTimeZone) as caught:
        validate_time_zone(name)  # type: ignore[arg-type]

    assert (caught.value.name, str(caught.value)) == (
        name,
        f"unknown time zone '{name}'; expected an IANA name like 'Asia/Tokyo'",
    )


def test_invalid_time_zone_is_value_error() -> None:
    assert issubclass(InvalidTimeZone, ValueError)


def test_time_errors_carry_messages_for_the_reader() -> None:
    with pytest.raises(InvalidTimeZone) as zone:
        validate_time_zone("Asia/Nowhere")
    with pytest.raises(NaiveDatetimeError) as naive:
        ensure_utc(datetime(2026, 4, 30, 17, 0))

    assert [render(e.value.message, "ja") for e in (zone, naive)] == [
        "タイムゾーン「Asia/Nowhere」は不明です。「Asia/Tokyo」のようなIANA名を指定してください",
        "日時 2026-04-30T17:00:00 にタイムゾーンがありません"
        "（タイムゾーン付きの日時を指定してください）",
    ]
    assert [render(e.value.message, "vi") for e in (zone, naive)] == [
        "múi giờ 'Asia/Nowhere' không xác định; hãy dùng tên IANA như 'Asia/Tokyo'",
        "thời điểm 2026-04-30T17:00:00 không có múi giờ; cần một thời điểm có múi giờ",
    ]


@pytest.mark.parametrize(
    ("zone", "local"),
    [
        ("Asia/Tokyo", "2026-04-30T17:00:00+09:00"),
        ("Asia/Ho_Chi_Minh", "2026-04-30T15:00:00+07:00"),
    ],
)
def test_to_zone_dst_free_zone_shifts_fixed_offset(zone: str, local: str) -> None:
    assert to_zone(DEADLINE, zone).isoformat() == local


def test_to_zone_keeps_instant() -> None:
    assert to_zone(DEADLINE, "Asia/Tokyo") == DEADLINE


def test_to_zone_naive_raises() -> None:
    with pytest.raises(NaiveDatetimeError):
        to_zone(datetime(2026, 4, 30, 8, 0), "Asia/Tokyo")


def test_to_zone_unknown_zone_raises() -> None:
    with pytest.raises(InvalidTimeZone):
        to_zone(DEADLINE, "Mars/Olympus_Mons")


# --- display ----------------------------------------------------------------------------
# Expected strings are what Babel 2.18 (CLDR) produces.


@pytest.mark.parametrize(
    ("zone", "locale", "text"),
    [
        ("Asia/Tokyo", "en", f"Apr 30, 2026, 5:00:00{NNBSP}PM (Asia/Tokyo)"),
        ("Asia/Tokyo", "ja", "2026/04/30 17:00:00 (Asia/Tokyo)"),
        ("Asia/Tokyo", "vi", "17:00:00 30 thg 4, 2026 (Asia/Tokyo)"),
        ("Asia/Ho_Chi_Minh", "en", f"Apr 30, 2026, 3:00:00{NNBSP}PM (Asia/Ho_Chi_Minh)"),
        ("Asia/Ho_Chi_Minh", "ja", "2026/04/30 15:00:00 (Asia/Ho_Chi_Minh)"),
        ("Asia/Ho_Chi_Minh", "vi", "15:00:00 30 thg 4, 2026 (Asia/Ho_Chi_Minh)"),
    ],
)
def test_format_in_zone_medium_shows_local_time_and_zone(zone: str, locale: str, text: str) -> None:
    assert format_in_zone(DEADLINE, zone, locale) == text


@pytest.mark.parametrize(
    ("format", "text"),
    [
        ("short", "2026/04/30 17:00 (Asia/Tokyo)"),
        ("long", "2026年4月30日 17:00:00 JST (Asia/Tokyo)"),
        ("full", "2026年4月30日木曜日 17時00分00秒 日本標準時 (Asia/Tokyo)"),
    ],
)
def test_format_in_zone_other_formats_ja(format: str, text: str) -> None:
    assert format_in_zone(DEADLINE, "Asia/Tokyo", "ja", format) == text


def test_format_in_zone_date_line_crossed_shows_next_day() -> None:
    late = datetime(2026, 3, 31, 20, 30, tzinfo=UTC)

    assert format_in_zone(late, "Asia/Tokyo", "en", "short") == (
        f"4/1/26, 5:30{NNBSP}AM (Asia/Tokyo)"
    )


def test_format_in_zone_naive_raises() -> None:
    with pytest.raises(NaiveDatetimeError):
        format_in_zone(datetime(2026, 4, 30, 8, 0), "Asia/Tokyo", "en")


def test_format_in_zones_both_agencies_in_order() -> None:
    shown = format_in_zones(DEADLINE, ["Asia/Tokyo", "Asia/Ho_Chi_Minh"], "vi")

    assert shown == [
        ("Asia/Tokyo", "17:00:00 30 thg 4, 2026 (Asia/Tokyo)"),
        ("Asia/Ho_Chi_Minh", "15:00:00 30 thg 4, 2026 (Asia/Ho_Chi_Minh)"),
    ]


def test_format_in_zones_repeated_zone_shown_once() -> None:
    shown = format_in_zones(DEADLINE, ["Asia/Tokyo", "Asia/Tokyo"], "ja")

    assert shown == [("Asia/Tokyo", "2026/04/30 17:00:00 (Asia/Tokyo)")]


def test_format_in_zones_unknown_zone_raises() -> None:
    with pytest.raises(InvalidTimeZone):
        format_in_zones(DEADLINE, ["Asia/Tokyo", "Asia/Hanoi"], "en")


# --- fiscal years -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start_month", "fy"),
    [
        (date(2026, 3, 31), 4, 2025),
        (date(2026, 4, 1), 4, 2026),
        (date(2026, 12, 31), 4, 2026),
        (date(2026, 1, 1), 1, 2026),
        (date(2026, 12, 31), 1, 2026),
        (date(2026, 9, 30), 10, 2025),
    ],
)
def test_fiscal_year_of_boundaries(day: date, start_month: int, fy: int) -> None:
    assert fiscal_year_of(day, start_month) == fy


@pytest.mark.parametrize(
    ("fy", "start_month", "bounds"),
    [
        (2025, 4, (date(2025, 4, 1), date(2026, 3, 31))),
        (2026, 1, (date(2026, 1, 1), date(2026, 12, 31))),
        (2027, 3, (date(2027, 3, 1), date(2028, 2, 29))),
        (9999, 1, (date(9999, 1, 1), date(9999, 12, 31))),
    ],
)
def test_fiscal_year_bounds_known_years(
    fy: int, start_month: int, bounds: tuple[date, date]
) -> None:
    assert fiscal_year_bounds(fy, start_month) == bounds


def test_fiscal_year_of_datetime_raises_type_error() -> None:
    with pytest.raises(TypeError, match="expected a date, not datetime"):
        fiscal_year_of(DEADLINE, 4)


@pytest.mark.parametrize("start_month", [0, 13, True, 4.0])
def test_fiscal_year_of_invalid_start_month_raises(start_month: object) -> None:
    with pytest.raises(ValueError, match="start_month must be"):
        fiscal_year_of(date(2026, 4, 1), start_month)  # type: ignore[arg-type]


@pytest.mark.parametrize("fy", [0, 9999, True, 2026.0])
def test_fiscal_year_bounds_invalid_year_raises(fy: object) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - date() and our check word it differently
        fiscal_year_bounds(fy, 4)  # type: ignore[arg-type]


start_months = st.integers(min_value=1, max_value=12)
days = st.dates(min_value=date(2, 1, 1), max_value=date(9998, 12, 31))


@given(days, start_months)
def test_fiscal_year_bounds_contain_the_date(day: date, start_month: int) -> None:
    first, last = fiscal_year_bounds(fiscal_year_of(day, start_month), start_month)

    assert first <= day <= last


@given(st.integers(min_value=1, max_value=9997), start_months)
def test_fiscal_year_bounds_consecutive_years_abut(fy: int, start_month: int) -> None:
    _, last = fiscal_year_bounds(fy, start_month)
    first_next, _ = fiscal_year_bounds(fy + 1, start_month)

    assert last + timedelta(days=1) == first_next


@given(st.integers(min_value=1, max_value=9998), start_months)
def test_fiscal_year_bounds_ends_belong_to_their_year(fy: int, start_month: int) -> None:
    first, last = fiscal_year_bounds(fy, start_month)

    assert (fiscal_year_of(first, start_month), fiscal_year_of(last, start_month)) == (fy, fy)
