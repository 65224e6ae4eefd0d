"""`grants assign <call>` on a real SQLite file: runs the solver and prints the report."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.ext.asyncio import async_sessionmaker

from grants.cli import main
from grants.db.engine import create_engine
from grants.settings import get_settings
from tests.factories import ConflictFactory, persist
from tests.factories_assignment import make_review_world


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SMTP_HOST", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _grants(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _report(result: Result) -> list[str]:
    """The printed report without the log lines (structlog writes them to stdout too)."""
    return [line for line in result.output.splitlines() if not line[:4].isdigit()]


def _arrange(var_dir: Path, **fields: object) -> list[str]:
    """A review world in the CLI's database; returns the reviewers' display names."""

    async def work() -> list[str]:
        engine = create_engine(f"sqlite+aiosqlite:///{var_dir / 'cofund.db'}")
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db, db.begin():
                rw = await make_review_world(db, **fields)
                await persist(
                    db,
                    ConflictFactory(proposal_id=rw.proposals[0].id, reviewer_id=rw.jp[0].id),
                )
                return [u.display_name for u in rw.jp + rw.vn]
        finally:
            await engine.dispose()

    return asyncio.run(work())


def test_assign_prints_coverage_and_no_shortfall(var_dir: Path) -> None:
    _grants("db", "upgrade")
    _arrange(var_dir, proposals=2, jp=2, vn=2, reviewers_per_proposal=1)

    result = _grants("assign", "JV-2026")

    assert result.exit_code == 0, result.output
    lines = _report(result)
    assert lines[0].startswith(
        "call JV-2026 (parallel review): 2 of 2 proposals covered, 4 of 4 slots filled, "
        "total affinity "
    )
    assert lines[1] == "proposed now: 4 added, 0 withdrawn"
    assert [line.split(":")[0] for line in lines[2:4]] == ["  JV-2026-0001", "  JV-2026-0002"]
    assert lines[4:] == ["shortfalls: none"]


def test_assign_prints_shortfalls_of_an_infeasible_call(var_dir: Path) -> None:
    _grants("db", "upgrade")
    _arrange(var_dir, proposals=2, jp=2, vn=1, reviewers_per_proposal=2)

    result = _grants("assign", "JV-2026")

    assert result.exit_code == 0, result.output
    assert _report(result)[-4:] == [
        "shortfalls:",
        "  JV-2026-0001 pool JST: needs 2, assigned 1, 1 candidates (too_few_candidates)",
        "  JV-2026-0001 pool NAFOSTED: needs 2, assigned 1, 1 candidates (too_few_candidates)",
        "  JV-2026-0002 pool NAFOSTED: needs 2, assigned 1, 1 candidates (too_few_candidates)",
    ]


def test_assign_unknown_call_fails(var_dir: Path) -> None:
    _grants("db", "upgrade")

    result = _grants("assign", "NOPE")

    assert (result.exit_code, result.output) == (1, "Error: no call NOPE\n")
