"""`grants open-data` on the demo (a real SQLite file): the awarded 5-year grant of
NEXUS-JV-2024 as a 360Giving package and CSV valid against the pinned schema and passing the
data-quality checks, and as IATI XML valid against the XSD; bad filters exit non-zero."""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree

from grants.cli import main
from grants.demo import FINISHED_CALL_CODE
from grants.settings import get_settings
from opendata import quality_problems
from tests.unit.opendata.schemas import schema_errors, xsd_errors

REFERENCE = f"{FINISHED_CALL_CODE}-0001"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A migrated database with the demo seeded, shared by this module's tests."""
    var_dir = tmp_path_factory.mktemp("var")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VAR_DIR", str(var_dir))
        patch.delenv("DATABASE_URL", raising=False)
        get_settings.cache_clear()
        assert _grants("db", "upgrade").exit_code == 0
        assert _grants("demo").exit_code == 0
        yield var_dir
    get_settings.cache_clear()


def _grants(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_demo_grant_as_a_valid_360giving_package(demo: Path) -> None:
    out = demo / "360giving.json"

    result = _grants("open-data", "360giving", "-o", str(out))

    assert (result.exit_code, result.output) == (0, f"wrote 2 grant records to {out}\n")
    assert schema_errors(out.read_bytes()) == []
    grants = json.loads(out.read_bytes(), parse_float=Decimal)["grants"]
    today = datetime.datetime.now(datetime.UTC).date()
    assert quality_problems(grants, today) == []
    assert [
        (g["id"], g["currency"], g["amountAwarded"], g["plannedDates"][0]["duration"])
        for g in grants
    ] == [
        (f"ZZ-COFUND-JST-{REFERENCE}-JST", "JPY", 43_500_000, 60),
        (f"ZZ-COFUND-NAFOSTED-{REFERENCE}-NAFOSTED", "VND", 5_500_000_000, 60),
    ]
    assert [len(g["disbursementTransaction"]) for g in grants] == [1, 1]
    # The demo's rows are written on the seeding day, after its replayed payments: the award
    # is dated no later than the first payment.
    assert all(
        g["awardDate"] <= t["transactionDate"] for g in grants for t in g["disbursementTransaction"]
    )
    assert [g["relatedActivity"] for g in grants] == [[grants[1]["id"]], [grants[0]["id"]]]


def test_the_demo_grant_as_flattened_csv(demo: Path) -> None:
    out = demo / "360giving.csv"

    result = _grants("open-data", "360giving", "--format", "csv", "--call", FINISHED_CALL_CODE,
                     "-o", str(out))  # fmt: skip

    assert result.exit_code == 0
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["Currency"], r["Amount Awarded"], r["Grant Programme:Code"]) for r in rows] == [
        ("JPY", "43500000", FINISHED_CALL_CODE),
        ("VND", "5500000000", FINISHED_CALL_CODE),
    ]


def test_the_demo_grant_as_valid_iati_activities(demo: Path) -> None:
    out = demo / "iati.xml"

    result = _grants("open-data", "iati", "--agency", "NAFOSTED", "-o", str(out))

    assert (result.exit_code, result.output) == (0, f"wrote 1 activities to {out}\n")
    assert xsd_errors(out.read_bytes()) == []
    (activity,) = etree.parse(str(out)).getroot().findall("iati-activity")
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    assert activity.get("default-currency") == "VND"
    assert len(activity.findall("budget")) == len(activity.findall("planned-disbursement"))
    assert all(d.get("iso-date") <= today for d in activity.iter("transaction-date"))
    assert [t.find("transaction-type").get("code") for t in activity.iter("transaction")] == [
        "2",
        "3",
    ]


def test_the_data_quality_check_passes_on_the_demo(demo: Path) -> None:
    result = _grants("open-data", "check")

    assert (result.exit_code, result.output) == (0, "no data-quality problems\n")


def test_an_unknown_call_is_refused_naming_it(demo: Path) -> None:
    result = CliRunner().invoke(main, ["open-data", "iati", "--call", "NOPE", "-o", "x.xml"])

    assert result.exit_code == 1
    assert "There is no call with the code NOPE." in result.output


def test_an_unknown_format_is_refused(demo: Path) -> None:
    result = CliRunner().invoke(
        main, ["open-data", "360giving", "--format", "xlsx", "-o", "x.xlsx"]
    )

    assert result.exit_code == 2
    assert "'xlsx' is not one of 'csv', 'json'" in result.output
