"""Funding decisions through `POST /api/proposals/{id}/decisions`: each agency's key on its own
side, the approved budget checked line by line against the request and the caps, the envelope,
one decision per agency, sovereignty, and what each reader sees. Exact bodies; a refusal writes
nothing (no key, no audit event)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Approval, ApprovedBudgetLine, AuditEvent, Proposal
from tests.factories import AgencyFactory, bearer, make_user, persist
from tests.factories_awards import (
    JST_REQUEST,
    NAFOSTED_REQUEST,
    approval_body,
    audit_actions,
    audit_total,
    decided,
    lines,
    make_deciding,
    rejection_body,
)
from tests.factories_guards import approve
from tests.factories_scoring import Panel, assign, reviewer_with_headers
from tests.support.problems import problem

Client = httpx.AsyncClient
CUT = [
    {"year": 1, "category": "personnel", "amount": 5_000_000, "currency": "JPY"},
    {"year": 2, "category": "personnel", "amount": 3_000_000, "currency": "JPY"},
]


def url(proposal: Proposal) -> str:
    return f"/api/proposals/{proposal.id}/decisions"


def money(amount: int, currency: str = "JPY") -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


async def keys(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(Approval)) or 0)


async def test_approve_with_a_cut_records_the_agencys_key_only(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]

    response = await client.post(
        url(proposal), headers=panel.jst_headers, json=approval_body(proposal, "JST", CUT)
    )

    assert response.status_code == 201
    body = response.json()
    assert body == {
        "decision": {
            "id": body["decision"]["id"],
            "agency": "JST",
            "decision": "approve",
            "rationale": "Strong joint plan; fund as ranked.",
            "budget": [
                {"year": 1, "category": "personnel", "amount": 5_000_000},
                {"year": 2, "category": "personnel", "amount": 3_000_000},
            ],
            "total": money(8_000_000),
            "decided_by": {
                "id": str(panel.jst_officer.id),
                "display_name": panel.jst_officer.display_name,
            },
            "decided_at": body["decision"]["decided_at"],
        },
        "proposal_state": "reviewed",
        "proposal_version": 1,
        "grant_id": None,
    }
    event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "proposal.decide"))
    assert event is not None
    assert (event.entity_id, event.changes) == (
        str(proposal.id),
        {
            "state": ["reviewed", "reviewed"],
            "data": {
                "decision": "approve",
                "rationale": "Strong joint plan; fund as ranked.",
                "budget": CUT,
            },
            "agency": "JST",
            "decision_id": body["decision"]["id"],
            "approved_total": money(8_000_000),
        },
    )
    assert await audit_actions(db) == ["proposal.decide"]


async def test_approve_above_the_request_names_every_line(client: Client, db: AsyncSession) -> None:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]
    budget = [
        {"year": 1, "category": "personnel", "amount": 5_000_001, "currency": "JPY"},
        {"year": 2, "category": "equipment", "amount": 100, "currency": "JPY"},
        {"year": 4, "category": "travel", "amount": 0, "currency": "JPY"},
        {"year": 1, "category": "personnel", "amount": 1, "currency": "VND"},
    ]

    response = await client.post(
        url(proposal), headers=panel.jst_headers, json=approval_body(proposal, "JST", budget)
    )

    assert problem(response) == {
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "The approved budget goes beyond what was requested or the call's caps.",
        "instance": url(proposal),
        "code": "decision.budget.refused",
        "params": {},
        "errors": [
            {
                "field": "budget[0].amount",
                "reason": "¥5,000,001 is more than the ¥5,000,000 requested for year 1, personnel.",
                "code": "decision.budget.over_request",
                "params": {
                    "approved": money(5_000_001),
                    "requested": money(5_000_000),
                    "year": 1,
                    "category": "personnel",
                },
            },
            {
                "field": "budget[1].amount",
                "reason": "¥100 is more than the ¥0 requested for year 2, equipment.",
                "code": "decision.budget.over_request",
                "params": {
                    "approved": money(100),
                    "requested": money(0),
                    "year": 2,
                    "category": "equipment",
                },
            },
            {
                "field": "budget[2].year",
                "reason": "The project lasts 3 years; there is no year 4.",
                "code": "decision.budget.year_beyond_duration",
                "params": {"duration": 3, "year": 4},
            },
            {
                "field": "budget[3].currency",
                "reason": "JST funds its side in JPY.",
                "code": "decision.budget.wrong_currency",
                "params": {"agency": "JST", "currency": "JPY"},
            },
            {
                "field": "budget[3]",
                "reason": "Year 1, personnel is listed more than once.",
                "code": "decision.budget.line_twice",
                "params": {"year": 1, "category": "personnel"},
            },
        ],
    }
    assert (await keys(db), await audit_total(db)) == (0, 0)


async def test_approve_above_the_caps_names_each_year_and_the_total(
    client: Client, db: AsyncSession
) -> None:
    # Requests are checked against the caps at submission; a call arranged with lower caps
    # than its proposals' requests stands for any approval that would break them.
    panel = await make_deciding(db)
    terms = panel.call.agencies[0]
    terms.cap_per_year, terms.cap_total = 6_000_000, 9_000_000
    await db.flush()
    proposal = panel.proposals[0]

    response = await client.post(
        url(proposal),
        headers=panel.jst_headers,
        json=approval_body(proposal, "JST", lines(JST_REQUEST, "JPY")),
    )

    assert problem(response)["errors"] == [
        {
            "field": "budget",
            "reason": "The approved budget for year 1 totals ¥6,500,000, over JST's cap of "
            "¥6,000,000 per year.",
            "code": "decision.budget.over_year_cap",
            "params": {
                "year": 1,
                "total": money(6_500_000),
                "agency": "JST",
                "cap": money(6_000_000),
            },
        },
        {
            "field": "budget",
            "reason": "The approved budget totals ¥10,500,000, over JST's cap of ¥9,000,000 "
            "per project.",
            "code": "decision.budget.over_total_cap",
            "params": {"total": money(10_500_000), "agency": "JST", "cap": money(9_000_000)},
        },
    ]
    assert (response.status_code, await keys(db), await audit_total(db)) == (422, 0, 0)


async def test_amounts_are_json_integers_only(client: Client, db: AsyncSession) -> None:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]
    budget = [
        {"year": 1, "category": "personnel", "amount": True, "currency": "JPY"},
        {"year": 2, "category": "personnel", "amount": 1.5, "currency": "JPY"},
    ]

    response = await client.post(
        url(proposal), headers=panel.jst_headers, json=approval_body(proposal, "JST", budget)
    )

    assert [(e["field"], e["reason"], e["code"]) for e in problem(response)["errors"]] == [
        ("budget[0].amount", "Give a whole number.", "validation.int_type"),
        ("budget[1].amount", "Give a whole number.", "validation.int_type"),
    ]
    assert (response.status_code, await keys(db)) == (422, 0)


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"rationale": " "}, "rationale", "Give at least 1 characters."),
        ({"budget": []}, "budget", "An approval states the approved budget, line by line."),
        ({"decision": "reject"}, "budget", "A rejection has no budget."),
        (
            {"agency": "FWO"},
            "agency",
            "FWO does not co-fund this call; its co-funders are JST and NAFOSTED.",
        ),
    ],
)
async def test_a_decision_needs_its_rationale_budget_and_a_cofunding_agency(
    client: Client, db: AsyncSession, change: dict[str, Any], field: str, reason: str
) -> None:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]
    body = approval_body(proposal, "JST", CUT) | change

    response = await client.post(url(proposal), headers=panel.jst_headers, json=body)

    assert [(e["field"], e["reason"]) for e in problem(response)["errors"]] == [(field, reason)]
    assert (response.status_code, await keys(db), await audit_total(db)) == (422, 0, 0)


async def test_a_second_decision_of_the_same_agency_conflicts(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]
    await decided(db, proposal, panel.jst, panel.jst_officer, JST_REQUEST)

    response = await client.post(
        url(proposal), headers=panel.jst_headers, json=rejection_body(proposal, "JST")
    )

    assert problem(response) == {
        "type": "urn:cofund:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "The event is refused.",
        "instance": url(proposal),
        "code": "workflow.refused",
        "params": {},
        "reasons": [
            {
                "code": "proposal.decision.already_recorded",
                "params": {},
                "message": "Your agency has recorded its decision already.",
            }
        ],
    }
    assert (await keys(db), await audit_total(db)) == (1, 0)


async def test_the_database_holds_one_decision_per_agency(db: AsyncSession) -> None:
    panel = await make_deciding(db)
    subject = ("proposal", panel.proposals[0].id, "funding", 0)
    await approve(db, subject, panel.jst, panel.jst_officer)

    with pytest.raises(IntegrityError):
        async with db.begin_nested():
            await approve(db, subject, panel.jst, panel.jst_officer, decision="reject")


async def test_a_rejection_by_one_agency_rejects_the_proposal(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]
    await decided(db, proposal, panel.jst, panel.jst_officer, JST_REQUEST)

    response = await client.post(
        url(proposal), headers=panel.nafosted_headers, json=rejection_body(proposal, "NAFOSTED")
    )

    body = response.json()
    assert (response.status_code, body["proposal_state"], body["grant_id"]) == (
        201,
        "rejected",
        None,
    )
    assert body["decision"] | {"id": None, "decided_at": None} == {
        "id": None,
        "agency": "NAFOSTED",
        "decision": "reject",
        "rationale": "Below the funding line of our ranking.",
        "budget": [],
        "total": None,
        "decided_by": {
            "id": str(panel.nafosted_officer.id),
            "display_name": panel.nafosted_officer.display_name,
        },
        "decided_at": None,
    }
    assert await audit_actions(db) == ["proposal.decide", "proposal.reject"]


async def test_both_approvals_award_the_proposal_and_create_its_grant(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    panel.jst.grant_number_pattern = "JPMJNX{yy}{seq:C2}"
    await db.flush()
    proposal = panel.proposals[0]
    first = await client.post(
        url(proposal), headers=panel.jst_headers, json=approval_body(proposal, "JST", CUT)
    )

    response = await client.post(
        url(proposal),
        headers=panel.nafosted_headers,
        json=approval_body(proposal, "NAFOSTED", lines(NAFOSTED_REQUEST, "VND")),
    )

    body = response.json()
    assert (first.status_code, response.status_code) == (201, 201)
    assert (body["proposal_state"], body["proposal_version"]) == ("awarded", 2)
    grant = (await client.get(f"/api/grants/{body['grant_id']}", headers=panel.jst_headers)).json()
    assert [(s["agency"], s["number"], s["awarded"]) for s in grant["sides"]] == [
        ("JST", "JPMJNX2701", money(8_000_000)),
        ("NAFOSTED", "NAFOSTED-2027-0001", money(1_500_000_000, "VND")),
    ]
    assert (grant["state"], grant["start_date"], grant["end_date"]) == (
        "active",
        "2027-04-01",
        "2030-04-01",
    )
    assert await audit_actions(db) == [
        "proposal.decide",
        "proposal.decide",
        "grant.create",
        "proposal.award",
    ]


async def test_another_agencys_officer_cannot_decide_its_side(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]

    response = await client.post(
        url(proposal), headers=panel.nafosted_headers, json=approval_body(proposal, "JST", CUT)
    )

    assert problem(response) == {
        "type": "urn:cofund:problem:forbidden",
        "title": "Forbidden",
        "status": 403,
        "detail": "Only JST's officers record JST's decision: each agency decides on its own side.",
        "instance": url(proposal),
        "code": "policy.decision.own_side_only",
        "params": {"agency": "JST"},
    }
    assert (await keys(db), await audit_total(db)) == (0, 0)


@pytest.mark.parametrize("who", ["researcher", "auditor", "admin"])
async def test_only_officers_decide(client: Client, db: AsyncSession, who: str) -> None:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]
    user = panel.jp_pi if who == "researcher" else await make_user(db, who)

    response = await client.post(
        url(proposal), headers=await bearer(db, user), json=rejection_body(proposal, "JST")
    )

    assert problem(response) == {
        "type": "urn:cofund:problem:forbidden",
        "title": "Forbidden",
        "status": 403,
        "detail": "Only officers of the call's co-funding agencies record funding decisions.",
        "instance": url(proposal),
        "code": "policy.decision.officers_only",
        "params": {},
    }
    assert (await keys(db), await audit_total(db)) == (0, 0)


async def test_decisions_wait_for_the_call_to_decide(client: Client, db: AsyncSession) -> None:
    panel = await make_deciding(db)
    panel.call.state = "ranking"
    await db.flush()
    proposal = panel.proposals[0]

    response = await client.post(
        url(proposal), headers=panel.jst_headers, json=approval_body(proposal, "JST", CUT)
    )

    assert [r["message"] for r in problem(response)["reasons"]] == [
        "The call is ranking, not deciding."
    ]
    assert (response.status_code, await keys(db), await audit_total(db)) == (409, 0, 0)


async def test_the_envelope_refuses_an_approval_beyond_what_remains(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db, n_proposals=3)
    panel.call.agencies[0].envelope = 20_000_000
    await db.flush()
    first, rejected, last = panel.proposals
    await decided(db, first, panel.jst, panel.jst_officer, JST_REQUEST)
    # A rejected proposal's approval commits nothing.
    await decided(db, rejected, panel.jst, panel.jst_officer, JST_REQUEST)
    rejected.state = "rejected"
    await db.flush()
    body = approval_body(last, "JST", lines(JST_REQUEST, "JPY"))

    too_much = await client.post(url(last), headers=panel.jst_headers, json=body)
    fits = await client.post(url(last), headers=panel.jst_headers, json=body | {"budget": CUT})

    assert problem(too_much) == {
        "type": "urn:cofund:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "The approval does not fit in JST's envelope for this call.",
        "instance": url(last),
        "code": "decision.envelope.detail",
        "params": {"agency": "JST"},
        "reasons": [
            {
                "code": "decision.envelope.exceeded",
                "params": {
                    "total": money(10_500_000),
                    "agency": "JST",
                    "envelope": money(20_000_000),
                    "remaining": money(9_500_000),
                },
                "message": "Approving ¥10,500,000 would take JST past its envelope of "
                "¥20,000,000: ¥9,500,000 remain uncommitted.",
            }
        ],
    }
    assert (fits.status_code, fits.json()["decision"]["total"]) == (201, money(8_000_000))
    assert await audit_actions(db) == ["proposal.decide"]


async def _reads(client: Client, proposal: Proposal, headers: dict[str, str]) -> Any:
    response = await client.get(url(proposal), headers=headers)
    if response.status_code != 200:
        return response.status_code
    return [(d["agency"], d["decided_by"] is not None) for d in response.json()["items"]]


async def _readers(db: AsyncSession, panel: Panel) -> dict[str, dict[str, str]]:
    reviewer, reviewer_headers = await reviewer_with_headers(db, panel.jst)
    await assign(db, panel.proposals[0], reviewer, panel.jst, state="submitted")
    fwo = AgencyFactory(code="FWO", country="BE", currency="EUR")
    await persist(db, fwo)
    return {
        "jst": panel.jst_headers,
        "nafosted": panel.nafosted_headers,
        "pi": await bearer(db, panel.jp_pi),
        "auditor": await bearer(db, await make_user(db, "auditor")),
        "reviewer": reviewer_headers,
        "fwo": await bearer(db, await make_user(db, "officer", agency=fwo)),
    }


async def test_each_agency_reads_the_others_decision_only_once_settled(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]
    readers = await _readers(db, panel)
    await client.post(
        url(proposal), headers=panel.jst_headers, json=approval_body(proposal, "JST", CUT)
    )

    pending = {who: await _reads(client, proposal, h) for who, h in readers.items()}
    await client.post(
        url(proposal),
        headers=panel.nafosted_headers,
        json=approval_body(proposal, "NAFOSTED", lines(NAFOSTED_REQUEST, "VND")),
    )
    settled = {who: await _reads(client, proposal, h) for who, h in readers.items()}

    assert pending == {
        "jst": [("JST", True)],
        "nafosted": [],
        "pi": [],
        "auditor": [("JST", True)],
        "reviewer": 403,
        "fwo": 404,
    }
    assert settled == {
        "jst": [("JST", True), ("NAFOSTED", True)],
        "nafosted": [("JST", True), ("NAFOSTED", True)],
        "pi": [("JST", False), ("NAFOSTED", False)],
        "auditor": [("JST", True), ("NAFOSTED", True)],
        "reviewer": 403,
        "fwo": 404,
    }


async def test_the_generic_event_names_fields_under_data(client: Client, db: AsyncSession) -> None:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]
    data = {
        "decision": "approve",
        "rationale": "Fund.",
        "budget": [{"year": 1, "category": "travel", "amount": 1, "currency": "JPY"}],
    }

    response = await client.post(
        f"/api/proposals/{proposal.id}/events/decide",
        headers=panel.jst_headers,
        json={"version": 1, "data": data},
    )

    assert [e["field"] for e in problem(response)["errors"]] == ["data.budget[0].amount"]
    assert (response.status_code, await keys(db)) == (422, 0)


async def test_a_decision_writes_its_lines_in_minor_units(client: Client, db: AsyncSession) -> None:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]

    await client.post(
        url(proposal),
        headers=panel.nafosted_headers,
        json=approval_body(proposal, "NAFOSTED", lines(NAFOSTED_REQUEST, "VND")),
    )

    stored = await db.execute(
        select(
            ApprovedBudgetLine.year, ApprovedBudgetLine.amount, ApprovedBudgetLine.currency
        ).order_by(ApprovedBudgetLine.year)
    )
    assert list(stored.tuples()) == [(1, 800_000_000, "VND"), (2, 700_000_000, "VND")]
