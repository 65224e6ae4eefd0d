"""Each agency sets its own enterprise-partner rules in a joint call (required partner,
minimum matching share, members abroad); the other agency cannot change them."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories_calls import call_body, make_cofunders

Client = httpx.AsyncClient
RULES = ("partner_required", "min_matching_percent", "members_abroad_allowed")
TERMS = ("agency", "cap_per_year", "cap_total", "envelope", "max_indirect_percent")


async def test_each_agency_sets_only_its_own_partner_rules(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    created = await client.post("/api/calls", headers=co.jst_headers, json=call_body())
    call = created.json()
    terms = [
        {k: t[k] for k in (*TERMS, "pi_once_per_call", "share_percent", *RULES)}
        for t in call["agencies"]
    ]
    url = f"/api/calls/{call['id']}"
    own = [dict(terms[0]), {**terms[1], "partner_required": True, "min_matching_percent": 10}]
    theirs = [{**terms[0], "min_matching_percent": 50}, dict(terms[1])]

    refused = await client.patch(
        url, headers=co.nafosted_headers, json={"version": 1, "agencies": theirs}
    )
    saved = await client.patch(
        url, headers=co.nafosted_headers, json={"version": 1, "agencies": own}
    )

    assert (refused.status_code, [(e["field"], e["code"]) for e in refused.json()["errors"]]) == (
        403,
        [("agencies[0].min_matching_percent", "call.terms.not_yours")],
    )
    assert saved.status_code == 200, saved.text
    assert [{k: t[k] for k in ("agency", *RULES)} for t in saved.json()["agencies"]] == [
        {
            "agency": "JST",
            "partner_required": False,
            "min_matching_percent": None,
            "members_abroad_allowed": False,
        },
        {
            "agency": "NAFOSTED",
            "partner_required": True,
            "min_matching_percent": 10,
            "members_abroad_allowed": False,
        },
    ]
