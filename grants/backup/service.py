"""Making a backup file and restoring one (see the package's docstring for the format)."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, create_async_engine

from grants.audit import chain
from grants.backup import pgtools
from grants.backup.manifest import (
    LogState,
    StoreCheck,
    StoredEntry,
    check_store,
    log_state,
    stored_entries,
)
from grants.db.engine import create_engine
from grants.settings import Settings
from storage.base import DocumentStore

FORMAT = "cofund-backup/1"
META = "backup.json"
MANIFEST = "manifest.json"
MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_CHUNK = 1024 * 1024

T = TypeVar("T")


class BackupError(RuntimeError):
    """A backup could not be made or restored; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class BackupSummary:
    path: Path
    kind: str
    size: int
    revision: str | None
    log: LogState
    documents: int
    server_version: str | None = None
    tool: str | None = None


@dataclass(frozen=True, slots=True)
class RestoreReport:
    kind: str
    target: str
    created_at: str
    revision: str | None
    chain: chain.Verification
    log_before: LogState
    log_after: LogState
    store: StoreCheck
    tool: str | None = None

    @property
    def log_as_backed_up(self) -> bool:
        return self.log_before == self.log_after

    @property
    def ok(self) -> bool:
        return self.chain.intact and self.log_as_backed_up and self.store.ok


def _kind(settings: Settings) -> str:
    return "sqlite" if settings.is_sqlite else "postgresql"


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"DATABASE_URL {url} names no SQLite file to back up or restore")
    return Path(database)


# --- backup -------------------------------------------------------------------------------


async def create_backup(
    settings: Settings, out: Path, *, pg_bin: Path | None = None
) -> BackupSummary:
    """Write the backup of the configured database to `out` (replaced only once complete)."""
    out = await asyncio.to_thread(_prepared, out)
    kind = _kind(settings)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".cofund-backup-") as work:
        database = Path(work) / MEMBERS[kind]
        server_version = tool = None
        if kind == "sqlite":
            entries, state, revision = await _sqlite_backup(settings, database)
        else:
            entries, state, revision, server_version, tool = await _postgres_backup(
                settings, database, pg_bin
            )
        described = {
            "kind": kind,
            "member": database.name,
            "revision": revision,
            "server_version": server_version,
            "tool": tool,
        }
        size = await asyncio.to_thread(_write_archive, out, database, described, state, entries)
    return BackupSummary(out, kind, size, revision, state, len(entries), server_version, tool)


def _prepared(out: Path) -> Path:
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def _write_archive(
    out: Path,
    database: Path,
    described: dict[str, Any],
    state: LogState,
    entries: list[StoredEntry],
) -> int:
    """The tar, written beside the database file and then moved to `out`; its size."""
    meta = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": {
            **described,
            "size": database.stat().st_size,
            "sha256": _file_sha256(database),
        },
        "audit": state.as_json(),
        "objects": len(entries),
    }
    manifest = {"objects": [_entry_json(entry) for entry in entries]}
    partial = database.with_name("backup.tar")
    with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
        _add_bytes(archive, META, _json_bytes(meta))
        _add_bytes(archive, MANIFEST, _json_bytes(manifest))
        archive.add(database, arcname=database.name)
    os.replace(partial, out)
    return out.stat().st_size


async def _sqlite_backup(
    settings: Settings, copy: Path
) -> tuple[list[StoredEntry], LogState, str | None]:
    source = _sqlite_path(settings.database_url)
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")

    def online_backup() -> None:
        with (
            closing(sqlite3.connect(source, timeout=30)) as live,
            closing(sqlite3.connect(copy)) as target,
        ):
            live.backup(target)  # one step: a consistent snapshot, writers wait at most for it
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file

    await asyncio.to_thread(online_backup)
    return await _read_sqlite(copy, _describe)


async def _read_sqlite(path: Path, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    # A plain engine: the app's one would turn the copy back to WAL and leave -wal/-shm files.
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with AsyncSession(engine) as session:
            return await work(session)
    finally:
        await engine.dispose()


async def _describe(session: AsyncSession) -> tuple[list[StoredEntry], LogState, str | None]:
    return await stored_entries(session), await log_state(session), await _revision(session)


async def _revision(session: AsyncSession) -> str | None:
    value = await session.scalar(text("SELECT version_num FROM alembic_version"))
    return str(value) if value is not None else None


async def _postgres_backup(
    settings: Settings, dump: Path, pg_bin: Path | None
) -> tuple[list[StoredEntry], LogState, str | None, str, str]:
    """pg_dump in the snapshot of a repeatable-read transaction that also reads the manifest
    and the log's state, so the three agree."""
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as plain:
            conn = await plain.execution_options(isolation_level="REPEATABLE READ")
            async with conn.begin():
                server_version, major = await _server_version(conn)
                tool = pgtools.choose("pg_dump", major, extra_dir=pg_bin)
                snapshot = await conn.scalar(text("SELECT pg_export_snapshot()"))
                argv = [str(tool.path), "--format=custom", "--no-owner", "--no-privileges"]
                argv += [f"--snapshot={snapshot}", f"--file={dump}"]
                await _run(argv, settings.database_url, "pg_dump")
                async with AsyncSession(bind=conn) as session:
                    entries, state, revision = await _describe(session)
    except pgtools.ToolMissing as exc:
        raise BackupError(str(exc)) from exc
    finally:
        await engine.dispose()
    return entries, state, revision, server_version, f"pg_dump {tool.version}"


async def _server_version(conn: AsyncConnection) -> tuple[str, int]:
    version = str(await conn.scalar(text("SHOW server_version"))).split()[0]
    number = int(str(await conn.scalar(text("SHOW server_version_num"))))
    return version, number // 10_000


async def _run(argv: list[str], url: str, what: str) -> None:
    process = await asyncio.create_subprocess_exec(
        *argv,
        env={**os.environ, **pgtools.libpq_env(url)},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await process.communicate()
    if process.returncode != 0:
        detail = stderr.decode(errors="replace").strip()
        raise BackupError(f"{what} failed (exit {process.returncode}): {detail}")


# --- restore ------------------------------------------------------------------------------


async def restore_backup(
    settings: Settings,
    backup: Path,
    store: DocumentStore,
    *,
    force: bool = False,
    check_hashes: bool = True,
    pg_bin: Path | None = None,
) -> RestoreReport:
    """Restore `backup` into the configured database, then verify the audit chain, compare the
    log's state with the backed-up one and check every object of the manifest in `store`.

    Refuses a database that already has tables unless `force`; a failed restore changes
    nothing (SQLite: one backup step; PostgreSQL: pg_restore in one transaction).
    """
    kind = _kind(settings)
    with tarfile.open(backup, "r") as archive:
        meta = json.loads(_member_bytes(archive, META))
        if meta.get("format") != FORMAT:
            raise BackupError(f"{backup} is not a CoFund backup ({FORMAT})")
        if meta["database"]["kind"] != kind:
            raise BackupError(
                f"{backup} holds a {KIND_NAMES[meta['database']['kind']]} database and "
                f"DATABASE_URL names {KIND_NAMES[kind]}: restore it into the same kind"
            )
        entries = [
            StoredEntry(**item) for item in json.loads(_member_bytes(archive, MANIFEST))["objects"]
        ]
        with tempfile.TemporaryDirectory(prefix="cofund-restore-") as work:
            database = Path(work) / MEMBERS[kind]
            await asyncio.to_thread(_extract_checked, archive, meta["database"], database)
            tool = None
            if kind == "sqlite":
                target = await _sqlite_restore(settings, database, force)
            else:
                target, tool = await _postgres_restore(settings, database, meta, force, pg_bin)
    verification, state = await _verify(settings)
    checked = await check_store(store, entries, hashes=check_hashes)
    return RestoreReport(
        kind=kind,
        target=target,
        created_at=meta["created_at"],
        revision=meta["database"]["revision"],
        chain=verification,
        log_before=LogState.from_json(meta["audit"]),
        log_after=state,
        store=checked,
        tool=tool,
    )


def _member_bytes(archive: tarfile.TarFile, name: str) -> bytes:
    try:
        handle = archive.extractfile(name)
    except KeyError:
        handle = None
    if handle is None:
        raise BackupError(f"the backup has no {name}")
    return handle.read()


def _extract_checked(archive: tarfile.TarFile, described: dict[str, Any], to: Path) -> None:
    """Copy the database member out, refusing it unless its size and SHA-256 are as recorded."""
    try:
        source = archive.extractfile(described["member"])
    except KeyError:
        source = None
    if source is None:
        raise BackupError(f"the backup has no {described['member']}")
    digest, size = hashlib.sha256(), 0
    with to.open("wb") as sink:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            sink.write(chunk)
    if (size, digest.hexdigest()) != (described["size"], described["sha256"]):
        raise BackupError(
            f"the backup's {described['member']} is damaged: {size} bytes, SHA-256 "
            f"{digest.hexdigest()}, recorded {described['size']} bytes, {described['sha256']}"
        )


async def _sqlite_restore(settings: Settings, copy: Path, force: bool) -> str:
    dest = _sqlite_path(settings.database_url).resolve()

    def restore() -> None:
        with closing(sqlite3.connect(copy)) as source:
            (result,) = source.execute("PRAGMA integrity_check").fetchone()
            if result != "ok":
                raise BackupError(f"the backed-up SQLite database fails its check: {result}")
            dest.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(dest, timeout=30)) as target:
                (tables,) = target.execute("SELECT count(*) FROM sqlite_master").fetchone()
                if tables and not force:
                    raise BackupError(
                        f"{dest} already holds a database: stop the server and pass --force "
                        "to replace it"
                    )
                source.backup(target)  # one step: all pages or none

    await asyncio.to_thread(restore)
    return str(dest)


async def _postgres_restore(
    settings: Settings, dump: Path, meta: dict[str, Any], force: bool, pg_bin: Path | None
) -> tuple[str, str]:
    url = make_url(settings.database_url)
    name = url.database or ""
    maintenance = create_engine(url.set(database="postgres").render_as_string(hide_password=False))
    try:
        async with maintenance.connect() as plain:
            conn = await plain.execution_options(isolation_level="AUTOCOMMIT")
            _, major = await _server_version(conn)
            exists = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                quoted = name.replace('"', '""')
                await conn.execute(text(f'CREATE DATABASE "{quoted}"'))
    finally:
        await maintenance.dispose()
    tables = 0
    if exists:
        target = create_engine(settings.database_url)
        try:
            async with target.connect() as conn:
                tables = int(
                    await conn.scalar(
                        text(
                            "SELECT count(*) FROM pg_tables "
                            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                        )
                    )
                    or 0
                )
        finally:
            await target.dispose()
        if tables and not force:
            raise BackupError(
                f"the database {name} already has {tables} tables: stop the servers and pass "
                "--force to replace them"
            )
    dumped_by = str(meta["database"].get("tool") or "pg_dump 0").split()[-1]
    try:
        tool = pgtools.choose(
            "pg_restore", major, at_least=int(dumped_by.split(".")[0]), extra_dir=pg_bin
        )
    except pgtools.ToolMissing as exc:
        raise BackupError(str(exc)) from exc
    argv = [str(tool.path), "--no-owner", "--no-privileges", "--single-transaction"]
    argv += ["--exit-on-error", f"--dbname={name}"]
    if tables:
        argv += ["--clean", "--if-exists"]
    argv.append(str(dump))
    await _run(argv, settings.database_url, "pg_restore")
    return name, f"pg_restore {tool.version}"


async def _verify(settings: Settings) -> tuple[chain.Verification, LogState]:
    engine = create_engine(settings.database_url)
    try:
        async with AsyncSession(engine) as session:
            return await chain.verify(session), await log_state(session)
    finally:
        await engine.dispose()


# --- helpers ------------------------------------------------------------------------------


def _entry_json(entry: StoredEntry) -> dict[str, Any]:
    return {
        "table": entry.table,
        "id": entry.id,
        "storage_key": entry.storage_key,
        "size": entry.size,
        "sha256": entry.sha256,
    }


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False).encode() + b"\n"


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
