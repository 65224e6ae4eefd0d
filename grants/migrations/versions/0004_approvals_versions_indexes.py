"""Approvals (two keys, built once), versions on parts and members, co-investigator
invitations, and indexes on the foreign keys used in filters.

The joint ranking's approvals move from `ranking_approvals` into `approvals` (subject
`ranking`, purpose `joint_ranking`), keeping their ids, officers and times.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:26:32.823878
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

GUID = advanced_alchemy.types.guid.GUID(length=16)
UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)

INDEXES = (
    ("bids", "reviewer_id"),
    ("call_agencies", "agency_id"),
    ("call_reviewers", "agency_id"),
    ("call_reviewers", "reviewer_id"),
    ("proposal_invitations", "part_id"),
    ("proposal_parts", "agency_id"),
    ("review_assignments", "pool_agency_id"),
    ("reviewer_pools", "agency_id"),
    ("user_roles", "agency_id"),
)


def upgrade() -> None:
    op.create_table(
        "approvals",
        sa.Column("id", GUID, nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", GUID, nullable=False),
        sa.Column("purpose", sa.String(length=48), nullable=False),
        sa.Column("subject_version", sa.Integer(), nullable=False),
        sa.Column("agency_id", GUID, nullable=False),
        sa.Column("officer_id", GUID, nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint(
            "decision IN ('approve', 'reject')", name=op.f("ck_approvals_decision_known")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_approvals_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["users.id"], name=op.f("fk_approvals_officer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approvals")),
        sa.UniqueConstraint(
            "subject_type",
            "subject_id",
            "purpose",
            "subject_version",
            "agency_id",
            name="uq_approvals_one_per_agency",
        ),
    )
    op.create_index("ix_approvals_agency_id", "approvals", ["agency_id"], unique=False)
    op.create_index(
        "ix_approvals_subject", "approvals", ["subject_type", "subject_id"], unique=False
    )
    op.execute(
        "INSERT INTO approvals (id, subject_type, subject_id, purpose, subject_version,"
        " agency_id, officer_id, decision, rationale, created_at, updated_at)"
        " SELECT a.id, 'ranking', a.ranking_id, 'joint_ranking', 0, a.agency_id,"
        " a.officer_id, 'approve', NULL, a.created_at, a.updated_at"
        " FROM ranking_approvals a"
    )
    op.drop_table("ranking_approvals")

    for table, column in INDEXES:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)
    with op.batch_alter_table("part_members") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("proposal_parts") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("proposal_invitations") as batch:
        batch.add_column(sa.Column("member_id", GUID, nullable=True))
        batch.create_index(op.f("ix_proposal_invitations_member_id"), ["member_id"], unique=False)
        batch.create_foreign_key(
            op.f("fk_proposal_invitations_member_id_part_members"),
            "part_members",
            ["member_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("proposal_invitations") as batch:
        batch.drop_constraint(
            op.f("fk_proposal_invitations_member_id_part_members"), type_="foreignkey"
        )
        batch.drop_index(op.f("ix_proposal_invitations_member_id"))
        batch.drop_column("member_id")
    with op.batch_alter_table("proposal_parts") as batch:
        batch.drop_column("version")
    with op.batch_alter_table("part_members") as batch:
        batch.drop_column("version")
    for table, column in INDEXES:
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
    op.create_table(
        "ranking_approvals",
        sa.Column("id", GUID, nullable=False),
        sa.Column("ranking_id", GUID, nullable=False),
        sa.Column("agency_id", GUID, nullable=False),
        sa.Column("officer_id", GUID, nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_ranking_approvals_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["users.id"], name=op.f("fk_ranking_approvals_officer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["ranking_id"], ["rankings.id"], name=op.f("fk_ranking_approvals_ranking_id_rankings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranking_approvals")),
        sa.UniqueConstraint("ranking_id", "agency_id", name="uq_ranking_approvals_ranking_agency"),
    )
    op.execute(
        "INSERT INTO ranking_approvals (id, ranking_id, agency_id, officer_id, created_at,"
        " updated_at) SELECT id, subject_id, agency_id, officer_id, created_at, updated_at"
        " FROM approvals WHERE subject_type = 'ranking' AND purpose = 'joint_ranking'"
    )
    op.drop_index("ix_approvals_subject", table_name="approvals")
    op.drop_index("ix_approvals_agency_id", table_name="approvals")
    op.drop_table("approvals")
