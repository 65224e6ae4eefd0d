"""Queue a mail: one outbox row written in the caller's transaction, logged without its body."""

from __future__ import annotations

import uuid

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import OutboxMessage

log = structlog.get_logger("grants.mail")


async def queue(
    session: AsyncSession,
    *,
    to: str,
    subject: str,
    body: str,
    related_type: str | None = None,
    related_id: uuid.UUID | str | None = None,
) -> OutboxMessage:
    """Add a mail to the outbox; it is sent (or not) with the caller's commit.

    Side effects: one `outbox_messages` row (flushed) and one log line naming the recipient and
    subject only (bodies may hold confidential text).
    """
    message = OutboxMessage(
        recipient=to,
        subject=subject[:300],
        body=body,
        related_type=related_type,
        related_id=str(related_id) if related_id is not None else None,
    )
    session.add(message)
    await session.flush()
    log.info("mail queued", to=to, subject=message.subject, message_id=str(message.id))
    return message
