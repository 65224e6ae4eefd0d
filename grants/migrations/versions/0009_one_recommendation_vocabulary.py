"""One recommendation vocabulary: the joint ranking's `reserve` becomes `fund_if_possible`, the
word reviews and agency rankings already use.

Ranking entries are JSON (`rankings.entries`), so each ranking is read and written back whole.
Reviews never held `reserve` (their schema refused it). The audit chain keeps the word it
recorded: its events are hashed and never rewritten.

Downgrade gives joint rankings (`agency_id` NULL) their old word back; before this revision a
joint ranking could hold no `fund_if_possible`, so the round trip is exact.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:52:00.000000
"""

from __future__ import annotations

from typing import Any

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

OLD, NEW = "reserve", "fund_if_possible"

rankings = sa.table(
    "rankings",
    sa.column("id", advanced_alchemy.types.guid.GUID(length=16)),
    sa.column("agency_id", advanced_alchemy.types.guid.GUID(length=16)),
    sa.column("entries", advanced_alchemy.types.JsonB),
)


def _rename(word: str, to: str, *, joint_only: bool) -> None:
    bind = op.get_bind()
    query = sa.select(rankings.c.id, rankings.c.entries)
    if joint_only:
        query = query.where(rankings.c.agency_id.is_(None))
    for ranking_id, entries in bind.execute(query).all():
        renamed = [_renamed(entry, word, to) for entry in entries]
        if renamed != entries:
            bind.execute(
                rankings.update().where(rankings.c.id == ranking_id).values(entries=renamed)
            )


def _renamed(entry: dict[str, Any], word: str, to: str) -> dict[str, Any]:
    return {**entry, "recommendation": to} if entry.get("recommendation") == word else entry


def upgrade() -> None:
    _rename(OLD, NEW, joint_only=False)


def downgrade() -> None:
    _rename(NEW, OLD, joint_only=True)
