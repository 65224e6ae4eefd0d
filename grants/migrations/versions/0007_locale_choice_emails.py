"""A user's language is a choice they may not have made (NULL: their `Accept-Language`
decides), and e-mail addresses stored before normalisation are brought to the one stored form.

Addresses are normalised as `grants.common.emails.normalise` does (NFKC, case-folded). A
user's address is left as it was when its normal form already belongs to another user: two
accounts are never merged by a migration; `grants` refuses the second spelling at sign-in
and an administrator decides.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from grants.common.emails import normalise

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Tables whose e-mail column identifies a person; the users' own addresses are unique.
PEOPLE = ("part_members", "proposal_invitations", "proposal_exclusions", "login_attempts")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.alter_column("locale", existing_type=sa.String(length=5), nullable=True)
    bind = op.get_bind()
    users = sa.table("users", sa.column("id"), sa.column("email"))
    taken = {email for (email,) in bind.execute(sa.select(users.c.email))}
    for row_id, email in bind.execute(sa.select(users.c.id, users.c.email)).all():
        normal = normalise(email)
        if normal != email and normal not in taken:
            bind.execute(sa.update(users).where(users.c.id == row_id).values(email=normal))
            taken.add(normal)
    for name in PEOPLE:
        table = sa.table(name, sa.column("id"), sa.column("email"))
        rows = bind.execute(sa.select(table.c.id, table.c.email).where(table.c.email.is_not(None)))
        for row_id, email in rows.all():
            if normalise(email) != email:
                bind.execute(
                    sa.update(table).where(table.c.id == row_id).values(email=normalise(email))
                )


def downgrade() -> None:
    op.execute("UPDATE users SET locale = 'en' WHERE locale IS NULL")
    with op.batch_alter_table("users") as batch:
        batch.alter_column("locale", existing_type=sa.String(length=5), nullable=False)
