"""`grants serve` (and `grants mail send`) killed with SIGKILL in the middle of an upload, a
workflow event, an export, a mail batch and a checkpoint's signing, then restarted.

Each crash is placed with a test-only pause point (`grants.common.crashpoints`): the process
stops there, holding its open transaction or its freshly stored object, and is killed. After
every crash: no half-written row (nothing of the interrupted change is in the database) and
every invariant holds, the audit chain and its Merkle tree included (`check_invariants`). A
mail batch sent but not recorded is sent again with the same Message-IDs. At the end the
server starts again and works, and `grants storage gc --grace 0 --delete` removes exactly what
the crashes left in the store (and nothing any row points to).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email import message_from_bytes
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from grants.audit import log_key
from grants.db.engine import create_engine
from grants.db.models import (
    AuditEvent,
    Document,
    ExportJob,
    LogCheckpoint,
    OutboxMessage,
    User,
)
from grants.mail import queue
from grants.settings import Settings
from grants.storage_gc import DEFAULT_GRACE, collect
from storage.gc import OBJECT, PARTIAL
from storage.local import LocalDocumentStore
from tests.crash.process import Grants
from tests.factories import bearer, make_user
from tests.factories_auditpack import make_pack_world
from tests.factories_documents import Consortium, make_consortium, pdf_of
from tests.factories_tlog import append_events
from tests.races.arena import Templates, free_port
from tests.races.invariants import check_invariants

MAILS = 3


@dataclass
class World:
    grants: Grants
    settings: Settings
    engine: AsyncEngine
    store: LocalDocumentStore
    consortium: Consortium
    admin: dict[str, str]
    auditor: dict[str, str]
    person: User

    async def check(self) -> None:
        async with AsyncSession(self.engine) as session:
            await check_invariants(session, self.settings)

    async def count(self, *where: Any) -> int:
        async with AsyncSession(self.engine) as session:
            return int(await session.scalar(select(func.count()).where(*where)) or 0)


class Inbox:
    def __init__(self) -> None:
        self.message_ids: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.message_ids.append(str(message_from_bytes(envelope.content)["Message-ID"]))
        return "250 OK"


@contextlib.contextmanager
def smtp_sink() -> Any:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
async def world(crash_templates: Templates, tmp_path: Path) -> AsyncIterator[World]:
    async with crash_templates.clone() as url:
        env = {
            "ENVIRONMENT": "test",
            "DATABASE_URL": url,
            "VAR_DIR": str(tmp_path),
            "SECRET_KEY": "crash-test-secret",
            "LOG_LEVEL": "WARNING",
        }
        settings = Settings(
            environment="test", var_dir=tmp_path, database_url=url, secret_key=env["SECRET_KEY"]
        )
        log_key.generate(settings)
        engine = create_engine(url)
        store = LocalDocumentStore(tmp_path / "documents")
        try:
            yield await _arrange(Grants(env, tmp_path), settings, engine, store)
        finally:
            await engine.dispose()


async def _arrange(
    grants: Grants, settings: Settings, engine: AsyncEngine, store: LocalDocumentStore
) -> World:
    async with async_sessionmaker(engine, expire_on_commit=False)() as s:
        pack = await make_pack_world(s, store)  # commits: a stored document, audit events
        consortium = await make_consortium(s)
        person = await make_user(s, "researcher")
        admin = await bearer(s, pack.people["admin"])
        for n in range(MAILS):
            await queue(s, to=f"pi{n}@example.org", subject=f"Mail {n}", body="Hello.")
        await s.commit()
    return World(
        grants, settings, engine, store, consortium, admin, pack.headers["auditor"], person
    )


def _upload(client: httpx.AsyncClient, world: World, content: Any) -> Any:
    return client.post(
        world.consortium.documents_url,
        params={"kind": "project_description"},
        headers={"X-Filename": f"UTF-8''{quote('plan.pdf')}"},
        content=content,
    )


async def _stalled_upload(client: httpx.AsyncClient, world: World) -> asyncio.Future[Any]:
    """An upload sending 1.5 MiB of its 3 MiB and then nothing, once the store holds its temp
    file (the local store writes it in 1 MiB steps)."""
    body, never = pdf_of(3 * 1024 * 1024), asyncio.Event()

    async def half_then_stall() -> AsyncIterator[bytes]:
        for start in range(0, len(body) // 2, 64 * 1024):
            yield body[start : start + 64 * 1024]
        await never.wait()

    pending = asyncio.ensure_future(_upload(client, world, half_then_stall()))
    partial = world.store.root / ".tmp"
    while not any(p.stat().st_size >= 1024 * 1024 for p in partial.glob("*.part")):
        assert not pending.done(), pending.result().text
        await asyncio.sleep(0.05)
    return pending


async def _crash_in_uploads_and_an_export(world: World) -> None:
    """One server, killed with three things in flight: an upload whose object is stored but
    not its row, an upload cut off mid-stream, an export whose pack is stored but whose job
    is not marked done."""
    server = await world.grants.serve(pause="document.stored,export.stored")
    async with server.client(world.consortium.headers) as pi, server.client(world.auditor) as a:
        stored = asyncio.ensure_future(_upload(pi, world, pdf_of(200_000)))
        await server.paused_at(world.grants.marker("document.stored"))
        stalled = await _stalled_upload(pi, world)
        requested = await a.post(
            "/api/exports/audit-pack", json={"call": "JV-2026", "with_documents": True}
        )
        assert requested.status_code == 202, requested.text
        await server.paused_at(world.grants.marker("export.stored"))
        server.kill()
        stalled.cancel()  # its body never ends, so it would never notice the dead connection
        for pending in (stored, stalled):
            with contextlib.suppress(httpx.HTTPError, asyncio.CancelledError):
                await pending
    assert await world.count(Document.proposal_id == world.consortium.proposal.id) == 0
    async with AsyncSession(world.engine) as session:
        job = await session.get(ExportJob, requested.json()["id"])
        assert job is not None
        assert (job.state, job.result_key) == ("running", None)


async def _crash_in_signing_and_a_workflow_event(world: World) -> None:
    """One server, killed while it signs a checkpoint (flushed, holding the chain's head) and
    while a workflow event, its state change flushed, waits for that head to audit itself."""
    async with async_sessionmaker(world.engine)() as session, session.begin():
        await append_events(session, 2)  # the export signed the log as it was: grow it
    signed_before = await world.count(LogCheckpoint.size > 0)
    server = await world.grants.serve(pause="checkpoint.signed")
    async with server.client(world.admin) as admin:
        signing = asyncio.ensure_future(admin.post("/api/audit/checkpoints"))
        await server.paused_at(world.grants.marker("checkpoint.signed"))
        event = asyncio.ensure_future(
            admin.post(f"/api/users/{world.person.id}/events/suspend", json={"version": 1})
        )
        await _until_waiting_on_a_lock(world.engine, event)
        server.kill()
        for pending in (signing, event):
            with contextlib.suppress(httpx.HTTPError):
                await pending
    assert await world.count(LogCheckpoint.size > 0) == signed_before
    async with AsyncSession(world.engine) as session:
        person = await session.get(User, world.person.id)
        assert person is not None
        assert (person.state, person.version) == ("active", 1)
    assert await world.count(AuditEvent.action == "user.suspend") == 0


async def _until_waiting_on_a_lock(engine: AsyncEngine, pending: asyncio.Future[Any]) -> None:
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(2400):
        async with engine.connect() as connection:  # a snapshot of its own per poll
            if await connection.scalar(waiting):
                return
        assert not pending.done(), pending.result().text
        await asyncio.sleep(0.05)
    raise AssertionError("the workflow event never waited for the chain's head")


async def _crash_in_mail_batch(world: World) -> None:
    with smtp_sink() as (inbox, port):
        smtp = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_STARTTLS": "false"}
        sending = world.grants.spawn(["mail", "send"], pause="mail.sent", **smtp)
        await sending.paused_at(world.grants.marker("mail.sent"))
        sending.kill()
        first = list(inbox.message_ids)
        assert await world.count(OutboxMessage.sent_at.is_not(None)) == 0

        again = await world.grants.run("mail", "send", **smtp)

        said = again.stdout.strip().splitlines()[-1]  # after the log lines
        assert (again.returncode, said) == (0, f"{MAILS} sent, 0 failed")
        async with AsyncSession(world.engine) as session:
            rows = list(await session.scalars(select(OutboxMessage)))
        expected = sorted(f"<{row.id}@cofund>" for row in rows)
        assert sorted(first) == sorted(inbox.message_ids[MAILS:]) == expected
        assert [(r.sent_at is not None, r.attempts) for r in rows] == [(True, 1)] * MAILS


async def _restarted_works(world: World) -> None:
    server = await world.grants.serve()
    try:
        async with server.client(world.admin) as client:
            suspended = await client.post(
                f"/api/users/{world.person.id}/events/suspend", json={"version": 1}
            )
            signed = await client.post("/api/audit/checkpoints")
        assert (suspended.status_code, suspended.json()["state"]) == (200, "suspended")
        assert signed.status_code == 201, signed.text
    finally:
        server.kill()


async def _orphans(world: World, grace: datetime.timedelta) -> list[tuple[str, str]]:
    sessions = async_sessionmaker(world.engine, expire_on_commit=False)
    found = await collect(sessions, world.store, grace=grace)
    return sorted((item.kind, item.key) for item in found.orphans)


async def test_killed_mid_work_then_restarted_loses_nothing_and_leaves_no_orphans(
    world: World,
) -> None:
    for crash in (
        _crash_in_uploads_and_an_export,
        _crash_in_signing_and_a_workflow_event,
        _crash_in_mail_batch,
    ):
        await crash(world)
        await world.check()
    await _restarted_works(world)
    young = await _orphans(world, DEFAULT_GRACE)
    left = await _orphans(world, datetime.timedelta(0))

    gc = await world.grants.run("storage", "gc", "--grace", "0", "--delete")

    # The object of the upload, the temp file of the one cut off, the export's pack.
    assert (young, sorted(kind for kind, _ in left)) == ([], [OBJECT, OBJECT, PARTIAL])
    lines = [line.split("\t") for line in gc.stdout.strip().splitlines() if "\t" in line]
    assert (gc.returncode, sorted((kind, key) for kind, key, *_ in lines)) == (0, left)
    assert gc.stdout.strip().splitlines()[-1].endswith("; removed 3")
    assert await _orphans(world, datetime.timedelta(0)) == []
    async with AsyncSession(world.engine) as session:
        documents = list(await session.scalars(select(Document)))
        gc_events = await session.scalar(
            select(func.count()).where(AuditEvent.action == "storage.gc")
        )
    assert gc_events == 1
    for document in documents:
        content = b"".join([c async for c in await world.store.open(document.storage_key)])
        assert hashlib.sha256(content).hexdigest() == document.sha256
    await world.check()
