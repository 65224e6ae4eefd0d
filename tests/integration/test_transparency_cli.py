"""The transparency log's commands on a real SQLite file: the log key, checkpoints, witness keys,
and the witness's refusals that leave its state alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from grants.cli import main
from grants.settings import get_settings
from transparency import COSIGNATURE_V1, ED25519, SignerKey, VerifierKey, open_checkpoint


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("AUDIT_LOG_KEY", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _grants(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_demo_log_is_checkpointed_with_the_key_db_upgrade_made(var_dir: Path) -> None:
    _grants("db", "upgrade")
    _grants("demo")

    key = (var_dir / "audit-log.key").read_text()
    vkey = _grants("audit", "log-key").output.strip()
    note = _grants("audit", "checkpoint").output
    kept = _grants("audit", "keygen").output
    events = _grants("audit", "verify").output

    checkpoint, _, _ = open_checkpoint(note, VerifierKey.parse(vkey))
    assert events == f"audit chain intact: {checkpoint.size} events\n"
    assert checkpoint.origin == "cofund.example/audit"
    assert SignerKey.parse(key).type == ED25519
    assert (var_dir / "audit-log.key").stat().st_mode & 0o777 == 0o600
    assert kept == f"kept the log key in {var_dir / 'audit-log.key'}\nlog verifier key: {vkey}\n"


def test_witness_keygen_writes_a_cosigner_key_once_and_admins_register_it(
    var_dir: Path,
) -> None:
    _grants("db", "upgrade")
    _grants("demo")
    path = var_dir / "jst.key"

    made = _grants("witness", "keygen", "--name", "witness.jst.example", "--out", str(path))
    again = CliRunner().invoke(main, ["witness", "keygen", "--name", "other", "--out", str(path)])
    registered = _grants("audit", "witness-key", "JST", made.output.strip())
    unknown = CliRunner().invoke(main, ["audit", "witness-key", "XYZ", made.output.strip()])

    key = SignerKey.parse(path.read_text())
    assert (key.type, key.name, made.output) == (
        COSIGNATURE_V1,
        "witness.jst.example",
        f"{key.verifier()}\n",
    )
    assert (again.exit_code, again.output) == (
        1,
        f"Error: {path} exists; a witness keeps its key\n",
    )
    assert registered.output == f"JST witness key: {key.verifier()}\n"
    assert (unknown.exit_code, unknown.output) == (1, "Error: no agency with the code XYZ\n")


def test_witness_refuses_a_malformed_state_and_keeps_it(var_dir: Path) -> None:
    key = var_dir / "jst.key"
    state = var_dir / "jst.state"
    _grants("witness", "keygen", "--name", "witness.jst.example", "--out", str(key))
    state.write_text("not json\n")
    log_key = SignerKey.generate("cofund.example/audit").verifier()

    result = CliRunner().invoke(
        main,
        [
            *("witness", "--url", "http://127.0.0.1:9", "--key", str(key)),
            *("--state", str(state), "--log-key", str(log_key)),
        ],
    )
    missing = CliRunner().invoke(main, ["witness", "--url", "http://127.0.0.1:9"])

    assert (result.exit_code, result.output) == (
        3,
        f"REFUSED: witness.state.malformed — the state in {state} is unchanged\n",
    )
    assert state.read_text() == "not json\n"
    assert missing.exit_code == 2
    assert "--url, --key, --state and --log-key are all needed" in missing.output


def test_witness_reports_an_unreachable_log_and_writes_no_state(var_dir: Path) -> None:
    key = var_dir / "jst.key"
    state = var_dir / "jst.state"
    _grants("witness", "keygen", "--name", "witness.jst.example", "--out", str(key))
    log_key = SignerKey.generate("cofund.example/audit").verifier()

    result = CliRunner().invoke(
        main,
        [
            *("witness", "--url", "http://127.0.0.1:9", "--key", str(key)),
            *("--state", str(state), "--log-key", str(log_key)),
        ],
    )

    assert result.exit_code == 1
    assert result.output.startswith("witness failed: GET /api/audit/checkpoint failed:")
    assert not state.exists()
