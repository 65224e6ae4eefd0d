"""A grant side's financial statements: the side's PI submits what was spent per category in
a project year, shown against the year's approved budget; a correction is a new version until
a tranche the statement supports is approved. Every refusal writes nothing and no audit event.
A later tranche needs the previous project year's statement (a tranche past the last project
year, the last year's)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import FinancialStatement, Grant
from tests.conftest import QueryCounter
from tests.factories import bearer
from tests.factories_awards import (
    audit_actions,
    make_deciding,
    make_grant,
    with_statement,
    with_tranches,
)
from tests.factories_scoring import Panel
from tests.support.problems import problem

Client = httpx.AsyncClient
# The JST side's approved year 1: personnel ¥5,000,000 and indirect ¥1,500,000.
SPENT = {
    "lines": [
        {"category": "personnel", "spent": 4_800_000},
        {"category": "travel", "spent": 300_000},
    ]
}


async def granted(db: AsyncSession) -> tuple[Panel, Grant]:
    panel = await make_deciding(db)
    return panel, await make_grant(db, panel, panel.proposals[0])


def url(grant: Grant, year: int | str = 1, agency: str = "JST") -> str:
    return f"/api/grants/{grant.id}/sides/{agency}/statements/{year}"


def yen(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "JPY"}


def figures(budget: int, spent: int) -> dict[str, Any]:
    return {"budget": yen(budget), "spent": yen(spent), "variance": yen(spent - budget)}


async def statements(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(FinancialStatement)) or 0)


def expected(body: dict[str, Any], grant: Grant, panel: Panel, version: int) -> dict[str, Any]:
    return {
        "id": body["id"],
        "grant_id": str(grant.id),
        "agency": "JST",
        "year": 1,
        "version": version,
        "submitted_by": str(panel.jp_pi.id),
        "submitted_at": body["submitted_at"],
        "fixed": False,
        "lines": [
            {"category": "personnel", **figures(5_000_000, 4_800_000)},
            {"category": "travel", **figures(0, 300_000)},
            {"category": "indirect", **figures(1_500_000, 0)},
        ],
        "total": figures(6_500_000, 5_100_000),
        "contributions": [],
    }


async def test_the_pi_submits_and_corrects_a_statement_against_the_years_budget(
    client: Client, db: AsyncSession
) -> None:
    panel, grant = await granted(db)
    pi = await bearer(db, panel.jp_pi)

    first = await client.put(url(grant), headers=pi, json={"lines": []})
    second = await client.put(url(grant), headers=pi, json=SPENT)
    listed = await client.get(f"/api/grants/{grant.id}/statements", headers=panel.nafosted_headers)
    older = await client.get(url(grant), headers=panel.jst_headers, params={"version": 1})

    assert (second.status_code, second.json()) == (200, expected(second.json(), grant, panel, 2))
    assert first.json()["lines"] == [
        {"category": "personnel", **figures(5_000_000, 0)},
        {"category": "indirect", **figures(1_500_000, 0)},
    ]
    assert listed.json() == {"items": [second.json()], "total": 1, "limit": 50, "offset": 0}
    assert (older.json()["version"], older.json()["id"]) == (1, first.json()["id"])
    assert await audit_actions(db) == ["financial_statement.submit"] * 2
    assert await statements(db) == 2


async def test_a_statement_is_fixed_once_the_tranche_it_supports_is_approved(
    client: Client, db: AsyncSession
) -> None:
    panel, grant = await granted(db)
    tranches = await with_tranches(db, panel, grant)
    await with_statement(db, grant.sides[0], 1, panel.jp_pi, personnel=1)
    tranches[1].state, tranches[1].approved_amount = "approved", 1
    await db.flush()

    response = await client.put(url(grant), headers=await bearer(db, panel.jp_pi), json=SPENT)
    shown = await client.get(url(grant), headers=panel.jst_headers)

    assert problem(response) == {
        "type": "urn:cofund:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "The financial statement of project year 1 is fixed: tranche FY2028 it "
        "supports is approved.",
        "instance": url(grant),
        "code": "statement.fixed",
        "params": {"year": 1, "tranche": "FY2028"},
    }
    assert (shown.json()["version"], shown.json()["fixed"]) == (1, True)
    assert (await statements(db), await audit_actions(db)) == (1, [])


async def _refused(
    client: Client, db: AsyncSession, grant: Grant, headers: dict[str, str], body: Any, path: str
) -> dict[str, Any]:
    response = await client.put(path, headers=headers, json=body)
    assert (await statements(db), await audit_actions(db)) == (0, [])
    return problem(response)


async def test_the_officer_and_the_other_sides_pi_cannot_submit(
    client: Client, db: AsyncSession
) -> None:
    panel, grant = await granted(db)
    refused = {
        "type": "urn:cofund:problem:forbidden",
        "title": "Forbidden",
        "status": 403,
        "detail": "Only the PI of JST's side submits its financial statements.",
        "instance": url(grant),
        "code": "policy.statement.pi_only",
        "params": {"agency": "JST"},
    }

    for headers in (panel.jst_headers, panel.nafosted_headers, await bearer(db, panel.vn_pi)):
        assert await _refused(client, db, grant, headers, SPENT, url(grant)) == refused


def _invalid(instance: str, *errors: tuple[str, str, str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "The financial statement is invalid.",
        "instance": instance,
        "code": "statement.invalid",
        "params": {},
        "errors": [{"field": f, "reason": r, "code": c, "params": p} for f, r, c, p in errors],
    }


async def test_a_year_outside_the_project_and_a_category_twice_are_invalid(
    client: Client, db: AsyncSession
) -> None:
    panel, grant = await granted(db)
    pi = await bearer(db, panel.jp_pi)
    twice = {"lines": [{"category": "travel", "spent": 1}, {"category": "travel", "spent": 2}]}

    late = await _refused(client, db, grant, pi, SPENT, url(grant, 4))
    duplicated = await _refused(client, db, grant, pi, twice, url(grant))

    outside = "Project year 4 is not one of the project's years 1 to 3."
    assert late == _invalid(
        url(grant, 4), ("year", outside, "statement.year_outside", {"year": 4, "years": 3})
    )
    assert duplicated == _invalid(
        url(grant),
        (
            "lines[1].category",
            "'travel' is listed more than once.",
            "statement.line.duplicate_category",
            {"category": "travel"},
        ),
    )


async def test_decimals_negatives_and_unknown_categories_are_refused(
    client: Client, db: AsyncSession
) -> None:
    panel, grant = await granted(db)
    pi = await bearer(db, panel.jp_pi)
    bodies = (
        {"lines": [{"category": "personnel", "spent": 4_800_000.5}]},
        {"lines": [{"category": "personnel", "spent": -1}]},
        {"lines": [{"category": "catering", "spent": 1}]},
    )

    answers = [await _refused(client, db, grant, pi, body, url(grant)) for body in bodies]

    def refused(field: str, reason: str, code: str, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "urn:cofund:problem:invalid",
            "title": "Invalid input",
            "status": 422,
            "detail": "The request has invalid fields.",
            "instance": url(grant),
            "code": "problem.invalid_fields",
            "params": {},
            "errors": [{"field": field, "reason": reason, "code": code, "params": params}],
        }

    categories = "'personnel', 'equipment', 'consumables', 'travel', 'other' or 'indirect'"
    assert answers == [
        refused("lines[0].spent", "Give a whole number.", "validation.int_type", {}),
        refused("lines[0].spent", "Give at least 0.", "validation.greater_than_equal", {"ge": 0}),
        refused(
            "lines[0].category",
            f"Give one of: {categories}.",
            "validation.literal_error",
            {"expected": categories},
        ),
    ]


async def test_a_later_tranche_needs_the_previous_years_statement(
    client: Client, db: AsyncSession
) -> None:
    # NAFOSTED's calendar: FY2027..FY2030 for a project from 2027-04-01 to 2030-04-01, so its
    # fourth tranche (the stub FY2030) needs the last project year's (3) statement.
    panel, grant = await granted(db)
    tranches = await with_tranches(db, panel, grant)
    nafosted = [t for t in tranches if t.side_id == grant.sides[1].id]
    await with_statement(db, grant.sides[1], 1, panel.vn_pi, personnel=1)
    vn = await bearer(db, panel.vn_pi)

    async def reasons(position: int) -> list[Any]:
        tranche = nafosted[position - 1]
        response = await client.post(
            f"/api/tranches/{tranche.id}/events/request",
            headers=vn,
            json={"version": 1, "data": {}},
        )
        return [r["params"] for r in response.json()["reasons"] if "year" in r["params"]]

    assert [await reasons(p) for p in (2, 3, 4)] == [
        [],
        [{"agency": "NAFOSTED", "year": 2}],
        [{"agency": "NAFOSTED", "year": 3}],
    ]
    await with_statement(db, grant.sides[1], 3, panel.vn_pi, personnel=1)
    assert await reasons(4) == []
    assert await audit_actions(db) == []


async def test_the_grants_statements_read_in_constant_queries(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    panel, grant = await granted(db)
    await with_tranches(db, panel, grant)

    async def counted() -> tuple[int, int]:
        queries.count, queries.active = 0, True
        response = await client.get(f"/api/grants/{grant.id}/statements", headers=panel.jst_headers)
        queries.active = False
        return queries.count, response.json()["total"]

    await with_statement(db, grant.sides[0], 1, panel.jp_pi, personnel=1)
    one = await counted()
    await with_statement(db, grant.sides[0], 2, panel.jp_pi, personnel=1)
    await with_statement(db, grant.sides[1], 1, panel.vn_pi, personnel=1, travel=2)
    three = await counted()

    assert (one[1], three[1], one[0] == three[0]) == (1, 3, True)
