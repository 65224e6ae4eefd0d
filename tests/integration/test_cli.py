"""The `grants` command on a real SQLite file: migrate, seed, users, tokens, audit, diagrams."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from grants.cli import main
from grants.db.migrate import head_revision
from grants.settings import get_settings


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _grants(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, input=stdin, catch_exceptions=False)


def test_demo_seeds_once_and_chain_verifies(var_dir: Path) -> None:
    assert _grants("db", "upgrade").output == (
        f"database at revision {head_revision()}\n"
        f"wrote the audit log key in {var_dir / 'audit-log.key'}\n"
    )

    first = _grants("demo")
    second = _grants("demo")
    verified = _grants("audit", "verify")

    assert "admin                admin@demo.cofund.example" in first.output
    assert "officer of NAFOSTED  officer.nafosted@demo.cofund.example" in first.output
    assert second.output.startswith("the database already has users; demo not seeded\n")
    assert (verified.exit_code, verified.output) == (0, "audit chain intact: 214 events\n")


def test_audit_verify_names_a_row_edited_by_hand(var_dir: Path) -> None:
    _grants("db", "upgrade")
    _grants("demo")
    with sqlite3.connect(var_dir / "cofund.db") as conn:
        conn.execute("DROP TRIGGER audit_events_no_update")
        conn.execute("UPDATE audit_events SET actor_label = 'mallory' WHERE seq = 5")

    result = _grants("audit", "verify")

    assert result.exit_code == 1
    assert result.output == (
        "audit chain BROKEN at event 5: content does not match its hash "
        "(edited after it was written) (4 events verified before it)\n"
    )


def test_user_and_token_create(var_dir: Path) -> None:
    _grants("db", "upgrade")
    _grants("demo")

    created = _grants(
        "user",
        "create",
        "--email",
        "New@Example.org",
        "--name",
        "New Officer",
        "--role",
        "officer",
        "--agency",
        "JST",
        env={"GRANTS_PASSWORD": "a long enough password"},
    )
    token = _grants("token", "create", "--email", "new@example.org", "--name", "ci")

    assert created.exit_code == 0
    assert created.output.startswith("created user new@example.org (")
    assert token.exit_code == 0
    assert token.output.startswith("cft_")


def test_user_create_bad_input_is_a_clear_error(var_dir: Path) -> None:
    _grants("db", "upgrade")
    _grants("demo")

    result = _grants(
        "user",
        "create",
        "--email",
        "x@example.org",
        "--name",
        "X",
        "--role",
        "officer",
        "--agency",
        "NOPE",
        env={"GRANTS_PASSWORD": "a long enough password"},
    )

    assert result.exit_code == 1
    assert "roles[0].agency: No agency has the code NOPE." in result.output


def test_workflow_diagrams_are_current() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "workflows.md"

    result = _grants("workflows", "diagram", "--check", "--output", str(docs))

    assert result.exit_code == 0, "docs/workflows.md is stale: run `grants workflows diagram`"
