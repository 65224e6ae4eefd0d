"""FX rates: recorded exchange rates (date, pair, exact rate, source, who entered it) for the
money view's converted figures; stored amounts are never converted.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"
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


def downgrade() -> None:
    op.drop_index(op.f("ix_fx_rates_rate_date"), table_name="fx_rates")
    op.drop_table("fx_rates")
