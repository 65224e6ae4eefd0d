"""One agency's officers approving many proposals at the same instant, on PostgreSQL with real
parallel clients: the approvals queue on the agency's entry in the call, so its envelope holds
exactly; the ones that no longer fit get 409 with what remains, and write nothing.

These tests commit for real, so they run in a PostgreSQL database of their own.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Approval, AuditEvent, GrantSide
from tests.factories import bearer
from tests.factories_awards import (
    JST_REQUEST,
    NAFOSTED_REQUEST,
    approval_body,
    decided,
    lines,
    make_deciding,
)
from tests.races.arena import Arena, post

ROUNDS = 6
FITTING = 4
EACH = sum(amount for _, _, amount in JST_REQUEST)  # ¥10,500,000


async def _count(session: AsyncSession, action: str) -> int:
    query = select(func.count()).where(AuditEvent.action == action)
    return int(await session.scalar(query) or 0)


async def test_concurrent_approvals_never_exceed_the_envelope(arena: Arena) -> None:
    async with arena.arrange() as s:
        panel = await make_deciding(s, n_proposals=ROUNDS)
        panel.call.agencies[0].envelope = FITTING * EACH
        for proposal in panel.proposals:
            await decided(s, proposal, panel.nafosted, panel.nafosted_officer, NAFOSTED_REQUEST)
        # A token per request: requests sharing a token would queue on its row.
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
    assert [(r.status_code, r.json()["reasons"]) for r in lost] == [
        (
            409,
            [
                {
                    "code": "decision.envelope.exceeded",
                    "params": {
                        "total": {"amount": EACH, "currency": "JPY"},
                        "agency": "JST",
                        "envelope": {"amount": FITTING * EACH, "currency": "JPY"},
                        "remaining": {"amount": 0, "currency": "JPY"},
                    },
                    "message": "Approving ¥10,500,000 would take JST past its envelope of "
                    "¥42,000,000: ¥0 remain uncommitted.",
                }
            ],
        )
    ] * (ROUNDS - FITTING)
    async with arena.session() as session:
        numbers = await session.scalars(
            select(GrantSide.number)
            .where(GrantSide.agency_id == panel.jst.id)
            .order_by(GrantSide.number)
        )
        jst_keys = await session.scalar(
            select(func.count()).where(
                Approval.agency_id == panel.jst.id, Approval.purpose == "funding"
            )
        )
        assert list(numbers) == [f"JST-2027-{n:04d}" for n in range(1, FITTING + 1)]
        assert jst_keys == FITTING
        assert [
            await _count(session, action)
            for action in ("proposal.decide", "grant.create", "proposal.award")
        ] == [FITTING] * 3
    await arena.check()
