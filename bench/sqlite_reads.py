"""Benchmark reads on the embedded SQLite default while writers hold the write lock.

Usage: python bench/sqlite_reads.py [--readers 8] [--requests 40] [--writers 2] [--hold-ms 20]
                                  [--interval-ms 50]

One SQLite file (WAL, as `create_engine` sets it), the app in-process behind httpx's ASGI
transport. `--writers` threads stand for other processes (a `grants` CLI command, a worker):
each loops BEGIN IMMEDIATE, an insert, a `--hold-ms` pause, COMMIT. Meanwhile `--readers`
concurrent clients each send `--requests` GETs of /api/agencies with a bearer token. Two
runs on the same database: the baseline forces the old behaviour (every request begins with
`BEGIN IMMEDIATE`, so a GET queues for the write lock), then the current one (GETs begin
deferred and read their snapshot). Prints the median and p95 GET latency, reads and writes
per second of each, and their ratios to the baseline (above 1: better than the baseline);
the last line is key=value pairs.

By default readers are open loops: each starts a GET every `--interval-ms`, so a GET's latency
is its own wait for the database. With `--interval-ms 0` they are closed loops on one event
loop: with the lock no longer in the way they run flat out, so the current median is mostly
queueing for the CPU, while in the baseline a few GETs win the lock quickly and the others
sleep in SQLite's busy handler (compare p95 and reads/s then).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import grants.db.middleware as read_only_middleware
from grants.app import create_app
from grants.db import migrate
from grants.db.engine import create_engine
from grants.db.models import Agency, ApiToken, User, UserRole
from grants.security.tokens import digest
from grants.settings import Settings
from storage.local import LocalDocumentStore
from tests.conftest import running


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--requests", type=int, default=40, help="GETs per reader")
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--hold-ms", type=float, default=20.0, help="write lock held per write")
    parser.add_argument(
        "--interval-ms",
        type=float,
        default=50.0,
        help="each reader starts a GET this often (open loop); 0: as fast as it can (closed)",
    )
    return parser.parse_args()


async def seed(engine: AsyncEngine) -> dict[str, str]:
    """An admin with a token and a page of agencies to list."""
    secret = f"cft_{secrets.token_hex(16)}"
    async with async_sessionmaker(engine, expire_on_commit=False)() as db, db.begin():
        admin = User(email="admin@bench.example", display_name="Admin", locale="en")
        admin.roles = [UserRole(role="admin")]
        db.add(admin)
        db.add_all(
            Agency(
                code=f"AG{i}",
                name=f"Agency {i}",
                country="JP",
                currency="JPY",
                fiscal_year_start_month=4,
                time_zone="Asia/Tokyo",
            )
            for i in range(20)
        )
        await db.flush()
        token = ApiToken(user_id=admin.id, name="bench", prefix="cft_", token_hash=digest(secret))
        db.add(token)
    return {"Authorization": f"Bearer {secret}"}


@contextmanager
def writers(path: Path, count: int, hold: float) -> Iterator[list[int]]:
    """Threads that keep taking the write lock, like other processes would; yields the list
    their commits are counted in."""
    stop, commits = threading.Event(), [0] * count

    def loop(n: int) -> None:
        connection = sqlite3.connect(path, isolation_level=None, timeout=30)
        connection.execute("CREATE TABLE IF NOT EXISTS bench_ticks (t REAL)")
        while not stop.is_set():
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO bench_ticks VALUES (?)", (time.time(),))
            time.sleep(hold)
            connection.execute("COMMIT")
            commits[n] += 1
            time.sleep(hold / 4)  # let others (and queued requests) take the lock
        connection.close()

    threads = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    try:
        yield commits
    finally:
        stop.set()
        for thread in threads:
            thread.join()


async def measure(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    readers: int,
    requests: int,
    interval: float = 0.0,
) -> list[float]:
    """Latency in milliseconds of every GET of `readers` concurrent clients. With `interval`
    (seconds) each client starts a GET every `interval` (an open loop, as people clicking do),
    so latency measures waiting for the database, not queueing behind the other clients."""

    async def reader(offset: float) -> list[float]:
        found = []
        begin = time.perf_counter() + offset  # staggered: requests spread, not in bursts
        for n in range(requests):
            await asyncio.sleep(max(0.0, begin + n * interval - time.perf_counter()))
            started = time.perf_counter()
            response = await client.get("/api/agencies?limit=20", headers=headers)
            assert response.status_code == 200, response.text
            found.append((time.perf_counter() - started) * 1000)
        return found

    results = await asyncio.gather(*(reader(i * interval / readers) for i in range(readers)))
    return [ms for one in results for ms in one]


async def run(args: argparse.Namespace, workdir: Path) -> dict[str, dict[str, float]]:
    path = workdir / "cofund.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await migrate.upgrade(engine)
    headers = await seed(engine)
    settings = Settings(
        environment="test", var_dir=workdir, secret_key=secrets.token_hex(16), log_level="WARNING"
    )
    app = create_app(settings, engine=engine, document_store=LocalDocumentStore(workdir))
    stats: dict[str, dict[str, float]] = {}
    transport = httpx.ASGITransport(app=app)
    async with running(app), httpx.AsyncClient(transport=transport, base_url="http://b") as http:
        await measure(http, headers, 2, 5)  # warm up: connections, caches
        for mode, safe in (("baseline", frozenset[str]()), ("current", None)):
            original = read_only_middleware.SAFE_METHODS
            if safe is not None:  # the old behaviour: no method reads only, all BEGIN IMMEDIATE
                read_only_middleware.SAFE_METHODS = safe
            try:
                with writers(path, args.writers, args.hold_ms / 1000) as commits:
                    started = time.perf_counter()
                    latencies = await measure(
                        http, headers, args.readers, args.requests, args.interval_ms / 1000
                    )
                    elapsed = time.perf_counter() - started
            finally:
                read_only_middleware.SAFE_METHODS = original
            stats[mode] = {
                "median_ms": statistics.median(latencies),
                "p95_ms": statistics.quantiles(latencies, n=20)[-1],
                "reads_per_s": len(latencies) / elapsed,
                "writes_per_s": sum(commits) / elapsed,
            }
            print(
                f"{mode:<9} GET median {stats[mode]['median_ms']:7.2f} ms, "
                f"p95 {stats[mode]['p95_ms']:7.2f} ms, "
                f"{stats[mode]['reads_per_s']:7.1f} reads/s, "
                f"{stats[mode]['writes_per_s']:6.1f} writes/s",
                flush=True,
            )
    await engine.dispose()
    return stats


def main() -> None:
    args = parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    print(
        f"{args.readers} readers x {args.requests} GETs (one every {args.interval_ms:g} ms each), "
        f"{args.writers} writers holding the lock {args.hold_ms:g} ms each",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="cofund-bench-") as tmp:
        stats = asyncio.run(run(args, Path(tmp)))
    base, now = stats["baseline"], stats["current"]
    ratios = {
        "ratio_median": base["median_ms"] / now["median_ms"],
        "ratio_p95": base["p95_ms"] / now["p95_ms"],
        "ratio_reads": now["reads_per_s"] / base["reads_per_s"],
        "ratio_writes": now["writes_per_s"] / base["writes_per_s"] if base["writes_per_s"] else 1.0,
    }
    print(
        "ratios (above 1: current better): median latency {ratio_median:.2f}, p95 latency "
        "{ratio_p95:.2f}, reads/s {ratio_reads:.2f}, writes/s {ratio_writes:.2f}".format(**ratios)
    )
    figures = {f"{mode}_{key}": value for mode, row in stats.items() for key, value in row.items()}
    print(" ".join(f"{k}={v:.2f}" for k, v in {**figures, **ratios}.items()))


if __name__ == "__main__":
    main()
