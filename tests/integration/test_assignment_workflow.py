"""Invitations and answers: the officer invites (mailed through the outbox), the reviewer
accepts or declines with a reason, a refill fills a declined slot without moving the others;
nobody else reaches an assignment."""

from __future__ import annotations

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

Client = httpx.AsyncClient


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

    assert (response.status_code, response.json()["reasons"]) == (409, ["Same institute."])
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
        [{"field": "data.reason", "reason": "Field required"}],
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


async def test_decline_then_refill_fills_the_slot_without_moving_others(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, reviewers_per_proposal=1)
    officer = await bearer(db, rw.world.jst_officer)
    declining, jst_id = rw.jp[0].id, rw.world.jst.id
    declining_headers = await bearer(db, rw.jp[0])
    vn_officer = await bearer(db, rw.vn_officer)
    await client.post(f"{rw.call_path}/assignment/run", headers=officer)
    for row in await stored(db):  # each agency invites its own pool's reviewers
        own = officer if row.pool_agency_id == jst_id else vn_officer
        await client.post(fire(rw, row.id, "invite"), headers=own, json={"version": 1})
    before = {(r.id, r.proposal_id, r.reviewer_id) for r in await stored(db)}
    mine = next(r for r in await stored(db) if r.reviewer_id == declining)
    reason = {"version": 2, "data": {"reason": "Too busy."}}
    await client.post(fire(rw, mine.id, "decline"), headers=declining_headers, json=reason)

    report = (await client.post(f"{rw.call_path}/assignment/refill", headers=officer)).json()

    rows = await stored(db)
    assert (report["added"], report["removed"], report["feasible"]) == (1, 0, True)
    kept = {(r.id, r.proposal_id, r.reviewer_id) for r in rows if r.state != "proposed"}
    assert kept == before
    (new,) = [r for r in rows if r.state == "proposed"]
    assert (new.proposal_id, new.pool_agency_id, new.source) == (
        mine.proposal_id,
        jst_id,
        "solver",
    )
    assert new.reviewer_id != declining


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
        ("submit", False, ["Criteria not scored: novelty, feasibility, impact."])
    ]
    assert (response.status_code, response.json()["reasons"]) == (
        409,
        ["Criteria not scored: novelty, feasibility, impact."],
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
