"""`grants mail send` on a real SQLite file: sends the outbox to aiosmtpd, or says that
without an SMTP host the mails stay in the outbox."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.ext.asyncio import async_sessionmaker

from grants.cli import main
from grants.db.engine import create_engine
from grants.mail import queue
from grants.settings import get_settings
from tests.integration.test_mail import (  # noqa: F401 - smtp_server is a fixture used by name
    Inbox,
    smtp_server,
)


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _grants(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _queue_one(var_dir: Path) -> None:
    async def work() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{var_dir / 'cofund.db'}")
        try:
            async with async_sessionmaker(engine)() as db, db.begin():
                await queue(db, to="r@example.org", subject="Invitation", body="Hello")
        finally:
            await engine.dispose()

    asyncio.run(work())


def test_mail_send_delivers_the_outbox(
    var_dir: Path,
    smtp_server: tuple[Inbox, int],  # noqa: F811 - the fixture, imported above
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox, port = smtp_server
    _grants("db", "upgrade")
    _queue_one(var_dir)
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    monkeypatch.setenv("SMTP_STARTTLS", "false")
    get_settings.cache_clear()

    first, second = _grants("mail", "send"), _grants("mail", "send")

    assert first.output.splitlines()[-1] == "1 sent, 0 failed"
    assert second.output.splitlines()[-1] == "0 sent, 0 failed"
    assert [(to, m["Subject"]) for to, m in inbox.messages] == [(["r@example.org"], "Invitation")]


def test_mail_send_without_smtp_host_keeps_the_outbox(var_dir: Path) -> None:
    _grants("db", "upgrade")

    result = _grants("mail", "send")

    assert (result.exit_code, result.output) == (0, "no SMTP_HOST set: mails stay in the outbox\n")
