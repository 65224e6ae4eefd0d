"""One FX rate's checks (`grants.fx.checks`) and the money policy: every reason at once, exact
decimals, who records rates and who reads a call's money."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from grants.fx.checks import Errors, check_rate, parse_rate, rate_text
from grants.security import policy
from tests.unit.grants.people import JST, person


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.0058", "0.0058"), (" 170.5 ", "170.5"), ("000150", "150"), ("999999.999999999", None)],
)
def test_parse_rate_reads_exact_decimals(text: str, value: str | None) -> None:
    parsed, why = parse_rate(text)
    assert (parsed, why) == (Decimal(value or text.strip()), None)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("0", "fx.rate.not_positive"),
        ("0.000", "fx.rate.not_positive"),
        ("-1.5", "fx.rate.not_positive"),
        ("1e-3", "fx.rate.malformed"),
        ("1,5", "fx.rate.malformed"),
        ("٣", "fx.rate.malformed"),  # an Arabic-Indic digit Decimal would read
        ("0.0000000001", "fx.rate.too_precise"),
        ("1000000", "fx.rate.too_large"),
    ],
)
def test_parse_rate_refuses_with_a_reason(text: str, code: str) -> None:
    parsed, why = parse_rate(text)
    assert (parsed, why.code if why else None) == (None, code)


def test_check_rate_gives_every_reason_at_once() -> None:
    errors: Errors = []

    found = check_rate(datetime.date(2027, 3, 31), "JPY", "JPY", "-1", "", errors)

    assert found is None
    assert [(field, m.code) for field, m in errors] == [
        ("quote", "fx.pair.same_currency"),
        ("rate", "fx.rate.not_positive"),
        ("source", "fx.source.required"),
    ]


def test_rate_text_is_the_shortest_exact_form() -> None:
    assert [rate_text(Decimal(t)) for t in ("0.005800000", "150.000000000", "26000")] == [
        "0.0058",
        "150",
        "26000",
    ]


def test_officers_of_any_agency_record_rates_and_nobody_else() -> None:
    decisions = [
        policy.fx_rate_write_decision(person(*roles, agency=agency))
        for roles, agency in (
            (("officer",), JST),
            (("researcher",), None),
            (("auditor",), None),
            (("admin",), None),
        )
    ]
    assert [(d.allowed, d.status) for d in decisions] == [
        (True, 200),
        (False, 403),
        (False, 403),
        (False, 403),
    ]


@pytest.mark.parametrize(
    ("roles", "allowed"),
    [
        ({"officer", "cofunding_officer"}, True),
        ({"auditor"}, True),
        ({"admin"}, True),
        ({"officer"}, False),  # an officer of an agency outside the call
        ({"researcher", "pi"}, False),
    ],
)
def test_a_calls_money_is_read_by_oversight_roles(roles: set[str], allowed: bool) -> None:
    assert policy.call_money_decision(frozenset(roles)).allowed is allowed
