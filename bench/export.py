"""Benchmark the audit-events CSV export against PostgreSQL's own COPY of the same rows.

Usage: python bench/export.py [--quick] [--events N] [--repeat N]

On a throwaway PostgreSQL database (TEST_DATABASE_URL's server, default 127.0.0.1:5432), bulk
loads N audit events (1,000,000; `--quick` 200,000) with COPY FROM, starts the real server
(`uvicorn grants.app:create_app` in a subprocess), then in the same run, alternating, fetches
`/api/exports/audit_events.csv` as an auditor and runs `COPY (<the endpoint's own SELECT>) TO
STDOUT WITH (FORMAT csv, HEADER)` through asyncpg. It prints the median rows/s of both, the
median time to the first byte of the response, and the server's peak RSS growth over the
exports (VmHWM after the last minus VmRSS before the first, from /proc). The last line:
`ratio=<endpoint rows/s ÷ COPY rows/s>` and the other figures as key=value pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import hashlib
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from grants.audit.tree import _edge
from grants.db import migrate
from grants.db.engine import create_engine
from grants.exports import stream
from grants.exports.dataset import Bounds
from grants.exports.datasets import DATASETS
from grants.security.policy import SYSTEM_SCOPE
from grants.security.tokens import digest

SERVER = os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
MIB = 1024 * 1024


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def load(url: str, events: int) -> str:
    """Migrate, COPY `events` audit events in, add an auditor with a token; the token."""
    engine = create_engine(url)
    await migrate.upgrade(engine)
    await engine.dispose()
    conn = await asyncpg.connect(_dsn(url))
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    actor = uuid.uuid4()

    def rows(first: int, last: int):  # type: ignore[no-untyped-def]
        for seq in range(first, last):
            yield (
                seq,
                start + datetime.timedelta(seconds=seq),
                actor,
                "auditor@bench.example",
                "tranche.disbursed",
                "tranche",
                str(uuid.UUID(int=seq)),
                f'{{"state": ["approved", "disbursed"], "amount": [null, {seq * 1000}]}}',
                f"req-{seq:012d}",
                hashlib.sha256(str(seq - 1).encode()).hexdigest(),
                hashlib.sha256(str(seq).encode()).hexdigest(),
            )

    columns = [
        "seq", "occurred_at", "actor_id", "actor_label", "action", "entity_type", "entity_id",
        "changes", "request_id", "prev_hash", "hash",
    ]  # fmt: skip
    for first in range(1, events + 1, 100_000):
        batch = rows(first, min(first + 100_000, events + 1))
        await conn.copy_records_to_table("audit_events", records=batch, columns=columns)
    # The chain head and the Merkle tree's right edge as if the events had been appended, so the
    # export's own audit event appends after them (the bench reads the log, never verifies it).
    await conn.execute(
        "UPDATE audit_chain_head SET last_seq = $1, last_hash = $2 WHERE id = 1",
        events,
        hashlib.sha256(str(events).encode()).hexdigest(),
    )
    await conn.executemany(
        "INSERT INTO merkle_nodes (level, position, hash) VALUES ($1, $2, $3)",
        [(level, position, secrets.token_bytes(32)) for level, position in _edge(events)],
    )
    secret = f"cft_bench_{secrets.token_hex(16)}"
    user = uuid.uuid4()
    await conn.execute(
        "INSERT INTO users (id, email, display_name, time_zone, password_hash, state, version,"
        " created_at, updated_at) VALUES ($1, 'auditor@bench.example', 'Auditor', 'UTC', 'x',"
        " 'active', 1, now(), now())",
        user,
    )
    await conn.execute(
        "INSERT INTO user_roles (id, user_id, role, created_at, updated_at)"
        " VALUES ($1, $2, 'auditor', now(), now())",
        uuid.uuid4(),
        user,
    )
    await conn.execute(
        "INSERT INTO api_tokens (id, user_id, name, prefix, token_hash, created_at, updated_at)"
        " VALUES ($1, $2, 'bench', 'cft_bench', $3, now(), now())",
        uuid.uuid4(),
        user,
        digest(secret),
    )
    await conn.execute("ANALYZE audit_events")
    await conn.close()
    return secret


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _status(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


async def fetch(client: httpx.AsyncClient, token: str) -> tuple[float, float, int]:
    """(seconds, seconds to the first byte, bytes) of one export."""
    began = time.perf_counter()
    first = None
    size = 0
    headers = {"Authorization": f"Bearer {token}"}
    async with client.stream("GET", "/api/exports/audit_events.csv", headers=headers) as response:
        response.raise_for_status()
        async for chunk in response.aiter_raw():
            first = first or time.perf_counter()
            size += len(chunk)
    return time.perf_counter() - began, (first or began) - began, size


async def copy(url: str) -> tuple[float, int]:
    """(seconds, bytes) of PostgreSQL's COPY of the endpoint's own SELECT."""
    engine = create_engine(url)
    async with engine.connect() as connection:
        export = stream.Export(DATASETS["audit_events"], Bounds(), SYSTEM_SCOPE)
        compiled = export.query(copied=True).compile(dialect=connection.dialect)
        params = compiled.construct_params()
        args = [params[name] for name in compiled.positiontup or ()]
    await engine.dispose()
    conn = await asyncpg.connect(_dsn(url))
    size = 0

    async def sink(data: bytes) -> None:
        nonlocal size
        size += len(data)

    began = time.perf_counter()
    await conn.copy_from_query(compiled.string, *args, output=sink, format="csv", header=True)
    elapsed = time.perf_counter() - began
    await conn.close()
    return elapsed, size


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    """The real server on `port`, as `grants serve` runs it."""
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    env["VAR_DIR"] = tempfile.mkdtemp()
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "grants.app:create_app", "--factory",
         "--port", str(port), "--log-level", "warning", "--no-access-log"],
        env=env,
    )  # fmt: skip


async def measure(url: str, token: str, events: int, repeat: int) -> None:
    port = _free_port()
    server = _serve(url, port)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            for _ in range(600):  # the app imports a solver stack: allow two minutes
                if server.poll() is not None:
                    raise RuntimeError(f"the server exited with {server.returncode}")
                try:
                    if (await client.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.2)
            await client.get("/api/exports", headers={"Authorization": f"Bearer {token}"})
            before = _status(server.pid, "VmRSS")
            endpoint, ttfb, copies = [], [], []
            for _ in range(repeat):
                seconds, first, size = await fetch(client, token)
                endpoint.append(seconds)
                ttfb.append(first)
                copy_seconds, copy_size = await copy(url)
                copies.append(copy_seconds)
            peak = _status(server.pid, "VmHWM")
    finally:
        server.terminate()
        server.wait(10)
    endpoint_rate = events / statistics.median(endpoint)
    copy_rate = events / statistics.median(copies)
    growth = max(0, peak - before) / MIB
    print(f"events: {events:,}, {repeat} runs each, medians")
    print(
        f"endpoint /api/exports/audit_events.csv: {endpoint_rate:,.0f} rows/s "
        f"({size / MIB:.1f} MiB)"
    )
    print(
        f"COPY of the same SELECT (asyncpg):    {copy_rate:,.0f} rows/s ({copy_size / MIB:.1f} MiB)"
    )
    print(f"time to first byte: {statistics.median(ttfb) * 1e3:.1f} ms")
    print(f"server RSS: {before / MIB:.1f} MiB before, peak growth {growth:.1f} MiB")
    print(
        f"events={events} endpoint_rows_per_s={endpoint_rate:.0f} copy_rows_per_s={copy_rate:.0f} "
        f"ratio={endpoint_rate / copy_rate:.2f} ttfb_ms={statistics.median(ttfb) * 1e3:.1f} "
        f"rss_growth_mib={growth:.1f}"
    )


async def main(events: int, repeat: int) -> None:
    admin = await asyncpg.connect(_dsn(SERVER))
    name = f"cofund_bench_{secrets.token_hex(6)}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        began = time.perf_counter()
        token = await load(url, events)
        print(f"loaded {events:,} audit events in {time.perf_counter() - began:.1f} s")
        await measure(url, token, events, repeat)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--events", type=int)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.events or (200_000 if args.quick else 1_000_000), args.repeat))
