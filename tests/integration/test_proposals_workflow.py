"""Submission with every guard, reference numbers, reopen, withdraw, eligibility, transitions
and the duplicate-funding flag."""

from __future__ import annotations

import datetime

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, Call, Proposal
from tests.factories import BudgetLineFactory, PartMemberFactory, bearer, make_proposal, make_user
from tests.factories_proposals import audit_count, make_world, ready_proposal
from tests.support.reasons import (
    FUTURE_CLOSES,
    FUTURE_CLOSES_EN,
    PAST_CLOSES,
    PAST_CLOSES_EN,
    PAST_OPENS,
    reason,
)

Client = httpx.AsyncClient
DEADLINE_PASSED = reason(
    "proposal.guard.deadline_passed",
    f"The deadline {PAST_CLOSES_EN} has passed.",
    deadline="2026-03-31T08:00:00Z",
)
MISSING_FIELD = {
    "field": "data.reason",
    "reason": "This field is required.",
    "code": "validation.missing",
    "params": {},
}


def _texts(response: httpx.Response) -> list[str]:
    """The refusal's reasons as English text: the submission checks' own codes are theirs."""
    return [r["message"] for r in response.json()["reasons"]]


def _past(days: int = 1) -> datetime.datetime:
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    return now - datetime.timedelta(days=days)


async def _fire(
    client: Client, headers: dict[str, str], proposal_id: object, event: str, **body: object
) -> httpx.Response:
    return await client.post(
        f"/api/proposals/{proposal_id}/events/{event}",
        headers=headers,
        json={"version": 1, **body},
    )


async def test_submit_assigns_reference_numbers_in_order(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    first = await ready_proposal(db, world)
    other_pi = await make_user(db, "researcher", country="JP")
    other_vn = await make_user(db, "researcher", country="VN")
    second = await ready_proposal(db, world, jp_pi=other_pi, vn_pi=other_vn)

    one = await _fire(client, await bearer(db, world.jp_pi), first.id, "submit")
    two = await _fire(client, await bearer(db, other_pi), second.id, "submit")

    assert (one.status_code, two.status_code) == (200, 200)
    assert [(r.json()["state"], r.json()["reference"]) for r in (one, two)] == [
        ("submitted", "JV-2026-0001"),
        ("submitted", "JV-2026-0002"),
    ]
    assert one.json()["submitted_at"] is not None
    events = list(
        await db.scalars(
            select(AuditEvent).where(AuditEvent.entity_id == str(first.id)).order_by(AuditEvent.seq)
        )
    )
    assert [(e.action, e.changes) for e in events] == [
        (
            "proposal.submit",
            {
                "state": ["draft", "submitted"],
                "data": {},
                "number": [None, 1],
                "reference": [None, "JV-2026-0001"],
            },
        )
    ]


async def test_submit_refused_with_every_reason_and_nothing_written(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db, opens_at=PAST_OPENS, closes_at=PAST_CLOSES)
    proposal = await make_proposal(
        db, world.call, {world.jst.id: world.jp_pi}, abstract={"ja": "概要"}
    )
    proposal.parts[0].budget.extend(
        [
            BudgetLineFactory(part_id=proposal.parts[0].id, year=2, amount=12_000_000),
            BudgetLineFactory(
                part_id=proposal.parts[0].id, year=2, category="indirect", amount=4_000_000
            ),
        ]
    )
    await db.flush()
    before = await audit_count(db)

    response = await _fire(client, await bearer(db, world.jp_pi), proposal.id, "submit")

    assert response.status_code == 409
    assert response.json()["reasons"][0] == DEADLINE_PASSED
    assert _texts(response)[1:] == [
        "The abstract has no English text.",
        "The JST part has no host institution (ROR id or name).",
        "The JST part's budget for year 2 is ¥16,000,000, over JST's cap of ¥10,000,000 per year.",
        "The JST part's indirect costs ¥4,000,000 are over the share of its direct costs "
        "¥12,000,000 that JST allows (30%).",
        "The NAFOSTED part has no PI.",
        "The NAFOSTED part has no host institution (ROR id or name).",
        "The NAFOSTED part has no budget.",
        "The required document 'Project description' (project_description) is missing.",
    ]
    assert await audit_count(db) == before
    call_id, proposal_id = world.call.id, proposal.id
    db.expire_all()
    call = await db.get(Call, call_id)
    row = await db.get(Proposal, proposal_id)
    assert call is not None
    assert row is not None
    assert (call.last_proposal_number, row.state, row.number, row.version) == (0, "draft", None, 1)


async def test_submit_refused_when_pi_already_pi_in_this_call(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    await ready_proposal(db, world, state="submitted", number=1, reference="JV-2026-0001")
    again = await ready_proposal(db, world)

    response = await _fire(client, await bearer(db, world.jp_pi), again.id, "submit")

    assert response.status_code == 409
    assert _texts(response) == [
        "jp.pi@example.jp is already PI of JV-2026-0001 in this call.",
        "vn.pi@example.vn is already PI of JV-2026-0001 in this call.",
    ]


async def test_total_cap_named(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal = await ready_proposal(db, world, duration_years=5)
    jst = proposal.parts[0]
    jst.budget.append(
        BudgetLineFactory(part_id=jst.id, year=1, amount=3_000_000, category="equipment")
    )
    jst.budget.extend(
        BudgetLineFactory(part_id=jst.id, year=y, amount=9_500_000) for y in (2, 3, 4, 5)
    )
    await db.flush()

    response = await _fire(client, await bearer(db, world.jp_pi), proposal.id, "submit")

    assert response.status_code == 409
    assert _texts(response) == [
        "The JST part's total budget ¥47,500,000 is over JST's cap of ¥45,000,000 per project."
    ]


async def test_coapplicant_cannot_submit(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal = await ready_proposal(db, world)
    co_i = await make_user(db, "researcher", email="co@example.jp")
    proposal.parts[0].members.append(
        PartMemberFactory(user_id=co_i.id, role="co_investigator", email=co_i.email)
    )
    await db.flush()

    response = await _fire(client, await bearer(db, co_i), proposal.id, "submit")

    assert response.status_code == 403


async def test_reopen_keeps_reference_and_resubmit_reuses_it(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await ready_proposal(db, world)
    headers = await bearer(db, world.jp_pi)

    submitted = await _fire(client, headers, proposal.id, "submit")
    reopened = await client.post(
        f"/api/proposals/{proposal.id}/events/reopen", headers=headers, json={"version": 2}
    )
    again = await client.post(
        f"/api/proposals/{proposal.id}/events/submit", headers=headers, json={"version": 3}
    )

    assert [r.json()["state"] for r in (submitted, reopened, again)] == [
        "submitted",
        "draft",
        "submitted",
    ]
    assert {r.json()["reference"] for r in (submitted, reopened, again)} == {"JV-2026-0001"}


async def test_reopen_after_deadline_refused(client: Client, db: AsyncSession) -> None:
    world = await make_world(db, opens_at=PAST_OPENS, closes_at=PAST_CLOSES)
    proposal = await ready_proposal(db, world, state="submitted", number=1, reference="X-1")

    response = await _fire(client, await bearer(db, world.jp_pi), proposal.id, "reopen")

    assert response.status_code == 409
    assert response.json()["reasons"] == [DEADLINE_PASSED]


async def test_withdraw_by_pi(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal = await ready_proposal(db, world, state="submitted", number=1, reference="X-1")

    response = await _fire(client, await bearer(db, world.vn_pi), proposal.id, "withdraw")

    assert (response.status_code, response.json()["state"]) == (200, "withdrawn")


async def test_eligibility_by_cofunding_officer_with_reason(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db, closes_at=_past())
    proposal = await ready_proposal(db, world, state="submitted", number=1, reference="X-1")
    headers = await bearer(db, world.jst_officer)
    fwo_officer = await make_user(db, "officer", agency=world.fwo)

    no_reason = await _fire(client, headers, proposal.id, "declare_ineligible")
    outsider = await _fire(client, await bearer(db, fwo_officer), proposal.id, "declare_eligible")
    pi = await _fire(client, await bearer(db, world.jp_pi), proposal.id, "declare_eligible")
    done = await _fire(
        client, headers, proposal.id, "declare_ineligible", data={"reason": "Budget in USD."}
    )

    assert no_reason.status_code == 422
    assert no_reason.json()["errors"] == [MISSING_FIELD]
    assert (outsider.status_code, pi.status_code) == (404, 403)
    assert (done.json()["state"], done.json()["eligibility_reason"]) == (
        "ineligible",
        "Budget in USD.",
    )


async def test_eligibility_needs_every_agency_key_for_its_own_part(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db, closes_at=_past())
    proposal = await ready_proposal(db, world, state="submitted", number=1, reference="X-1")
    vn_officer = await make_user(db, "officer", agency=world.nafosted, email="o@naf.example")
    jst, nafosted = await bearer(db, world.jst_officer), await bearer(db, vn_officer)

    first = await _fire(client, jst, proposal.id, "declare_eligible")
    again = await _fire(client, jst, proposal.id, "declare_ineligible", data={"reason": "No."})
    second = await _fire(
        client, nafosted, proposal.id, "declare_eligible", data={"reason": "Team complete."}
    )

    assert (first.json()["state"], first.json()["version"]) == ("submitted", 1)
    assert (again.status_code, again.json()["reasons"]) == (
        409,
        [
            reason(
                "proposal.guard.already_assessed",
                "Your agency has decided on this proposal's eligibility already.",
            )
        ],
    )
    assert (second.json()["state"], second.json()["version"]) == ("eligible", 2)
    events = await db.scalars(
        select(AuditEvent).where(AuditEvent.entity_id == str(proposal.id)).order_by(AuditEvent.seq)
    )
    assert [(e.action, e.actor_label, e.changes.get("agency")) for e in events] == [
        ("approval.eligibility", "officer@jst.example", "JST"),
        ("proposal.declare_eligible", "officer@jst.example", "JST"),
        ("approval.eligibility", "o@naf.example", "NAFOSTED"),
        ("proposal.declare_eligible", "o@naf.example", "NAFOSTED"),
        ("proposal.admit", "o@naf.example", None),
    ]


async def test_one_agency_finding_its_part_ineligible_refuses_the_proposal(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db, closes_at=_past())
    proposal = await ready_proposal(db, world, state="submitted", number=1, reference="X-1")
    vn_officer = await make_user(db, "officer", agency=world.nafosted, email="o@naf.example")
    jst, nafosted = await bearer(db, world.jst_officer), await bearer(db, vn_officer)
    await _fire(client, jst, proposal.id, "declare_eligible")

    refused = await _fire(
        client, nafosted, proposal.id, "declare_ineligible", data={"reason": "PI not eligible."}
    )
    options = await client.get(f"/api/proposals/{proposal.id}/transitions", headers=jst)

    assert (refused.json()["state"], refused.json()["eligibility_reason"]) == (
        "ineligible",
        "PI not eligible.",
    )
    assert options.json() == []


async def test_eligibility_before_deadline_refused(client: Client, db: AsyncSession) -> None:
    world = await make_world(db, closes_at=FUTURE_CLOSES)
    proposal = await ready_proposal(db, world, state="submitted", number=1, reference="X-1")

    response = await _fire(
        client, await bearer(db, world.jst_officer), proposal.id, "declare_eligible"
    )

    assert response.status_code == 409
    assert response.json()["reasons"] == [
        reason(
            "proposal.guard.before_deadline",
            f"Eligibility is decided after the deadline {FUTURE_CLOSES_EN}.",
            deadline="2099-03-31T08:00:00Z",
        )
    ]


async def test_transitions_show_submit_reasons_to_pi(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})

    response = await client.get(
        f"/api/proposals/{proposal.id}/transitions", headers=await bearer(db, world.jp_pi)
    )

    assert response.status_code == 200
    by_event = {o["event"]: o for o in response.json()}
    assert sorted(by_event) == ["submit", "withdraw"]
    assert by_event["submit"]["allowed"] is False
    assert "The NAFOSTED part has no PI." in [r["message"] for r in by_event["submit"]["reasons"]]
    assert by_event["withdraw"]["allowed"] is True


async def test_duplicate_funding_flag_for_officers_only(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal = await ready_proposal(
        db, world, state="submitted", number=2, reference="JV-2026-0002"
    )
    other_call_pi = await make_user(db, "researcher", country="VN")
    elsewhere = await make_proposal(
        db,
        world.call,
        {world.jst.id: world.jp_pi, world.nafosted.id: other_call_pi},
        planned_start=datetime.date(2029, 1, 1),
        state="eligible",
        number=1,
        reference="JV-2026-0001",
    )
    elsewhere.parts[1].members.append(
        PartMemberFactory(email="VN.PI@example.vn", name="Same person, other spelling")
    )
    proposal.parts[0].members.append(
        PartMemberFactory(email="a@example.jp", orcid="0000-0002-1825-0097")
    )
    elsewhere.parts[0].members.append(
        PartMemberFactory(email="a@other.example", orcid="0000-0002-1825-0097")
    )
    await make_proposal(
        db,
        world.call,
        {world.jst.id: world.jp_pi},
        planned_start=datetime.date(2029, 1, 1),
        state="withdrawn",
    )
    await db.flush()
    url = f"/api/proposals/{proposal.id}"

    officer_view = await client.get(url, headers=await bearer(db, world.jst_officer))
    pi_view = await client.get(url, headers=await bearer(db, world.jp_pi))

    assert officer_view.json()["duplicate_funding"] == [
        {
            "person": "a@example.jp",
            "other_proposal": "JV-2026-0001",
            "overlap_years": [2029, 2030],
        },
        {
            "person": "jp.pi@example.jp",
            "other_proposal": "JV-2026-0001",
            "overlap_years": [2029, 2030],
        },
        {
            "person": "vn.pi@example.vn",
            "other_proposal": "JV-2026-0001",
            "overlap_years": [2029, 2030],
        },
    ]
    assert pi_view.json()["duplicate_funding"] is None
