"""Scientists abroad: a side follows the host institution's country, NAFOSTED's call setting
lets its part list a member based in Japan (shown as such to officers), and the duplicate
funding check sees a person across both sides."""

from __future__ import annotations

import datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import PartMemberFactory, bearer, make_proposal, make_user
from tests.factories_proposals import draft_body, make_world, ready_proposal

Client = httpx.AsyncClient
ABROAD = {"name": "Lê Minh Anh", "email": "anh.le@tohoku.example.jp", "based_in": "JP"}


async def test_vietnamese_scientist_in_japan_leads_the_jst_side(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    scientist = await make_user(db, "researcher", country="VN", email="anh@tohoku.example.jp")
    headers = await bearer(db, scientist)

    created = await client.post(
        "/api/proposals", headers=headers, json=draft_body(world, host_country="JP")
    )
    refused = await client.post(
        "/api/proposals", headers=headers, json=draft_body(world, host_country="BE")
    )

    assert created.status_code == 201, created.text
    assert [(p["agency_code"], p["pi_user_id"]) for p in created.json()["parts"]] == [
        ("JST", str(scientist.id)),
        ("NAFOSTED", None),
    ]
    assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [
        ("host_country", "proposal.create.host_not_cofunding")
    ]


async def test_member_abroad_only_where_nafosted_allows_it_and_shown_to_officers(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await ready_proposal(db, world)
    url = f"/api/proposals/{proposal.id}/parts/{proposal.parts[1].id}/members"
    vn = await bearer(db, world.vn_pi)

    refused = await client.post(url, headers=vn, json=ABROAD)
    world.call.agencies[1].members_abroad_allowed = True
    await db.flush()
    added = await client.post(url, headers=vn, json=ABROAD)

    assert (refused.status_code, refused.json()["errors"]) == (
        422,
        [
            {
                "field": "based_in",
                "code": "member.abroad_not_allowed",
                "params": {"agency": "NAFOSTED", "country": "VN"},
                "reason": "NAFOSTED does not allow members based outside VN on its part in this "
                "call",
            }
        ],
    )
    assert added.status_code == 201, added.text
    assert {k: added.json()[k] for k in ("name", "based_in", "abroad")} == {
        "name": "Lê Minh Anh",
        "based_in": "JP",
        "abroad": True,
    }


async def test_duplicate_funding_sees_a_scientist_abroad_across_both_sides(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    world.call.agencies[1].members_abroad_allowed = True
    proposal = await ready_proposal(
        db, world, state="submitted", number=2, reference="JV-2026-0002"
    )
    proposal.parts[1].members.append(PartMemberFactory(**ABROAD))
    other_jp = await make_user(db, "researcher", country="JP")
    other_vn = await make_user(db, "researcher", country="VN")
    elsewhere = await make_proposal(
        db,
        world.call,
        {world.jst.id: other_jp, world.nafosted.id: other_vn},
        planned_start=datetime.date(2028, 4, 1),
        state="eligible",
        number=1,
        reference="JV-2026-0001",
    )
    elsewhere.parts[0].members.append(
        PartMemberFactory(name="Le Minh Anh", email="Anh.Le@tohoku.example.jp")
    )
    await db.flush()

    shown = await client.get(
        f"/api/proposals/{proposal.id}", headers=await bearer(db, world.jst_officer)
    )

    assert shown.json()["duplicate_funding"] == [
        {
            "person": "anh.le@tohoku.example.jp",
            "other_proposal": "JV-2026-0001",
            "overlap_years": [2028, 2029, 2030],
        }
    ]
    member = shown.json()["parts"][1]["members"][-1]
    assert (member["based_in"], member["abroad"]) == ("JP", True)
