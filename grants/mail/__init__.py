"""Outgoing mail: messages are queued in the outbox table in the caller's transaction and sent
later over SMTP (`deliver_pending`), so a rolled-back request never mails anyone."""

from __future__ import annotations

from grants.mail.outbox import queue
from grants.mail.smtp import Delivery, deliver_pending

__all__ = ["Delivery", "deliver_pending", "queue"]
