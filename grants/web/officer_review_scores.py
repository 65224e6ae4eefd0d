"""What the officers' scores page shows beside the aggregates (`grants.reviews.scoring.scores`):
one proposal's score distribution per criterion, as a table and as the Chart.js configuration
of the same figures. It reads and shapes; the pool read is the one the policy allowed."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Call
from grants.reviews.scoring.scores import submitted_reviews
from messages import define, render

SCORE = define("web.officer.scores.value", "score {value}")


@dataclass(frozen=True, slots=True)
class Distribution:
    """How many reviews gave each score on each criterion of one proposal."""

    proposal_id: uuid.UUID
    reference: str | None
    criteria: list[tuple[str, str]]
    values: list[int]
    counts: dict[str, dict[int, int]]
    reviews: int
    chart: dict[str, Any]


async def distribution(
    session: AsyncSession,
    call: Call,
    pool: Agency | None,
    proposal_id: uuid.UUID,
    reference: str | None,
    rnd: int,
    locale: str,
) -> Distribution:
    """The proposal's submitted reviews of `pool` (None: every pool) counted per criterion
    and score: a stacked bar per criterion, one colour per score."""
    rows = [r for r in await submitted_reviews(session, call, pool, rnd) if r[0] == proposal_id]
    rubric = call.rubric
    low = min((int(c["scale_min"]) for c in rubric), default=0)
    high = max((int(c["scale_max"]) for c in rubric), default=0)
    values = list(range(low, high + 1))
    counts = {
        c["key"]: Counter(int(r[2][c["key"]]) for r in rows if r[2].get(c["key"]) is not None)
        for c in rubric
    }
    table = {key: {v: found.get(v, 0) for v in values} for key, found in counts.items()}
    chart = {
        "type": "bar",
        "data": {
            "labels": [c["label"] for c in rubric],
            "datasets": [
                {
                    "label": render(SCORE(value=v), locale),
                    "data": [table[c["key"]][v] for c in rubric],
                }
                for v in values
                if any(table[c["key"]][v] for c in rubric)
            ],
        },
        "options": {
            "scales": {
                "x": {"stacked": True},
                "y": {"stacked": True, "beginAtZero": True, "ticks": {"precision": 0}},
            }
        },
    }
    return Distribution(
        proposal_id,
        reference,
        [(c["key"], c["label"]) for c in rubric],
        values,
        table,
        len(rows),
        chart,
    )
