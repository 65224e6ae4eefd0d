"""The audit pack on the demo, by the commands an operator and an auditor run: `grants export
audit-pack`, `grants audit trust-keys`, `grants audit verify-pack`. The demo's checkpoint is
cosigned by both agencies' witnesses, and the pack proves the log only grew since; one changed
byte fails the pack."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from grants.cli import main
from grants.settings import get_settings


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    var_dir = tmp_path_factory.mktemp("auditpack")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VAR_DIR", str(var_dir))
        patch.delenv("DATABASE_URL", raising=False)
        patch.delenv("AUDIT_LOG_KEY", raising=False)
        patch.delenv("STORAGE_BACKEND", raising=False)
        get_settings.cache_clear()
        _grants("db", "upgrade")
        _grants("demo")
        yield var_dir
    get_settings.cache_clear()


def _grants(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def pack(demo: Path) -> tuple[Path, Path, str]:
    out = demo / "pack.zip"
    written = _grants("export", "audit-pack", "--with-documents", "-o", str(out))
    keys = demo / "keys.txt"
    keys.write_text(_grants("audit", "trust-keys").output)
    return out, keys, written.output


def test_the_demo_pack_verifies_with_both_agencies_cosignatures(
    pack: tuple[Path, Path, str],
) -> None:
    out, keys, written = pack

    verified = _grants("audit", "verify-pack", str(out), "--trust", str(keys))

    assert re.fullmatch(
        rf"wrote {re.escape(str(out))}: 30 files, (\d+) events \(checkpoint size \1\), "
        r"manifest sha256 [0-9a-f]{64}\n",
        written,
    ), written
    size = int(written.split(" events")[0].rsplit(" ", 1)[1])
    assert verified.exit_code == 0, verified.output
    assert verified.output == (
        f"audit pack verified: {size} events (tree size {size}), 30 files, 5 documents, "
        f"4 signatures (cofund.example/audit, cofund.example/audit on size {size - 3}, "
        f"witness.jst.demo on size {size - 3}, witness.nafosted.demo on size {size - 3})\n"
    )
    assert [line.split("+")[0] for line in keys.read_text().splitlines()] == [
        "cofund.example/audit",
        "witness.jst.demo",
        "witness.nafosted.demo",
    ]


def test_one_changed_byte_fails_the_pack(pack: tuple[Path, Path, str], tmp_path: Path) -> None:
    out, keys, _ = pack
    data = bytearray(out.read_bytes())
    data[60] ^= 0x20  # inside datasets/calls.csv's header row
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(bytes(data))

    result = _grants("audit", "verify-pack", str(tampered), "--trust", str(keys))

    assert result.exit_code == 1
    assert result.output == (
        "PROBLEM datasets/calls.csv: cannot be read (Bad CRC-32 for file 'datasets/calls.csv')\n"
        "audit pack NOT verified: 1 problem(s)\n"
    )


def test_an_unknown_call_is_refused_and_leaves_no_file(demo: Path) -> None:
    out = demo / "none.zip"

    result = CliRunner().invoke(main, ["export", "audit-pack", "--call", "NOPE", "-o", str(out)])

    assert result.exit_code == 1
    assert result.output == "Error: There is no call with the code NOPE.\n"
    assert not out.exists()


def test_an_unreadable_trust_file_is_an_error(pack: tuple[Path, Path, str], tmp_path: Path) -> None:
    out, _, _ = pack
    keys = tmp_path / "keys.txt"
    keys.write_text("not a key\n")

    result = CliRunner().invoke(main, ["audit", "verify-pack", str(out), "--trust", str(keys)])

    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot read the trusted keys in {keys}: line 1")
