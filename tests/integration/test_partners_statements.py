"""After the award: the grant keeps its partners and commitments; each year's financial
statement reports the partners' actual contributions against what they committed, refused with
every reason when wrong, and the money view counts the actual ones."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import PartnerActual
from tests.factories import bearer, persist
from tests.factories_awards import make_deciding, make_grant
from tests.factories_partners import EnterprisePartnerFactory, contributions, jp_number

Client = httpx.AsyncClient


def yen(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "JPY"}


async def test_statement_reports_actual_against_committed_and_money_counts_it(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]
    sakura = EnterprisePartnerFactory(
        part_id=proposal.parts[0].id,
        legal_name_en="Sakura K.K.",
        identifier=jp_number(21),
        contributions=contributions("JPY", (1, "cash", 1_000_000), (1, "in_kind", 400_000)),
    )
    await persist(db, sakura)
    grant = await make_grant(db, panel, proposal)
    pi = await bearer(db, panel.jp_pi)
    url = f"/api/grants/{grant.id}/sides/JST/statements/1"
    lines = [{"category": "personnel", "spent": 4_800_000}]

    refused = await client.put(
        url,
        headers=pi,
        json={
            "lines": lines,
            "contributions": [
                {"partner_id": str(sakura.id), "kind": "cash", "amount": 1.5, "currency": "VND"},
                {"partner_id": str(grant.id), "kind": "cash", "amount": 1, "currency": "JPY"},
            ],
        },
    )
    saved = await client.put(
        url,
        headers=pi,
        json={
            "lines": lines,
            "contributions": [
                {"partner_id": str(sakura.id), "kind": "cash", "amount": 900_000, "currency": "JPY"}
            ],
        },
    )
    money = await client.get(f"/api/calls/{panel.call.id}/money", headers=panel.jst_headers)

    assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [
        ("contributions[0].amount", "partner.contribution.no_minor_unit"),
        ("contributions[0].currency", "partner.contribution.other_currency"),
        ("contributions[1].partner_id", "statement.contribution.not_a_partner"),
    ]
    assert saved.status_code == 200, saved.text
    assert saved.json()["contributions"] == [
        {
            "partner_id": str(sakura.id),
            "legal_name_en": "Sakura K.K.",
            "committed_cash": yen(1_000_000),
            "committed_in_kind": yen(400_000),
            "actual_cash": yen(900_000),
            "actual_in_kind": yen(0),
        }
    ]
    assert await db.scalar(select(func.count()).select_from(PartnerActual)) == 1
    jst = money.json()["agencies"][0]["enterprise"]
    assert (jst["funding"], jst["committed"], jst["actual"]) == (
        yen(10_500_000),
        yen(1_400_000),
        yen(900_000),
    )
    assert (jst["leverage"], jst["actual_leverage"]) == ("0.1333", "0.0857")
