"""The 360Giving mapping: one exact record per agency share, valid against the pinned package
schema (offline), and its flattened CSV."""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from opendata import FLAT_COLUMNS, flat_csv, grant_records, major, package, package_json
from tests.unit.opendata.schemas import schema_errors
from tests.unit.opendata.world import jst_share, project

ISSUED = datetime.datetime(2027, 5, 1, tzinfo=datetime.UTC)
JST_ID = "JP-JCN-1000000000001-JV-2026-0001-JST"
NAFOSTED_ID = "VN-COA-0100000001-JV-2026-0001-NAFOSTED"


def test_major_units_convert_exactly_by_the_currency_exponent() -> None:
    assert major(43_500_000, "JPY") == Decimal(43_500_000)
    assert major(5_500_000_000, "VND") == Decimal(5_500_000_000)
    assert major(12_345, "USD") == Decimal("123.45")
    assert major(1_005, "BHD") == Decimal("1.005")
    assert major(9_223_372_036_854_775_807, "USD") == Decimal("92233720368547758.07")


@given(st.integers(min_value=0, max_value=2**63 - 1), st.sampled_from(["JPY", "VND", "USD", "BHD"]))
def test_major_units_round_trip_to_the_same_minor_amount(amount: int, currency: str) -> None:
    exponent = {"JPY": 0, "VND": 0, "USD": 2, "BHD": 3}[currency]
    assert int(major(amount, currency).scaleb(exponent)) == amount


def test_the_jst_share_is_one_exact_record() -> None:
    (jst, _) = grant_records([project()])

    assert jst == {
        "id": JST_ID,
        "title": "Chiplet packaging",
        "description": "Advanced packaging of chiplets.\n\n"
        "Title (Japanese, ja): チップレット実装\n\nTitle (Vietnamese, vi): Đóng gói chiplet",
        "currency": "JPY",
        "amountAwarded": Decimal(10_500_000),
        "amountDisbursed": Decimal(6_500_000),
        "awardDate": "2027-03-01",
        "plannedDates": [{"startDate": "2027-04-01", "endDate": "2030-03-31", "duration": 36}],
        "recipientOrganization": [
            {"id": "XI-ROR-057zh3y96", "name": "The University of Tokyo", "addressCountry": "JP"}
        ],
        "fundingOrganization": [
            {"id": "JP-JCN-1000000000001", "name": "Japan Science and Technology Agency"}
        ],
        "grantProgramme": [
            {"code": "JV-2026", "title": "Japan–Vietnam joint call on semiconductors 2026"}
        ],
        "fromOpenCall": "Yes",
        "disbursementTransaction": [
            {
                "id": f"{JST_ID}-FY2027",
                "transactionDate": "2027-04-05",
                "currency": "JPY",
                "value": Decimal(6_500_000),
                "provider": "JP-JCN-1000000000001",
                "recipient": "XI-ROR-057zh3y96",
            }
        ],
        "relatedActivity": [NAFOSTED_ID],
        "dateModified": "2027-04-10T09:30:00Z",
    }


def test_the_shares_name_each_other_and_keep_their_own_currency() -> None:
    records = grant_records([project()])

    assert [(r["id"], r["currency"], r["relatedActivity"]) for r in records] == [
        (JST_ID, "JPY", [NAFOSTED_ID]),
        (NAFOSTED_ID, "VND", [JST_ID]),
    ]


def test_an_unpaid_share_has_no_disbursement_and_nothing_disbursed() -> None:
    shares = (jst_share(paid=False),)

    (record,) = grant_records([project(shares=shares)])

    assert (record["disbursementTransaction"], record["amountDisbursed"]) == ([], Decimal(0))
    assert record["relatedActivity"] == []


def test_the_package_is_valid_against_the_pinned_schema_offline() -> None:
    document = package_json(package([project()], publisher="CoFund", issued=ISSUED))

    assert schema_errors(document) == []
    data = json.loads(document)
    assert {k: v for k, v in data.items() if k != "grants"} == {
        "version": "1.4",
        "title": "CoFund: awarded grants",
        "issued": "2027-05-01T00:00:00Z",
        "publisher": {"name": "CoFund"},
        "license": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert [g["amountAwarded"] for g in data["grants"]] == [10_500_000, 1_500_000_000]


def test_the_schema_check_catches_a_broken_record() -> None:
    data = package([project()], publisher="CoFund", issued=ISSUED)
    data["grants"][0] = {**data["grants"][0], "currency": "YEN", "awardDate": "1 March 2027"}
    del data["grants"][1]["fundingOrganization"]

    errors = schema_errors(package_json(data))

    assert [e.split(":")[0] for e in errors] == [
        "grants/0/currency",
        "grants/0/awardDate",
        "grants/1",
    ]


def test_decimal_amounts_are_written_as_exact_json_numbers() -> None:
    document = package_json({"grants": [{"value": Decimal("92233720368547758.07")}]})

    assert json.loads(document, parse_float=Decimal) == {
        "grants": [{"value": Decimal("92233720368547758.07")}]
    }
    assert b'"value": 92233720368547758.07\n' in document


def test_the_flattened_csv_has_360givings_titles_and_one_row_per_share() -> None:
    rows = list(csv.reader(io.StringIO(flat_csv(grant_records([project()])))))

    assert rows[0] == [title for title, _ in FLAT_COLUMNS]
    assert dict(zip(rows[0], rows[1], strict=True)) == {
        "Identifier": JST_ID,
        "Title": "Chiplet packaging",
        "Description": "Advanced packaging of chiplets.\n\n"
        "Title (Japanese, ja): チップレット実装\n\nTitle (Vietnamese, vi): Đóng gói chiplet",
        "Currency": "JPY",
        "Amount Awarded": "10500000",
        "Amount Disbursed": "6500000",
        "Award Date": "2027-03-01",
        "Planned Dates:Start Date": "2027-04-01",
        "Planned Dates:End Date": "2030-03-31",
        "Planned Dates:Duration (months)": "36",
        "Recipient Org:Identifier": "XI-ROR-057zh3y96",
        "Recipient Org:Name": "The University of Tokyo",
        "Recipient Org:Country": "JP",
        "Funding Org:Identifier": "JP-JCN-1000000000001",
        "Funding Org:Name": "Japan Science and Technology Agency",
        "Grant Programme:Code": "JV-2026",
        "Grant Programme:Title": "Japan–Vietnam joint call on semiconductors 2026",
        "From An Open Call?": "Yes",
        "Related Activity": NAFOSTED_ID,
        "Last Modified": "2027-04-10T09:30:00Z",
    }
    assert [row[0] for row in rows[1:]] == [JST_ID, NAFOSTED_ID]


def test_an_unpublished_share_is_named_as_related_but_not_exported() -> None:
    jst, nafosted = project().shares
    one_side = project(shares=(jst, replace(nafosted, published=False)))

    records = grant_records([one_side])

    assert [(r["id"], r["relatedActivity"]) for r in records] == [(JST_ID, [NAFOSTED_ID])]
