"""Enterprise partners and scientists abroad: partners on a proposal's part with their committed
contributions per year, actual contributions on financial statements, each agency's partner
rules in a call, members based abroad, and reviewers' declared enterprise interests.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

from typing import Any

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

GUID = advanced_alchemy.types.guid.GUID(length=16)
UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _audit_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", GUID, nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "enterprise_partners",
        sa.Column("part_id", GUID, nullable=False),
        sa.Column("legal_name", sa.String(length=300), nullable=False),
        sa.Column("legal_name_en", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("identifier", sa.String(length=20), nullable=False),
        sa.Column("size_class", sa.String(length=10), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=2000), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("letter_document_id", GUID, nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        *_audit_columns(),
        sa.CheckConstraint(
            "size_class IN ('micro', 'small', 'medium', 'large')",
            name=op.f("ck_enterprise_partners_size_class_known"),
        ),
        sa.ForeignKeyConstraint(
            ["part_id"],
            ["proposal_parts.id"],
            name=op.f("fk_enterprise_partners_part_id_proposal_parts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["letter_document_id"],
            ["documents.id"],
            name=op.f("fk_enterprise_partners_letter_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_partners")),
        sa.UniqueConstraint(
            "part_id", "country", "identifier", name="uq_enterprise_partners_part_identifier"
        ),
    )
    op.create_index(
        op.f("ix_enterprise_partners_part_id"), "enterprise_partners", ["part_id"], unique=False
    )
    op.create_index(
        op.f("ix_enterprise_partners_identifier"),
        "enterprise_partners",
        ["identifier"],
        unique=False,
    )
    op.create_table(
        "partner_contributions",
        sa.Column("partner_id", GUID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        *_audit_columns(),
        sa.CheckConstraint(
            "amount >= 0", name=op.f("ck_partner_contributions_amount_non_negative")
        ),
        sa.CheckConstraint("year >= 1", name=op.f("ck_partner_contributions_year_positive")),
        sa.CheckConstraint(
            "kind IN ('cash', 'in_kind')", name=op.f("ck_partner_contributions_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["enterprise_partners.id"],
            name=op.f("fk_partner_contributions_partner_id_enterprise_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_contributions")),
        sa.UniqueConstraint(
            "partner_id", "year", "kind", name="uq_partner_contributions_year_kind"
        ),
    )
    op.create_index(
        op.f("ix_partner_contributions_partner_id"),
        "partner_contributions",
        ["partner_id"],
        unique=False,
    )
    op.create_table(
        "partner_actuals",
        sa.Column("statement_id", GUID, nullable=False),
        sa.Column("partner_id", GUID, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        *_audit_columns(),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_partner_actuals_amount_non_negative")),
        sa.CheckConstraint(
            "kind IN ('cash', 'in_kind')", name=op.f("ck_partner_actuals_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["financial_statements.id"],
            name=op.f("fk_partner_actuals_statement_id_financial_statements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["enterprise_partners.id"],
            name=op.f("fk_partner_actuals_partner_id_enterprise_partners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_actuals")),
        sa.UniqueConstraint(
            "statement_id", "partner_id", "kind", name="uq_partner_actuals_statement_kind"
        ),
    )
    op.create_index(
        op.f("ix_partner_actuals_statement_id"), "partner_actuals", ["statement_id"], unique=False
    )
    op.create_index(
        op.f("ix_partner_actuals_partner_id"), "partner_actuals", ["partner_id"], unique=False
    )
    with op.batch_alter_table("call_agencies") as batch:
        batch.add_column(
            sa.Column("partner_required", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("min_matching_percent", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column(
                "members_abroad_allowed", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch.create_check_constraint(
            "matching_percent_range",
            "min_matching_percent IS NULL OR min_matching_percent BETWEEN 1 AND 1000",
        )
    with op.batch_alter_table("part_members") as batch:
        batch.add_column(sa.Column("based_in", sa.String(length=2), nullable=True))
    with op.batch_alter_table("reviewer_profiles") as batch:
        batch.add_column(
            sa.Column("enterprise_interests", JSON, server_default=sa.text("'[]'"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("reviewer_profiles") as batch:
        batch.drop_column("enterprise_interests")
    with op.batch_alter_table("part_members") as batch:
        batch.drop_column("based_in")
    with op.batch_alter_table("call_agencies") as batch:
        batch.drop_constraint(op.f("ck_call_agencies_matching_percent_range"), type_="check")
        batch.drop_column("members_abroad_allowed")
        batch.drop_column("min_matching_percent")
        batch.drop_column("partner_required")
    op.drop_index(op.f("ix_partner_actuals_partner_id"), table_name="partner_actuals")
    op.drop_index(op.f("ix_partner_actuals_statement_id"), table_name="partner_actuals")
    op.drop_table("partner_actuals")
    op.drop_index(op.f("ix_partner_contributions_partner_id"), table_name="partner_contributions")
    op.drop_table("partner_contributions")
    op.drop_index(op.f("ix_enterprise_partners_identifier"), table_name="enterprise_partners")
    op.drop_index(op.f("ix_enterprise_partners_part_id"), table_name="enterprise_partners")
    op.drop_table("enterprise_partners")
