"""Background export jobs: a long export (an audit pack with documents) is built after the
request that asked for it, with its progress committed as it goes and its result in storage."""

from __future__ import annotations

import datetime
import uuid
from enum import StrEnum
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class ExportJobState(StrEnum):
    """A job's life: queued by the request, running in the server that took it, then done or
    failed (with the reason in `error`)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ExportJob(UUIDv7AuditBase):
    """One requested export; `created_at` is when it was asked for."""

    __tablename__ = "export_jobs"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state_known"),
        CheckConstraint("progress_done >= 0 AND progress_total >= 0", name="progress_counts"),
    )

    kind: Mapped[str] = mapped_column(String(32))
    requested_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    filters: Mapped[dict[str, Any]] = mapped_column(JsonB)
    state: Mapped[str] = mapped_column(String(16), default=ExportJobState.QUEUED)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    result_key: Mapped[str | None] = mapped_column(String(200), default=None)
    result_size: Mapped[int | None] = mapped_column(BigInteger, default=None)
    result_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    # The server process that runs it: another process finding it running marks it failed.
    runner: Mapped[str | None] = mapped_column(String(64), default=None)
    started_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None
    )
    finished_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None
    )
