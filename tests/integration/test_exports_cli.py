"""`grants export <dataset>` on a real SQLite file with the demo: as an auditor, to a file or
standard output, recorded in the audit log; bad input exits 1 with the reason."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from grants.cli import main
from grants.settings import get_settings


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _grants(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_export_writes_datasets_and_records_them(var_dir: Path) -> None:
    _grants("db", "upgrade")
    _grants("demo")
    out = var_dir / "calls.csv"

    to_file = _grants("export", "calls", "-o", str(out), "--excel")
    to_stdout = _grants("export", "call_agencies", "--format", "jsonl", "--agency", "JST")
    refused = _grants("export", "calls", "--since", "2027-02-01", "--until", "2027-01-01")
    unknown = _grants("export", "nothing")

    assert (to_file.exit_code, to_file.output) == (0, "")
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeffid,code,title_en,title_ja,title_vi,state,")
    rows = [json.loads(line) for line in to_stdout.output.splitlines()]
    assert {r["agency_code"] for r in rows} == {"JST"}
    assert len(rows) == text.count("\n") - 1
    assert (refused.exit_code, refused.output) == (
        1,
        "Error: The request has invalid fields.; "
        "until: The end date 2027-01-01 is before the start date 2027-02-01.\n",
    )
    assert unknown.exit_code == 1
    assert unknown.output.startswith(
        "Error: There is no dataset nothing; the datasets are calls, call_agencies,"
    )
    with sqlite3.connect(var_dir / "cofund.db") as conn:
        events = conn.execute(
            "SELECT actor_label, entity_id, changes FROM audit_events "
            "WHERE action = 'export.dataset' ORDER BY seq"
        ).fetchall()
    assert [(a, e, json.loads(c)) for a, e, c in events] == [
        ("cli", "calls", {"format": "csv", "filters": {}, "reviewer_identities": True}),
        (
            "cli",
            "call_agencies",
            {"format": "jsonl", "filters": {"agency": "JST"}, "reviewer_identities": True},
        ),
    ]


def test_export_list_names_the_datasets(var_dir: Path) -> None:
    listed = _grants("export", "list")

    assert [line.split()[0] for line in listed.output.splitlines()][:3] == [
        "calls",
        "call_agencies",
        "proposals",
    ]
