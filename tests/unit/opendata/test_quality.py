"""The data-quality rules: the sample passes, and each rule catches its failing example."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from opendata import Problem, grant_records, quality_problems
from tests.unit.opendata.world import project

TODAY = datetime.date(2027, 5, 1)


def jst_record(**changes: Any) -> dict[str, Any]:
    return {**grant_records([project()])[0], **changes}


def test_the_sample_grants_pass_every_rule() -> None:
    assert quality_problems(grant_records([project()]), TODAY) == []


def test_nothing_disbursed_yet_is_not_a_problem() -> None:
    assert quality_problems([jst_record(amountDisbursed=Decimal(0))], TODAY) == []


ID = "JP-JCN-1000000000001-JV-2026-0001-JST"
FAILING = [
    (
        {"amountAwarded": Decimal(0)},
        [Problem(ID, "amount_not_positive", "amountAwarded = 0")],
    ),
    (
        {"amountDisbursed": Decimal(-5)},
        [Problem(ID, "amount_not_positive", "amountDisbursed = -5")],
    ),
    (
        {"awardDate": "2027-05-02"},
        [Problem(ID, "award_date_future", "2027-05-02")],
    ),
    (
        {"plannedDates": [{"startDate": "2027-04-01", "endDate": "2027-03-31", "duration": 0}]},
        [Problem(ID, "planned_end_before_start", "2027-04-01 > 2027-03-31")],
    ),
    (
        {"fundingOrganization": []},
        [Problem(ID, "funders_not_one", "0 funding organisations")],
    ),
    (
        {
            "fundingOrganization": [
                {"id": "JP-JCN-1000000000001", "name": "JST"},
                {"id": "XI-ROR-00097mb19", "name": "Other"},
            ]
        },
        [Problem(ID, "funders_not_one", "2 funding organisations")],
    ),
    (
        {"recipientOrganization": [{"id": "057zh3y96", "name": "Tokyo"}]},
        [Problem(ID, "identifier_prefix", "recipientOrganization/0/id = 057zh3y96")],
    ),
    (
        {"id": "JV-2026-0001-JST"},
        [Problem("JV-2026-0001-JST", "identifier_prefix", "id = JV-2026-0001-JST")],
    ),
    (
        {"description": "Contact kaito.mori@example.jp for details."},
        [Problem(ID, "email_in_text", "description")],
    ),
]


@pytest.mark.parametrize(("changes", "problems"), FAILING)
def test_each_rule_catches_its_failing_example(
    changes: dict[str, Any], problems: list[Problem]
) -> None:
    assert quality_problems([jst_record(**changes)], TODAY) == problems


def test_a_zero_disbursement_transaction_is_a_problem() -> None:
    record = jst_record()
    record["disbursementTransaction"] = [{**record["disbursementTransaction"][0], "value": 0}]

    assert quality_problems([record], TODAY) == [
        Problem(ID, "amount_not_positive", "disbursementTransaction/0/value = 0")
    ]
