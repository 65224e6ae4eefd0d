"""Both agencies answering the last key of a progress report at the same instant, on PostgreSQL
with real parallel clients: they queue on the report's row, so both answers are recorded and
the report is accepted exactly once (one `accept` follow-up), whichever came second firing it.

These tests commit for real, so they run in a PostgreSQL database of their own.
"""

from __future__ import annotations

from sqlalchemy import func, select

from grants.db.models import Approval, AuditEvent, ProgressReport
from tests.factories import bearer
from tests.factories_awards import make_deciding, make_grant
from tests.factories_reports import with_reports
from tests.races.arena import Arena, post


async def test_both_agencies_accepting_at_once_accept_each_report_once(arena: Arena) -> None:
    # Every year's report of a 3-year grant submitted on round 1: three races.
    async with arena.arrange() as s:
        panel = await make_deciding(s)
        grant = await make_grant(s, panel, panel.proposals[0])
        reports, _ = await with_reports(s, grant, y1="submitted", y2="submitted", y3="submitted")
        officers = [
            (await bearer(s, panel.jst_officer), "JST"),
            (await bearer(s, panel.nafosted_officer), "NAFOSTED"),
        ]

    for report in reports:
        responses = await arena.race(
            [
                post(
                    f"/api/reports/{report.id}/decisions",
                    headers,
                    {"version": report.version, "agency": code, "decision": "accept"},
                )
                for headers, code in officers
            ]
        )

        assert sorted((r.status_code, r.json()["state"]) for r in responses) == [
            (201, "accepted"),
            (201, "submitted"),
        ]

    async with arena.session() as session:
        rows = await session.execute(
            select(ProgressReport.year, ProgressReport.state, ProgressReport.version).order_by(
                ProgressReport.year
            )
        )
        assert list(rows.tuples()) == [(1, "accepted", 2), (2, "accepted", 2), (3, "accepted", 2)]
        counted = await session.execute(
            select(AuditEvent.action, func.count())
            .where(AuditEvent.entity_type == "progress_report")
            .group_by(AuditEvent.action)
            .order_by(AuditEvent.action)
        )
        assert list(counted.tuples()) == [
            ("progress_report.accept", 3),
            ("progress_report.decide", 6),
        ]
        keys = await session.scalar(
            select(func.count()).where(Approval.purpose == "progress_report")
        )
        assert keys == 6
    await arena.check()
