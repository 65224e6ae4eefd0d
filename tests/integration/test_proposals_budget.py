"""A part's budget: replacing its lines, totals per year, over-cap warnings and bad amounts."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import BudgetLine, Proposal
from tests.factories import bearer, make_proposal, make_user
from tests.factories_proposals import (
    World,
    add_co_investigator,
    audit_count,
    make_world,
    problem_of,
    ready_proposal,
)

Client = httpx.AsyncClient


async def _draft(db: AsyncSession) -> tuple[World, str, str, str]:
    world = await make_world(db)
    proposal = await make_proposal(
        db, world.call, {world.jst.id: world.jp_pi, world.nafosted.id: world.vn_pi}
    )
    base = f"/api/proposals/{proposal.id}/parts"
    return world, base, str(proposal.parts[0].id), str(proposal.parts[1].id)


def _line(year: int, category: str, amount: Any, currency: str = "JPY") -> dict[str, Any]:
    return {"year": year, "category": category, "amount": amount, "currency": currency}


async def test_budget_replaced_with_totals_per_year(client: Client, db: AsyncSession) -> None:
    world, base, jst_part, _ = await _draft(db)
    headers = await bearer(db, world.jp_pi)
    url = f"{base}/{jst_part}/budget"
    await client.put(url, headers=headers, json={"version": 1, "lines": [_line(3, "travel", 1)]})

    response = await client.put(
        url,
        headers=headers,
        json={
            "version": 2,
            "lines": [
                _line(2, "personnel", 4_000_000),
                _line(1, "personnel", 5_000_000),
                _line(1, "indirect", 1_500_000),
            ],
        },
    )

    assert response.status_code == 200
    assert response.json() == {
        "version": 3,
        "currency": "JPY",
        "lines": [
            _line(1, "indirect", 1_500_000),
            _line(1, "personnel", 5_000_000),
            _line(2, "personnel", 4_000_000),
        ],
        "totals_by_year": [{"year": 1, "amount": 6_500_000}, {"year": 2, "amount": 4_000_000}],
        "total": 10_500_000,
        "warnings": [],
    }


async def test_over_cap_budget_refused_naming_part_year_and_cap(
    client: Client, db: AsyncSession
) -> None:
    world, base, _, vn_part = await _draft(db)
    before = await audit_count(db)

    response = await client.put(
        f"{base}/{vn_part}/budget",
        headers=await bearer(db, world.vn_pi),
        json={
            "version": 1,
            "lines": [
                _line(1, "personnel", 12_000_000, "VND"),
                _line(2, "personnel", 4_000_000, "VND"),
            ],
        },
    )

    assert (response.status_code, problem_of(response)) == (
        422,
        {
            "type": "urn:cofund:problem:invalid",
            "title": "Invalid input",
            "status": 422,
            "detail": "The budget is over the call's caps.",
            "instance": f"{base}/{vn_part}/budget",
            "code": "budget.over_caps",
            "params": {},
            "errors": [
                {
                    "field": "lines",
                    "reason": "The NAFOSTED part's budget for year 1 is ₫12,000,000, over "
                    "NAFOSTED's cap of ₫10,000,000 per year.",
                    "code": "budget.caps.year_over_cap",
                    "params": {
                        "agency": "NAFOSTED",
                        "year": 1,
                        "amount": {"amount": 12_000_000, "currency": "VND"},
                        "cap": {"amount": 10_000_000, "currency": "VND"},
                    },
                }
            ],
        },
    )
    assert await audit_count(db) == before


async def test_indirect_share_over_limit_kept_in_draft_with_warning(
    client: Client, db: AsyncSession
) -> None:
    world, base, _, vn_part = await _draft(db)

    response = await client.put(
        f"{base}/{vn_part}/budget",
        headers=await bearer(db, world.vn_pi),
        json={
            "version": 1,
            "lines": [
                _line(1, "personnel", 6_000_000, "VND"),
                _line(1, "indirect", 4_000_000, "VND"),
            ],
        },
    )

    assert response.status_code == 200
    assert response.json()["warnings"] == [
        "The NAFOSTED part's indirect costs ₫4,000,000 are over the share of its direct costs "
        "₫6,000,000 that NAFOSTED allows (30%).",
    ]


async def test_bad_lines_refused_naming_each_field_and_nothing_written(
    client: Client, db: AsyncSession
) -> None:
    world, base, jst_part, _ = await _draft(db)
    headers = await bearer(db, world.jp_pi)
    url = f"{base}/{jst_part}/budget"
    await client.put(url, headers=headers, json={"version": 1, "lines": [_line(1, "travel", 100)]})
    before = await audit_count(db)

    response = await client.put(
        url,
        headers=headers,
        json={
            "version": 2,
            "lines": [
                _line(1, "personnel", 1000),
                _line(4, "catering", 1000),
                _line(2, "equipment", 1000.5),
                _line(3, "travel", -1),
                _line(1, "other", 10, "VND"),
                _line(1, "personnel", 5),
            ],
        },
    )

    categories = ["personnel", "equipment", "consumables", "travel", "other", "indirect"]
    assert (response.status_code, problem_of(response)) == (
        422,
        {
            "type": "urn:cofund:problem:invalid",
            "title": "Invalid input",
            "status": 422,
            "detail": "Some budget lines are invalid.",
            "instance": url,
            "code": "budget.lines_invalid",
            "params": {},
            "errors": [
                {
                    "field": "lines[1].year",
                    "reason": "a year of the project: 1 to 3",
                    "code": "budget.line.year_outside",
                    "params": {"duration": 3},
                },
                {
                    "field": "lines[1].category",
                    "reason": "not a budget category; the categories are personnel, equipment, "
                    "consumables, travel, other, and indirect",
                    "code": "budget.line.unknown_category",
                    "params": {"categories": categories},
                },
                {
                    "field": "lines[2].amount",
                    "reason": "JPY has no minor unit: give a whole number",
                    "code": "budget.line.no_minor_unit",
                    "params": {"currency": "JPY"},
                },
                {
                    "field": "lines[3].amount",
                    "reason": "must not be negative",
                    "code": "budget.line.negative",
                    "params": {},
                },
                {
                    "field": "lines[4].currency",
                    "reason": "this part's budget is in JPY",
                    "code": "budget.line.other_currency",
                    "params": {"currency": "JPY"},
                },
                {
                    "field": "lines[5]",
                    "reason": "year 1 personnel is listed twice",
                    "code": "budget.line.listed_twice",
                    "params": {"year": 1, "category": "personnel"},
                },
            ],
        },
    )
    assert await audit_count(db) == before
    rows = (await db.execute(select(BudgetLine.year, BudgetLine.category, BudgetLine.amount))).all()
    assert [tuple(r) for r in rows] == [(1, "travel", 100)]


async def test_vnd_decimal_amount_refused(client: Client, db: AsyncSession) -> None:
    world, base, _, vn_part = await _draft(db)

    response = await client.put(
        f"{base}/{vn_part}/budget",
        headers=await bearer(db, world.vn_pi),
        json={
            "version": 1,
            "lines": [_line(1, "personnel", 10, "VND"), _line(1, "travel", 2.0, "VND")],
        },
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "lines[1].amount",
            "reason": "VND has no minor unit: give a whole number",
            "code": "budget.line.no_minor_unit",
            "params": {"currency": "VND"},
        }
    ]


async def test_budget_of_the_other_side_refused(client: Client, db: AsyncSession) -> None:
    world, base, jst_part, _ = await _draft(db)

    response = await client.put(
        f"{base}/{jst_part}/budget",
        headers=await bearer(db, world.vn_pi),
        json={"version": 1, "lines": []},
    )

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Only the JST side's PI and co-investigators edit that part."
    )


async def test_editing_submitted_proposal_is_409(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal = await ready_proposal(db, world, state="submitted")
    headers = await bearer(db, world.jp_pi)
    base = f"/api/proposals/{proposal.id}"
    before = await audit_count(db)

    answers = [
        await client.patch(base, headers=headers, json={"version": 1, "topic": "EDA"}),
        await client.put(
            f"{base}/parts/{proposal.parts[0].id}/budget",
            headers=headers,
            json={"version": 1, "lines": []},
        ),
        await client.post(
            f"{base}/parts/{proposal.parts[0].id}/members",
            headers=headers,
            json={"name": "Late", "email": "late@example.jp"},
        ),
    ]

    assert [a.status_code for a in answers] == [409, 409, 409]
    assert answers[0].json()["detail"] == (
        "The proposal is submitted; only a draft can be changed (reopen it first, before the "
        "deadline)."
    )
    assert await audit_count(db) == before


async def test_shorter_duration_reports_lines_beyond_it(client: Client, db: AsyncSession) -> None:
    world, base, jst_part, _ = await _draft(db)
    headers = await bearer(db, world.jp_pi)
    world.call.durations = [1, 3]
    await db.flush()
    await client.put(
        f"{base}/{jst_part}/budget",
        headers=headers,
        json={"version": 1, "lines": [_line(1, "personnel", 100), _line(3, "personnel", 100)]},
    )

    response = await client.patch(
        base.removesuffix("/parts"), headers=headers, json={"version": 2, "duration_years": 1}
    )

    assert response.status_code == 200
    assert response.json()["parts"][0]["budget"]["warnings"] == [
        "The JST part has budget lines for year 3, but the project lasts 1 year."
    ]


async def test_budget_second_editor_with_same_version_gets_409_and_nothing_written(
    client: Client, db: AsyncSession
) -> None:
    world, base, jst_part, _ = await _draft(db)
    proposal = await db.get(Proposal, uuid.UUID(base.split("/")[3]))
    assert proposal is not None
    co_i = await make_user(db, "researcher", country="JP", email="co.i@example.jp")
    await add_co_investigator(db, proposal.parts[0], co_i)
    url = f"{base}/{jst_part}/budget"

    first = await client.put(
        url,
        headers=await bearer(db, world.jp_pi),
        json={"version": 1, "lines": [_line(1, "personnel", 100)]},
    )
    before = await audit_count(db)
    second = await client.put(
        url,
        headers=await bearer(db, co_i),
        json={"version": 1, "lines": [_line(1, "travel", 999)]},
    )

    assert (first.status_code, first.json()["version"]) == (200, 2)
    assert second.status_code == 409
    assert problem_of(second) == {
        "type": "urn:cofund:problem:stale_version",
        "title": "Conflict",
        "status": 409,
        "detail": "You saw version 1, but it is now version 2.",
        "instance": url,
        "code": "edit.stale_version",
        "params": {"seen": 1, "current": 2},
    }
    assert await audit_count(db) == before
    rows = (await db.execute(select(BudgetLine.year, BudgetLine.category, BudgetLine.amount))).all()
    assert [tuple(r) for r in rows] == [(1, "personnel", 100)]


async def test_budget_replace_bumps_part_version_in_detail(
    client: Client, db: AsyncSession
) -> None:
    world, base, jst_part, _ = await _draft(db)
    headers = await bearer(db, world.jp_pi)

    await client.put(
        f"{base}/{jst_part}/budget",
        headers=headers,
        json={"version": 1, "lines": [_line(1, "personnel", 100)]},
    )
    detail = await client.get(base.removesuffix("/parts"), headers=headers)

    assert [(p["version"], p["budget"]["version"]) for p in detail.json()["parts"]] == [
        (2, 2),
        (1, 1),
    ]
