"""Benchmark the audit side of the exports: proofs, checkpoints, the pack's offline verifier,
and what the Merkle tree costs every audited write.

Usage: python bench/audit_pack.py [--quick] [--events N] [--writes N] [--database-url URL]

On a migrated database (a SQLite file by default; `--database-url postgresql+asyncpg://…` for
PostgreSQL) it appends N audit events (1,000,000; `--quick` 200,000) in batches, then measures
at that size: inclusion-proof latency (p50/p99 over 1,000 random events, through the service
`grants.audit.log.inclusion`, as the endpoint calls it), the time to sign a checkpoint, the time
to write an audit pack (`grants export audit-pack`'s path, without documents) and `verify-pack`'s
events per second over it. Last, audited writes per second (one event per committed
transaction, as a request makes them) with the tree maintained against the same writes with
`AUDIT_TREE=off`, in alternating rounds of the same run, medians of 3. The last line is
`key=value` pairs with `ratio=<writes/s with the tree ÷ without>` (target ≥ 0.87: less than
15 % slower).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from grants.audit import chain, log, log_key
from grants.auditpack.builder import build_to_file
from grants.common.actors import SYSTEM
from grants.db import migrate
from grants.db.engine import create_engine
from grants.security.policy.audit_pack import PackScope
from grants.settings import Settings, get_settings
from storage.local import LocalDocumentStore
from transparency.pack_verify import verify_pack

BATCH = 1000


def _tree(value: str) -> None:
    os.environ["AUDIT_TREE"] = value
    get_settings.cache_clear()


def _entries(start: int, count: int) -> list[chain.Entry]:
    return [
        chain.Entry(SYSTEM, "bench.event", "thing", i, {"n": [i, i + 1], "label": f"event {i}"})
        for i in range(start, start + count)
    ]


async def _fill(sessions: async_sessionmaker[AsyncSession], events: int) -> float:
    began = time.perf_counter()
    for start in range(0, events, BATCH):
        async with sessions() as session, session.begin():
            await chain.append_many(session, _entries(start, min(BATCH, events - start)))
    return time.perf_counter() - began


async def _writes(sessions: async_sessionmaker[AsyncSession], count: int) -> float:
    """Audited writes per second: one event per committed transaction."""
    began = time.perf_counter()
    for i in range(count):
        async with sessions() as session, session.begin():
            await chain.append(
                session,
                actor=SYSTEM,
                action="bench.write",
                entity_type="thing",
                entity_id=i,
                changes={"state": ["draft", "submitted"]},
            )
    return count / (time.perf_counter() - began)


async def run(engine: AsyncEngine, directory: Path, events: int, writes: int) -> None:
    settings = Settings(
        environment="test",
        var_dir=directory,
        secret_key=secrets.token_hex(16),
        database_url="sqlite://",
    )
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    _tree("on")
    fill = await _fill(sessions, events)
    print(f"appended {events} events in {fill:.1f} s ({events / fill:,.0f} events/s, batches)")

    began = time.perf_counter()
    async with sessions() as session, session.begin():
        checkpoint, _ = await log.sign_current(session, settings)
    checkpoint_ms = (time.perf_counter() - began) * 1e3
    print(f"checkpoint at {checkpoint.size}: {checkpoint_ms:.1f} ms")

    generator = random.Random(9162)
    latencies = []
    async with sessions() as session:
        for _ in range(1000):
            seq = generator.randrange(1, checkpoint.size + 1)
            began = time.perf_counter()
            await log.inclusion(session, seq, checkpoint.size)
            latencies.append(time.perf_counter() - began)
    latencies.sort()
    p50, p99 = statistics.median(latencies) * 1e3, latencies[989] * 1e3
    print(f"inclusion proof at {checkpoint.size}: p50 {p50:.2f} ms, p99 {p99:.2f} ms")

    pack = directory / "pack.zip"
    began = time.perf_counter()
    with pack.open("wb") as sink:
        built = await build_to_file(
            lambda: sessions(),
            settings,
            LocalDocumentStore(directory / "documents"),
            actor=SYSTEM,
            scope=PackScope(full_events=True),
            call_code=None,
            with_documents=False,
            since_checkpoint=None,
            sink=sink,
        )
    pack_s = time.perf_counter() - began
    began = time.perf_counter()
    report = verify_pack(pack, [log_key.verifier(settings)])
    verify_s = time.perf_counter() - began
    assert report.ok, report.problems[:3]
    verify_rate = built.events / verify_s
    print(
        f"audit pack of {built.events} events: written in {pack_s:.1f} s "
        f"({pack.stat().st_size / 2**20:.0f} MiB), verified in {verify_s:.1f} s "
        f"({verify_rate:,.0f} events/s)"
    )

    rounds: dict[str, list[float]] = {"off": [], "on": []}
    for _ in range(3):
        for mode in ("off", "on"):
            _tree(mode)
            await _writes(sessions, 5)  # after "on", the tree first takes in what it missed
            rounds[mode].append(await _writes(sessions, writes))
    off, on = statistics.median(rounds["off"]), statistics.median(rounds["on"])
    print(f"audited writes/s without the tree: {off:,.0f}")
    print(f"audited writes/s with the tree:    {on:,.0f} ({(1 - on / off) * 100:+.1f} % slower)")
    print(
        f"events={built.events} inclusion_p50_ms={p50:.2f} inclusion_p99_ms={p99:.2f} "
        f"checkpoint_ms={checkpoint_ms:.1f} verify_events_per_s={verify_rate:.0f} "
        f"writes_off={off:.0f} writes_on={on:.0f} ratio={on / off:.2f}"
    )


async def main(events: int, writes: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        url = database_url or f"sqlite+aiosqlite:///{directory}/bench.db"
        engine = create_engine(url)
        await migrate.upgrade(engine)
        try:
            await run(engine, directory, events, writes)
        finally:
            await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--events", type=int)
    parser.add_argument("--writes", type=int)
    parser.add_argument("--database-url", help="an empty database to migrate and fill")
    args = parser.parse_args()
    events = args.events or (200_000 if args.quick else 1_000_000)
    writes = args.writes or (300 if args.quick else 1_000)
    asyncio.run(main(events, writes, args.database_url))
