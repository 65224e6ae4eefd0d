"""Slow and stalled clients against a real `grants serve`, with raw sockets: unfinished headers
close the connection, a body trickled at one byte a second (an upload or a login) gets a 408
and the connection ends, all within the configured bounds."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import GRANTS, Server, _free_port, _server_env, _stop, _wait_healthy

HEADERS_TIMEOUT = 2
GRACE = 2
IDLE = 3
# What the server may take beyond a bound before the test calls it held open.
SLACK = 3


# `grants serve` on uvicorn (one process, the default) and on Granian with two workers.
SERVERS = {"uvicorn": "", "granian": " --workers 2"}


@pytest.fixture(scope="module", params=list(SERVERS))
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    var_dir = tmp_path_factory.mktemp("slow-var")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **_server_env(var_dir, base_url),
        "HTTP_HEADERS_TIMEOUT_SECONDS": str(HEADERS_TIMEOUT),
        "REQUEST_BODY_GRACE_SECONDS": str(GRACE),
        "REQUEST_BODY_IDLE_SECONDS": str(IDLE),
        "REQUEST_BODY_MIN_BYTES_PER_SECOND": "100",
        # The server runs this checkout's code, whichever one the console script was built from.
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(Path.cwd()), os.environ.get("PYTHONPATH")])
        ),
    }
    grants = shlex.quote(str(GRANTS))
    script = f"set -e; {grants} db upgrade; exec {grants} serve --port {port}"
    script += SERVERS[request.param]
    log = var_dir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own CLI with fixed arguments
            ["/bin/sh", "-c", script],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Granian's workers are stopped with it
        )
    running = Server(process, base_url, log)
    try:
        _wait_healthy(running)
        yield running
    finally:
        _stop(process)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def _connect(server: Server) -> socket.socket:
    port = int(server.base_url.rsplit(":", 1)[1])
    connection = socket.create_connection(("127.0.0.1", port), timeout=30)
    return connection


def _read_until_closed(connection: socket.socket) -> bytes:
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def test_unfinished_headers_are_cut_off(server: Server) -> None:
    with _connect(server) as connection:
        started = time.monotonic()
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")

        answer = _read_until_closed(connection)
        elapsed = time.monotonic() - started

    assert (answer, HEADERS_TIMEOUT - 0.5 <= elapsed <= HEADERS_TIMEOUT + SLACK) == (b"", True)


def test_an_idle_connection_is_cut_off(server: Server) -> None:
    with _connect(server) as connection:
        started = time.monotonic()
        answer = _read_until_closed(connection)
        elapsed = time.monotonic() - started

    assert (answer, elapsed <= HEADERS_TIMEOUT + SLACK) == (b"", True)


def _trickle(server: Server, head: bytes, body: bytes) -> tuple[bytes, float]:
    """Send `head`, then `body` one byte a second until the server answers or closes."""
    with _connect(server) as connection:
        started = time.monotonic()
        connection.sendall(head)
        connection.settimeout(1.0)
        received = b""
        for byte in body:
            try:
                connection.sendall(bytes([byte]))
            except OSError:
                break
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                continue
            received += chunk
            if not chunk or b"\r\n\r\n" in received:
                break
        connection.settimeout(SLACK)
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except (TimeoutError, OSError):
            pass
        return received, time.monotonic() - started


def _problem(answer: bytes) -> tuple[str, dict[str, str], dict[str, object]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return status, headers, json.loads(body)


def test_a_login_body_trickled_a_byte_a_second_gets_408(server: Server) -> None:
    body = json.dumps({"email": "someone@example.org", "password": "x" * 40}).encode()
    head = (
        b"POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
    )

    answer, elapsed = _trickle(server, head, body)

    status, headers, problem = _problem(answer)
    assert (status, headers["connection"], headers["content-type"]) == (
        "HTTP/1.1 408 Request Timeout",
        "close",
        "application/problem+json",
    )
    assert {k: v for k, v in problem.items() if k != "request_id"} == {
        "type": "urn:cofund:problem:request_timeout",
        "title": "Request timeout",
        "status": 408,
        "detail": "The request body arrived too slowly (at least 100 bytes a second after 2 "
        "seconds, and never a pause over 3 seconds); nothing was changed.",
        "instance": "/api/auth/login",
        "code": "http.body_too_slow",
        "params": {"rate": 100, "grace": 2.0, "idle": 3.0},
    }
    assert elapsed <= GRACE + SLACK


def test_a_body_stalled_after_its_first_byte_gets_408(server: Server) -> None:
    # The same bound holds for every body a handler reads, an upload's stream included.
    head = (
        b"POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
    )
    with _connect(server) as connection:
        started = time.monotonic()
        connection.sendall(head)
        answer = _read_until_closed(connection)
        elapsed = time.monotonic() - started

    status, _, problem = _problem(answer)
    assert (status, problem["code"]) == ("HTTP/1.1 408 Request Timeout", "http.body_too_slow")
    assert elapsed <= IDLE + SLACK
