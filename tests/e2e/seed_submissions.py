"""Two submitted proposals in a call of the e2e server's database, then its deadline moved into
the past (as if the call had run its course): `python -m tests.e2e.seed_submissions <code>`, run
with the server's environment. Hana Sato leads the JST part of both, over overlapping years, so
the eligibility queue flags duplicate funding. Factories, as the integration tests seed."""

from __future__ import annotations

import datetime
import sys

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.cli import _run_in_session
from grants.db.models import Call, User
from tests.factories import make_proposal

HANA = "hana.sato@demo.cofund.example"
VIETNAMESE_PIS = ("minh.nguyen@demo.cofund.example", "lan.tran@demo.cofund.example")
STARTS = (datetime.date(2031, 4, 1), datetime.date(2032, 4, 1))


async def seed(session: AsyncSession, code: str) -> None:
    call = await session.scalar(select(Call).where(Call.code == code))
    assert call is not None, code
    users = {u.email: u for u in await session.scalars(select(User))}
    jst, nafosted = (t.agency_id for t in call.agencies)
    for number, (email, start) in enumerate(zip(VIETNAMESE_PIS, STARTS, strict=True), start=1):
        await make_proposal(
            session,
            call,
            {jst: users[HANA], nafosted: users[email]},
            state="submitted",
            number=number,
            reference=f"{code}-{number:04}",
            planned_start=start,
            duration_years=3,
            topic=call.topics[0],
            submitted_at=datetime.datetime.now(datetime.UTC),
        )
    call.last_proposal_number = 2
    call.closes_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)


if __name__ == "__main__":
    _run_in_session(lambda session: seed(session, sys.argv[1]))
