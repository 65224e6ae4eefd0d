"""The transparency log over the audit events: its Merkle tree, signed checkpoints, and the
agencies' witness keys and cosignatures.

`merkle_nodes` holds every complete perfect subtree of the tree over the audit events in
sequence order (level 0: the leaf hashes; level k: 2**k leaves), written in the transaction of
the append that completed it; any proof is read from it in O(log n) rows (`grants.audit.tree`).
"""

from __future__ import annotations

import datetime
import uuid

from advanced_alchemy.types import GUID, DateTimeUTC
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from grants.db.models.audit import AuditBase

_BIG = BigInteger().with_variant(Integer, "sqlite")


class MerkleNode(AuditBase):
    """The hash of leaves [position * 2**level, (position + 1) * 2**level) (RFC 9162)."""

    __tablename__ = "merkle_nodes"
    __table_args__ = (
        CheckConstraint("level BETWEEN 0 AND 63", name="level_range"),
        CheckConstraint("position >= 0", name="position_non_negative"),
        CheckConstraint("length(hash) = 32", name="hash_length"),
    )

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    position: Mapped[int] = mapped_column(_BIG, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LogCheckpoint(AuditBase):
    """A tree head the log signed: `note` is the C2SP signed note with the log's signature."""

    __tablename__ = "checkpoints"
    __table_args__ = (
        CheckConstraint("size >= 0", name="size_non_negative"),
        CheckConstraint("length(root) = 32", name="root_length"),
    )

    size: Mapped[int] = mapped_column(_BIG, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))


class WitnessKey(AuditBase):
    """An agency's witness public key (a cosignature/v1 vkey); its private key never comes here."""

    __tablename__ = "witness_keys"

    agency_id: Mapped[uuid.UUID] = mapped_column(
        GUID, ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200))
    key_id: Mapped[str] = mapped_column(String(8))
    vkey: Mapped[str] = mapped_column(String(300))
    registered_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))


class Cosignature(AuditBase):
    """A witness's cosignature/v1 line over one checkpoint, verified when it was posted."""

    __tablename__ = "cosignatures"
    __table_args__ = (
        UniqueConstraint("checkpoint_size", "agency_id", name="uq_cosignatures_one_per_agency"),
    )

    id: Mapped[int] = mapped_column(_BIG, primary_key=True, autoincrement=True)
    checkpoint_size: Mapped[int] = mapped_column(
        _BIG, ForeignKey("checkpoints.size", ondelete="RESTRICT")
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(
        GUID, ForeignKey("agencies.id", ondelete="RESTRICT")
    )
    name: Mapped[str] = mapped_column(String(200))
    key_id: Mapped[str] = mapped_column(String(8))
    line: Mapped[str] = mapped_column(Text)
    cosigned_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    received_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
