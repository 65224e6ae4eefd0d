"""Enterprise partners as a conflict-of-interest source: a reviewer employed by, or declaring
an interest in, a partner of a part is conflicted with the proposal; the conflict is dismissable
like the others and forbids the pair on every path (`forbidden_pairs`)."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Conflict
from grants.reviews.pool.conflicts import forbidden_pairs
from tests.factories import bearer, persist
from tests.factories_partners import EnterprisePartnerFactory, jp_number, vn_code
from tests.factories_reviews_pool import make_review_world, pool_reviewer

Client = httpx.AsyncClient


async def test_partner_employee_and_interest_are_conflicted_on_every_path(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    w = rw.world
    chips = EnterprisePartnerFactory(
        part_id=rw.proposal.parts[0].id, legal_name_en="Sakura Chips K.K.", identifier=jp_number(7)
    )
    await persist(db, chips)
    employee = await pool_reviewer(
        db,
        w.jst,
        enterprise_interests=[
            {"country": "JP", "identifier": jp_number(7), "relation": "employee", "name": "Sakura"}
        ],
    )
    holder = await pool_reviewer(
        db,
        w.jst,
        enterprise_interests=[
            {"country": "JP", "identifier": jp_number(7), "relation": "interest", "name": "Sakura"}
        ],
    )
    elsewhere = await pool_reviewer(
        db,
        w.jst,
        enterprise_interests=[
            {"country": "VN", "identifier": vn_code(7), "relation": "employee", "name": "Other"}
        ],
    )
    headers = await bearer(db, w.jst_officer)

    detected = await client.post(f"/api/calls/{w.call.id}/conflicts/detect", headers=headers)

    assert detected.json()["created"] == 2
    rows = {
        c.reviewer_id: (c.source, c.reason, c.reason_code)
        for c in await db.scalars(select(Conflict).where(Conflict.source == "enterprise_partner"))
    }
    assert rows == {
        employee.id: (
            "enterprise_partner",
            "The reviewer works for Sakura Chips K.K., an enterprise partner of the JST part.",
            "conflict.enterprise.employee",
        ),
        holder.id: (
            "enterprise_partner",
            "The reviewer declared an interest in Sakura Chips K.K., an enterprise partner of the "
            "JST part.",
            "conflict.enterprise.interest",
        ),
    }
    assert elsewhere.id not in rows
    pairs = await forbidden_pairs(db, w.call.id)
    assert {(rw.proposal.id, employee.id), (rw.proposal.id, holder.id)} <= pairs
    conflict = await db.scalar(select(Conflict).where(Conflict.reviewer_id == holder.id))
    assert conflict is not None
    dismissed = await client.post(
        f"/api/conflicts/{conflict.id}/dismiss",
        headers=headers,
        json={"reason": "Sold the shares in 2020."},
    )
    assert (dismissed.status_code, dismissed.json()["status"]) == (200, "dismissed")
    assert (rw.proposal.id, holder.id) not in await forbidden_pairs(db, w.call.id)


async def test_reviewer_declares_interest_with_a_checked_identifier(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    reviewer = await pool_reviewer(db, rw.world.jst)
    headers = await bearer(db, reviewer)
    interest = {"country": "JP", "identifier": "5-8356-7825-6246", "relation": "interest"}

    refused = await client.patch(
        "/api/me/reviewer-profile",
        headers=headers,
        json={
            "version": 1,
            "enterprise_interests": [
                {**interest, "name": "Sakura", "identifier": "2-8356-7825-6246"}
            ],
        },
    )
    saved = await client.patch(
        "/api/me/reviewer-profile",
        headers=headers,
        json={"version": 1, "enterprise_interests": [{**interest, "name": "Sakura"}]},
    )

    assert refused.status_code == 422
    assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [
        ("enterprise_interests[0]", "partner.identifier.check_digit")
    ]
    assert saved.json()["enterprise_interests"] == [
        {"country": "JP", "identifier": "5835678256246", "relation": "interest", "name": "Sakura"}
    ]
