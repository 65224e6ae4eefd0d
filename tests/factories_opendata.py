"""An awarded grant for the open-data exports: JV-2026-0001, three years from 1 April 2025,
awarded on 1 March 2025, each side hosted by an institution with a ROR id, each agency's first
tranche paid."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Grant, Tranche
from tests.factories import persist
from tests.factories_awards import make_deciding, make_grant, with_tranches
from tests.factories_scoring import Panel

TOKYO = ("057zh3y96", "The University of Tokyo")
HANOI = ("02jmfj006", "Vietnam National University, Hanoi")
AWARDED_AT = datetime.datetime(2025, 3, 1, 9, tzinfo=datetime.UTC)
ORG_IDS = {"JST": "JP-JCN-1000000000001", "NAFOSTED": "VN-COA-0100000001"}


@dataclass
class Awarded:
    panel: Panel
    grant: Grant
    tranches: list[Tranche]


def pay(tranche: Tranche, day: datetime.date, reference: str | None = None) -> None:
    """The tranche requested, approved and paid in full on `day`."""
    amount = tranche.planned_amount
    tranche.requested_amount = tranche.approved_amount = tranche.disbursed_amount = amount
    tranche.state = "disbursed"
    tranche.paid_on = day
    tranche.payment_reference = reference
    tranche.disbursed_at = datetime.datetime.combine(day, datetime.time(3), datetime.UTC)


async def make_awarded(db: AsyncSession) -> Awarded:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]
    proposal.title = {**proposal.title, "ja": "チップレット相互接続", "vi": "Kết nối chiplet"}
    for part, (ror, name) in zip(proposal.parts, (TOKYO, HANOI), strict=True):
        part.institution_ror, part.institution_name = ror, name
    grant = await make_grant(
        db,
        panel,
        proposal,
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2028, 4, 1),
        created_at=AWARDED_AT,
    )
    tranches = await with_tranches(db, panel, grant)
    firsts = [t for t in tranches if t.position == 1]
    pay(firsts[0], datetime.date(2025, 4, 20), "JST-2027-0001-T1")
    pay(firsts[1], datetime.date(2025, 4, 25))
    await persist(db, *firsts)
    return Awarded(panel, grant, tranches)
