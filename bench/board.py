"""Benchmark the officers' assignment board page on a large call.

Usage: python bench/board.py [--proposals 300] [--reviewers 100] [--repeat 15]

One SQLite file (as the embedded default runs), the app in-process behind httpx's ASGI
transport. A call in review with `--proposals` eligible proposals and `--reviewers` reviewers
(half in the JST pool, half in NAFOSTED's), 2 reviewers per proposal and pool; the JST officer
runs the solver once, then the board is rendered `--repeat` times on its first and on a middle
page (25 proposals a page), and a swap is checked (`POST …/assignment/check`, tried and rolled
back) as many times. Prints the median and p95 of each in milliseconds, the page's size, and
the solver run's time; the last line is key=value pairs. Not a test: the figures depend on
the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grants.app import create_app
from grants.db import migrate
from grants.db.engine import create_engine
from grants.db.models import Agency, ReviewAssignment
from grants.settings import Settings
from storage.local import LocalDocumentStore
from tests.conftest import running
from tests.factories import PASSWORD, bearer
from tests.factories_assignment import make_review_world


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=300)
    parser.add_argument("--reviewers", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=15)
    return parser.parse_args()


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


async def run(args: argparse.Namespace, workdir: Path) -> dict[str, float]:
    url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    engine = create_engine(url)
    await migrate.upgrade(engine)
    half = args.reviewers // 2
    cap = max(2, -(-args.proposals * 2 // max(half, 1)) + 4)
    async with async_sessionmaker(engine, expire_on_commit=False)() as db, db.begin():
        rw = await make_review_world(
            db,
            proposals=args.proposals,
            jp=half,
            vn=args.reviewers - half,
            cap=cap,
            state="reviewing",
            reviewers_per_proposal=2,
        )
        headers = await bearer(db, rw.world.jst_officer)
        call_id, email, pool = rw.call_id, rw.world.jst_officer.email, [u.id for u in rw.jp]
    settings = Settings(database_url=url, var_dir=workdir, environment="test", audit_tree="off")
    app = create_app(settings, engine=engine, document_store=LocalDocumentStore(workdir))
    transport = httpx.ASGITransport(app=app)
    async with running(app), httpx.AsyncClient(transport=transport, base_url="http://b") as http:
        started = time.perf_counter()
        solved = await http.post(f"/api/calls/{call_id}/assignment/run", headers=headers)
        solve_s = time.perf_counter() - started
        assert solved.status_code == 200, solved.text
        signed = await http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        csrf = signed.json()["csrf_token"]
        board = f"/officer/calls/{call_id}/assignment"
        html = {"accept": "text/html"}
        middle = (args.proposals // 2) // 25 * 25
        figures: dict[str, list[float]] = {"first": [], "middle": [], "check": []}
        size = 0
        for _ in range(args.repeat):
            for name, offset in (("first", 0), ("middle", middle)):
                started = time.perf_counter()
                page = await http.get(f"{board}?offset={offset}", headers=html)
                figures[name].append(time.perf_counter() - started)
                assert page.status_code == 200, page.text[:500]
                size = len(page.content)
        form = {**await _swap_form(engine, pool), "csrf": csrf}
        for _ in range(args.repeat):
            started = time.perf_counter()
            checked = await http.post(f"{board}/check", data=form, headers=html)
            figures["check"].append(time.perf_counter() - started)
            assert "check-allowed" in checked.text, checked.text
    await engine.dispose()
    result = {"solve_ms": solve_s * 1000, "page_kib": size / 1024}
    for name, samples in figures.items():
        result[f"{name}_median_ms"], result[f"{name}_p95_ms"] = _ms(samples)
    return result


async def _swap_form(engine: AsyncEngine, pool: list[uuid.UUID]) -> dict[str, str]:
    """A swap of the oldest proposed JST assignment for the least loaded JST reviewer not on
    that proposal (so the check passes every constraint and runs to its end)."""
    async with async_sessionmaker(engine, expire_on_commit=False)() as db:
        rows = list(
            await db.scalars(
                select(ReviewAssignment)
                .where(ReviewAssignment.pool_agency_id.in_(_jst()))
                .order_by(ReviewAssignment.created_at)
            )
        )
    load = Counter(r.reviewer_id for r in rows)
    row = rows[0]
    taken = {r.reviewer_id for r in rows if r.proposal_id == row.proposal_id}
    other = min((r for r in pool if r not in taken), key=lambda r: load[r])
    return {"proposal": str(row.proposal_id), "replace": str(row.id), "reviewer": f"JST:{other}"}


def _jst() -> Select[tuple[uuid.UUID]]:
    return select(Agency.id).where(Agency.code == "JST")


def main() -> None:
    args = parse_args()
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as tmp:
        stats = asyncio.run(run(args, Path(tmp)))
    print(f"call: {args.proposals} proposals x {args.reviewers} reviewers, 25 proposals a page")
    print(f"solver run (JST pool):      {stats['solve_ms']:8.1f} ms")
    for name, label in (("first", "board, first page"), ("middle", "board, middle page"),
                        ("check", "swap check")):  # fmt: skip
        print(
            f"{label + ':':27} median {stats[f'{name}_median_ms']:7.1f} ms, "
            f"p95 {stats[f'{name}_p95_ms']:7.1f} ms"
        )
    print(f"page size:                  {stats['page_kib']:8.1f} KiB")
    print(" ".join(f"{k}={v:.1f}" for k, v in stats.items()))


if __name__ == "__main__":
    main()
