"""Browser tests: the real `grants serve` on a fresh SQLite database with the demo data, driven by
Debian's Chromium through Playwright's sync API (one browser per run, one context per test).

The server is migrated, seeded and started in the background while Chromium launches; the two
together take most of the run's time.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from grants.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GRANTS = Path(sys.executable).with_name("grants")
REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 300.0  # the demo seeds in ~1 min; a busy CI machine needs more
STOP_SECONDS = 5.0
# Playwright waits up to 30 s by default; a local server answers in well under a second.
ACTION_TIMEOUT_MS = 5_000


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Chromium against a running server")


@dataclass(frozen=True, slots=True)
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """Debian's Chromium (Playwright's own download does not work here): missing, the browser
    tests are skipped locally and fail on CI."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def server_process(
    chromium_executable: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """`grants db upgrade`, `grants demo`, then `grants serve` on a VAR_DIR of its own, started
    without waiting (only when there is a browser to use it); stopped at the end of the run."""
    var_dir = tmp_path_factory.mktemp("e2e-var")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    grants = shlex.quote(str(GRANTS))
    script = (
        f"set -e; {grants} db upgrade; {grants} demo; "
        f"exec {grants} serve --host 127.0.0.1 --port {port}"
    )
    log = var_dir / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 - our own CLI with fixed arguments
            ["/bin/sh", "-c", script],
            env=_server_env(var_dir, base_url),
            cwd=var_dir,  # so that a developer's `.env` is not read
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Server(process, base_url, log)
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def live_server(server_process: Server) -> str:
    """The base URL, once `/health` answers 200."""
    _wait_healthy(server_process)
    return server_process.base_url


@pytest.fixture(scope="session")
def chromium(chromium_executable: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_executable), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def context(
    server_process: Server, chromium: Browser, live_server: str
) -> Iterator[BrowserContext]:
    """A fresh browser profile per test: no cookies carried from one test to the next.

    The order of the arguments is the order of set-up: the server starts, Chromium launches,
    then the server is waited for.
    """
    created = chromium.new_context(base_url=live_server, locale="en-GB")
    created.set_default_timeout(ACTION_TIMEOUT_MS)
    yield created
    created.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_env(var_dir: Path, base_url: str) -> dict[str, str]:
    """The caller's environment without any CoFund setting, then ours (pydantic-settings reads
    names case-insensitively, so a stray lowercase `database_url` must go too)."""
    ours = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
    env.update(VAR_DIR=str(var_dir), ENVIRONMENT="test", BASE_URL=base_url, PYTHONUNBUFFERED="1")
    # The code under test is this checkout's, even when the venv's editable install points at
    # another one (a git worktree sharing the main checkout's venv).
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def _wait_healthy(server: Server) -> None:
    url = f"{server.base_url}/health"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"the server exited {server.process.returncode}:\n{server.log.read_text()}")
        # Not listening yet: keep polling until the deadline.
        not_yet = contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError)
        with not_yet, urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - our URL
            if response.status == 200:
                return
        time.sleep(0.1)
    log = server.log.read_text()
    pytest.fail(f"{url} did not answer 200 within {STARTUP_SECONDS:.0f} s:\n{log}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
