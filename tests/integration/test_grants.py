"""Grants: created at the award with each agency's number from its pattern, the project's
dates, the consortium; read by the consortium and the co-funding officers (lists scoped the
same way, in a constant number of queries); moved by officers through the grant machine."""

from __future__ import annotations

import datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Grant, Proposal
from tests.conftest import QueryCounter
from tests.factories import AgencyFactory, bearer, make_user, persist
from tests.factories_awards import (
    JST_REQUEST,
    NAFOSTED_REQUEST,
    approval_body,
    audit_actions,
    decided,
    lines,
    make_deciding,
    make_grant,
)
from tests.factories_scoring import Panel
from tests.support.problems import problem
from tests.support.queries import queries_on

Client = httpx.AsyncClient


async def award(client: Client, db: AsyncSession, panel: Panel, proposal: Proposal) -> str:
    """NAFOSTED's approval arranged, JST's sent: the proposal's grant id."""
    await decided(db, proposal, panel.nafosted, panel.nafosted_officer, NAFOSTED_REQUEST)
    response = await client.post(
        f"/api/proposals/{proposal.id}/decisions",
        headers=panel.jst_headers,
        json=approval_body(proposal, "JST", lines(JST_REQUEST, "JPY")),
    )
    assert response.status_code == 201, response.json()
    return str(response.json()["grant_id"])


async def test_the_grant_as_its_consortium_reads_it(client: Client, db: AsyncSession) -> None:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]
    grant_id = await award(client, db, panel, proposal)
    jst_part, vn_part = proposal.parts

    response = await client.get(f"/api/grants/{grant_id}", headers=await bearer(db, panel.vn_pi))

    body = response.json()
    base = f"/api/proposals/{proposal.id}"
    assert (response.status_code, body) == (
        200,
        {
            "id": grant_id,
            "version": 1,
            "state": "active",
            "reference": "JV-2026-0001",
            "title": {"en": "Chiplet interconnects for edge-AI accelerators"},
            "call_id": str(panel.call.id),
            "call_code": "JV-2026",
            "proposal_id": str(proposal.id),
            "start_date": "2027-04-01",
            "end_date": "2030-04-01",
            "duration_years": 3,
            "sides": [
                {
                    "agency": "JST",
                    "number": "JST-2027-0001",
                    "awarded": {"amount": 10_500_000, "currency": "JPY"},
                    "budget": [
                        {"year": 1, "category": "indirect", "amount": 1_500_000},
                        {"year": 1, "category": "personnel", "amount": 5_000_000},
                        {"year": 2, "category": "personnel", "amount": 4_000_000},
                    ],
                    "totals_by_year": [
                        {"year": 1, "amount": 6_500_000},
                        {"year": 2, "amount": 4_000_000},
                    ],
                },
                {
                    "agency": "NAFOSTED",
                    "number": "NAFOSTED-2027-0001",
                    "awarded": {"amount": 1_500_000_000, "currency": "VND"},
                    "budget": [
                        {"year": 1, "category": "personnel", "amount": 800_000_000},
                        {"year": 2, "category": "personnel", "amount": 700_000_000},
                    ],
                    "totals_by_year": [
                        {"year": 1, "amount": 800_000_000},
                        {"year": 2, "amount": 700_000_000},
                    ],
                },
            ],
            "consortium": [
                {
                    "agency": "JST",
                    "pi_user_id": str(panel.jp_pi.id),
                    "institution_ror": None,
                    "institution_name": None,
                    "members": [{"name": panel.jp_pi.display_name, "role": "pi", "orcid": None}],
                },
                {
                    "agency": "NAFOSTED",
                    "pi_user_id": str(panel.vn_pi.id),
                    "institution_ror": None,
                    "institution_name": None,
                    "members": [{"name": panel.vn_pi.display_name, "role": "pi", "orcid": None}],
                },
            ],
            "links": {
                "proposal": base,
                "documents": f"{base}/documents",
                "reviews": f"{base}/reviews",
                "decisions": f"{base}/decisions",
                "tranches": f"/api/grants/{grant_id}/tranches",
            },
        },
    )
    assert (jst_part.agency_id, vn_part.agency_id) == (panel.jst.id, panel.nafosted.id)


async def test_the_award_audits_the_grant_it_creates(client: Client, db: AsyncSession) -> None:
    panel = await make_deciding(db)
    grant_id = await award(client, db, panel, panel.proposals[0])

    events = (
        await client.get(
            "/api/audit/events?action=grant.create",
            headers=await bearer(db, await make_user(db, "auditor")),
        )
    ).json()["items"]

    assert [(e["entity_id"], e["changes"]) for e in events] == [
        (
            grant_id,
            {
                "proposal": str(panel.proposals[0].id),
                "state": [None, "active"],
                "start_date": "2027-04-01",
                "end_date": "2030-04-01",
                "sides": [
                    {
                        "agency": "JST",
                        "number": "JST-2027-0001",
                        "awarded": {"amount": 10_500_000, "currency": "JPY"},
                        "tranches": [
                            {"label": "FY2027", "due": "2027-04-01", "amount": 6_500_000},
                            {"label": "FY2028", "due": "2028-04-01", "amount": 4_000_000},
                            {"label": "FY2029", "due": "2029-04-01", "amount": 0},
                        ],
                    },
                    {
                        "agency": "NAFOSTED",
                        "number": "NAFOSTED-2027-0001",
                        "awarded": {"amount": 1_500_000_000, "currency": "VND"},
                        "tranches": [
                            {"label": "FY2027", "due": "2027-04-01", "amount": 600_000_002},
                            {"label": "FY2028", "due": "2028-01-01", "amount": 724_999_999},
                            {"label": "FY2029", "due": "2029-01-01", "amount": 174_999_999},
                            {"label": "FY2030", "due": "2030-01-01", "amount": 0},
                        ],
                    },
                ],
            },
        )
    ]


async def test_numbers_follow_each_agencys_pattern_and_fiscal_year(
    client: Client, db: AsyncSession
) -> None:
    # JST's fiscal year starts in April, NAFOSTED's in January: 31 March 2028 is in JST's
    # FY2027 and NAFOSTED's 2028.
    panel = await make_deciding(db, n_proposals=4)
    panel.jst.grant_number_pattern = "JPMJNX{yy}{seq:C2}"
    panel.nafosted.grant_number_pattern = "NDT.JP.{yyyy}.{seq:D2}"
    starts = [(2027, 4, 1), (2027, 10, 1), (2028, 3, 31), (2028, 4, 1)]
    for proposal, start in zip(panel.proposals, starts, strict=True):
        proposal.planned_start = datetime.date(*start)
    await db.flush()

    numbers = []
    for proposal in panel.proposals:
        grant_id = await award(client, db, panel, proposal)
        grant = (await client.get(f"/api/grants/{grant_id}", headers=panel.jst_headers)).json()
        numbers.append([side["number"] for side in grant["sides"]])

    assert numbers == [
        ["JPMJNX2701", "NDT.JP.2027.01"],
        ["JPMJNX2702", "NDT.JP.2027.02"],
        ["JPMJNX2703", "NDT.JP.2028.01"],
        ["JPMJNX2801", "NDT.JP.2028.02"],
    ]


async def test_a_grant_ends_its_duration_after_its_start_clamped_to_the_month(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]
    proposal.planned_start = datetime.date(2028, 2, 29)
    await db.flush()

    grant_id = await award(client, db, panel, proposal)

    grant = await db.get(Grant, grant_id)
    assert grant is not None
    assert (grant.start_date, grant.end_date) == (
        datetime.date(2028, 2, 29),
        datetime.date(2031, 2, 28),
    )


async def _personas(db: AsyncSession, panel: Panel) -> dict[str, dict[str, str]]:
    fwo = AgencyFactory(code="FWO", country="BE", currency="EUR")
    await persist(db, fwo)
    return {
        "jp_pi": await bearer(db, panel.jp_pi),
        "vn_pi": await bearer(db, panel.vn_pi),
        "researcher": await bearer(db, await make_user(db, "researcher")),
        "jst": panel.jst_headers,
        "nafosted": panel.nafosted_headers,
        "fwo": await bearer(db, await make_user(db, "officer", agency=fwo)),
        "auditor": await bearer(db, await make_user(db, "auditor")),
        "admin": await bearer(db, await make_user(db, "admin")),
    }


async def test_grants_are_seen_by_the_consortium_and_the_cofunding_officers(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    grant = await make_grant(db, panel, panel.proposals[0])
    personas = await _personas(db, panel)

    listed = {
        who: (await client.get("/api/grants", headers=h)).json()["total"]
        for who, h in personas.items()
    }
    shown = {
        who: (await client.get(f"/api/grants/{grant.id}", headers=h)).status_code
        for who, h in personas.items()
    }

    assert listed == {
        "jp_pi": 1,
        "vn_pi": 1,
        "researcher": 0,
        "jst": 1,
        "nafosted": 1,
        "fwo": 0,
        "auditor": 1,
        "admin": 1,
    }
    assert shown == {
        "jp_pi": 200,
        "vn_pi": 200,
        "researcher": 404,
        "jst": 200,
        "nafosted": 200,
        "fwo": 404,
        "auditor": 200,
        "admin": 200,
    }


async def test_grants_list_exact_queries_at_1_and_3(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    panel = await make_deciding(db, n_proposals=3)
    await make_grant(db, panel, panel.proposals[0])

    async def counted() -> tuple[int, int]:
        queries.count, queries.active = 0, True
        response = await client.get("/api/grants?limit=50", headers=panel.jst_headers)
        queries.active = False
        return queries.count, response.json()["total"]

    one = await counted()
    for proposal in panel.proposals[1:]:
        await make_grant(db, panel, proposal)
    three = await counted()

    n = queries_on(backend, 9)
    assert (one, three) == ((n, 1), (n, 3))


async def test_grants_list_items_and_state_filter(client: Client, db: AsyncSession) -> None:
    panel = await make_deciding(db, n_proposals=2)
    first = await make_grant(db, panel, panel.proposals[0])
    second = await make_grant(db, panel, panel.proposals[1], state="suspended")

    everything = (await client.get("/api/grants", headers=panel.jst_headers)).json()
    suspended = (await client.get("/api/grants?state=suspended", headers=panel.jst_headers)).json()

    assert [(g["id"], g["state"], g["reference"]) for g in everything["items"]] == [
        (str(second.id), "suspended", "JV-2026-0002"),
        (str(first.id), "active", "JV-2026-0001"),
    ]
    assert suspended["items"][0] | {"id": None, "proposal_id": None, "call_id": None} == {
        "id": None,
        "version": 1,
        "state": "suspended",
        "reference": "JV-2026-0002",
        "title": {"en": "Chiplet interconnects for edge-AI accelerators"},
        "call_id": None,
        "call_code": "JV-2026",
        "proposal_id": None,
        "start_date": "2027-04-01",
        "end_date": "2030-04-01",
        "duration_years": 3,
        "sides": [
            {
                "agency": "JST",
                "number": "JST-2027-0002",
                "awarded": {"amount": 10_500_000, "currency": "JPY"},
            },
            {
                "agency": "NAFOSTED",
                "number": "NAFOSTED-2027-0002",
                "awarded": {"amount": 1_500_000_000, "currency": "VND"},
            },
        ],
    }


async def _fire(client: Client, grant_id: Any, event: str, headers: dict[str, str], v: int) -> Any:
    return await client.post(
        f"/api/grants/{grant_id}/events/{event}", headers=headers, json={"version": v}
    )


async def test_officers_of_either_agency_suspend_and_resume_a_grant(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    grant = await make_grant(db, panel, panel.proposals[0])

    suspended = await _fire(client, grant.id, "suspend", panel.jst_headers, 1)
    resumed = await _fire(client, grant.id, "resume", panel.nafosted_headers, 2)
    options = await client.get(f"/api/grants/{grant.id}/transitions", headers=panel.jst_headers)

    assert [
        (r.status_code, r.json()["state"], r.json()["version"]) for r in (suspended, resumed)
    ] == [
        (200, "suspended", 2),
        (200, "active", 3),
    ]
    assert [(o["event"], o["allowed"]) for o in options.json()] == [
        ("suspend", True),
        ("complete", False),
        ("terminate", True),
    ]
    assert await audit_actions(db) == ["grant.suspend", "grant.resume"]


async def test_the_consortium_cannot_move_its_grant(client: Client, db: AsyncSession) -> None:
    panel = await make_deciding(db)
    grant = await make_grant(db, panel, panel.proposals[0])
    url = f"/api/grants/{grant.id}/events/terminate"

    response = await client.post(url, headers=await bearer(db, panel.jp_pi), json={"version": 1})

    assert problem(response) == {
        "type": "urn:cofund:problem:forbidden",
        "title": "Forbidden",
        "status": 403,
        "detail": "'terminate' requires one of the roles 'cofunding_officer'.",
        "instance": url,
        "code": "workflow.role_not_allowed",
        "params": {"event": "terminate", "roles": "'cofunding_officer'"},
        "reasons": [
            {
                "code": "workflow.role_not_allowed",
                "params": {"event": "terminate", "roles": "'cofunding_officer'"},
                "message": "'terminate' requires one of the roles 'cofunding_officer'.",
            }
        ],
    }
    assert await audit_actions(db) == []


async def test_an_exhausted_number_pattern_refuses_the_award_and_writes_nothing(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db, n_proposals=3)
    panel.jst.grant_number_pattern = "{agency}-{yyyy}-{seq:D1}"
    first, second, last = panel.proposals
    await make_grant(db, panel, first)
    second.number = 9  # its grant takes JST-2027-9, the pattern's last number
    await make_grant(db, panel, second)
    await decided(db, last, panel.nafosted, panel.nafosted_officer, NAFOSTED_REQUEST)
    url = f"/api/proposals/{last.id}/decisions"

    response = await client.post(
        url, headers=panel.jst_headers, json=approval_body(last, "JST", lines(JST_REQUEST, "JPY"))
    )

    assert problem(response) == {
        "type": "urn:cofund:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "JST's grant number pattern {agency}-{yyyy}-{seq:D1} has no number left "
        "after JST-2027-9.",
        "instance": url,
        "code": "grant.number.exhausted",
        "params": {
            "agency": "JST",
            "pattern": "{agency}-{yyyy}-{seq:D1}",
            "last": "JST-2027-9",
        },
    }
    state = await db.scalar(select(Proposal.state).where(Proposal.id == last.id))
    assert (state, await audit_actions(db)) == ("reviewed", [])
