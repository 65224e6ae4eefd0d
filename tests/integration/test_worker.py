"""Background work: `grants worker` (mail from the outbox, report reminders), its retries with a
doubling backoff, and the same loop inside the server (`grants serve --background`)."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from grants import worker as worker_module
from grants.cli import main
from grants.db.engine import create_engine
from grants.db.models import OutboxMessage
from grants.mail import queue
from grants.settings import get_settings
from grants.worker import Outcome, Worker
from tests.integration.test_mail import (  # noqa: F401 - smtp_server is a fixture used by name
    Inbox,
    smtp_server,
)
from tests.integration.test_report_reminders import three_years


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _grants(*args: str) -> Result:
    get_settings.cache_clear()
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _printed(result: Result) -> str:
    """The command's own lines, without the structured log lines (they start with the date)."""
    return "".join(ln for ln in result.output.splitlines(keepends=True) if not ln[:4].isdigit())


def _database(var_dir: Path) -> str:
    return f"sqlite+aiosqlite:///{var_dir / 'cofund.db'}"


def _smtp(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    monkeypatch.setenv("SMTP_STARTTLS", "false")


def test_worker_once_queues_the_reminders_and_sends_them(
    var_dir: Path,
    smtp_server: tuple[Inbox, int],  # noqa: F811 - the fixture, imported above
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox, port = smtp_server
    _grants("db", "upgrade")

    async def arrange() -> None:
        engine = create_engine(_database(var_dir))
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db, db.begin():
                await three_years(db)  # year 1's report due 2028-05-31
        finally:
            await engine.dispose()

    asyncio.run(arrange())
    _smtp(monkeypatch, port)
    monkeypatch.setattr(
        worker_module, "utcnow", lambda: datetime.datetime(2028, 5, 20, 9, tzinfo=datetime.UTC)
    )

    first = _grants("worker", "--once", "--task", "reminders", "--task", "mail")
    second = _grants("worker", "--once")

    assert (first.exit_code, _printed(first)) == (
        0,
        "reminders: 1 reminder(s) queued for 2028-05-20\nmail: 2 sent, 0 failed\n",
    )
    assert (second.exit_code, _printed(second)) == (
        0,
        "mail: 0 sent, 0 failed\nreminders: 0 reminder(s) queued for 2028-05-20\n",
    )
    assert sorted(to[0] for to, _ in inbox.messages) == ["jp.pi@example.jp", "vn.pi@example.vn"]


def test_worker_once_exits_1_when_mail_fails(
    var_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _grants("db", "upgrade")

    async def queue_one() -> None:
        engine = create_engine(_database(var_dir))
        try:
            async with async_sessionmaker(engine)() as db, db.begin():
                await queue(db, to="r@example.org", subject="Invitation", body="Hello")
        finally:
            await engine.dispose()

    asyncio.run(queue_one())
    _smtp(monkeypatch, 1)  # nothing listens on port 1

    result = _grants("worker", "--once", "--task", "mail")

    assert result.exit_code == 1
    assert _printed(result) == "mail: 0 sent, 1 failed\n"


def test_a_failing_task_backs_off_doubling_and_a_clean_run_resets_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outcomes = iter([RuntimeError("db down"), Outcome("1 failed", failed=True), Outcome("ok")])

    async def flaky(*_: object) -> Outcome:
        item = next(outcomes)
        if isinstance(item, Exception):
            raise item
        return item

    monkeypatch.setitem(worker_module.TASKS, "mail", (10.0, flaky))
    now = [0.0]

    async def scenario() -> list[tuple[str, float, bool]]:
        work = Worker(None, None, tasks=["mail"], clock=lambda: now[0])  # type: ignore[arg-type]
        seen = []
        for _ in range(3):
            [(_, outcome)] = await work.run_due()
            seen.append((outcome.summary, work.tasks[0].due_at - now[0], outcome.failed))
            assert await work.run_due() == []  # not due again before its time
            now[0] = work.tasks[0].due_at
        return seen

    assert asyncio.run(scenario()) == [
        ("RuntimeError: db down", 20.0, True),
        ("1 failed", 40.0, True),
        ("ok", 10.0, False),
    ]


def test_unknown_task_is_named() -> None:
    async def make() -> None:
        Worker(None, None, tasks=["mail", "billing"])  # type: ignore[arg-type]

    with pytest.raises(
        ValueError, match=r"^unknown task\(s\) billing: choose from mail, reminders$"
    ):
        asyncio.run(make())


async def test_the_server_runs_the_worker_in_process(
    var_dir: Path,
    smtp_server: tuple[Inbox, int],  # noqa: F811 - the fixture, imported above
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from grants.serving import create_app_with_worker
    from tests.conftest import running

    inbox, port = smtp_server
    await asyncio.to_thread(_grants, "db", "upgrade")
    _smtp(monkeypatch, port)
    get_settings.cache_clear()
    engine = create_engine(_database(var_dir))
    try:
        async with async_sessionmaker(engine)() as db, db.begin():
            await queue(db, to="r@example.org", subject="Invitation", body="Hello")
        app = create_app_with_worker()
        async with running(app):
            for _ in range(100):
                if inbox.messages:
                    break
                await asyncio.sleep(0.1)
        async with async_sessionmaker(engine)() as db:
            unsent = await db.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None))
            )
    finally:
        await engine.dispose()
    assert [(to, m["Subject"]) for to, m in inbox.messages] == [(["r@example.org"], "Invitation")]
    assert unsent == 0
