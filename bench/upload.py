"""Benchmark a large document upload through the API against a direct boto3 upload to S3.

Usage: python bench/upload.py [--quick] [--postgres] [--size-mib N] [--repeats N]

Starts a throwaway SeaweedFS, a fresh migrated database (SQLite, or PostgreSQL with
`--postgres`: a new database on TEST_DATABASE_URL's server, dropped afterwards) and the real
app (`grants serve`) in a subprocess with STORAGE_BACKEND=s3, so the server's memory can be read
from /proc. Seeds a call with a PDF document kind of up to 2 GiB and a draft proposal whose PI
holds an API token, writes one file (1 GiB; `--quick` 256 MiB) that starts with a PDF header,
then, N times each (3; `--quick` 2), alternating:

  api     POST /api/proposals/{id}/documents, httpx streaming the file in 1 MiB chunks
          (chunked transfer encoding), the server streaming into an S3 multipart upload;
  direct  boto3 `upload_file` of the same file into another key (its default transfer config).

Prints each run, the medians of both throughputs (MiB/s), the server's peak RSS growth (peak
VmHWM during the API uploads minus VmRSS after a warm-up upload, MiB), and a last line of
`key=value` pairs with `ratio` = api / direct. Targets: ratio >= 0.7, RSS growth < 100 MiB.
Every wait is bounded; the server and SeaweedFS are killed at the end whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grants.db import migrate  # noqa: E402
from grants.db.engine import create_engine  # noqa: E402
from tests.support.databases import fresh_postgres, sqlite_url  # noqa: E402
from tests.support.seaweedfs import S3Endpoint, SeaweedFS  # noqa: E402

MIB = 1024 * 1024
BUCKET = "cofund-bench"
KIND = "project_description"
SEND_CHUNK = MIB
SERVER_START_TIMEOUT = 60.0
UPLOAD_TIMEOUT = 600.0
WARM_UP_MIB = 32
PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


@dataclass(frozen=True)
class Target:
    """Where the API upload goes and who sends it."""

    base_url: str
    proposal_id: str
    token: str


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="256 MiB, 2 repeats")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--size-mib", type=int, default=None, help="file size (default 1024)")
    parser.add_argument("--repeats", type=int, default=None, help="runs of each (default 3)")
    args = parser.parse_args()
    args.size_mib = args.size_mib or (256 if args.quick else 1024)
    args.repeats = args.repeats or (2 if args.quick else 3)
    return args


# Setup ------------------------------------------------------------------------------------


def write_file(path: Path, size: int) -> str:
    """Write `size` bytes starting with a PDF header (random 1 MiB blocks); return the SHA-256."""
    block = os.urandom(MIB)
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        written = 0
        first = PDF_HEAD + block[len(PDF_HEAD) :]
        while written < size:
            chunk = (first if written == 0 else block)[: size - written]
            handle.write(chunk)
            digest.update(chunk)
            written += len(chunk)
    return digest.hexdigest()


async def prepare_database(url: str) -> str:
    """Migrate `url` and seed a call, a draft proposal and its PI's token; return
    "<proposal id> <token>"."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from tests.factories import AgencyFactory, bearer, make_call, make_proposal, make_user, persist
    from tests.factories_documents import kinds

    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            jst, nafosted = AgencyFactory(country="JP"), AgencyFactory(country="VN")
            await persist(session, jst, nafosted)
            officer = await make_user(session, "officer", agency=jst)
            pi = await make_user(session, "researcher", country="JP")
            other = await make_user(session, "researcher", country="VN")
            call = await make_call(session, officer, jst, nafosted, document_kinds=kinds(2**31))
            proposal = await make_proposal(session, call, {jst.id: pi, nafosted.id: other})
            token = (await bearer(session, pi))["Authorization"].removeprefix("Bearer ")
            await session.commit()
            return f"{proposal.id} {token}"
    finally:
        await engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(
    database_url: str, s3: S3Endpoint, var_dir: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """`grants serve` on a free port with documents in SeaweedFS; waits for /health."""
    port = free_port()
    env = {
        **os.environ,
        "ENVIRONMENT": "development",
        "DATABASE_URL": database_url,
        "VAR_DIR": str(var_dir),
        "SECRET_KEY": secrets.token_urlsafe(32),
        "LOG_LEVEL": "WARNING",
        "STORAGE_BACKEND": "s3",
        "S3_ENDPOINT_URL": s3.endpoint_url,
        "S3_BUCKET": BUCKET,
        "S3_REGION": s3.region,
        "S3_ACCESS_KEY_ID": s3.access_key,
        "S3_SECRET_ACCESS_KEY": s3.secret_key,
    }
    grants = Path(sys.executable).parent / "grants"
    log = (var_dir / "server.log").open("ab")
    process = subprocess.Popen(
        [str(grants), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=var_dir,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {(var_dir / 'server.log').read_text()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                return process, base_url
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"server not healthy after {SERVER_START_TIMEOUT}s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# Measuring --------------------------------------------------------------------------------


def memory_kib(pid: int, field: str) -> int:
    """`VmRSS` or `VmHWM` of `pid` from /proc, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time `pid` has used so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_peak(pid: int) -> None:
    """Reset VmHWM to the current RSS (Linux 4.0+), so the next peak is this run's own."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(SEND_CHUNK):
            yield chunk


def upload_api(target: Target, path: Path, expected_sha256: str) -> float:
    """POST the file through the API; return the seconds taken. Checks the stored digest."""
    started = time.perf_counter()
    response = httpx.post(
        f"{target.base_url}/api/proposals/{target.proposal_id}/documents",
        params={"kind": KIND},
        headers={"Authorization": f"Bearer {target.token}", "X-Filename": path.name},
        content=file_chunks(path),
        timeout=UPLOAD_TIMEOUT,
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 201:
        raise RuntimeError(f"API upload failed: {response.status_code} {response.text[:500]}")
    if response.json()["sha256"] != expected_sha256:
        raise RuntimeError("API upload stored a different SHA-256")
    return elapsed


def upload_direct(client: Any, path: Path, key: str) -> float:
    started = time.perf_counter()
    client.upload_file(str(path), BUCKET, key)
    return time.perf_counter() - started


@dataclass
class Results:
    api: list[float]
    direct: list[float]
    server_cpu: list[float]
    rss_before_mib: float
    peak_mib: float


def measure(
    target: Target, server_pid: int, s3: S3Endpoint, path: Path, sha: str, repeats: int
) -> Results:
    """Alternate API and direct uploads `repeats` times; track the server's peak RSS."""
    size_mib = path.stat().st_size / MIB
    client = s3.client(connect_timeout=10, read_timeout=120)
    warm = path.parent / "warm-up.pdf"
    warm_sha = write_file(warm, WARM_UP_MIB * MIB)
    # Both paths once before measuring: imports, connection pools and SeaweedFS's first
    # volume for the bucket are set up outside the figures.
    upload_api(target, warm, warm_sha)
    upload_direct(client, warm, "direct/warm-up")
    clean_bucket(client)
    rss_before = memory_kib(server_pid, "VmRSS") / 1024
    reset_peak(server_pid)
    results = Results([], [], [], rss_before, rss_before)
    for run in range(1, repeats + 1):
        # Alternate which path goes first, so neither always meets a busier SeaweedFS.
        first_direct = upload_direct(client, path, f"direct/{run}") if run % 2 == 0 else None
        cpu = cpu_seconds(server_pid)
        api = upload_api(target, path, sha)
        results.server_cpu.append(cpu_seconds(server_pid) - cpu)
        direct = first_direct or upload_direct(client, path, f"direct/{run}")
        results.peak_mib = max(results.peak_mib, memory_kib(server_pid, "VmHWM") / 1024)
        results.api.append(size_mib / api)
        results.direct.append(size_mib / direct)
        print(
            f"run {run}: api {size_mib / api:7.1f} MiB/s ({api:6.2f} s)   "
            f"direct {size_mib / direct:7.1f} MiB/s ({direct:6.2f} s)   "
            f"server CPU {results.server_cpu[-1]:5.2f} s   peak RSS {results.peak_mib:6.1f} MiB",
            flush=True,
        )
        clean_bucket(client)
    return results


def clean_bucket(client: Any) -> None:
    """Delete this run's objects so SeaweedFS's disk use stays at one file's worth (a bench
    may; the application never deletes)."""
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])


# Main -------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def database(postgres: bool, workdir: Path) -> AsyncIterator[str]:
    if postgres:
        async with fresh_postgres() as url:
            yield url
    else:
        yield sqlite_url(workdir)


def report(args: argparse.Namespace, results: Results) -> None:
    api = statistics.median(results.api)
    direct = statistics.median(results.direct)
    growth = results.peak_mib - results.rss_before_mib
    ratio = api / direct
    cpu = statistics.median(results.server_cpu)
    print(f"API upload (median of {args.repeats}):    {api:8.1f} MiB/s")
    print(f"direct boto3 upload_file (median):  {direct:8.1f} MiB/s")
    print(f"ratio api/direct: {ratio:.2f} (target >= 0.70)")
    print(
        f"server CPU per API upload (median): {cpu:.2f} s ({cpu * 1000 / args.size_mib:.1f} ms/MiB)"
    )
    print(
        f"server RSS: {results.rss_before_mib:.1f} MiB before, peak {results.peak_mib:.1f} MiB, "
        f"growth {growth:.1f} MiB (target < 100)"
    )
    print(
        f"size_mib={args.size_mib} repeats={args.repeats} "
        f"db={'postgres' if args.postgres else 'sqlite'} api_mib_s={api:.1f} "
        f"direct_mib_s={direct:.1f} ratio={ratio:.2f} rss_growth_mib={growth:.1f} "
        f"server_cpu_s={cpu:.2f} "
        f"rss_before_mib={results.rss_before_mib:.1f} rss_peak_mib={results.peak_mib:.1f}"
    )


async def run(args: argparse.Namespace, workdir: Path) -> Results:
    async with database(args.postgres, workdir) as url:
        proposal_id, token = (await prepare_database(url)).split()
        path = workdir / "large-upload.pdf"
        print(f"writing a {args.size_mib} MiB file ...", flush=True)
        sha = await asyncio.to_thread(write_file, path, args.size_mib * MIB)
        seaweed = SeaweedFS()
        s3 = seaweed.start()
        server = None
        try:
            s3.client().create_bucket(Bucket=BUCKET)
            server, base_url = start_server(url, s3, workdir)
            target = Target(base_url, proposal_id, token)
            return await asyncio.to_thread(measure, target, server.pid, s3, path, sha, args.repeats)
        finally:
            if server is not None:
                stop(server)
            seaweed.stop()


def main() -> None:
    args = parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as workdir:
        results = asyncio.run(run(args, Path(workdir)))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    report(args, results)


if __name__ == "__main__":
    main()
