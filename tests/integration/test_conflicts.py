"""Conflicts of interest: detection per source, officers' decisions, declarations, and the
forbidden pairs the assignment engine reads."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.actors import SYSTEM
from grants.db.models import AuditEvent, Conflict, ProposalExclusion
from grants.reviews.pool.conflicts import detect_conflicts, forbidden_pairs
from grants.reviews.pool.matching import (
    SAME_NAME,
    Candidate,
    find_conflicts,
    normalize_institution,
)
from tests.conftest import QueryCounter
from tests.factories import (
    BidFactory,
    ConflictFactory,
    PartMemberFactory,
    bearer,
    make_call,
    make_proposal,
    make_user,
    persist,
)
from tests.factories_proposals import audit_count
from tests.factories_reviews_pool import (
    OTHER_ORCID,
    TOKYO_ROR,
    add_profile,
    make_review_world,
    pool_reviewer,
    serving_reviewer,
    submitted_proposal,
)
from tests.support.queries import queries_on

Client = httpx.AsyncClient


async def conflicts_of(db: AsyncSession) -> dict[tuple[object, str], tuple[str, str]]:
    rows = await db.scalars(select(Conflict).execution_options(populate_existing=True))
    return {(c.reviewer_id, c.source): (c.reason, c.status) for c in rows}


async def test_detect_finds_each_source_with_its_reason(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db)
    w = rw.world
    by_ror = await pool_reviewer(db, w.jst, institution_ror=TOKYO_ROR)
    by_name = await pool_reviewer(
        db, w.nafosted, country="VN", institution_name="Science & Technology, Hanoi University"
    )
    member = await pool_reviewer(db, w.jst, email="postdoc@example.vn")
    rw.proposal.parts[1].members.append(
        PartMemberFactory(
            user_id=member.id, role="co_investigator", name="Postdoc", email="postdoc@example.vn"
        )
    )
    # Listed by e-mail but never accepted: a team list alone must not exclude a reviewer.
    feared = await pool_reviewer(db, w.jst, email="feared@example.jp")
    rw.proposal.parts[0].members.append(
        PartMemberFactory(role="co_investigator", name="Feared", email="Feared@example.jp")
    )
    pi = w.vn_pi
    await add_profile(db, pi, w.jst, country="VN")
    excluded = await pool_reviewer(db, w.jst, orcid=OTHER_ORCID)
    await persist(
        db,
        ProposalExclusion(
            proposal_id=rw.proposal.id, name="Dr. Rival", orcid=OTHER_ORCID, reason="rival lab"
        ),
    )
    clean = await pool_reviewer(db, w.jst, institution_name="Kyoto University")
    outsider = await pool_reviewer(db, w.fwo, institution_ror=TOKYO_ROR)
    draft = await make_proposal(db, w.call, {w.jst.id: w.jp_pi})
    draft.parts[0].institution_ror = TOKYO_ROR
    headers = await bearer(db, w.jst_officer)
    before = await audit_count(db)

    response = await client.post(f"/api/calls/{w.call.id}/conflicts/detect", headers=headers)

    assert response.status_code == 200
    assert response.json() == {"pairs_checked": 7, "created": 5, "unchanged": 0, "kept_decided": 0}
    assert await conflicts_of(db) == {
        (by_ror.id, "same_institution"): (
            "Same institution as the JST part (The University of Tokyo): ROR 057zh3y96.",
            "active",
        ),
        (by_name.id, "same_institution"): (
            "Same institution as the NAFOSTED part (Hanoi University of Science and "
            "Technology): same normalized name.",
            "active",
        ),
        (member.id, "consortium_member"): (
            "The reviewer is on the NAFOSTED team (co_investigator).",
            "active",
        ),
        (pi.id, "consortium_member"): ("The reviewer is the PI of the NAFOSTED part.", "active"),
        (excluded.id, "excluded_by_applicants"): (
            "Excluded by the applicants (Dr. Rival, matched by ORCID iD): rival lab",
            "active",
        ),
    }
    assert {clean.id, outsider.id, feared.id}.isdisjoint(r for r, _ in await conflicts_of(db))
    new = len(await conflicts_of(db))
    assert await audit_count(db) == before + new + 1  # one per new conflict, one for the run
    listed = await client.get(
        f"/api/calls/{w.call.id}/conflicts?source=consortium_member", headers=headers
    )
    assert listed.json()["total"] == 2
    assert [
        (c["proposal_reference"], c["reviewer_email"], c["status"]) for c in listed.json()["items"]
    ] == [("JV-2026-0001", "postdoc@example.vn", "active"), ("JV-2026-0001", pi.email, "active")]


async def test_detect_audits_each_new_conflict_then_the_totals(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    w = rw.world
    colleague = await pool_reviewer(db, w.jst, institution_ror=TOKYO_ROR)
    headers = await bearer(db, w.jst_officer)
    auditor = await bearer(db, await make_user(db, "auditor"))
    before = await audit_count(db)

    first = await client.post(f"/api/calls/{w.call.id}/conflicts/detect", headers=headers)
    again = await client.post(f"/api/calls/{w.call.id}/conflicts/detect", headers=headers)
    listed = await client.get(f"/api/audit/events?offset={before}", headers=auditor)

    conflict = await db.scalar(select(Conflict))
    assert conflict is not None
    rid, rid_again = first.headers["x-request-id"], again.headers["x-request-id"]
    assert [
        (e["action"], e["entity_type"], e["entity_id"], e["changes"], e["request_id"])
        for e in listed.json()["items"]
    ] == [
        (
            "conflict.create",
            "conflict",
            str(conflict.id),
            {
                "status": [None, "active"],
                "proposal_id": str(rw.proposal.id),
                "reviewer_id": str(colleague.id),
                "source": "same_institution",
                "reason": [
                    None,
                    "Same institution as the JST part (The University of Tokyo): ROR 057zh3y96.",
                ],
            },
            rid,
        ),
        (
            "conflicts.detect",
            "call",
            str(w.call.id),
            {"pairs_checked": 1, "created": 1, "unchanged": 0, "kept_decided": 0},
            rid,
        ),
        (
            "conflicts.detect",
            "call",
            str(w.call.id),
            {"pairs_checked": 1, "created": 0, "unchanged": 1, "kept_decided": 0},
            rid_again,
        ),
    ]


def test_normalize_institution_ignores_case_punctuation_accents_and_filler_words() -> None:
    assert normalize_institution("The University of Tokyo") == "tokyo"
    assert normalize_institution("Tokyo University") == "tokyo"
    assert normalize_institution("Université de Liège") == normalize_institution(
        "universite de liege"
    )
    assert normalize_institution("Tokyo Institute of Technology") == "institute technology tokyo"
    assert normalize_institution(None) == ""


async def test_dismiss_and_waive_keep_actor_and_reason_and_survive_redetection(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    w = rw.world
    first = await pool_reviewer(db, w.jst, institution_ror=TOKYO_ROR)
    second = await pool_reviewer(db, w.jst, email="jp.pi.alias@example.jp")
    rw.proposal.parts[0].members.append(
        PartMemberFactory(user_id=second.id, name="Alias", email="jp.pi.alias@example.jp")
    )
    await db.flush()
    headers = await bearer(db, w.jst_officer)
    await client.post(f"/api/calls/{w.call.id}/conflicts/detect", headers=headers)
    found = {c.reviewer_id: c for c in await db.scalars(select(Conflict))}

    dismissed = await client.post(
        f"/api/conflicts/{found[first.id].id}/dismiss",
        headers=headers,
        json={"reason": "Moved to Kyoto in 2024."},
    )
    waived = await client.post(
        f"/api/conflicts/{found[second.id].id}/waive",
        headers=headers,
        json={"reason": "Only a student helper; the panel agrees."},
    )
    again = await client.post(f"/api/calls/{w.call.id}/conflicts/detect", headers=headers)

    assert (dismissed.status_code, waived.status_code) == (200, 200)
    assert {k: dismissed.json()[k] for k in ("status", "decided_by", "decision_reason")} == {
        "status": "dismissed",
        "decided_by": str(w.jst_officer.id),
        "decision_reason": "Moved to Kyoto in 2024.",
    }
    assert (waived.json()["status"], waived.json()["decided_by"]) == (
        "waived",
        str(w.jst_officer.id),
    )
    assert again.json() == {"pairs_checked": 2, "created": 0, "unchanged": 0, "kept_decided": 2}
    assert sorted(s for _, s in (await conflicts_of(db)).values()) == ["dismissed", "waived"]
    actions = await db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action.like("conflict%"))
        .order_by(AuditEvent.seq)
    )
    assert list(actions) == [
        "conflict.create",
        "conflict.create",
        "conflicts.detect",
        "conflict.dismiss",
        "conflict.waive",
        "conflicts.detect",
    ]


async def test_decisions_need_a_cofunding_officer_a_reason_and_an_active_conflict(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    w = rw.world
    reviewer = await pool_reviewer(db, w.jst)
    conflict = ConflictFactory(proposal_id=rw.proposal.id, reviewer_id=reviewer.id)
    await persist(db, conflict)
    url = f"/api/conflicts/{conflict.id}/dismiss"
    fwo_officer = await make_user(db, "officer", agency=w.fwo)

    foreign = await client.post(url, headers=await bearer(db, fwo_officer), json={"reason": "x"})
    researcher = await client.post(url, headers=await bearer(db, w.jp_pi), json={"reason": "x"})
    headers = await bearer(db, w.jst_officer)
    no_reason = await client.post(url, headers=headers, json={})
    ok = await client.post(url, headers=headers, json={"reason": "False positive."})
    twice = await client.post(url, headers=headers, json={"reason": "Again."})

    assert [foreign.status_code, researcher.status_code, no_reason.status_code] == [403, 403, 422]
    assert (ok.status_code, twice.status_code) == (200, 409)
    assert (twice.json()["detail"], twice.json()["code"], twice.json()["params"]) == (
        "The conflict is already dismissed.",
        "conflict.already_decided",
        {"status": "dismissed"},
    )


async def test_forbidden_pairs_holds_active_conflicts_and_conflict_bids_only(
    db: AsyncSession,
) -> None:
    rw = await make_review_world(db)
    w = rw.world
    other = await submitted_proposal(db, w, number=2)
    a, b, c, d = [await pool_reviewer(db, w.jst) for _ in range(4)]
    elsewhere = await make_call(db, w.jst_officer, w.jst, w.nafosted, code="OTHER")
    foreign = await make_proposal(db, elsewhere, {w.jst.id: w.jp_pi}, state="submitted")
    await persist(
        db,
        ConflictFactory(proposal_id=rw.proposal.id, reviewer_id=a.id),
        ConflictFactory(proposal_id=rw.proposal.id, reviewer_id=b.id, status="dismissed"),
        ConflictFactory(proposal_id=other.id, reviewer_id=c.id, status="waived"),
        ConflictFactory(proposal_id=foreign.id, reviewer_id=a.id),
        BidFactory(proposal_id=other.id, reviewer_id=d.id, level="conflict"),
        BidFactory(proposal_id=rw.proposal.id, reviewer_id=d.id, level="eager"),
    )

    pairs = await forbidden_pairs(db, w.call.id)

    assert pairs == {(rw.proposal.id, a.id), (other.id, d.id)}


async def test_detect_service_function_is_idempotent(db: AsyncSession) -> None:
    rw = await make_review_world(db)
    await pool_reviewer(db, rw.world.jst, institution_ror=TOKYO_ROR)

    first = await detect_conflicts(db, rw.world.call, actor=SYSTEM)
    second = await detect_conflicts(db, rw.world.call, actor=SYSTEM)

    assert (first.created, first.unchanged) == (1, 0)
    assert (second.created, second.unchanged) == (0, 1)


async def test_reviewer_declares_coauthorship_on_a_call_they_serve(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    reviewer = await serving_reviewer(db, rw)
    stranger = await pool_reviewer(db, rw.world.jst)
    url = f"/api/proposals/{rw.proposal.id}/conflict-declaration"
    body = {"reason": "Co-authored two papers with the JST PI in 2025.", "coauthor": True}

    response = await client.post(url, headers=await bearer(db, reviewer), json=body)
    refused = await client.post(url, headers=await bearer(db, stranger), json=body)

    assert response.status_code == 201
    keys = ("reviewer_id", "source", "reason", "reason_code", "reason_params", "status")
    assert {k: response.json()[k] for k in keys} == {
        "reviewer_id": str(reviewer.id),
        "source": "coauthor",
        "reason": "Co-authored two papers with the JST PI in 2025.",
        "reason_code": None,
        "reason_params": None,
        "status": "active",
    }
    assert refused.status_code == 404
    assert await forbidden_pairs(db, rw.world.call.id) == {(rw.proposal.id, reviewer.id)}


def test_find_conflicts_lets_ror_decide_when_both_sides_have_one() -> None:
    part = SimpleNamespace(
        agency=SimpleNamespace(code="JST"),
        institution_ror=TOKYO_ROR,
        institution_name="University of Tokyo",
        pi_user_id=None,
        members=[],
        partners=[],
    )
    proposal = SimpleNamespace(id=uuid.uuid4(), parts=[part, part])
    other_ror = Candidate(uuid.uuid4(), "a@example.jp", None, "02kpeqv85", "tokyo")
    no_ror = Candidate(uuid.uuid4(), "b@example.jp", None, None, "tokyo")

    found = list(find_conflicts([proposal], [other_ror, no_ror], {}))

    assert [(f.reviewer_id, f.source, f.reason) for f in found] == [
        (
            no_ror.user_id,
            "same_institution",
            SAME_NAME(agency="JST", institution="University of Tokyo"),
        )
    ]
    assert str(found[0].reason) == (
        "Same institution as the JST part (University of Tokyo): same normalized name."
    )


async def test_conflicts_list_constant_queries_at_1_and_20(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    rw = await make_review_world(db)
    headers = await bearer(db, rw.world.jst_officer)
    url = f"/api/calls/{rw.world.call.id}/conflicts?limit=50"

    async def count_for_page() -> tuple[int, int]:
        queries.count, queries.active = 0, True
        response = await client.get(url, headers=headers)
        queries.active = False
        return queries.count, response.json()["total"]

    for n in (1, 20):
        while int(await db.scalar(select(func.count()).select_from(Conflict)) or 0) < n:
            reviewer = await pool_reviewer(db, rw.world.jst)
            await persist(db, ConflictFactory(proposal_id=rw.proposal.id, reviewer_id=reviewer.id))
        if n == 1:
            one = await count_for_page()
    twenty = await count_for_page()

    n = queries_on(backend, 10)
    assert (one, twenty) == ((n, 1), (n, 20))
