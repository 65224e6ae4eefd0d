"""Rendering messages: parameters checked where a message is built, formatted per locale."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from grants.money import Money
from messages import Instant, MessageParamsError, define, negotiate, params_json, render

TOTAL = define("test.render.total", "{who} asks {total} by {deadline}.")
ZONES = ("Asia/Tokyo", "Asia/Ho_Chi_Minh")


def _message():  # type: ignore[no-untyped-def]
    deadline = Instant(datetime(2027, 3, 31, 8, tzinfo=UTC), ZONES)
    return TOTAL(who=["JST", "NAFOSTED"], total=Money(123456789, "VND"), deadline=deadline)


def test_parameters_are_formatted_for_each_locale() -> None:
    message = _message()
    assert render(message, "en") == (
        "JST and NAFOSTED asks ₫123,456,789 by Mar 31, 2027, 5:00\u202fPM (Japan Time) / "
        "Mar 31, 2027, 3:00\u202fPM (Vietnam Time)."
    )
    assert render(message, "vi") == (
        "JST và NAFOSTED asks 123.456.789\xa0₫ by 17:00 31 thg 3, 2027 (Giờ Nhật Bản) / "
        "15:00 31 thg 3, 2027 (Giờ Việt Nam)."
    )
    assert render(message, "fr") == render(message, "en")


def test_parameters_travel_as_json() -> None:
    assert params_json(_message().params) == {
        "who": ["JST", "NAFOSTED"],
        "total": {"amount": 123456789, "currency": "VND"},
        "deadline": "2027-03-31T08:00:00Z",
    }


def test_a_message_built_with_missing_or_unknown_parameters_is_refused() -> None:
    with pytest.raises(MessageParamsError, match=r"missing parameters \['deadline'\]"):
        TOTAL(who="JST", total=1)
    with pytest.raises(MessageParamsError, match=r"unknown \['extra'\]"):
        TOTAL(who="JST", total=1, deadline=2, extra=3)


def test_a_code_is_defined_once() -> None:
    assert define("test.render.total", "{who} asks {total} by {deadline}.") is not None
    with pytest.raises(ValueError, match="defined twice"):
        define("test.render.total", "Another text.")


@pytest.mark.parametrize(
    ("saved", "header", "expected"),
    [
        ("ja", "vi", "ja"),
        (None, "fr, ja;q=0.5, vi-VN;q=0.8", "vi"),
        (None, "de, fr", "en"),
        (None, "ja;q=0", "en"),
        (None, "ja;q=bad", "en"),
        (None, None, "en"),
        ("xx", "JA-jp", "ja"),
    ],
)
def test_the_reader_language_is_negotiated(
    saved: str | None, header: str | None, expected: str
) -> None:
    assert negotiate(saved, header) == expected


INNER = define("test.render.inner", "the {agency} pool is empty")
OUTER = define("test.render.outer", "Cannot assign: {reason}.")


def test_a_message_inside_a_message_renders_and_travels_with_its_code() -> None:
    message = OUTER(reason=INNER(agency="JST"))
    assert render(message, "en") == "Cannot assign: the JST pool is empty."
    assert params_json(message.params) == {
        "reason": {"code": "test.render.inner", "params": {"agency": "JST"}}
    }
