"""`grants` as a real process for the crash tests: `grants serve` started on a free port and
killed with SIGKILL, and one-shot commands (`grants mail send`, `grants storage gc`)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from grants.common.crashpoints import DIR_VARIABLE, POINTS_VARIABLE
from tests.races.arena import free_port

ROOT = Path(__file__).resolve().parents[2]
GRANTS = [sys.executable, "-c", "from grants.cli import main; main()"]
START_SECONDS = 90


@dataclass
class Grants:
    """How to run `grants` against one database and var directory."""

    env: dict[str, str]
    var_dir: Path

    def environment(self, pause: str | None = None, **extra: str) -> dict[str, str]:
        env = {**os.environ, **self.env, "PYTHONPATH": str(ROOT), **extra}
        env.pop(POINTS_VARIABLE, None)
        if pause is not None:
            env[POINTS_VARIABLE], env[DIR_VARIABLE] = pause, str(self.var_dir)
        return env

    def marker(self, pause: str) -> Path:
        return self.var_dir / pause

    async def run(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        """Run a `grants` command to its end; its output is text."""
        return await asyncio.to_thread(
            subprocess.run,
            [*GRANTS, *args],
            env=self.environment(**extra),
            cwd=self.var_dir,
            capture_output=True,
            text=True,
            timeout=180,
        )

    def spawn(self, args: Sequence[str], pause: str | None = None, **extra: str) -> Running:
        log = (self.var_dir / f"grants-{time.monotonic_ns()}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 - our own CLI with fixed arguments
            [*GRANTS, *args],
            env=self.environment(pause, **extra),
            cwd=self.var_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        return Running(process, Path(log.name))

    async def serve(self, pause: str | None = None) -> Server:
        """`grants serve` up and answering /health (with `pause` armed, see crashpoints)."""
        port = free_port()
        running = self.spawn(["serve", "--port", str(port)], pause)
        server = Server(running.process, running.log, f"http://127.0.0.1:{port}")
        await server.healthy()
        return server


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    log: Path

    async def paused_at(self, marker: Path) -> None:
        """Wait until the process reached its pause point (it wrote `marker`)."""
        deadline = time.monotonic() + START_SECONDS
        while not await asyncio.to_thread(marker.exists):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"never paused at {marker.name}:\n{self.log.read_text()}")
            await asyncio.sleep(0.05)
        await asyncio.to_thread(marker.unlink)

    def kill(self) -> None:
        """SIGKILL: no handler, no cleanup, no flush."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        assert self.process.returncode == -signal.SIGKILL


@dataclass
class Server(Running):
    url: str

    async def healthy(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        async with httpx.AsyncClient(base_url=self.url, timeout=5) as client:
            while True:
                try:
                    if (await client.get("/health")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"grants serve did not start:\n{self.log.read_text()}")
                await asyncio.sleep(0.2)

    def client(self, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers=headers or {}, timeout=60)
