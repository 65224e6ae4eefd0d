"""Invitations and answers: the officer invites (mailed through the outbox), the reviewer
accepts or declines with a reason, a refill fills a declined slot without moving the others;
nobody else reaches an assignment."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import OutboxMessage, ReviewAssignment
from tests.factories import (
    ConflictFactory,
    ReviewAssignmentFactory,
    bearer,
    make_user,
    persist,
)
from tests.factories_assignment import ReviewWorld, make_review_world, stored
from tests.support.reasons import reason

Client = httpx.AsyncClient
NOT_SCORED = reason(
    "assignment.guard.not_scored",
    "Criteria not scored: novelty, feasibility, and impact.",
    criteria=["novelty", "feasibility", "impact"],
)


async def assignment(
    db: AsyncSession, rw: ReviewWorld, proposal: int = 0, state: str = "proposed", **fields: Any
) -> ReviewAssignment:
    reviewer = fields.pop("reviewer", rw.jp[0])
    row = ReviewAssignmentFactory(
        proposal_id=rw.proposals[proposal].id,
        reviewer_id=reviewer.id,
        pool_agency_id=rw.world.jst.id,
        state=state,
        **fields,
    )
    await persist(db, row)
    return row


def fire(rw: ReviewWorld, row_id: object, event: str) -> str:
    return f"/api/assignments/{row_id}/events/{event}"


async def test_invite_moves_to_invited_and_queues_the_mail(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, review_deadline=None)
    row = await assignment(db, rw)
    headers = await bearer(db, rw.world.jst_officer)

    response = await client.post(fire(rw, row.id, "invite"), headers=headers, json={"version": 1})

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["version"]) == ("invited", 2)
    mails = list(await db.scalars(select(OutboxMessage)))
    assert [(m.recipient, m.subject, m.related_type, m.related_id) for m in mails] == [
        (
            rw.jp[0].email,
            "Invitation to review JV-2026-0001 (JV-2026)",
            "review_assignment",
            str(row.id),
        )
    ]
    assert mails[0].body.startswith(f"Dear {rw.jp[0].display_name},\n\nYou are invited to review")
    assert mails[0].sent_at is None


async def test_invite_refused_when_a_conflict_appeared(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    row = await assignment(db, rw)
    await persist(
        db,
        ConflictFactory(
            proposal_id=rw.proposals[0].id, reviewer_id=rw.jp[0].id, reason="Same institute."
        ),
    )
    headers = await bearer(db, rw.world.jst_officer)

    response = await client.post(fire(rw, row.id, "invite"), headers=headers, json={"version": 1})

    assert (response.status_code, response.json()["reasons"]) == (
        409,
        [
            reason(
                "conflict.declared",
                "Declared by the reviewer: Same institute.",
                reason="Same institute.",
            )
        ],
    )
    assert list(await db.scalars(select(OutboxMessage))) == []


async def test_reviewer_accepts_an_invitation(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    row = await assignment(db, rw, state="invited")
    headers = await bearer(db, rw.jp[0])

    options = await client.get(f"/api/assignments/{row.id}/transitions", headers=headers)
    response = await client.post(fire(rw, row.id, "accept"), headers=headers, json={"version": 1})

    assert [(o["event"], o["allowed"]) for o in options.json()] == [
        ("accept", True),
        ("decline", True),
    ]
    assert (response.status_code, response.json()["state"]) == (200, "accepted")


async def test_decline_needs_a_reason_and_stores_it(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    row = await assignment(db, rw, state="invited")
    headers = await bearer(db, rw.jp[0])

    bare = await client.post(fire(rw, row.id, "decline"), headers=headers, json={"version": 1})
    response = await client.post(
        fire(rw, row.id, "decline"),
        headers=headers,
        json={"version": 1, "data": {"reason": "On leave until March."}},
    )

    assert (bare.status_code, bare.json()["errors"]) == (
        422,
        [
            {
                "field": "data.reason",
                "reason": "This field is required.",
                "code": "validation.missing",
                "params": {},
            }
        ],
    )
    assert (response.status_code, response.json()["state"]) == (200, "declined")
    assert response.json()["decline_reason"] == "On leave until March."


async def test_officer_cannot_accept_for_the_reviewer(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    row = await assignment(db, rw, state="invited")
    headers = await bearer(db, rw.world.jst_officer)

    response = await client.post(fire(rw, row.id, "accept"), headers=headers, json={"version": 1})

    assert response.status_code == 403
    assert [r.state for r in await stored(db)] == ["invited"]


@dataclass
class Invited:
    """Both pools run and invited by their own agency's officer, with what the tests need
    taken before `stored` expires the world's objects."""

    rw: ReviewWorld
    jst_officer: dict[str, str]
    vn_officer: dict[str, str]
    jst_id: uuid.UUID
    decliner_id: uuid.UUID  # the JST chiplet expert
    decliner: dict[str, str]


async def invited_world(client: Client, db: AsyncSession) -> Invited:
    rw = await make_review_world(db, reviewers_per_proposal=1)
    w = Invited(
        rw,
        await bearer(db, rw.world.jst_officer),
        await bearer(db, rw.vn_officer),
        rw.world.jst.id,
        rw.jp[0].id,
        await bearer(db, rw.jp[0]),
    )
    for headers in (w.jst_officer, w.vn_officer):
        await client.post(f"{rw.call_path}/assignment/run", headers=headers)
    for row in await stored(db):  # each agency invites its own pool's reviewers
        own = w.jst_officer if row.pool_agency_id == w.jst_id else w.vn_officer
        await client.post(fire(rw, row.id, "invite"), headers=own, json={"version": 1})
    return w


async def decline(client: Client, db: AsyncSession, w: Invited) -> ReviewAssignment:
    """The JST chiplet expert declines their invitation; the row as it was before."""
    mine = next(r for r in await stored(db) if r.reviewer_id == w.decliner_id)
    reason = {"version": 2, "data": {"reason": "Too busy."}}
    await client.post(fire(w.rw, mine.id, "decline"), headers=w.decliner, json=reason)
    return mine


async def test_decline_then_refill_fills_the_slot_without_moving_others(
    client: Client, db: AsyncSession
) -> None:
    w = await invited_world(client, db)
    before = {(r.id, r.proposal_id, r.reviewer_id) for r in await stored(db)}
    mine = await decline(client, db, w)
    declined = (mine.id, mine.proposal_id, mine.reviewer_id)

    response = await client.post(f"{w.rw.call_path}/assignment/refill", headers=w.jst_officer)

    rows = await stored(db)
    report = response.json()
    assert (report["pool"], report["added"], report["removed"], report["feasible"]) == (
        "JST",
        1,
        0,
        True,
    )
    kept = {(r.id, r.proposal_id, r.reviewer_id) for r in rows if r.state != "proposed"}
    assert kept == before
    assert [r.state for r in rows if (r.id, r.proposal_id, r.reviewer_id) == declined] == [
        "declined"
    ]
    (new,) = [r for r in rows if r.state == "proposed"]
    assert (new.proposal_id, new.pool_agency_id, new.source) == (
        declined[1],
        w.jst_id,
        "solver",
    )
    assert new.reviewer_id != w.decliner_id


async def test_refill_by_the_other_agency_leaves_a_declined_slot_empty(
    client: Client, db: AsyncSession
) -> None:
    w = await invited_world(client, db)
    await decline(client, db, w)
    before = {(r.id, r.reviewer_id, r.state, r.affinity) for r in await stored(db)}

    response = await client.post(f"{w.rw.call_path}/assignment/refill", headers=w.vn_officer)

    report = response.json()
    # NAFOSTED's pool is full; JST's empty slot is JST's to fill.
    assert (report["pool"], report["added"], report["removed"], report["shortfalls"]) == (
        "NAFOSTED",
        0,
        0,
        [],
    )
    assert {r["pool"] for p in report["proposals"] for r in p["reviewers"]} == {"NAFOSTED"}
    assert {(r.id, r.reviewer_id, r.state, r.affinity) for r in await stored(db)} == before


async def test_reviewer_never_reaches_anothers_or_a_mere_proposal(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    theirs = await assignment(db, rw, state="invited", reviewer=rw.jp[1])
    proposed = await assignment(db, rw, proposal=1, state="proposed")
    headers = await bearer(db, rw.jp[0])

    answers = [
        await client.get(f"{rw.call_path}/assignments/{theirs.id}", headers=headers),
        await client.post(fire(rw, theirs.id, "accept"), headers=headers, json={"version": 1}),
        await client.get(f"{rw.call_path}/assignments/{proposed.id}", headers=headers),
        await client.get(f"{rw.call_path}/assignments", headers=headers),
    ]

    assert [(a.status_code, a.json()["title"]) for a in answers] == [(404, "Not found")] * 4


async def test_researchers_never_reach_assignment_endpoints(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    row = await assignment(db, rw, state="invited")
    headers = await bearer(db, rw.world.jp_pi)
    data = {
        "proposal_id": str(rw.proposals[0].id),
        "reviewer_id": str(rw.jp[1].id),
        "agency": "JST",
    }

    answers = [
        await client.get(f"{rw.call_path}/assignments", headers=headers),
        await client.post(f"{rw.call_path}/assignment/run", headers=headers),
        await client.post(f"{rw.call_path}/assignment/refill", headers=headers),
        await client.post(f"{rw.call_path}/assignments", headers=headers, json=data),
        await client.get(f"{rw.call_path}/assignments/{row.id}", headers=headers),
        await client.get(f"/api/assignments/{row.id}/transitions", headers=headers),
        await client.delete(f"{rw.call_path}/assignments/{row.id}", headers=headers),
    ]

    assert [a.status_code for a in answers] == [404] * 7
    assert [r.state for r in await stored(db)] == ["invited"]


async def test_auditor_reads_but_cannot_run(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    headers = await bearer(db, await make_user(db, "auditor"))

    listed = await client.get(f"{rw.call_path}/assignments", headers=headers)
    run = await client.post(f"{rw.call_path}/assignment/run", headers=headers)

    assert (listed.status_code, listed.json()["total"]) == (200, 0)
    assert (run.status_code, run.json()["detail"]) == (
        403,
        "Only officers of the call's co-funding agencies assign reviewers.",
    )


async def test_other_agency_officer_gets_404(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    headers = await bearer(db, await make_user(db, "officer", agency=rw.world.fwo))

    response = await client.post(f"{rw.call_path}/assignment/run", headers=headers)

    assert response.status_code == 404
    assert await stored(db) == []


async def test_submit_refused_until_every_criterion_is_scored(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    row = await assignment(db, rw, state="accepted")
    headers = await bearer(db, rw.jp[0])

    options = await client.get(f"/api/assignments/{row.id}/transitions", headers=headers)
    response = await client.post(fire(rw, row.id, "submit"), headers=headers, json={"version": 1})

    assert [(o["event"], o["allowed"], o["reasons"]) for o in options.json()] == [
        ("submit", False, [NOT_SCORED])
    ]
    assert (response.status_code, response.json()["reasons"]) == (
        409,
        [NOT_SCORED],
    )


async def test_reviewer_lists_own_invitations_only(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    invited = await assignment(db, rw, state="invited")
    await assignment(db, rw, proposal=1, state="proposed")
    await assignment(db, rw, state="invited", reviewer=rw.jp[1])
    headers = await bearer(db, rw.jp[0])

    response = await client.get("/api/me/review-assignments", headers=headers)

    body = response.json()
    assert (body["total"], [i["id"] for i in body["items"]]) == (1, [str(invited.id)])
    assert (body["items"][0]["call_id"], body["items"][0]["proposal_reference"]) == (
        str(rw.call_id),
        "JV-2026-0001",
    )
