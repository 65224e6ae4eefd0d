"""Progress reports (one per grant and project year), the mid-term gate of long grants, the
reminders queued about reports, and the agencies' `revise` answer on a report's round.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-15 10:00:00
"""

from __future__ import annotations

from typing import Any

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

GUID = advanced_alchemy.types.guid.GUID(length=16)
UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)
JSON = (
    sa.JSON()
    .with_variant(postgresql.JSONB(astext_type=sa.Text()), "cockroachdb")
    .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
    .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
)


def _common() -> list[sa.Column[Any]]:
    return [
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
    ]


def _decisions(known: str) -> None:
    # SQLite alters a CHECK constraint by copying the table (batch mode); PostgreSQL in place.
    with op.batch_alter_table("approvals") as batch:
        batch.drop_constraint(op.f("ck_approvals_decision_known"), type_="check")
        batch.create_check_constraint("decision_known", f"decision IN ({known})")


def upgrade() -> None:
    op.create_table(
        "progress_reports",
        sa.Column("id", GUID, nullable=False),
        sa.Column("grant_id", GUID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("document_id", GUID, nullable=True),
        sa.Column("figures", JSON, nullable=True),
        sa.Column("submitted_by", GUID, nullable=True),
        sa.Column("submitted_at", UTC, nullable=True),
        *_common(),
        sa.CheckConstraint("year >= 1", name=op.f("ck_progress_reports_year_positive")),
        sa.CheckConstraint("round >= 0", name=op.f("ck_progress_reports_round_non_negative")),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["grants.id"],
            name=op.f("fk_progress_reports_grant_id_grants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_progress_reports_document_id_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["users.id"], name=op.f("fk_progress_reports_submitted_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_reports")),
        sa.UniqueConstraint("grant_id", "year", name="uq_progress_reports_grant_year"),
    )
    op.create_table(
        "midterm_gates",
        sa.Column("id", GUID, nullable=False),
        sa.Column("grant_id", GUID, nullable=False),
        sa.Column("after_year", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_common(),
        sa.CheckConstraint("after_year >= 1", name=op.f("ck_midterm_gates_after_year_positive")),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["grants.id"],
            name=op.f("fk_midterm_gates_grant_id_grants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_midterm_gates")),
        sa.UniqueConstraint("grant_id", name=op.f("uq_midterm_gates_grant_id")),
    )
    op.create_table(
        "report_reminders",
        sa.Column("id", GUID, nullable=False),
        sa.Column("report_id", GUID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        *_common(),
        sa.CheckConstraint(
            "kind IN ('upcoming', 'late')", name=op.f("ck_report_reminders_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["progress_reports.id"],
            name=op.f("fk_report_reminders_report_id_progress_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_reminders")),
        sa.UniqueConstraint("report_id", "kind", "round", name="uq_report_reminders_once"),
    )
    _decisions("'approve', 'reject', 'revise'")


def downgrade() -> None:
    _decisions("'approve', 'reject'")
    op.drop_table("report_reminders")
    op.drop_table("midterm_gates")
    op.drop_table("progress_reports")
