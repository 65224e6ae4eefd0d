"""The demo's call in review, NEXUS-JV-2026, on a fresh SQLite file: `grants demo` seeds it
through the services (four eligible proposals, six reviewers serving), and `grants assign`
covers every proposal in both agencies' pools without a conflict."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from grants.cli import main
from grants.settings import get_settings

CALL = "NEXUS-JV-2026"


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SMTP_HOST", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _grants(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _report(result: Result) -> list[str]:
    """The printed report without the log lines (structlog writes them to stdout too)."""
    return [line for line in result.output.splitlines() if not line[:4].isdigit()]


def _rows(var_dir: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(var_dir / "cofund.db") as conn:
        return conn.execute(sql).fetchall()


def test_demo_seeds_a_call_in_review(var_dir: Path) -> None:
    _grants("db", "upgrade")
    _grants("demo")

    calls = _rows(var_dir, "SELECT code, state, reviewers_per_proposal FROM calls ORDER BY code")
    proposals = _rows(
        var_dir,
        "SELECT p.reference, p.state FROM proposals p JOIN calls c ON c.id = p.call_id "
        "WHERE c.code = 'NEXUS-JV-2026' ORDER BY p.reference",
    )
    services = _rows(
        var_dir,
        "SELECT u.email, a.code, s.state FROM call_reviewers s JOIN users u ON u.id = "
        "s.reviewer_id JOIN agencies a ON a.id = s.agency_id JOIN calls c ON c.id = s.call_id "
        "WHERE c.code = 'NEXUS-JV-2026' ORDER BY a.code, u.email",
    )
    verified = _grants("audit", "verify")

    assert calls == [
        ("NEXUS-JV-2024", "finished", 1),
        ("NEXUS-JV-2026", "reviewing", 2),
        ("NEXUS-JV-2027", "open", 3),
    ]
    assert proposals == [(f"{CALL}-{n:04d}", "eligible") for n in (1, 2, 3, 4)]
    assert services == [
        ("emi.watanabe@demo.cofund.example", "JST", "accepted"),
        ("haruto.ito@demo.cofund.example", "JST", "accepted"),
        ("kenji.tanaka@demo.cofund.example", "JST", "accepted"),
        ("bao.vu@demo.cofund.example", "NAFOSTED", "accepted"),
        ("huong.dang@demo.cofund.example", "NAFOSTED", "accepted"),
        ("mai.hoang@demo.cofund.example", "NAFOSTED", "accepted"),
    ]
    seeded = _rows(var_dir, "SELECT count(*), max(seq) FROM audit_events")[0]
    assert (verified.exit_code, verified.output) == (0, f"audit chain intact: {seeded[1]} events\n")
    assert seeded[0] == seeded[1]


def test_assign_covers_the_demo_call_without_conflicts(var_dir: Path) -> None:
    _grants("db", "upgrade")
    _grants("demo")
    ((seeded,),) = _rows(var_dir, "SELECT max(seq) FROM audit_events")

    result = _grants("assign", CALL)

    assert result.exit_code == 0, result.output
    assert _report(result) == [
        f"call {CALL} (parallel review): 4 of 4 proposals covered, 16 of 16 slots filled, "
        "total affinity 6.0423",
        "proposed now: 16 added, 0 withdrawn",
        f"  {CALL}-0001: "
        "Hoàng Thị Mai (reviewer) [NAFOSTED] 0.547 (packaging/interconnect/chiplet), "
        "Ito Haruto (reviewer) [JST] 0.218 (interconnect/chiplet), "
        "Tanaka Kenji (reviewer) [JST] 0.712 (packaging/chiplet/edge), "
        "Đặng Thanh Hương (reviewer) [NAFOSTED] 0.430 (chiplet/accelerators/interconnects)",
        f"  {CALL}-0002: Ito Haruto (reviewer) [JST] 0.243 (placement/analogue), "
        "Vũ Quốc Bảo (reviewer) [NAFOSTED] 0.585 (eda/routing/analogue), "
        "Watanabe Emi (reviewer) [JST] 0.479 (eda/routing/placement), "
        "Đặng Thanh Hương (reviewer) [NAFOSTED] 0.231 (routing/eda)",
        f"  {CALL}-0003: Tanaka Kenji (reviewer) [JST] 0.244 (low/power), "
        "Vũ Quốc Bảo (reviewer) [NAFOSTED] 0.313 (risc/chip/design), "
        "Watanabe Emi (reviewer) [JST] 0.456 (risc/low/power), "
        "Đặng Thanh Hương (reviewer) [NAFOSTED] 0.341 (low/power/chip)",
        f"  {CALL}-0004: Hoàng Thị Mai (reviewer) [NAFOSTED] 0.392 (spiking/hardware/edge), "
        "Ito Haruto (reviewer) [JST] 0.409 (spiking/neuromorphic/hardware), "
        "Tanaka Kenji (reviewer) [JST] 0.198 (edge/ai), "
        "Đặng Thanh Hương (reviewer) [NAFOSTED] 0.242 (neuromorphic/edge/ai)",
        "shortfalls: none",
    ]
    per_pool = _rows(
        var_dir,
        "SELECT p.reference, a.code, count(*), min(r.state), max(r.state) "
        "FROM review_assignments r JOIN proposals p ON p.id = r.proposal_id "
        "JOIN agencies a ON a.id = r.pool_agency_id "
        "WHERE p.reference LIKE 'NEXUS-JV-2026-%' GROUP BY p.reference, a.code "
        "ORDER BY p.reference, a.code",
    )
    assert per_pool == [
        (f"{CALL}-{n:04d}", pool, 2, "proposed", "proposed")
        for n in (1, 2, 3, 4)
        for pool in ("JST", "NAFOSTED")
    ]
    conflicted = _rows(
        var_dir,
        "SELECT count(*) FROM review_assignments r JOIN conflicts c ON "
        "c.proposal_id = r.proposal_id AND c.reviewer_id = r.reviewer_id",
    )
    assert conflicted == [(0,)]
    assert _rows(var_dir, "SELECT count(*) FROM conflicts") == [(0,)]
    events = _rows(var_dir, "SELECT seq, action, actor_label FROM audit_events ORDER BY seq")
    run = [event for event in events if event[0] > seeded]
    # The assignment appends its events after the seeded ones: detection, 16 rows, the run.
    assert run == [
        (seeded + 1, "conflicts.detect", "cli"),
        *[(seeded + n, "review_assignment.create", "cli") for n in range(2, 18)],
        (seeded + 18, "call.assignment_run", "cli"),
    ]
    assert _grants("audit", "verify").output == f"audit chain intact: {seeded + 18} events\n"
