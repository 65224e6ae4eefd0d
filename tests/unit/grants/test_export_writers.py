"""The export writers and the export policy, without a database."""

from __future__ import annotations

import csv
import datetime
import io
import uuid
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from grants.exports.columns import Kind, text
from grants.exports.writers import csv_field
from grants.security.policy import SYSTEM_SCOPE, decide_export_call, export_scope
from grants.security.principal import Principal

FIELDS = st.lists(st.one_of(st.none(), st.text()), min_size=2, max_size=6)


@given(FIELDS)
def test_csv_rows_read_back_as_written(values: list[str | None]) -> None:
    line = ",".join(csv_field(v) for v in values) + "\n"

    (row,) = list(csv.reader(io.StringIO(line, newline="")))

    assert row == ["" if v is None else v for v in values]


def test_csv_quotes_as_postgresql_does() -> None:
    assert [csv_field(v) for v in (None, "", "plain", 'a "b"', "x,y", "line\nbreak", " sp ")] == [
        "",
        '""',
        "plain",
        '"a ""b"""',
        '"x,y"',
        '"line\nbreak"',
        " sp ",
    ]


def test_values_are_written_in_utc_iso_and_exact() -> None:
    tokyo = datetime.timezone(datetime.timedelta(hours=9))
    assert [
        text(Kind.DATETIME, datetime.datetime(2027, 4, 1, 9, 0, tzinfo=tokyo)),
        text(Kind.DATE, datetime.date(2027, 4, 1)),
        text(Kind.BOOL, False),
        text(Kind.DECIMAL, Decimal("0.006700000")),
        text(Kind.FLOAT, 1.0),
        text(Kind.FLOAT, 0.25),
        text(Kind.UUID, uuid.UUID(int=1)),
        text(Kind.INT, 45_000_000_000),
        text(Kind.TEXT, None),
    ] == [
        "2027-04-01T00:00:00.000000Z",
        "2027-04-01",
        "false",
        "0.006700000",
        "1",
        "0.25",
        "00000000-0000-0000-0000-000000000001",
        "45000000000",
        None,
    ]


def _principal(*roles: str, agency: uuid.UUID | None = None) -> Principal:
    return Principal(
        user_id=uuid.uuid4(),
        email="someone@example.org",
        display_name="Someone",
        locale="en",
        time_zone="UTC",
        roles=frozenset(roles),
        officer_agency_id=agency,
        auth_kind="token",
        credential_id=uuid.uuid4(),
    )


def test_officers_export_their_agency_calls_without_identities() -> None:
    jst, nafosted = uuid.uuid4(), uuid.uuid4()
    officer = export_scope(_principal("officer", agency=jst))

    assert (officer.agency_id, officer.identities, officer.oversight) == (jst, False, False)
    assert export_scope(_principal("auditor")) == SYSTEM_SCOPE
    assert decide_export_call(officer, "JV-2026", {jst, nafosted}).allowed
    refused = decide_export_call(officer, "FWO-2026", {uuid.uuid4()})
    assert (refused.status, refused.detail.code if refused.detail else None) == (
        403,
        "policy.exports.call_not_cofunded",
    )
