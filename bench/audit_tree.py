"""Benchmark audit appends with the transparency log's tree kept in the database.

Usage: python bench/audit_tree.py [--quick] [--events N] [--batch N]

Appends N audit events (20,000; `--quick` 4,000) through `grants.audit.chain.append_many`, one
committed transaction per batch of `--batch` (1) events, on a migrated SQLite file, and reports
the append time of the first and last tenth: with the tree's right edge read in O(log n) rows
and about two nodes written per event, the last tenth costs about what the first did. Then it
times 200 inclusion and 200 consistency proofs read from `merkle_nodes` at the full size.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.ext.asyncio import async_sessionmaker

from grants.audit import chain, tree
from grants.common.actors import SYSTEM
from grants.db import migrate
from grants.db.engine import create_engine


async def main(events: int, batch: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        engine = create_engine(f"sqlite+aiosqlite:///{directory}/bench.db")
        await migrate.upgrade(engine)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        times: list[float] = []
        for start in range(0, events, batch):
            entries = [
                chain.Entry(SYSTEM, "bench.event", "thing", i, {"n": [i, i + 1]})
                for i in range(start, min(start + batch, events))
            ]
            began = time.perf_counter()
            async with sessions() as session, session.begin():
                await chain.append_many(session, entries)
            times.append((time.perf_counter() - began) / len(entries))
        tenth = max(1, len(times) // 10)
        first, last = statistics.median(times[:tenth]), statistics.median(times[-tenth:])
        print(f"append, first tenth: {first * 1e3:.3f} ms/event")
        print(f"append, last tenth:  {last * 1e3:.3f} ms/event (ratio {last / first:.2f})")
        generator = random.Random(9162)
        async with sessions() as session:
            size = await tree.current_size(session)
            proofs = []
            for _ in range(200):
                began = time.perf_counter()
                await tree.inclusion(session, generator.randrange(size), size)
                proofs.append(time.perf_counter() - began)
            inclusion = statistics.median(proofs)
            print(f"inclusion proof at {size}: {inclusion * 1e3:.3f} ms median")
            proofs = []
            for _ in range(200):
                began = time.perf_counter()
                await tree.consistency(session, generator.randrange(1, size), size)
                proofs.append(time.perf_counter() - began)
            consistency = statistics.median(proofs)
            print(f"consistency proof at {size}: {consistency * 1e3:.3f} ms median")
        await engine.dispose()
    print(
        f"events={events} first_ms={first * 1e3:.3f} last_ms={last * 1e3:.3f} "
        f"ratio={last / first:.2f} inclusion_ms={inclusion * 1e3:.3f} "
        f"consistency_ms={consistency * 1e3:.3f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--events", type=int)
    parser.add_argument("--batch", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(main(args.events or (4_000 if args.quick else 20_000), args.batch))
