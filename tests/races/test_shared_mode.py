"""`shared` mode on PostgreSQL with real parallel clients: JST's officers award six proposals
at once while its envelope fits four shares. Each award takes the co-funders' rows in one
order before reading what is committed, so exactly four grants exist; the others get 409
naming what remains, and write nothing.

These tests commit for real, so they run in a PostgreSQL database of their own.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from sqlalchemy import func, select

from grants.db.models import ApprovedBudgetLine, GrantSide
from grants.times import utcnow
from tests.factories import bearer, persist
from tests.factories_awards import JST_REQUEST, approval_body, lines, make_deciding
from tests.factories_fx import make_rates
from tests.factories_guards import approve
from tests.races.arena import Arena, post

ROUNDS = 6
FITTING = 4
SHARE = 6_300_000  # JST's 60% of ¥10,500,000


async def test_concurrent_shared_awards_never_exceed_an_envelope(arena: Arena) -> None:
    async with arena.arrange() as s:
        panel = await make_deciding(s, n_proposals=ROUNDS, cofunding_mode="shared")
        jst, nafosted = panel.call.agencies
        jst.share_percent, nafosted.share_percent, jst.envelope = 60, 40, FITTING * SHARE
        await persist(s, jst, nafosted)
        day = utcnow().date() - datetime.timedelta(days=1)
        await make_rates(
            s,
            panel.nafosted_officer,
            {"rate_date": day, "base": "JPY", "quote": "VND", "rate": Decimal("170.5")},
        )
        for proposal in panel.proposals:
            key = await approve(
                s, ("proposal", proposal.id, "funding", 0), panel.nafosted, panel.nafosted_officer
            )
            key.rationale = "Arranged."
            await persist(
                s,
                key,
                *(
                    ApprovedBudgetLine(
                        approval_id=key.id, year=y, category=c, amount=a, currency="JPY"
                    )
                    for y, c, a in JST_REQUEST
                ),
            )
        tokens = [await bearer(s, panel.jst_officer) for _ in panel.proposals]
    body = lines(JST_REQUEST, "JPY")

    responses = await arena.race(
        [
            post(f"/api/proposals/{p.id}/decisions", headers, approval_body(p, "JST", body))
            for p, headers in zip(panel.proposals, tokens, strict=True)
        ]
    )

    won = [r for r in responses if r.status_code == 201]
    lost = [r for r in responses if r.status_code != 201]
    assert sorted(r.json()["proposal_state"] for r in won) == ["awarded"] * FITTING
    assert [(r.status_code, r.json()["code"], r.json()["detail"]) for r in lost] == [
        (
            409,
            "award.shared.over_envelope",
            "JST's share of ¥6,300,000 would take it past its envelope of ¥25,200,000: ¥0 "
            "remain uncommitted.",
        )
    ] * (ROUNDS - FITTING)
    async with arena.session() as session:
        awarded = await session.scalar(
            select(func.sum(GrantSide.awarded_total)).where(GrantSide.agency_id == panel.jst.id)
        )
        assert awarded == FITTING * SHARE
    await arena.check()
