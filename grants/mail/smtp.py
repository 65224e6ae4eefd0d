"""Send the outbox over SMTP: smtplib in a worker thread, one connection per batch.

Without an SMTP host (the embedded default) nothing is sent and the mails stay in the outbox.
A message that fails is kept with its error and attempt count and retried by the next run
until `MAX_ATTEMPTS`.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

import anyio.to_thread
import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from grants.common.crashpoints import pause_at
from grants.db.models import OutboxMessage
from grants.settings import Settings
from grants.times import utcnow

log = structlog.get_logger("grants.mail")
MAX_ATTEMPTS = 5
BATCH_SIZE = 100


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one `deliver_pending` run did."""

    sent: int
    failed: int


@dataclass(frozen=True, slots=True)
class _Mail:
    """The plain data a worker thread needs (no ORM object crosses the thread)."""

    to: str
    subject: str
    body: str
    message_id: str


async def deliver_pending(
    session_maker: async_sessionmaker[AsyncSession], settings: Settings
) -> Delivery:
    """Send unsent outbox messages (oldest first, up to `BATCH_SIZE`) and record the outcome.

    Each sent message gets `sent_at`; a failed one `error` and `attempts + 1`. Rows are locked
    while sending (skipped by a concurrent run on PostgreSQL), and the outcome commits at the
    end. With `settings.smtp_host` None nothing is sent: returns Delivery(0, 0).
    """
    if settings.smtp_host is None:
        return Delivery(sent=0, failed=0)
    async with session_maker() as session, session.begin():
        rows = list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
                .limit(BATCH_SIZE)
                .with_for_update(skip_locked=True)
            )
        )
        if not rows:
            return Delivery(sent=0, failed=0)
        mails = [_Mail(r.recipient, r.subject, r.body, message_id(r)) for r in rows]
        errors = await anyio.to_thread.run_sync(_send_all, settings, mails)
        await pause_at("mail.sent")
        for row, error in zip(rows, errors, strict=True):
            _record(row, error)
    failed = sum(e is not None for e in errors)
    return Delivery(sent=len(rows) - failed, failed=failed)


def message_id(row: OutboxMessage) -> str:
    """The mail's Message-ID, the same on every attempt: a batch sent but not recorded (the
    process died before its commit) is sent again, and the recipient's mail system can tell
    the retry from a new mail."""
    return f"<{row.id}@cofund>"


def _record(row: OutboxMessage, error: str | None) -> None:
    row.attempts += 1
    if error is None:
        row.sent_at, row.error = utcnow(), None
        log.info("mail sent", to=row.recipient, subject=row.subject)
    else:
        row.error = error[:2000]
        log.warning("mail not sent", to=row.recipient, subject=row.subject, error=error)


def _send_all(settings: Settings, mails: Sequence[_Mail]) -> list[str | None]:
    """Send each mail over one connection; per mail, None or the error text.

    A connection or login failure is every mail's error.
    """
    assert settings.smtp_host is not None
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
        ) as smtp:
            if settings.smtp_starttls:
                # A verifying context: smtplib's default one checks neither chain nor host.
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password or "")
            return [_send_one(smtp, settings.mail_from, mail) for mail in mails]
    except (OSError, smtplib.SMTPException) as exc:
        return [f"{type(exc).__name__}: {exc}"] * len(mails)


def _send_one(smtp: smtplib.SMTP, sender: str, mail: _Mail) -> str | None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, mail.to, mail.subject
    message["Message-ID"] = mail.message_id
    message.set_content(mail.body)
    try:
        smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None
