"""Signed grant agreements and financial statements of grant sides, and the database's own
refusal of disbursements beyond a side's award.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-20 10:00:00
"""

from __future__ import annotations

from typing import Any

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

GUID = advanced_alchemy.types.guid.GUID(length=16)
UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)
CATEGORY_KNOWN = (
    "category IN ('personnel', 'equipment', 'consumables', 'travel', 'other', 'indirect')"
)

# The sum of a side's disbursements is checked on every write of one, against the side's
# awarded total. PostgreSQL first locks the side's row, so two disbursements of one side
# committing at once are counted one after the other.
PG_FUNCTION = """
CREATE FUNCTION tranches_within_award() RETURNS trigger AS $$
DECLARE
    awarded BIGINT;
    paid BIGINT;
BEGIN
    SELECT awarded_total INTO awarded FROM grant_sides WHERE id = NEW.side_id FOR UPDATE;
    SELECT COALESCE(SUM(disbursed_amount), 0) INTO paid FROM tranches
        WHERE side_id = NEW.side_id AND id <> NEW.id;
    IF paid + NEW.disbursed_amount > awarded THEN
        RAISE EXCEPTION 'disbursements_within_award: % > %', paid + NEW.disbursed_amount, awarded
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
"""
PG_TRIGGER = """
CREATE TRIGGER disbursements_within_award
BEFORE INSERT OR UPDATE OF disbursed_amount ON tranches
FOR EACH ROW WHEN (NEW.disbursed_amount IS NOT NULL)
EXECUTE FUNCTION tranches_within_award()
"""
SQLITE_CHECK = """
FOR EACH ROW WHEN NEW.disbursed_amount IS NOT NULL AND
    (SELECT COALESCE(SUM(disbursed_amount), 0) FROM tranches
     WHERE side_id = NEW.side_id AND id <> NEW.id) + NEW.disbursed_amount
    > (SELECT awarded_total FROM grant_sides WHERE id = NEW.side_id)
BEGIN
    SELECT RAISE(ABORT, 'disbursements_within_award');
END
"""


def _audit_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
    ]


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "grant_agreements",
        sa.Column("id", GUID, nullable=False),
        sa.Column("grant_id", GUID, nullable=False),
        sa.Column("side_id", GUID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by", GUID, nullable=False),
        *_audit_columns(),
        sa.CheckConstraint("size >= 0", name=op.f("ck_grant_agreements_size_non_negative")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_grant_agreements_version_positive")),
        _fk("grant_agreements", "grant_id", "grants"),
        _fk("grant_agreements", "side_id", "grant_sides"),
        _fk("grant_agreements", "uploaded_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_agreements")),
        sa.UniqueConstraint("side_id", "version", name="uq_grant_agreements_side_version"),
        sa.UniqueConstraint("storage_key", name=op.f("uq_grant_agreements_storage_key")),
    )
    op.create_index(op.f("ix_grant_agreements_grant_id"), "grant_agreements", ["grant_id"])
    op.create_index(op.f("ix_grant_agreements_side_id"), "grant_agreements", ["side_id"])
    op.create_table(
        "financial_statements",
        sa.Column("id", GUID, nullable=False),
        sa.Column("grant_id", GUID, nullable=False),
        sa.Column("side_id", GUID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("submitted_by", GUID, nullable=False),
        *_audit_columns(),
        sa.CheckConstraint("year >= 1", name=op.f("ck_financial_statements_year_positive")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_financial_statements_version_positive")),
        _fk("financial_statements", "grant_id", "grants"),
        _fk("financial_statements", "side_id", "grant_sides"),
        _fk("financial_statements", "submitted_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financial_statements")),
        sa.UniqueConstraint(
            "side_id", "year", "version", name="uq_financial_statements_side_year_version"
        ),
    )
    op.create_index(op.f("ix_financial_statements_grant_id"), "financial_statements", ["grant_id"])
    op.create_index(op.f("ix_financial_statements_side_id"), "financial_statements", ["side_id"])
    op.create_table(
        "financial_statement_lines",
        sa.Column("id", GUID, nullable=False),
        sa.Column("statement_id", GUID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("spent", sa.BigInteger(), nullable=False),
        *_audit_columns(),
        sa.CheckConstraint(
            "spent >= 0", name=op.f("ck_financial_statement_lines_spent_non_negative")
        ),
        sa.CheckConstraint(
            CATEGORY_KNOWN, name=op.f("ck_financial_statement_lines_category_known")
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["financial_statements.id"],
            name=op.f("fk_financial_statement_lines_statement_id_financial_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financial_statement_lines")),
        sa.UniqueConstraint(
            "statement_id",
            "category",
            name="uq_financial_statement_lines_statement_category",
        ),
    )
    op.create_index(
        op.f("ix_financial_statement_lines_statement_id"),
        "financial_statement_lines",
        ["statement_id"],
    )
    _create_award_trigger()


def _create_award_trigger() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
        return
    for when in ("INSERT", "UPDATE OF disbursed_amount"):
        name = "insert" if when == "INSERT" else "update"
        op.execute(
            f"CREATE TRIGGER disbursements_within_award_{name} BEFORE {when} ON tranches"
            + SQLITE_CHECK
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER disbursements_within_award ON tranches")
        op.execute("DROP FUNCTION tranches_within_award()")
    else:
        op.execute("DROP TRIGGER disbursements_within_award_insert")
        op.execute("DROP TRIGGER disbursements_within_award_update")
    op.drop_table("financial_statement_lines")
    op.drop_table("financial_statements")
    op.drop_table("grant_agreements")
