"""The transparency log: the Merkle tree over the audit events, signed checkpoints, the
agencies' witness keys and their cosignatures. The tree of an existing log is built here from
its events; the tree and the checkpoints are append-only in the database, like the events.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 16:30:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

GUID = advanced_alchemy.types.guid.GUID(length=16)
UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)
BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
APPEND_ONLY = ("merkle_nodes", "checkpoints")


def upgrade() -> None:
    op.create_table(
        "merkle_nodes",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("position", BIG, autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.CheckConstraint("level BETWEEN 0 AND 63", name=op.f("ck_merkle_nodes_level_range")),
        sa.CheckConstraint("position >= 0", name=op.f("ck_merkle_nodes_position_non_negative")),
        sa.CheckConstraint("length(hash) = 32", name=op.f("ck_merkle_nodes_hash_length")),
        sa.PrimaryKeyConstraint("level", "position", name=op.f("pk_merkle_nodes")),
    )
    op.create_table(
        "checkpoints",
        sa.Column("size", BIG, autoincrement=False, nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("signed_at", UTC, nullable=False),
        sa.CheckConstraint("size >= 0", name=op.f("ck_checkpoints_size_non_negative")),
        sa.CheckConstraint("length(root) = 32", name=op.f("ck_checkpoints_root_length")),
        sa.PrimaryKeyConstraint("size", name=op.f("pk_checkpoints")),
    )
    op.create_table(
        "witness_keys",
        sa.Column("agency_id", GUID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key_id", sa.String(length=8), nullable=False),
        sa.Column("vkey", sa.String(length=300), nullable=False),
        sa.Column("registered_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_witness_keys_agency_id_agencies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agency_id", name=op.f("pk_witness_keys")),
    )
    op.create_table(
        "cosignatures",
        sa.Column("id", BIG, autoincrement=True, nullable=False),
        sa.Column("checkpoint_size", BIG, nullable=False),
        sa.Column("agency_id", GUID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key_id", sa.String(length=8), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("cosigned_at", UTC, nullable=False),
        sa.Column("received_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_cosignatures_agency_id_agencies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["checkpoint_size"],
            ["checkpoints.size"],
            name=op.f("fk_cosignatures_checkpoint_size_checkpoints"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cosignatures")),
        sa.UniqueConstraint(
            "checkpoint_size", "agency_id", name=op.f("uq_cosignatures_one_per_agency")
        ),
    )
    _backfill()
    _protect()


def _backfill() -> None:
    # The models' tree code, not a copy: the leaves must be exactly what appends will add.
    from grants.audit.tree import rebuild_from_events

    rebuild_from_events(op.get_bind())


def _protect() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION transparency_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION transparency_log_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
        op.execute("DROP FUNCTION IF EXISTS transparency_log_append_only()")
    else:
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    op.drop_table("cosignatures")
    op.drop_table("witness_keys")
    op.drop_table("checkpoints")
    op.drop_table("merkle_nodes")
