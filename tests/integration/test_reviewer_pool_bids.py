"""Serving on a call, bidding lists and bids: a conflicted pair is never listed nor bid on."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Bid, CallReviewer, Conflict
from grants.reviews.pool.matching import SAME_ROR
from grants.reviews.pool.reasons import stored
from tests.conftest import QueryCounter
from tests.factories import CallReviewerFactory, ConflictFactory, bearer, persist
from tests.factories_proposals import audit_count
from tests.factories_reviews_pool import (
    make_review_world,
    pool_reviewer,
    serving_reviewer,
    submitted_proposal,
)
from tests.support.queries import queries_on

Client = httpx.AsyncClient
TOKYO = "057zh3y96"


async def test_invite_accept_decline_and_my_calls(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    w = rw.world
    reviewer = await pool_reviewer(db, w.jst)
    officer = await bearer(db, w.jst_officer)
    mine = await bearer(db, reviewer)
    base = f"/api/calls/{w.call.id}"

    invited = await client.post(
        f"{base}/reviewers", headers=officer, json={"reviewer": str(reviewer.id), "agency": "JST"}
    )
    twice = await client.post(
        f"{base}/reviewers", headers=officer, json={"reviewer": str(reviewer.id), "agency": "JST"}
    )
    service = f"/api/call-reviewers/{invited.json()['id']}/events"
    officer_accepts = await client.post(f"{service}/accept", headers=officer, json={"version": 1})
    accepted = await client.post(f"{service}/accept", headers=mine, json={"version": 1})
    listed = await client.get("/api/me/review-calls", headers=mine)
    bare = await client.post(f"{service}/decline", headers=mine, json={"version": 2})
    declined = await client.post(
        f"{service}/decline",
        headers=mine,
        json={"version": 2, "data": {"reason": "On sabbatical."}},
    )
    again = await client.post(f"{service}/accept", headers=mine, json={"version": 3})
    on_call = await client.get(f"{base}/reviewers?state=declined", headers=officer)

    assert invited.status_code == 201
    assert (invited.json()["state"], invited.json()["agency_code"]) == ("invited", "JST")
    assert (twice.status_code, twice.json()["code"], twice.json()["detail"]) == (
        409,
        "pool.invite.already_asked",
        "This reviewer was already asked to serve on this call.",
    )
    assert (officer_accepts.status_code, officer_accepts.json()["detail"]) == (
        403,
        "'accept' requires one of the roles 'invited_reviewer'.",
    )
    assert (accepted.json()["state"], accepted.json()["version"]) == ("accepted", 2)
    # The event body's own validation is the workflow's (its messages are tested there).
    assert (bare.status_code, [e["field"] for e in bare.json()["errors"]]) == (
        422,
        ["data.reason"],
    )
    assert [(c["call_code"], c["state"]) for c in listed.json()] == [("JV-2026", "accepted")]
    assert (declined.json()["state"], declined.json()["decline_reason"]) == (
        "declined",
        "On sabbatical.",
    )
    assert [(r["reviewer_id"], r["state"]) for r in on_call.json()["items"]] == [
        (str(reviewer.id), "declined")
    ]
    assert (again.status_code, again.json()["detail"]) == (
        409,
        "'accept' is not possible in state 'declined'; it is allowed from 'invited'.",
    )


async def test_invite_refuses_reviewer_outside_the_pool(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    reviewer = await pool_reviewer(db, rw.world.nafosted, country="VN")
    officer = await bearer(db, rw.world.jst_officer)
    url = f"/api/calls/{rw.world.call.id}/reviewers"

    wrong_pool = await client.post(
        url, headers=officer, json={"reviewer": str(reviewer.id), "agency": "JST"}
    )
    not_cofunder = await client.post(
        url, headers=officer, json={"reviewer": str(reviewer.id), "agency": "FWO"}
    )

    assert (wrong_pool.json()["detail"], wrong_pool.json()["errors"]) == (
        "Not in that pool.",
        [
            {
                "field": "reviewer",
                "reason": "not a reviewer of the JST pool",
                "code": "pool.invite.not_pool_reviewer",
                "params": {"agency": "JST"},
            }
        ],
    )
    assert (not_cofunder.json()["detail"], not_cofunder.json()["errors"]) == (
        "Unknown pool.",
        [
            {
                "field": "agency",
                "reason": "not a co-funding agency of this call",
                "code": "pool.invite.not_cofunder",
                "params": {},
            }
        ],
    )
    assert await db.scalar(select(CallReviewer.id)) is None


async def test_biddable_lists_no_conflicted_pair_and_no_consortium(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    w = rw.world
    second = await submitted_proposal(db, w, number=2)
    third = await submitted_proposal(db, w, number=3)
    reviewer = await serving_reviewer(db, rw)
    await persist(
        db,
        ConflictFactory(proposal_id=rw.proposal.id, reviewer_id=reviewer.id),
        ConflictFactory(proposal_id=third.id, reviewer_id=reviewer.id, status="dismissed"),
        Bid(proposal_id=second.id, reviewer_id=reviewer.id, level="eager"),
    )

    response = await client.get(
        f"/api/calls/{w.call.id}/biddable", headers=await bearer(db, reviewer)
    )

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    assert [(p["reference"], p["bid"]) for p in body["items"]] == [
        ("JV-2026-0002", "eager"),
        ("JV-2026-0003", None),
    ]
    assert set(body["items"][0]) == {"id", "reference", "title", "abstract", "keywords", "bid"}


async def test_biddable_needs_accepted_service(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    invited = await pool_reviewer(db, rw.world.jst)
    await persist(
        db,
        CallReviewerFactory(
            call_id=rw.world.call.id,
            reviewer_id=invited.id,
            agency_id=rw.world.jst.id,
            state="invited",
        ),
    )

    response = await client.get(
        f"/api/calls/{rw.world.call.id}/biddable", headers=await bearer(db, invited)
    )

    assert (response.status_code, response.json()["detail"]) == (
        404,
        "You do not serve on this call.",
    )


async def test_bid_is_saved_and_changed(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    reviewer = await serving_reviewer(db, rw)
    headers = await bearer(db, reviewer)
    url = f"/api/proposals/{rw.proposal.id}/bid"

    first = await client.put(url, headers=headers, json={"level": "willing"})
    second = await client.put(url, headers=headers, json={"level": "eager"})
    bad = await client.put(url, headers=headers, json={"level": "maybe"})

    assert (first.status_code, second.json()["level"], bad.status_code) == (200, "eager", 422)
    assert list(await db.scalars(select(Bid.level))) == ["eager"]


async def test_bid_by_conflicted_reviewer_is_409_and_saves_nothing(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    reviewer = await serving_reviewer(db, rw)
    await persist(
        db,
        ConflictFactory(
            proposal_id=rw.proposal.id,
            reviewer_id=reviewer.id,
            source="same_institution",
            **stored(SAME_ROR(agency="JST", institution="The University of Tokyo", ror=TOKYO)),
        ),
    )
    before = await audit_count(db)

    response = await client.put(
        f"/api/proposals/{rw.proposal.id}/bid",
        headers=await bearer(db, reviewer),
        json={"level": "eager"},
    )

    assert (response.status_code, response.json()["code"]) == (409, "pool.bid.conflicted")
    assert response.json()["reasons"] == [
        {
            "code": "conflict.same_institution.ror",
            "params": {"agency": "JST", "institution": "The University of Tokyo", "ror": TOKYO},
            "message": "Same institution as the JST part (The University of Tokyo): ROR 057zh3y96.",
        }
    ]
    assert await db.scalar(select(Bid.id)) is None
    assert await audit_count(db) == before


async def test_conflict_bid_records_a_declared_conflict_and_hides_the_proposal(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    reviewer = await serving_reviewer(db, rw)
    headers = await bearer(db, reviewer)

    response = await client.put(
        f"/api/proposals/{rw.proposal.id}/bid", headers=headers, json={"level": "conflict"}
    )
    listed = await client.get(f"/api/calls/{rw.world.call.id}/biddable", headers=headers)

    assert response.json()["level"] == "conflict"
    conflict = await db.scalar(select(Conflict))
    assert conflict is not None
    assert (conflict.reviewer_id, conflict.source, conflict.status) == (
        reviewer.id,
        "declared_by_reviewer",
        "active",
    )
    assert (conflict.reason, conflict.reason_code, conflict.reason_params) == (
        "Declared by the reviewer when bidding.",
        "conflict.declared_when_bidding",
        {},
    )
    assert listed.json()["items"] == []


async def test_bid_on_unserved_call_or_draft_is_404(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    stranger = await pool_reviewer(db, rw.world.jst)
    reviewer = await serving_reviewer(db, rw)
    rw.proposal.state = "draft"
    await db.flush()

    unserved = await client.put(
        f"/api/proposals/{rw.proposal.id}/bid",
        headers=await bearer(db, stranger),
        json={"level": "eager"},
    )
    draft = await client.put(
        f"/api/proposals/{rw.proposal.id}/bid",
        headers=await bearer(db, reviewer),
        json={"level": "eager"},
    )

    assert (unserved.status_code, draft.status_code) == (404, 404)
    assert int(await db.scalar(select(func.count()).select_from(Bid)) or 0) == 0


async def test_biddable_constant_queries_at_1_and_20(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    rw = await make_review_world(db)
    reviewer = await serving_reviewer(db, rw)
    headers = await bearer(db, reviewer)
    url = f"/api/calls/{rw.world.call.id}/biddable?limit=50"

    async def count_for_page() -> tuple[int, int]:
        queries.count, queries.active = 0, True
        response = await client.get(url, headers=headers)
        queries.active = False
        return queries.count, response.json()["total"]

    one = await count_for_page()
    for number in range(2, 21):
        proposal = await submitted_proposal(db, rw.world, number=number)
        await persist(db, Bid(proposal_id=proposal.id, reviewer_id=reviewer.id, level="willing"))
    twenty = await count_for_page()

    n = queries_on(backend, 11)
    assert (one, twenty) == ((n, 1), (n, 20))
