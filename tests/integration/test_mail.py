"""Mail: the outbox in the caller's transaction, and delivery to a real SMTP server (aiosmtpd)
on loopback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from grants.db.models import OutboxMessage
from grants.mail import Delivery, deliver_pending, queue
from grants.mail.smtp import MAX_ATTEMPTS
from grants.settings import Settings


class Inbox:
    """An aiosmtpd handler keeping every received message."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


def body_of(message: Message) -> str:
    """The text body with the wire's CRLF line ends back to LF."""
    return str(message.get_payload()).replace("\r\n", "\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def smtp_settings(tmp_path: Path, port: int) -> Settings:
    return Settings(
        environment="test",
        var_dir=tmp_path,
        secret_key="test-secret-key-not-for-production",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        mail_from="CoFund <noreply@cofund.test>",
    )


async def unsent(db: AsyncSession) -> list[OutboxMessage]:
    db.expire_all()
    return list(await db.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at)))


async def test_queue_writes_outbox_row_in_callers_transaction(db: AsyncSession) -> None:
    message = await queue(
        db,
        to="reviewer@example.org",
        subject="Invitation",
        body="Please review.",
        related_type="review_assignment",
        related_id="abc",
    )

    rows = await unsent(db)
    assert [(r.id, r.recipient, r.subject, r.body, r.sent_at, r.attempts) for r in rows] == [
        (message.id, "reviewer@example.org", "Invitation", "Please review.", None, 0)
    ]
    assert (rows[0].related_type, rows[0].related_id) == ("review_assignment", "abc")


async def test_deliver_pending_sends_to_smtp_server_and_marks_sent(
    db: AsyncSession,
    session_maker: async_sessionmaker[AsyncSession],
    smtp_server: tuple[Inbox, int],
    tmp_path: Path,
) -> None:
    inbox, port = smtp_server
    await queue(db, to="a@example.org", subject="Invitation to review JV-0001", body="Dear A,\n")
    await queue(db, to="b@example.org", subject="Reminder", body="Dear B,\n")
    await db.commit()

    result = await deliver_pending(session_maker, smtp_settings(tmp_path, port))

    assert result == Delivery(sent=2, failed=0)
    received = [(to, m["From"], m["To"], m["Subject"], body_of(m)) for to, m in inbox.messages]
    assert received == [
        (
            ["a@example.org"],
            "CoFund <noreply@cofund.test>",
            "a@example.org",
            "Invitation to review JV-0001",
            "Dear A,\n",
        ),
        (
            ["b@example.org"],
            "CoFund <noreply@cofund.test>",
            "b@example.org",
            "Reminder",
            "Dear B,\n",
        ),
    ]
    rows = await unsent(db)
    assert [(r.attempts, r.error, r.sent_at is not None) for r in rows] == [(1, None, True)] * 2
    assert await deliver_pending(session_maker, smtp_settings(tmp_path, port)) == Delivery(0, 0)
    assert len(inbox.messages) == 2


async def test_deliver_pending_without_smtp_host_keeps_mails_in_outbox(
    db: AsyncSession, session_maker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    await queue(db, to="a@example.org", subject="Invitation", body="Hello")
    await db.commit()

    result = await deliver_pending(session_maker, settings)

    assert (settings.smtp_host, result) == (None, Delivery(sent=0, failed=0))
    assert [(r.sent_at, r.attempts) for r in await unsent(db)] == [(None, 0)]


async def test_deliver_pending_records_error_when_server_unreachable(
    db: AsyncSession, session_maker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await queue(db, to="a@example.org", subject="Invitation", body="Hello")
    await db.commit()

    result = await deliver_pending(session_maker, smtp_settings(tmp_path, free_port()))

    assert result == Delivery(sent=0, failed=1)
    rows = await unsent(db)
    assert [(r.sent_at, r.attempts) for r in rows] == [(None, 1)]
    assert str(rows[0].error).startswith("ConnectionRefusedError")


async def test_deliver_pending_gives_up_after_max_attempts(
    db: AsyncSession,
    session_maker: async_sessionmaker[AsyncSession],
    smtp_server: tuple[Inbox, int],
    tmp_path: Path,
) -> None:
    inbox, port = smtp_server
    message = await queue(db, to="a@example.org", subject="Invitation", body="Hello")
    message.attempts = MAX_ATTEMPTS
    await db.commit()

    result = await deliver_pending(session_maker, smtp_settings(tmp_path, port))

    assert (result, inbox.messages) == (Delivery(sent=0, failed=0), [])
