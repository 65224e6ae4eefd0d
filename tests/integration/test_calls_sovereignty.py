"""Each agency changes only its own terms in a joint call; PATCH is a JSON Merge Patch."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent
from grants.errors import TITLES
from messages import render
from tests.factories import AgencyFactory, persist
from tests.factories_calls import Cofunders, call_body, make_cofunders
from tests.support import problems
from tests.support.problems import problem

Client = httpx.AsyncClient
TERMS = ("agency", "cap_per_year", "cap_total", "envelope", "max_indirect_percent")
VI = {"Accept-Language": "vi"}
"""The NAFOSTED officer's browser asks for Vietnamese."""
OWN_TERMS_ONLY = {
    "en": "An agency changes only its own terms in a call and removes no co-funder.",
    "vi": "Mỗi cơ quan tài trợ chỉ được thay đổi các điều kiện của chính mình trong đợt kêu gọi "
    "và không được loại bỏ cơ quan đồng tài trợ nào.",
}


def forbidden(url: str, errors: list[dict[str, Any]], locale: str = "vi") -> dict[str, Any]:
    body = problems.forbidden(url, OWN_TERMS_ONLY[locale], errors)
    # The title is the problem's own word (grants.errors), in the reader's language.
    title = render(TITLES[403](), locale)
    return body | {"title": title, "code": "call.terms.own_only", "params": {}}


def not_yours(field: str, agency: str, name: str, reason: str) -> dict[str, Any]:
    params = {"agency": agency, "field": name}
    return {"field": field, "reason": reason, "code": "call.terms.not_yours", "params": params}


async def created_call(client: Client, co: Cofunders, **changes: Any) -> dict[str, Any]:
    response = await client.post("/api/calls", headers=co.jst_headers, json=call_body(**changes))
    assert response.status_code == 201, response.text
    return dict(response.json())


def terms_of(call: dict[str, Any]) -> list[dict[str, Any]]:
    """The call's `agencies` as a PATCH sends them back unchanged."""
    return [
        {k: t[k] for k in (*TERMS, "pi_once_per_call", "share_percent")} for t in call["agencies"]
    ]


async def update_events(db: AsyncSession) -> int:
    query = select(func.count()).where(AuditEvent.action == "call.update")
    return int(await db.scalar(query) or 0)


async def assert_unchanged(client: Client, co: Cofunders, call: dict[str, Any]) -> None:
    """The call reads as it was created, for its creator, and no edit was audited."""
    shown = await client.get(f"/api/calls/{call['id']}", headers=co.jst_headers)
    assert shown.status_code == 200
    assert (shown.json()["version"], terms_of(shown.json())) == (1, terms_of(call))


async def test_patch_other_agency_envelope_forbidden(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await created_call(client, co)
    url = f"/api/calls/{call['id']}"
    terms = terms_of(call)
    terms[0]["envelope"] = 1_000_000

    response = await client.patch(
        url, headers={**co.nafosted_headers, **VI}, json={"version": 1, "agencies": terms}
    )

    assert (response.status_code, problem(response)) == (
        403,
        forbidden(
            url,
            [
                not_yours(
                    "agencies[0].envelope",
                    "JST",
                    "envelope",
                    "chỉ JST mới được thay đổi envelope của mình",
                )
            ],
        ),
    )
    await assert_unchanged(client, co, call)
    assert await update_events(db) == 0


async def test_patch_other_agency_caps_left_out_forbidden(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await created_call(client, co)
    url = f"/api/calls/{call['id']}"
    terms = terms_of(call)
    terms[0] = {"agency": "JST"}  # left-out amounts would clear JST's caps and envelope

    response = await client.patch(
        url, headers={**co.nafosted_headers, **VI}, json={"version": 1, "agencies": terms}
    )

    assert problem(response) == forbidden(
        url,
        [
            not_yours(
                f"agencies[0].{name}", "JST", name, f"chỉ JST mới được thay đổi {name} của mình"
            )
            for name in ("cap_per_year", "cap_total", "envelope")
        ],
    )
    await assert_unchanged(client, co, call)
    assert await update_events(db) == 0


async def test_patch_removing_other_cofunder_forbidden(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await created_call(client, co)
    url = f"/api/calls/{call['id']}"

    response = await client.patch(
        url,
        headers={**co.nafosted_headers, **VI},
        json={"version": 1, "agencies": terms_of(call)[1:]},
    )

    assert problem(response) == forbidden(
        url,
        [
            {
                "field": "agencies",
                "reason": "JST đồng tài trợ đợt kêu gọi này; hãy giữ lại mục của cơ quan đó",
                "code": "call.terms.keep_cofunder",
                "params": {"agency": "JST"},
            }
        ],
    )
    await assert_unchanged(client, co, call)
    assert await update_events(db) == 0


async def test_patch_adding_agency_with_its_amounts_forbidden(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    call = await created_call(client, co)
    url = f"/api/calls/{call['id']}"
    await persist(db, AgencyFactory(code="NRF", country="KR", currency="KRW"))
    terms = [*terms_of(call), {"agency": "NRF", "envelope": 5_000_000}]

    response = await client.patch(
        url, headers=co.jst_headers, json={"version": 1, "agencies": terms}
    )

    assert problem(response) == forbidden(
        url,
        [not_yours("agencies[2].envelope", "NRF", "envelope", "only NRF changes its envelope")],
        locale="en",
    )
    await assert_unchanged(client, co, call)
    assert await update_events(db) == 0


async def test_patch_own_entry_and_shared_fields_allowed(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await created_call(client, co)
    terms = terms_of(call)
    terms[1]["envelope"] = 50_000_000_000

    response = await client.patch(
        f"/api/calls/{call['id']}",
        headers=co.nafosted_headers,
        json={"version": 1, "agencies": terms, "topics": ["EDA"], "durations": [3, 5]},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["topics"], body["durations"]) == (2, ["EDA"], [3, 5])
    assert [t["envelope"] for t in body["agencies"]] == [450_000_000, 50_000_000_000]
    assert await update_events(db) == 1


async def test_patch_adding_empty_agency_allowed(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await created_call(client, co)
    await persist(db, AgencyFactory(code="NRF", country="KR", currency="KRW"))

    response = await client.patch(
        f"/api/calls/{call['id']}",
        headers=co.jst_headers,
        json={"version": 1, "agencies": [*terms_of(call), {"agency": "NRF"}]},
    )

    assert response.status_code == 200
    assert [(t["agency"], t["envelope"]) for t in response.json()["agencies"]] == [
        ("JST", 450_000_000),
        ("NAFOSTED", 60_000_000_000),
        ("NRF", None),
    ]


async def test_patch_shares_of_a_shared_call_are_joint(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    body = call_body(cofunding_mode="shared")
    body["agencies"][0]["share_percent"], body["agencies"][1]["share_percent"] = 50, 50
    created = await client.post("/api/calls", headers=co.jst_headers, json=body)
    call = created.json()
    terms = terms_of(call)
    terms[0]["share_percent"], terms[1]["share_percent"] = 60, 40

    response = await client.patch(
        f"/api/calls/{call['id']}",
        headers=co.nafosted_headers,
        json={"version": 1, "agencies": terms},
    )

    assert response.status_code == 200
    assert [t["share_percent"] for t in response.json()["agencies"]] == [60, 40]


async def test_patch_merge_removes_a_language_and_keeps_the_rest(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    call = await created_call(client, co)

    response = await client.patch(
        f"/api/calls/{call['id']}",
        headers={**co.jst_headers, "Content-Type": "application/merge-patch+json"},
        json={"version": 1, "title": {"vi": None}, "description": {"ja": "半導体の共同研究"}},
    )

    assert response.status_code == 200
    shown = (await client.get(f"/api/calls/{call['id']}", headers=co.jst_headers)).json()
    assert shown["title"] == {k: v for k, v in call["title"].items() if k != "vi"}
    assert shown["description"] == {
        "en": "Joint projects in chip design and advanced packaging.",
        "ja": "半導体の共同研究",
    }


async def test_patch_clearing_english_title_invalid(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    call = await created_call(client, co)
    url = f"/api/calls/{call['id']}"

    response = await client.patch(
        url, headers=co.jst_headers, json={"version": 1, "title": {"en": None}, "topics": ["EDA"]}
    )

    assert (response.status_code, response.json()["errors"]) == (
        422,
        [
            {
                "field": "title.en",
                "reason": "required: it cannot be cleared (leave it out to keep it)",
                "code": "call.patch.cannot_clear",
                "params": {},
            }
        ],
    )
    await assert_unchanged(client, co, call)
    assert await update_events(db) == 0
