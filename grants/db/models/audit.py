"""The append-only audit log: a SHA-256 hash chain over canonical JSON of each event."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from advanced_alchemy.base import orm_registry
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class AuditBase(DeclarativeBase):
    """A plain base on advanced-alchemy's metadata: audit rows have no UUID id or updated_at."""

    metadata = orm_registry.metadata
    registry = orm_registry


class AuditEvent(AuditBase):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        Index("ix_audit_events_actor", "actor_id"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
    )

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    occurred_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(GUID, default=None)
    actor_label: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    changes: Mapped[dict[str, Any]] = mapped_column(JsonB)
    request_id: Mapped[str | None] = mapped_column(String(64), default=None)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditChainHead(AuditBase):
    """One row: the last sequence number and hash; locking it serialises writers of the chain."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    last_hash: Mapped[str] = mapped_column(String(64))
