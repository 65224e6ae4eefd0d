"""A reviewer who accepted an assignment reads that proposal in full (detail, documents, a
download) without the officers' fields, and nothing else; a reviewer only invited, who
declined, or with an active conflict of interest gets 404 like a stranger."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import quote

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Proposal, User
from tests.conftest import QueryCounter
from tests.factories import (
    ConflictFactory,
    ReviewAssignmentFactory,
    bearer,
    make_proposal,
    make_reviewer,
    make_user,
    persist,
)
from tests.factories_documents import Consortium, make_consortium, pdf_of
from tests.support.queries import queries_on

Client = httpx.AsyncClient
NOT_FOUND = (404, "No such proposal.")
REASON = "Indirect costs checked by JST: within 30% of direct."


@dataclass
class Reviewing:
    team: Consortium
    document_id: str
    body: bytes
    officer: dict[str, str]

    @property
    def url(self) -> str:
        return f"/api/proposals/{self.team.proposal.id}"

    @property
    def document(self) -> str:
        return f"{self.team.documents_url}/{self.document_id}"


async def under_review(client: Client, db: AsyncSession) -> Reviewing:
    """A proposal with an uploaded document, then submitted, found eligible (with a reason on
    record) and under review."""
    team = await make_consortium(db)
    body = pdf_of(5000)
    headers = {
        **team.headers,
        "X-Filename": f"UTF-8''{quote('plan.pdf')}",
        "Content-Type": "application/pdf",
    }
    uploaded = await client.post(
        team.documents_url, params={"kind": "project_description"}, headers=headers, content=body
    )
    assert uploaded.status_code == 201, uploaded.text
    await db.execute(
        update(Proposal)
        .where(Proposal.id == team.proposal.id)
        .values(
            state="under_review",
            submitted_at=datetime.datetime.now(datetime.UTC),
            eligibility_reason=REASON,
        )
    )
    await db.refresh(team.call)
    await db.refresh(team.proposal)
    jst = team.call.agencies[0].agency
    officer = await bearer(db, await make_user(db, "officer", agency=jst))
    return Reviewing(team, uploaded.json()["id"], body, officer)


async def reviewer_of(db: AsyncSession, r: Reviewing, state: str) -> tuple[User, dict[str, str]]:
    """A reviewer of the JST pool whose assignment to the proposal is in `state`."""
    jst = r.team.call.agencies[0].agency
    reviewer = await make_reviewer(db, jst)
    await persist(
        db,
        ReviewAssignmentFactory(
            proposal_id=r.team.proposal.id,
            reviewer_id=reviewer.id,
            pool_agency_id=jst.id,
            state=state,
        ),
    )
    return reviewer, await bearer(db, reviewer)


async def test_assigned_reviewer_reads_detail_without_officer_fields(
    client: Client, db: AsyncSession
) -> None:
    r = await under_review(client, db)
    _, reviewer = await reviewer_of(db, r, "accepted")

    seen = await client.get(r.url, headers=reviewer)
    pi = await client.get(r.url, headers=r.team.headers)
    officer = await client.get(r.url, headers=r.officer)

    assert (pi.json()["eligibility_reason"], officer.json()["eligibility_reason"]) == (
        REASON,
        REASON,
    )
    assert officer.json()["duplicate_funding"] == []
    assert (seen.status_code, seen.json()) == (
        200,
        {**pi.json(), "eligibility_reason": None, "duplicate_funding": None},
    )
    assert [p["agency_code"] for p in seen.json()["parts"]] == [
        p["agency_code"] for p in officer.json()["parts"]
    ]


async def test_assigned_reviewer_lists_and_downloads_documents(
    client: Client, db: AsyncSession
) -> None:
    r = await under_review(client, db)
    _, reviewer = await reviewer_of(db, r, "submitted")

    listing = await client.get(r.team.documents_url, headers=reviewer)
    shown = await client.get(r.document, headers=reviewer)
    download = await client.get(f"{r.document}/content", headers=reviewer)

    assert (listing.status_code, listing.json()) == (
        200,
        (await client.get(r.team.documents_url, headers=r.team.headers)).json(),
    )
    assert [d["id"] for d in listing.json()["latest"]] == [r.document_id]
    assert (shown.status_code, shown.json()) == (
        200,
        (await client.get(r.document, headers=r.team.headers)).json(),
    )
    assert (download.status_code, download.content) == (200, r.body)


async def test_reviewer_invited_declined_or_conflicted_gets_404(
    client: Client, db: AsyncSession
) -> None:
    r = await under_review(client, db)
    _, invited = await reviewer_of(db, r, "invited")
    _, declined = await reviewer_of(db, r, "declined")
    conflicted_user, conflicted = await reviewer_of(db, r, "accepted")
    await persist(
        db, ConflictFactory(proposal_id=r.team.proposal.id, reviewer_id=conflicted_user.id)
    )

    answers = [
        await client.get(path, headers=headers)
        for headers in (invited, declined, conflicted)
        for path in (r.url, r.team.documents_url, r.document, f"{r.document}/content")
    ]

    assert [(a.status_code, a.json()["detail"]) for a in answers] == [NOT_FOUND] * 12


async def test_assigned_reviewer_gets_nothing_else(client: Client, db: AsyncSession) -> None:
    r = await under_review(client, db)
    _, reviewer = await reviewer_of(db, r, "accepted")
    other = await make_proposal(
        db,
        r.team.call,
        {
            a.agency_id: u
            for a, u in zip(r.team.call.agencies, (r.team.pi, r.team.counterpart), strict=True)
        },
        state="under_review",
        submitted_at=datetime.datetime.now(datetime.UTC),
    )
    part = r.team.proposal.parts[0].id
    pdf = {"X-Filename": "x.pdf", "Content-Type": "application/pdf", **reviewer}

    answers = [
        await client.patch(r.url, headers=reviewer, json={"version": 1, "keywords": ["x"]}),
        await client.patch(
            f"{r.url}/parts/{part}",
            headers=reviewer,
            json={"version": 1, "institution_name": "X"},
        ),
        await client.post(
            r.team.documents_url,
            params={"kind": "project_description"},
            headers=pdf,
            content=r.body,
        ),
        await client.post(
            f"{r.url}/invitations",
            headers=reviewer,
            json={"agency": "JST", "email": "someone@example.org"},
        ),
        await client.get(f"{r.url}/exclusions", headers=reviewer),
        await client.get(f"/api/proposals/{other.id}", headers=reviewer),
        await client.get(f"/api/proposals/{other.id}/documents", headers=reviewer),
    ]

    assert [(a.status_code, a.json()["detail"]) for a in answers] == [NOT_FOUND] * 7
    # Its workflow is readable like the proposal itself, and fires nothing for the reviewer.
    options = await client.get(f"{r.url}/transitions", headers=reviewer)
    withdraw = await client.post(f"{r.url}/events/withdraw", headers=reviewer, json={"version": 1})
    assert (options.status_code, options.json()) == (200, [])
    assert (withdraw.status_code, withdraw.json()["detail"]) == (
        403,
        "'withdraw' requires one of the roles 'pi'.",
    )


async def test_reviewer_role_runs_constant_queries(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    r = await under_review(client, db)
    reviewer_user, reviewer = await reviewer_of(db, r, "accepted")
    counts = []
    for _ in range(2):
        queries.count, queries.active = 0, True
        response = await client.get(r.url, headers=reviewer)
        queries.active = False
        counts.append((response.status_code, queries.count))
        # More assignments and settled conflicts must not cost more queries.
        await reviewer_of(db, r, "accepted")
        await persist(
            db,
            ConflictFactory(
                proposal_id=r.team.proposal.id,
                reviewer_id=reviewer_user.id,
                source=f"coauthor-{len(counts)}",
                status="dismissed",
            ),
        )

    n = queries_on(backend, 15)
    assert counts == [(200, n), (200, n)]
