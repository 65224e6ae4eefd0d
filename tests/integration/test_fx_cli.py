"""`grants fx import FILE.csv --email OFFICER` on a real SQLite file: all rows or none, as the
named officer; anyone who is not an officer is refused."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from grants.cli import main
from grants.settings import get_settings

OFFICER = "officer.jst@demo.cofund.example"


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _grants(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _rates(var_dir: Path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(var_dir / "cofund.db") as conn:
        rows = conn.execute("SELECT rate_date, base, quote, source FROM fx_rates ORDER BY base")
        return [tuple(r) for r in rows]


def test_fx_import_stores_every_row_or_none(var_dir: Path) -> None:
    _grants("db", "upgrade")
    _grants("demo")
    good = var_dir / "good.csv"
    good.write_text("date,base,quote,rate,source\n2027-03-31,JPY,USD,0.0067,BOJ\n")
    bad = var_dir / "bad.csv"
    bad.write_text(
        "date,base,quote,rate,source\n2027-04-01,JPY,USD,0.0068,BOJ\n2027-04-01,JPY,JPY,-1,BOJ\n"
    )

    refused = _grants("fx", "import", str(bad), "--email", OFFICER)
    imported = _grants("fx", "import", str(good), "--email", OFFICER)
    not_officer = _grants("fx", "import", str(good), "--email", "auditor@demo.cofund.example")

    assert (refused.exit_code, refused.output) == (
        1,
        "Error: The file has errors; no rate was imported.; "
        "line 3: quote: the quote currency must differ from the base (JPY); "
        "line 3: rate: a rate must be greater than zero, not -1\n",
    )
    assert (imported.exit_code, imported.output) == (0, f"imported 1 rates from {good}\n")
    assert (not_officer.exit_code, not_officer.output) == (
        1,
        "Error: auditor@demo.cofund.example is not an officer; officers enter rates\n",
    )
    assert _rates(var_dir) == [("2027-03-31", "JPY", "USD", "BOJ")]
