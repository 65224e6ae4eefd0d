"""README.md, checked: its table of a call's life is the call machine's table, and its journeys
(the fenced `sh` blocks after a `<!-- journey: name -->` comment) run as written, with bash
(`set -euo pipefail`), against `grants serve` on a fresh VAR_DIR with the demo seeded.

The blocks call `.venv/bin/grants` and `$COFUND` (default http://127.0.0.1:8000) as a newcomer
would from the repository; here `.venv/bin/grants` is a shim running this checkout's code and
`COFUND` names the test server."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Server, _free_port, _server_env, _stop, _wait_healthy
from workflows.diagram import guard_summary
from workflows.engine import Machine
from workflows.machines.call import CALL

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
JOURNEY = re.compile(r"<!-- journey: ([\w-]+) -->\n+```sh\n(.*?)```", re.DOTALL)
PRELUDE = re.compile(r"<!-- journey-prelude -->\n+```sh\n(.*?)```", re.DOTALL)
LIFE = re.compile(r"<!-- life-of-a-call -->\n(.*?)\n<!-- /life-of-a-call -->", re.DOTALL)
# What the last command of each journey prints, as the README says it does.
LAST_LINES = {
    "audit-pack": {"verified": True, "after_one_byte": ["datasets/calls.csv"]},
    "witness": {"cosigned_by": ["witness.jst.example", "witness.nafosted.example"]},
    "languages": {
        "detail": "Sự kiện này bị từ chối.",
        "reasons": [
            "Phần JST chưa có tổ chức chủ trì (mã ROR hoặc tên).",
            "Phần JST chưa có kinh phí.",
            "Phần NAFOSTED chưa có chủ nhiệm.",
            "Phần NAFOSTED chưa có tổ chức chủ trì (mã ROR hoặc tên).",
            "Phần NAFOSTED chưa có kinh phí.",
            "Còn thiếu tài liệu bắt buộc 'Project description' (project_description).",
        ],
    },
    "proposal": {"state": "submitted", "reference": "NEXUS-JV-2027-0001"},
    "review": {"state": "active", "numbers": ["JPMJNX2701", "NDT.JP.2027.01"]},
    "grant": [
        {"agency": "JST", "committed": 43_500_000, "usd": 27_840_000},
        {"agency": "NAFOSTED", "committed": 5_500_000_000, "usd": 20_900_000},
    ],
}
WHO = {"cofunding_officer": "an officer of either co-funding agency (JST or NAFOSTED)"}
# Where the agency matters more than the role: the two keys (grants/approvals/).
KEYS = {
    "approve": "an officer of each co-funding agency, one key per agency",
    "publish": "CoFund, right after the last agency's `approve` (either agency's officer may too)",
}
# A hang guard, not a speed target: each `grants` command of a journey starts a Python process
# (about 2 s of imports), and a loaded machine (another suite, xdist workers) slows them more.
JOURNEY_SECONDS = 240


def life_table(machine: Machine[Any]) -> str:
    """The README's table: per state, each event leaving it, who fires it and its guards."""
    rows = [
        "| state | leaves by | to | who fires it | what must be true | meaning |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for state in machine.states:
        leaving = [t for t in machine.transitions if state in t.sources]
        if not leaving:
            rows.append(f"| {state} | — (final) | | | | |")
        for t in leaving:
            who = KEYS.get(t.event) or ", ".join(WHO.get(role, role) for role in t.roles)
            guards = " ".join(guard_summary(g) for g in t.guards) or "—"
            rows.append(
                f"| {state} | `{t.event}` | {t.target} | {who} | {guards} | {t.description} |"
            )
    return "\n".join(rows)


def journeys() -> dict[str, str]:
    """Each marked journey, after the helpers it uses (the prelude block)."""
    text = README.read_text()
    prelude = PRELUDE.search(text)
    assert prelude is not None, "README.md lacks the <!-- journey-prelude --> block"
    return {name: prelude.group(1) + block for name, block in JOURNEY.findall(text)}


@pytest.fixture(scope="module")
def tools() -> None:
    """curl and jq, which the journeys use: missing, skipped locally and failed on CI."""
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing:
        message = f"not installed: {', '.join(missing)}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory standing for the checkout: `.venv/bin/grants` runs this checkout's CLI."""
    root = tmp_path_factory.mktemp("readme")
    shim = root / ".venv" / "bin" / "grants"
    shim.parent.mkdir(parents=True)
    shim.write_text(
        "#!/bin/sh\n"
        f"PYTHONPATH={shlex.quote(str(ROOT))} exec {shlex.quote(sys.executable)} "
        "-c 'import sys; from grants.cli import main; sys.exit(main())' \"$@\"\n"
    )
    shim.chmod(0o755)
    (root / "var").mkdir()
    return root


@pytest.fixture(scope="module")
def env(workdir: Path) -> dict[str, str]:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    return {**_server_env(workdir / "var", base_url), "COFUND": base_url}


@pytest.fixture(scope="module")
def server(tools: None, workdir: Path, env: dict[str, str]) -> Iterator[str]:
    """`grants db upgrade && grants demo`, then `grants serve` on the journeys' port."""
    grants = ".venv/bin/grants"
    port = env["COFUND"].rsplit(":", 1)[1]
    script = f"set -e; {grants} db upgrade; {grants} demo; exec {grants} serve --port {port}"
    log = workdir / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 - our own CLI with fixed arguments
            ["/bin/sh", "-c", script], env=env, cwd=workdir, stdout=sink, stderr=subprocess.STDOUT
        )
    running = Server(process, env["COFUND"], log)
    try:
        _wait_healthy(running)
        yield running.base_url
    finally:
        _stop(process)


def test_readme_life_of_a_call_is_the_call_machine() -> None:
    found = LIFE.search(README.read_text())
    expected = life_table(CALL)

    assert found is not None, "README.md lacks the <!-- life-of-a-call --> table"
    assert found.group(1) == expected, f"README's table is stale; it should be:\n{expected}"


def test_readme_journeys_are_marked() -> None:
    assert sorted(journeys()) == sorted(LAST_LINES)
    for last in LAST_LINES.values():
        assert json.dumps(last, separators=(",", ":"), ensure_ascii=False) in README.read_text()


@pytest.mark.parametrize("name", sorted(LAST_LINES))
def test_readme_journey_runs_on_the_demo(
    name: str, server: str, workdir: Path, env: dict[str, str]
) -> None:
    done = subprocess.run(  # noqa: S603 - the README's own commands
        ["bash", "-euo", "pipefail", "-c", journeys()[name]],  # noqa: S607
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=JOURNEY_SECONDS,
        check=False,
    )

    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert json.loads(done.stdout.splitlines()[-1]) == LAST_LINES[name]
