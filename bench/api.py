"""Load benchmark: a mix of reads and writes against `grants serve`, as many users at once.

Usage: python bench/api.py [--quick] [--seconds S] [--users 50,200] [--database-url URL]
                           [--skip-sqlite] [--workers N]

It creates a throwaway PostgreSQL database on `TEST_DATABASE_URL`'s server (or the one
`--database-url` names), migrates it and seeds a portfolio (`PORTFOLIO`: 1,000 proposals, 300
reviewers, 3,000 assignments with 2,400 submitted reviews, 200 grants with their tranches and
signed agreements, and ready drafts to submit), then starts `grants serve --workers N` on it
(2 by default, one per core of this machine). For each
number of users, every user runs requests back to back for S seconds (60; `--quick` 15):

- first a bare endpoint of the same server, `GET /api/agencies/{id}` (its bearer token looked
  up, then one primary-key SELECT): the server's ceiling for an authenticated request;
- then the mix (`MIX`): lists, details, rankings and scores, money views and HTML pages as
  reads; review drafts, proposal submissions and tranche requests as writes, each user acting
  as its own reviewer and PI so that no two users fight over one row.

Then the same at the smallest number of users on the embedded SQLite default. It prints
requests/s, p50/p95/p99 and errors per endpoint group; an error is any answer other than the
one the request must get (a 2xx) or a broken connection. The last line is `key=value` pairs:
`errors` over every mix run, and `ratio` = mix requests/s ÷ bare requests/s at the smallest
number of users on PostgreSQL. Targets: errors=0, ratio >= 0.3, p99 < 10 x p50.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
import httpx
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from grants.db import migrate
from grants.db.engine import create_engine
from grants.db.models import Agency, Call, Proposal, User
from tests.factories import (
    BudgetLineFactory,
    DocumentFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
    bearer,
    make_call,
    make_proposal,
    make_reviewer,
    make_user,
    persist,
)
from tests.factories_awards import JST_REQUEST, NAFOSTED_REQUEST, make_grant, with_agreements
from tests.factories_calls import make_cofunders
from tests.factories_scoring import Panel, full_scores
from tests.support.databases import postgres_admin_url

PORTFOLIO = {"reviewing": 800, "awarded": 200, "reviewers": 300, "assignments": 3000}
SUBMITTED_SHARE = 0.8  # of the assignments: the rest are accepted, the users' review drafts
READY_DRAFTS = 400  # proposals waiting to be submitted during the runs


@dataclass
class Person:
    """What one simulated user acts as: a reviewer with an accepted assignment, a PI with ready
    drafts and requestable tranches, and an officer's headers for the officers' reads."""

    reviewer: dict[str, str]
    assignment: str
    version: int
    pi: dict[str, str]
    officer: dict[str, str]
    # Ready drafts to submit and tranches to request, each with its own PI's headers (a PI
    # leads one proposal per call; a tranche is requested by its side's PI).
    drafts: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    tranches: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)


@dataclass
class World:
    agency_id: str
    reviewing_call: str
    awarded_call: str
    proposals: list[str]
    grants: list[str]
    people: list[Person]


# --- seeding -------------------------------------------------------------------------------


async def seed(sessions: async_sessionmaker[AsyncSession]) -> World:
    """The portfolio, arranged with the test factories (rows as the application writes them)."""
    async with sessions() as db, db.begin():
        co = await make_cofunders(db)
        officers = [co.jst_headers, co.nafosted_headers]
        reviewing = await make_call(db, co.jst_officer, co.jst, co.nafosted, code="BENCH-REVIEW")
        reviewing.state = "reviewing"
        awarded = await make_call(db, co.jst_officer, co.jst, co.nafosted, code="BENCH-AWARD")
        awarded.state = "deciding"
        opened = await make_call(db, co.jst_officer, co.jst, co.nafosted, code="BENCH-OPEN")
        opened.state = "open"
        await persist(db, reviewing, awarded, opened)
        pairs = [await _pi_pair(db, n) for n in range(100)]
        proposals = await _proposals(db, reviewing, co.jst, co.nafosted, pairs)
        reviewers = [
            await make_reviewer(db, co.jst, co.nafosted, country="JP" if n % 2 else "VN")
            for n in range(PORTFOLIO["reviewers"])
        ]
        accepted = await _assignments(db, proposals, reviewers, co.jst, co.nafosted)
        panel = Panel(co.jst, co.nafosted, awarded, co.jst_officer, co.nafosted_officer,
                      co.jst_headers, co.nafosted_headers, pairs[0][0], pairs[0][1])  # fmt: skip
        grant_rows = await _grants(db, panel, pairs)
        drafts = await _ready_drafts(db, opened, co.jst, co.nafosted)
        people = []
        for n, (reviewer, assignment) in enumerate(accepted):
            jp_pi = pairs[n % len(pairs)][0]
            people.append(
                Person(
                    reviewer=await bearer(db, reviewer),
                    assignment=str(assignment.id),
                    version=assignment.version,
                    pi=await bearer(db, jp_pi),
                    officer=officers[n % 2],
                )
            )
        for n, (headers, proposal) in enumerate(drafts):
            people[n % len(people)].drafts.append((str(proposal.id), proposal.version, headers))
        for n, (headers, tranche_id) in enumerate(grant_rows["tranches"]):
            people[n % len(people)].tranches.append((tranche_id, 1, headers))
        return World(
            agency_id=str(co.jst.id),
            reviewing_call=str(reviewing.id),
            awarded_call=str(awarded.id),
            proposals=[str(p.id) for p in proposals],
            grants=grant_rows["grants"],
            people=people,
        )


async def _pi_pair(db: AsyncSession, n: int) -> tuple[User, User]:
    jp = await make_user(db, "researcher", country="JP", email=f"jp{n}@bench.example.jp")
    vn = await make_user(db, "researcher", country="VN", email=f"vn{n}@bench.example.vn")
    return jp, vn


async def _proposals(
    db: AsyncSession, call: Call, jst: Agency, nafosted: Agency, pairs: list[tuple[User, User]]
) -> list[Proposal]:
    made = []
    for n in range(1, PORTFOLIO["reviewing"] + 1):
        jp, vn = pairs[n % len(pairs)]
        proposal = await make_proposal(
            db, call, {jst.id: jp, nafosted.id: vn}, state="under_review", number=n,
            reference=f"BENCH-REVIEW-{n:04d}", submitted_at=datetime.datetime.now(datetime.UTC),
        )  # fmt: skip
        made.append(proposal)
    return made


async def _assignments(
    db: AsyncSession, proposals: list[Proposal], reviewers: list[User], *pools: Agency
) -> list[tuple[User, Any]]:
    """`PORTFOLIO['assignments']` assignments spread over the proposals, most reviewed; one
    accepted, unsubmitted assignment per reviewer first (the users' drafts)."""
    total = PORTFOLIO["assignments"]
    per_proposal = total // len(proposals) + 1
    pairs = [
        (proposals[i % len(proposals)], reviewers[(i + k * 97) % len(reviewers)])
        for i in range(len(proposals))
        for k in range(per_proposal)
    ][:total]
    assignments = [
        ReviewAssignmentFactory(
            proposal_id=proposal.id, reviewer_id=reviewer.id, pool_agency_id=pools[n % 2].id
        )
        for n, (proposal, reviewer) in enumerate(pairs)
    ]
    accepted: list[tuple[User, Any]] = []
    taken: set[Any] = set()
    reviewed = []
    for (_, reviewer), assignment in zip(pairs, assignments, strict=True):
        if reviewer.id not in taken:
            taken.add(reviewer.id)
            accepted.append((reviewer, assignment))
        elif len(reviewed) < int(total * SUBMITTED_SHARE):
            assignment.state = "submitted"
            reviewed.append(assignment)
    for start in range(0, len(assignments), 500):
        await persist(db, *assignments[start : start + 500])
    reviews = [
        ReviewFactory(
            assignment_id=a.id,
            scores=full_scores(1 + n % 5, 1 + n % 4, 2 + n % 3),
            submitted_at=datetime.datetime.now(datetime.UTC),
        )
        for n, a in enumerate(reviewed)
    ]
    for start in range(0, len(reviews), 500):
        await persist(db, *reviews[start : start + 500])
    return accepted


async def _grants(
    db: AsyncSession, panel: Panel, pairs: list[tuple[User, User]]
) -> dict[str, list[Any]]:
    """`PORTFOLIO['awarded']` awarded proposals with their grants, tranches and agreements; the
    first tranche of each side is what the users request."""
    from grants.db.models import Tranche
    from tests.factories_awards import with_tranches

    grants, requestable = [], []
    for n in range(1, PORTFOLIO["awarded"] + 1):
        jp, vn = pairs[n % len(pairs)]
        panel.jp_pi, panel.vn_pi = jp, vn
        proposal = await make_proposal(
            db, panel.call, {panel.jst.id: jp, panel.nafosted.id: vn}, state="reviewed",
            number=n, reference=f"BENCH-AWARD-{n:04d}",
            submitted_at=datetime.datetime.now(datetime.UTC),
        )  # fmt: skip
        for part, request, currency in zip(
            proposal.parts, (JST_REQUEST, NAFOSTED_REQUEST), ("JPY", "VND"), strict=True
        ):
            part.budget.extend(
                BudgetLineFactory(part_id=part.id, year=y, category=c, amount=a, currency=currency)
                for y, c, a in request
            )
        await persist(db, proposal)
        grant = await make_grant(db, panel, proposal)
        tranches: list[Tranche] = await with_tranches(db, panel, grant)
        await with_agreements(db, panel, grant)
        grants.append(str(grant.id))
        for pi, side in ((jp, grant.sides[0]), (vn, grant.sides[1])):
            first = min((t for t in tranches if t.side_id == side.id), key=lambda t: t.position)
            requestable.append((await bearer(db, pi), str(first.id)))
    return {"grants": grants, "tranches": requestable}


async def _ready_drafts(
    db: AsyncSession, call: Call, jst: Agency, nafosted: Agency
) -> list[tuple[dict[str, str], Proposal]]:
    """Drafts that pass every submission check, each with its own two PIs (a PI leads one
    proposal per call)."""
    made = []
    for n in range(READY_DRAFTS):
        jp = await make_user(db, "researcher", country="JP", email=f"jp.ready{n}@bench.example.jp")
        vn = await make_user(db, "researcher", country="VN", email=f"vn.ready{n}@bench.example.vn")
        proposal = await make_proposal(db, call, {jst.id: jp, nafosted.id: vn})
        hosts = ("The University of Tokyo", "Vietnam National University, Hanoi")
        for part, host, currency in zip(proposal.parts, hosts, ("JPY", "VND"), strict=True):
            part.institution_name = host
            part.budget.extend(
                [
                    BudgetLineFactory(part_id=part.id, year=1, amount=5_000_000, currency=currency),
                    BudgetLineFactory(
                        part_id=part.id,
                        year=1,
                        category="indirect",
                        amount=1_500_000,
                        currency=currency,
                    ),
                ]
            )
        await persist(db, proposal, DocumentFactory(proposal_id=proposal.id, uploaded_by=jp.id))
        made.append((await bearer(db, jp), proposal))
    return made


# --- the load ------------------------------------------------------------------------------

Request = Callable[[httpx.AsyncClient, Person, World], Awaitable[tuple[str, httpx.Response]]]


async def _get(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> httpx.Response:
    return await client.get(url, headers=headers)


async def proposals_list(c: httpx.AsyncClient, p: Person, w: World) -> tuple[str, httpx.Response]:
    return "lists", await _get(c, f"/api/proposals?call={w.reviewing_call}&limit=50", p.officer)


async def my_assignments(c: httpx.AsyncClient, p: Person, w: World) -> tuple[str, httpx.Response]:
    return "lists", await _get(c, "/api/me/review-assignments", p.reviewer)


async def grants_list(c: httpx.AsyncClient, p: Person, w: World) -> tuple[str, httpx.Response]:
    return "lists", await _get(c, f"/api/grants?call={w.awarded_call}&limit=50", p.officer)


async def proposal(c: httpx.AsyncClient, p: Person, w: World) -> tuple[str, httpx.Response]:
    return "details", await _get(c, f"/api/proposals/{random.choice(w.proposals)}", p.officer)


async def grant(c: httpx.AsyncClient, p: Person, w: World) -> tuple[str, httpx.Response]:
    return "details", await _get(c, f"/api/grants/{random.choice(w.grants)}", p.officer)


async def tranches(c: httpx.AsyncClient, p: Person, w: World) -> tuple[str, httpx.Response]:
    url = f"/api/grants/{random.choice(w.grants)}/tranches"
    return "details", await _get(c, url, p.officer)


async def scores(c: httpx.AsyncClient, p: Person, w: World) -> tuple[str, httpx.Response]:
    return "rankings", await _get(c, f"/api/calls/{w.reviewing_call}/scores", p.officer)


async def call_money(c: httpx.AsyncClient, p: Person, w: World) -> tuple[str, httpx.Response]:
    return "money", await _get(c, f"/api/calls/{w.awarded_call}/money", p.officer)


async def grant_money(c: httpx.AsyncClient, p: Person, w: World) -> tuple[str, httpx.Response]:
    return "money", await _get(c, f"/api/grants/{random.choice(w.grants)}/money", p.officer)


async def dashboard_page(c: httpx.AsyncClient, p: Person, w: World) -> tuple[str, httpx.Response]:
    return "pages", await _get(c, "/", p.pi)


async def reviewer_page(c: httpx.AsyncClient, p: Person, w: World) -> tuple[str, httpx.Response]:
    return "pages", await _get(c, "/reviewer", p.reviewer)


async def review_draft(c: httpx.AsyncClient, p: Person, w: World) -> tuple[str, httpx.Response]:
    body = {"version": p.version, "scores": {"novelty": random.randint(1, 5)},
            "comments_to_applicants": f"Draft typed at {time.time():.3f}."}  # fmt: skip
    response = await c.put(f"/api/assignments/{p.assignment}/review", headers=p.reviewer, json=body)
    if response.status_code == 200:
        p.version = int(response.json().get("version", p.version + 1))
    return "writes", response


async def submission(c: httpx.AsyncClient, p: Person, w: World) -> tuple[str, httpx.Response]:
    if not p.drafts:
        return await review_draft(c, p, w)
    proposal_id, version, headers = p.drafts.pop()
    url = f"/api/proposals/{proposal_id}/events/submit"
    return "writes", await c.post(url, headers=headers, json={"version": version})


async def tranche_request(c: httpx.AsyncClient, p: Person, w: World) -> tuple[str, httpx.Response]:
    if not p.tranches:
        return await review_draft(c, p, w)
    tranche_id, version, headers = p.tranches.pop()
    url = f"/api/tranches/{tranche_id}/events/request"
    return "writes", await c.post(url, headers=headers, json={"version": version, "data": {}})


# (weight, request): about four reads to one write, as a day of officers, reviewers and PIs.
MIX: list[tuple[int, Request]] = [
    (8, proposals_list), (6, my_assignments), (4, grants_list),
    (10, proposal), (6, grant), (6, tranches),
    (2, scores), (4, call_money), (6, grant_money),
    (8, dashboard_page), (8, reviewer_page),
    (14, review_draft), (4, submission), (4, tranche_request),
]  # fmt: skip


async def bare(c: httpx.AsyncClient, p: Person, w: World) -> tuple[str, httpx.Response]:
    return "bare", await _get(c, f"/api/agencies/{w.agency_id}", p.officer)


@dataclass
class Run:
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.latencies.values())


async def load(
    base: str, world: World, users: int, seconds: float, mix: list[tuple[int, Request]]
) -> Run:
    """`users` users, each sending requests of `mix` back to back for `seconds`."""
    weights = [w for w, _ in mix]
    requests = [r for _, r in mix]
    run = Run(seconds)
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        deadline = time.perf_counter() + seconds

        async def user(person: Person) -> None:
            while time.perf_counter() < deadline:
                request = random.choices(requests, weights)[0]
                began = time.perf_counter()
                try:
                    group, response = await request(client, person, world)
                except httpx.HTTPError as exc:
                    run.errors[request.__name__] += 1
                    run.samples.setdefault(request.__name__, repr(exc))
                    continue
                run.latencies[group].append(time.perf_counter() - began)
                if not 200 <= response.status_code < 300:
                    run.errors[group] += 1
                    run.samples.setdefault(group, f"{response.status_code} {response.text[:300]}")

        await asyncio.gather(*(user(world.people[n % len(world.people)]) for n in range(users)))
    return run


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3


def report(label: str, run: Run) -> float:
    """Print one run's figures per group; its requests per second."""
    rate = run.total / run.seconds
    print(f"{label}: {rate:,.0f} requests/s, {sum(run.errors.values())} errors")
    for group in sorted(run.latencies):
        values = run.latencies[group]
        print(
            f"  {group:<9} {len(values) / run.seconds:8.1f}/s  p50 {_ms(values, 0.5):7.1f} ms"
            f"  p95 {_ms(values, 0.95):7.1f} ms  p99 {_ms(values, 0.99):7.1f} ms"
            f"  errors {run.errors.get(group, 0)}"
        )
    for group, sample in run.samples.items():
        print(f"  first error of {group}: {sample}")
    return rate


# --- the server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(url: str, port: int, var_dir: str, workers: int) -> subprocess.Popen[bytes]:
    """`grants serve` on `url`, as an operator starts it (on Granian for more than one worker)."""
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING", "VAR_DIR": var_dir}
    env.pop("STORAGE_BACKEND", None)
    grants = Path(sys.executable).with_name("grants")
    command = [str(grants), "serve", "--port", str(port), "--workers", str(workers)]
    # Its own process group, so that stopping it stops every worker.
    return subprocess.Popen(command, env=env, start_new_session=True)


async def ready(base: str, server: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(600):  # the app imports a solver stack: allow two minutes
            if server.poll() is not None:
                raise RuntimeError(f"the server exited with {server.returncode}")
            try:
                if (await client.get("/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("the server did not answer /health")


async def prepare(url: str) -> World:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        began = time.perf_counter()
        world = await seed(async_sessionmaker(engine, expire_on_commit=False))
        print(f"seeded {url.split('@')[-1]} in {time.perf_counter() - began:.1f} s")
        return world
    finally:
        await engine.dispose()


async def bench(
    url: str, label: str, users: list[int], seconds: float, workers: int
) -> dict[str, float]:
    """Seed `url`, serve it, and run the bare endpoint and the mix at each number of users."""
    world = await prepare(url)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(url, port, tempfile.mkdtemp(prefix="cofund-bench-"), workers)
    figures: dict[str, float] = {}
    try:
        await ready(base, server)
        await load(base, world, 10, 3, MIX[:4])  # warm the server's caches and pools
        for count in users:
            bare_rate = report(f"{label}, {count} users, bare GET /api/agencies/{{id}}",
                               await load(base, world, count, seconds, [(1, bare)]))  # fmt: skip
            run = await load(base, world, count, seconds, MIX)
            rate = report(f"{label}, {count} users, mix", run)
            every = [v for values in run.latencies.values() for v in values]
            figures[f"{count}_rps"] = rate
            figures[f"{count}_bare_rps"] = bare_rate
            figures[f"{count}_p50_ms"] = _ms(every, 0.5)
            figures[f"{count}_p99_ms"] = _ms(every, 0.99)
            figures[f"{count}_errors"] = sum(run.errors.values())
            print(
                f"  ratio {rate / bare_rate:.2f}, p99/p50 {_ms(every, 0.99) / _ms(every, 0.5):.1f}"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    return figures


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def main(args: argparse.Namespace) -> None:
    users = [int(n) for n in args.users.split(",")]
    seconds = args.seconds or (15.0 if args.quick else 60.0)
    server_url = args.database_url or postgres_admin_url()
    admin = await asyncpg.connect(_dsn(server_url))
    name = f"cofund_bench_{secrets.token_hex(6)}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        pg = await bench(url, "PostgreSQL", users, seconds, args.workers)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    lite: dict[str, float] = {}
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory(prefix="cofund-bench-") as directory:
            sqlite = f"sqlite+aiosqlite:///{directory}/cofund.db"
            lite = await bench(sqlite, "SQLite", users[:1], seconds, args.workers)
    first = users[0]
    ratio = pg[f"{first}_rps"] / pg[f"{first}_bare_rps"]
    errors = int(sum(v for k, v in (pg | {f"sqlite_{k}": v for k, v in lite.items()}).items()
                     if k.endswith("_errors")))  # fmt: skip
    pairs = {
        "errors": errors,
        "ratio": f"{ratio:.2f}",
        **{f"pg_{k}": f"{v:.1f}" if isinstance(v, float) else v for k, v in pg.items()},
        **{f"sqlite_{k}": f"{v:.1f}" if isinstance(v, float) else v for k, v in lite.items()},
    }
    print(" ".join(f"{k}={v}" for k, v in pairs.items()))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="15 s per run instead of 60 s")
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--users", default="50,200", help="comma-separated user counts")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument(
        "--workers", type=int, default=2, help="grants serve --workers (Granian above 1)"
    )
    asyncio.run(main(parser.parse_args()))
