"""Report reminders (`grants.reports.reminders`, the `grants reports remind` command): both PIs
are mailed in their language when a report awaiting them is due within 14 days and again when
it is late, once per report, kind and round, whatever the number of runs."""

from __future__ import annotations

import asyncio
import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from grants.cli import main
from grants.db.engine import create_engine
from grants.db.models import AuditEvent, OutboxMessage, ReportReminder
from grants.reports.reminders import describe, remind
from grants.settings import get_settings
from tests.factories_awards import make_deciding, make_grant
from tests.factories_reports import with_reports
from tests.factories_scoring import Panel

DAY = datetime.date


async def outbox(db: AsyncSession) -> list[tuple[str, str, str]]:
    rows = await db.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at))
    return sorted((m.recipient, m.subject, m.body) for m in rows)


async def three_years(db: AsyncSession, **states: str) -> Panel:
    """A 3-year grant from 2027-04-01 (year 1's report due 2028-05-31) with its reports; the
    JST PI chose no language (Japanese, their side's), the Vietnamese PI chose English."""
    panel = await make_deciding(db)
    panel.jp_pi.locale, panel.vn_pi.locale = None, "en"
    grant = await make_grant(db, panel, panel.proposals[0])
    await with_reports(db, grant, **states)
    return panel


async def test_an_upcoming_report_is_reminded_once_to_both_pis_in_their_language(
    db: AsyncSession,
) -> None:
    panel = await three_years(db)
    proposal = panel.proposals[0]
    reference, title = proposal.reference, proposal.title["en"]
    jp_name, vn_name = (
        next(m.name for m in part.members if m.role == "pi") for part in proposal.parts
    )

    first = await remind(db, DAY(2028, 5, 17))
    again = await remind(db, DAY(2028, 5, 20))

    assert [describe(r) for r in first] == [
        f"upcoming {reference} year 1 (due 2028-05-31, round 0): jp.pi@example.jp, vn.pi@example.vn"
    ]
    assert again == []
    assert await outbox(db) == [
        (
            "jp.pi@example.jp",
            f"{reference}: 第1年度の進捗報告書の提出期限が近づいています",
            f"{jp_name} 様\n\n"
            f"プロジェクト {reference} の第1年度進捗報告書の提出期限は 2028/05/31 です。\n"
            f"{title}\n\n"
            "どちらの研究代表者もプロジェクト全体を代表して提出できます。本文を progress_report "
            "文書としてアップロードし、その年度の数値とともに報告書を提出してください。\n"
            "次回以降の分割交付は、すべての共同資金配分機関が報告書を承認した後に支払われます。\n",
        ),
        (
            "vn.pi@example.vn",
            f"{reference}: the year 1 progress report is due soon",
            f"Dear {vn_name},\n\n"
            f"The year 1 progress report of project {reference} is due on May 31, 2028:\n"
            f"{title}\n\n"
            "Either PI submits it for the whole project: upload the narrative as a "
            "progress_report document, then submit the report with the year's figures.\n"
            "The next tranches are paid only once every co-funding agency has accepted it.\n",
        ),
    ]


async def test_a_late_report_is_reminded_again_as_late_and_a_returned_round_afresh(
    db: AsyncSession,
) -> None:
    # Year 1's report was returned on round 1 and year 2's is not due for a year.
    panel = await three_years(db, y1="returned")
    reference = panel.proposals[0].reference
    await remind(db, DAY(2028, 5, 20))

    late = await remind(db, DAY(2028, 6, 1))
    twice = await remind(db, DAY(2028, 7, 1))

    assert [describe(r) for r in late] == [
        f"late {reference} year 1 (due 2028-05-31, round 1): jp.pi@example.jp, vn.pi@example.vn"
    ]
    assert twice == []
    mails = await outbox(db)
    assert [(to, subject) for to, subject, _ in mails] == [
        ("jp.pi@example.jp", f"{reference}: 第1年度の進捗報告書の提出期限が近づいています"),
        ("jp.pi@example.jp", f"{reference}: 第1年度の進捗報告書の提出期限が過ぎています"),
        ("vn.pi@example.vn", f"{reference}: the year 1 progress report is due soon"),
        ("vn.pi@example.vn", f"{reference}: the year 1 progress report is overdue"),
    ]
    assert (
        f"The year 1 progress report of project {reference} was due on May 31, 2028 and has not "
        "been submitted:\n" in mails[3][2]
    )
    assert (
        "The agencies returned it for a revision: please resubmit it with their comments "
        "addressed.\n" in mails[3][2]
    )
    kept = await db.execute(
        select(ReportReminder.kind, ReportReminder.round, ReportReminder.sent_on)
    )
    assert sorted(kept.tuples()) == [
        ("late", 1, DAY(2028, 6, 1)),
        ("upcoming", 1, DAY(2028, 5, 20)),
    ]
    audited = await db.scalars(
        select(AuditEvent.changes).where(AuditEvent.action == "progress_report.remind")
    )
    assert [(c["kind"], c["round"]) for c in audited] == [("upcoming", 1), ("late", 1)]


async def test_submitted_reports_and_inactive_grants_get_no_reminder(db: AsyncSession) -> None:
    panel = await make_deciding(db, n_proposals=2)
    submitted = await make_grant(db, panel, panel.proposals[0])
    await with_reports(db, submitted, y1="submitted")
    suspended = await make_grant(db, panel, panel.proposals[1], state="suspended")
    await with_reports(db, suspended)

    assert (await remind(db, DAY(2028, 6, 1)), await outbox(db)) == ([], [])


def test_the_command_prints_what_it_queued_and_nothing_the_second_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        CliRunner().invoke(main, ["db", "upgrade"], catch_exceptions=False)

        async def arrange() -> str:
            engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'cofund.db'}")
            try:
                async with async_sessionmaker(engine, expire_on_commit=False)() as db, db.begin():
                    panel = await three_years(db)
                    return str(panel.proposals[0].reference)
            finally:
                await engine.dispose()

        reference = asyncio.run(arrange())
        runs = [
            CliRunner().invoke(main, ["reports", "remind", "--today", "2028-05-20"])
            for _ in range(2)
        ]
    finally:
        get_settings.cache_clear()

    printed = [[ln for ln in r.output.splitlines() if not ln[:4].isdigit()] for r in runs]
    assert [r.exit_code for r in runs] == [0, 0]
    assert printed == [
        [
            f"upcoming {reference} year 1 (due 2028-05-31, round 0): jp.pi@example.jp, "
            "vn.pi@example.vn",
            "1 reminder(s) queued for 2028-05-20",
        ],
        ["0 reminder(s) queued for 2028-05-20"],
    ]
