"""FX rates: recorded exchange rates (date, pair, exact rate, source, who entered it) for the
money view's converted figures; stored amounts are never converted. Grant side shares: a
`shared`-mode side's percentage of the one budget and the rate its share was converted with.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

GUID = advanced_alchemy.types.guid.GUID(length=16)
UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    op.create_table(
        "fx_rates",
        sa.Column("id", GUID, nullable=False),
        sa.Column("rate_date", sa.Date(), nullable=False),
        sa.Column("base", sa.String(length=3), nullable=False),
        sa.Column("quote", sa.String(length=3), nullable=False),
        sa.Column("rate", sa.Numeric(precision=15, scale=9), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("entered_by", GUID, nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint("rate > 0", name=op.f("ck_fx_rates_rate_positive")),
        sa.CheckConstraint("base <> quote", name=op.f("ck_fx_rates_pair_distinct")),
        sa.CheckConstraint(
            "length(base) = 3 AND length(quote) = 3", name=op.f("ck_fx_rates_codes_alpha3")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["users.id"], name=op.f("fk_fx_rates_entered_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fx_rates")),
        sa.UniqueConstraint(
            "rate_date", "base", "quote", "source", name="uq_fx_rates_date_pair_source"
        ),
    )
    op.create_index(op.f("ix_fx_rates_rate_date"), "fx_rates", ["rate_date"], unique=False)
    op.create_table(
        "grant_side_shares",
        sa.Column("id", GUID, nullable=False),
        sa.Column("side_id", GUID, nullable=False),
        sa.Column("share_percent", sa.Integer(), nullable=False),
        sa.Column("joint_currency", sa.String(length=3), nullable=False),
        sa.Column("joint_total", sa.BigInteger(), nullable=False),
        sa.Column("fx_rate_id", GUID, nullable=True),
        sa.Column("rate_date", sa.Date(), nullable=True),
        sa.Column("base", sa.String(length=3), nullable=True),
        sa.Column("quote", sa.String(length=3), nullable=True),
        sa.Column("rate", sa.Numeric(precision=15, scale=9), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=True),
        sa.Column("inverse", sa.Boolean(), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint(
            "share_percent BETWEEN 1 AND 99", name=op.f("ck_grant_side_shares_share_range")
        ),
        sa.CheckConstraint(
            "joint_total >= 0", name=op.f("ck_grant_side_shares_joint_total_non_negative")
        ),
        sa.CheckConstraint(
            "rate IS NULL OR rate > 0", name=op.f("ck_grant_side_shares_rate_positive")
        ),
        sa.CheckConstraint(
            "(fx_rate_id IS NULL AND rate IS NULL AND rate_date IS NULL AND base IS NULL "
            "AND quote IS NULL AND source IS NULL AND inverse IS NULL) OR "
            "(fx_rate_id IS NOT NULL AND rate IS NOT NULL AND rate_date IS NOT NULL "
            "AND base IS NOT NULL AND quote IS NOT NULL AND source IS NOT NULL "
            "AND inverse IS NOT NULL)",
            name=op.f("ck_grant_side_shares_rate_all_or_none"),
        ),
        sa.ForeignKeyConstraint(
            ["side_id"],
            ["grant_sides.id"],
            name=op.f("fk_grant_side_shares_side_id_grant_sides"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["fx_rate_id"], ["fx_rates.id"], name=op.f("fk_grant_side_shares_fx_rate_id_fx_rates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_side_shares")),
        sa.UniqueConstraint("side_id", name=op.f("uq_grant_side_shares_side_id")),
    )


def downgrade() -> None:
    op.drop_table("grant_side_shares")
    op.drop_index(op.f("ix_fx_rates_rate_date"), table_name="fx_rates")
    op.drop_table("fx_rates")
