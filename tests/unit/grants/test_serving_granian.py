"""`grants serve --workers N` on Granian: the settings bounding connections become Granian's,
and the command refuses combinations it cannot run."""

from __future__ import annotations

from click.testing import CliRunner
from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings

from grants.cli import main
from grants.serving import granian_server
from grants.settings import Settings


def _settings(**values: object) -> Settings:
    return Settings(environment="test", secret_key="test-secret-key-not-for-production", **values)


def test_granian_runs_the_app_factory_with_the_bounds() -> None:
    server = granian_server(
        _settings(http_headers_timeout_seconds=2.5, http_max_connections=1000),
        host="0.0.0.0",  # noqa: S104 - only read back, nothing listens
        port=8080,
        workers=4,
    )
    assert (server.target, server.factory, server.interface, server.http) == (
        "grants.app:create_app",
        True,
        Interfaces.ASGI,
        HTTPModes.http1,
    )
    assert (server.bind_addr, server.bind_port, server.workers) == ("0.0.0.0", 8080, 4)  # noqa: S104
    assert server.http1_settings == HTTP1Settings(header_read_timeout=2500, keep_alive=True)
    assert server.backpressure == 250  # 1000 connections shared by 4 workers
    assert (server.websockets, server.respawn_failed_workers) == (False, True)


def test_keep_alive_off_and_no_cap() -> None:
    server = granian_server(
        _settings(http_keep_alive_seconds=0, http_max_connections=None),
        host="127.0.0.1",
        port=8000,
        workers=2,
    )
    assert server.http1_settings == HTTP1Settings(header_read_timeout=10_000, keep_alive=False)
    assert server.backpressure == 512  # Granian's own default (the backlog / workers)


def test_serve_refuses_what_it_cannot_run() -> None:
    runner = CliRunner()
    uvicorn_workers = runner.invoke(main, ["serve", "--server", "uvicorn", "--workers", "2"])
    granian_reload = runner.invoke(main, ["serve", "--workers", "2", "--reload"])
    no_workers = runner.invoke(main, ["serve", "--workers", "0"])

    assert uvicorn_workers.exit_code == 2
    assert uvicorn_workers.output.endswith(
        "Error: several workers run on Granian: --server granian\n"
    )
    assert granian_reload.exit_code == 2
    assert granian_reload.output.endswith(
        "Error: --reload runs uvicorn: leave out --workers and --server\n"
    )
    assert no_workers.exit_code == 2
    assert "Invalid value for '--workers': 0 is not in the range x>=1." in no_workers.output
