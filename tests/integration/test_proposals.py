"""Drafting a joint proposal: creation, the detail view, shared fields, parts and members."""

from __future__ import annotations

import datetime

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.calls.deadline import CLOSED
from grants.db.models import PartMember, Proposal
from messages import Instant, render
from tests.factories import (
    DocumentFactory,
    PartMemberFactory,
    bearer,
    make_proposal,
    make_user,
    persist,
)
from tests.factories_proposals import audit_count, draft_body, make_world, problem_of

Client = httpx.AsyncClient
VALID_ORCID = "0000-0002-1825-0097"
VALID_ROR = "04wxnsj81"  # ror.org/04wxnsj81 (DataCite)
CANNOT_CLEAR = "required: it cannot be cleared (null)"  # grants.common.edits' own reason


async def test_create_draft_gives_one_part_per_agency_and_makes_creator_pi(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    headers = await bearer(db, world.vn_pi)

    response = await client.post("/api/proposals", headers=headers, json=draft_body(world))

    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["reference"], body["version"]) == ("draft", None, 1)
    assert body["title"] == {"en": "Chiplet interconnects", "ja": "チップレット相互接続"}
    assert [(p["agency_code"], p["currency"], p["pi_user_id"]) for p in body["parts"]] == [
        ("JST", "JPY", None),
        ("NAFOSTED", "VND", str(world.vn_pi.id)),
    ]
    assert [(m["email"], m["role"]) for m in body["parts"][1]["members"]] == [
        ("vn.pi@example.vn", "pi")
    ]
    assert body["documents"] == []
    assert body["duplicate_funding"] is None


async def test_create_refused_for_country_topic_and_duration_at_once(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    belgian = await make_user(db, "researcher", country="BE")
    headers = await bearer(db, belgian)
    before = await audit_count(db)

    response = await client.post(
        "/api/proposals",
        headers=headers,
        json=draft_body(world, topic="quantum", duration_years=4),
    )

    topics = ["advanced packaging", "chip design", "EDA", "edge-AI hardware"]
    assert (response.status_code, problem_of(response)) == (
        422,
        {
            "type": "urn:cofund:problem:invalid",
            "title": "Invalid input",
            "status": 422,
            "detail": "The proposal cannot be drafted in this call.",
            "instance": "/api/proposals",
            "code": "proposal.create.refused",
            "params": {},
            "errors": [
                {
                    "field": "call_id",
                    "reason": "your account's country (BE) is not the country of a co-funding "
                    "agency of this call (JP and VN)",
                    "code": "proposal.create.country_not_cofunding",
                    "params": {"country": "BE", "countries": ["JP", "VN"]},
                },
                {
                    "field": "topic",
                    "reason": "not a topic of this call (advanced packaging, chip design, EDA, "
                    "and edge-AI hardware)",
                    "code": "proposal.topic_not_offered",
                    "params": {"topics": topics},
                },
                {
                    "field": "duration_years",
                    "reason": "this call offers durations of 3, 5, and 10 years",
                    "code": "proposal.duration_not_offered",
                    "params": {"durations": [3, 5, 10]},
                },
            ],
        },
    )
    assert await audit_count(db) == before
    assert await db.scalar(select(Proposal.id)) is None


async def test_create_in_call_not_accepting_is_409_with_reasons(
    client: Client, db: AsyncSession
) -> None:
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    closed_at = now - datetime.timedelta(days=1)
    world = await make_world(db, state="closed", closes_at=closed_at)
    headers = await bearer(db, world.jp_pi)

    response = await client.post("/api/proposals", headers=headers, json=draft_body(world))

    # The reasons are the calls' own (grants.calls.deadline), passed through.
    assert (response.status_code, problem_of(response)) == (
        409,
        {
            "type": "urn:cofund:problem:conflict",
            "title": "Conflict",
            "status": 409,
            "detail": "The call does not accept proposals now.",
            "instance": "/api/proposals",
            "code": "proposal.create.call_not_accepting",
            "params": {},
            "reasons": [
                {
                    "code": "call.submissions.not_open",
                    "params": {"state": "closed"},
                    "message": "The call is closed, not open.",
                },
                {
                    "code": "call.submissions.closed",
                    "params": {"closed_at": closed_at.isoformat().replace("+00:00", "Z")},
                    # Shown in both co-funders' zones, as every deadline is.
                    "message": render(
                        CLOSED(closed_at=Instant(closed_at, ("Asia/Tokyo", "Asia/Ho_Chi_Minh"))),
                        "en",
                    ),
                },
            ],
        },
    )


async def test_create_needs_researcher_role(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    headers = await bearer(db, await make_user(db, "reviewer", country="JP"))

    response = await client.post("/api/proposals", headers=headers, json=draft_body(world))

    assert response.status_code == 403
    assert response.json()["detail"] == "Only researchers draft proposals."


async def test_detail_lists_documents_from_documents_table(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    await persist(
        db,
        DocumentFactory(proposal_id=proposal.id, uploaded_by=world.jp_pi.id, version=1),
        DocumentFactory(proposal_id=proposal.id, uploaded_by=world.jp_pi.id, version=2),
    )

    response = await client.get(
        f"/api/proposals/{proposal.id}", headers=await bearer(db, world.jp_pi)
    )

    assert response.status_code == 200
    docs = response.json()["documents"]
    assert [(d["kind"], d["version"], d["latest"]) for d in docs] == [
        ("project_description", 2, True),
        ("project_description", 1, False),
    ]


async def test_update_shared_fields_checks_version_and_audits(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(
        db, world.call, {world.jst.id: world.jp_pi, world.nafosted.id: world.vn_pi}
    )
    headers = await bearer(db, world.vn_pi)

    ok = await client.patch(
        f"/api/proposals/{proposal.id}",
        headers=headers,
        json={"version": 1, "topic": "EDA", "duration_years": 5, "keywords": ["EDA"]},
    )
    stale = await client.patch(
        f"/api/proposals/{proposal.id}", headers=headers, json={"version": 1, "topic": "EDA"}
    )

    assert ok.status_code == 200
    assert (ok.json()["topic"], ok.json()["duration_years"], ok.json()["version"]) == (
        "EDA",
        5,
        2,
    )
    assert stale.status_code == 409
    assert stale.json()["detail"] == "You saw version 1, but it is now version 2."


async def test_update_merges_texts_per_language_and_null_clears_optional(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    proposal.title = {"en": "Chiplets", "ja": "チップレット"}
    await db.flush()

    response = await client.patch(
        f"/api/proposals/{proposal.id}",
        headers=await bearer(db, world.jp_pi),
        json={
            "version": 2,
            "title": {"ja": None, "vi": "Chiplet"},
            "abstract": None,
            "keywords": None,
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["title"], body["abstract"], body["keywords"]) == (
        3,
        {"en": "Chiplets", "vi": "Chiplet"},
        {},
        [],
    )


async def test_update_null_on_required_shared_field_is_422_naming_it(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    headers = await bearer(db, world.jp_pi)
    url = f"/api/proposals/{proposal.id}"
    before = await audit_count(db)

    nulls = await client.patch(
        url, headers=headers, json={"version": 1, "planned_start": None, "title": None}
    )
    no_english = await client.patch(
        url, headers=headers, json={"version": 1, "title": {"en": None, "ja": "題"}}
    )

    assert problem_of(nulls) == {
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "Required fields cannot be cleared.",
        "instance": url,
        "code": "edit.required_not_clearable",
        "params": {},
        "errors": [
            {"field": "title", "reason": CANNOT_CLEAR, "code": "edit.cannot_clear", "params": {}},
            {
                "field": "planned_start",
                "reason": CANNOT_CLEAR,
                "code": "edit.cannot_clear",
                "params": {},
            },
        ],
    }
    assert problem_of(no_english) == {
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "Some fields are invalid or do not fit the call.",
        "instance": url,
        "code": "proposal.update.refused",
        "params": {},
        "errors": [
            {"field": "title.en", "reason": CANNOT_CLEAR, "code": "edit.cannot_clear", "params": {}}
        ],
    }
    assert await audit_count(db) == before


async def test_update_part_institution_validates_ror(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    headers = await bearer(db, world.jp_pi)
    url = f"/api/proposals/{proposal.id}/parts/{proposal.parts[0].id}"
    before = await audit_count(db)

    bad = await client.patch(
        url, headers=headers, json={"version": 1, "institution_ror": "04wxnsj82"}
    )
    good = await client.patch(
        url,
        headers=headers,
        json={
            "version": 1,
            "institution_ror": f"https://ror.org/{VALID_ROR}",
            "institution_name": "DataCite",
        },
    )

    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["institution_ror"]
    assert await audit_count(db) == before + 1
    assert good.status_code == 200
    assert (
        good.json()["version"],
        good.json()["institution_ror"],
        good.json()["institution_name"],
    ) == (2, VALID_ROR, "DataCite")


async def test_update_part_null_clears_and_stale_version_refused(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    proposal.parts[0].institution_ror, proposal.parts[0].institution_name = VALID_ROR, "DataCite"
    await db.flush()
    headers = await bearer(db, world.jp_pi)
    url = f"/api/proposals/{proposal.id}/parts/{proposal.parts[0].id}"

    cleared = await client.patch(url, headers=headers, json={"version": 2, "institution_ror": None})
    before = await audit_count(db)
    stale = await client.patch(url, headers=headers, json={"version": 2, "institution_name": "X"})

    assert cleared.status_code == 200
    assert (
        cleared.json()["version"],
        cleared.json()["institution_ror"],
        cleared.json()["institution_name"],
    ) == (3, None, "DataCite")
    assert stale.status_code == 409
    assert problem_of(stale) == {
        "type": "urn:cofund:problem:stale_version",
        "title": "Conflict",
        "status": 409,
        "detail": "You saw version 2, but it is now version 3.",
        "instance": url,
        "code": "edit.stale_version",
        "params": {"seen": 2, "current": 3},
    }
    assert await audit_count(db) == before


async def test_only_the_parts_own_team_edits_it(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal = await make_proposal(
        db, world.call, {world.jst.id: world.jp_pi, world.nafosted.id: world.vn_pi}
    )

    response = await client.patch(
        f"/api/proposals/{proposal.id}/parts/{proposal.parts[0].id}",
        headers=await bearer(db, world.vn_pi),
        json={"version": 1, "institution_name": "Not my side"},
    )

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Only the JST side's PI and co-investigators edit that part."
    )


async def test_members_add_edit_remove_with_orcid_and_erad(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    headers = await bearer(db, world.jp_pi)
    url = f"/api/proposals/{proposal.id}/parts/{proposal.parts[0].id}/members"

    added = await client.post(
        url,
        headers=headers,
        json={
            "name": "Co I",
            "email": "Co.I@example.jp",
            "orcid": f"https://orcid.org/{VALID_ORCID}",
            "erad_number": "12345678",
            "role": "co_investigator",
        },
    )
    member_id = added.json()["id"]
    demoted = await client.patch(
        f"{url}/{member_id}", headers=headers, json={"version": 1, "role": "member"}
    )
    removed = await client.delete(f"{url}/{member_id}", headers=headers, params={"version": 2})

    assert added.status_code == 201
    assert added.json() == {
        "id": member_id,
        "version": 1,
        "user_id": None,
        "role": "co_investigator",
        "name": "Co I",
        "email": "co.i@example.jp",
        "orcid": VALID_ORCID,
        "erad_number": "12345678",
        "based_in": None,
        "abroad": False,
    }
    assert demoted.json() == {**added.json(), "version": 2, "role": "member"}
    assert removed.status_code == 204
    assert (
        await db.scalar(select(PartMember.id).where(PartMember.email == "co.i@example.jp")) is None
    )


async def test_member_patch_null_clears_optional_and_refuses_required(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    member = PartMemberFactory(name="Aiko", orcid=VALID_ORCID, erad_number="12345678")
    proposal.parts[0].members.append(member)
    await db.flush()
    headers = await bearer(db, world.jp_pi)
    url = f"/api/proposals/{proposal.id}/parts/{proposal.parts[0].id}/members/{member.id}"
    before = await audit_count(db)

    refused = await client.patch(
        url, headers=headers, json={"version": 1, "role": None, "name": None, "orcid": None}
    )
    cleared = await client.patch(url, headers=headers, json={"version": 1, "orcid": None})

    assert refused.status_code == 422
    assert problem_of(refused) == {
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "Required fields cannot be cleared.",
        "instance": url,
        "code": "edit.required_not_clearable",
        "params": {},
        "errors": [
            {"field": "name", "reason": CANNOT_CLEAR, "code": "edit.cannot_clear", "params": {}},
            {"field": "role", "reason": CANNOT_CLEAR, "code": "edit.cannot_clear", "params": {}},
        ],
    }
    assert cleared.status_code == 200
    assert cleared.json() == {
        "id": str(member.id),
        "version": 2,
        "user_id": None,
        "role": "member",
        "name": "Aiko",
        "email": member.email,
        "orcid": None,
        "erad_number": "12345678",
        "based_in": None,
        "abroad": False,
    }
    assert await audit_count(db) == before + 1


async def test_member_stale_version_refused_on_patch_and_delete(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    member = PartMemberFactory(name="Aiko")
    proposal.parts[0].members.append(member)
    await db.flush()
    headers = await bearer(db, world.jp_pi)
    url = f"/api/proposals/{proposal.id}/parts/{proposal.parts[0].id}/members/{member.id}"
    await client.patch(url, headers=headers, json={"version": 1, "name": "Aiko Sato"})
    before = await audit_count(db)

    patched = await client.patch(url, headers=headers, json={"version": 1, "name": "A. Sato"})
    deleted = await client.delete(url, headers=headers, params={"version": 1})
    unversioned = await client.delete(url, headers=headers)

    stale = {
        "type": "urn:cofund:problem:stale_version",
        "title": "Conflict",
        "status": 409,
        "detail": "You saw version 1, but it is now version 2.",
        "instance": url,
        "code": "edit.stale_version",
        "params": {"seen": 1, "current": 2},
    }
    assert (patched.status_code, problem_of(patched)) == (409, stale)
    assert (deleted.status_code, problem_of(deleted)) == (409, stale)
    # A missing query parameter is a bad request naming the field (grants.errors).
    assert (unversioned.status_code, problem_of(unversioned)) == (
        400,
        {
            "type": "urn:cofund:problem:invalid",
            "title": "Bad request",
            "status": 400,
            "detail": "The request has invalid fields.",
            "instance": url,
            "code": "problem.invalid_fields",
            "params": {},
            "errors": [
                {
                    "field": "version",
                    "reason": "This field is required.",
                    "code": "validation.missing",
                    "params": {},
                }
            ],
        },
    )
    assert await audit_count(db) == before
    assert await db.scalar(select(PartMember.name).where(PartMember.id == member.id)) == (
        "Aiko Sato"
    )


async def test_member_bad_orcid_and_erad_named(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal = await make_proposal(
        db, world.call, {world.jst.id: world.jp_pi, world.nafosted.id: world.vn_pi}
    )
    url = f"/api/proposals/{proposal.id}/parts"
    before = await audit_count(db)

    bad_orcid = await client.post(
        f"{url}/{proposal.parts[0].id}/members",
        headers=await bearer(db, world.jp_pi),
        json={"name": "X", "email": "x@example.jp", "orcid": "0000-0002-1825-0098"},
    )
    erad_in_vietnam = await client.post(
        f"{url}/{proposal.parts[1].id}/members",
        headers=await bearer(db, world.vn_pi),
        json={"name": "Y", "email": "y@example.vn", "erad_number": "12345678"},
    )

    assert bad_orcid.status_code == 422
    assert [e["field"] for e in bad_orcid.json()["errors"]] == ["orcid"]
    assert erad_in_vietnam.status_code == 422
    assert problem_of(erad_in_vietnam) == {
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "The member cannot be added.",
        "instance": f"{url}/{proposal.parts[1].id}/members",
        "code": "member.add_refused",
        "params": {},
        "errors": [
            {
                "field": "erad_number",
                "reason": "an e-Rad researcher number is for the Japanese side only",
                "code": "member.erad_japan_only",
                "params": {},
            }
        ],
    }
    assert await audit_count(db) == before


async def test_pi_cannot_be_removed(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    part = proposal.parts[0]

    response = await client.delete(
        f"/api/proposals/{proposal.id}/parts/{part.id}/members/{part.members[0].id}",
        headers=await bearer(db, world.jp_pi),
        params={"version": 1},
    )

    assert (response.status_code, response.json()["code"], response.json()["detail"]) == (
        409,
        "member.pi_not_removable",
        "The part's PI cannot be removed from its team.",
    )


async def test_draft_hidden_from_other_researcher_reviewer_and_other_officer(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    other = await make_user(db, "researcher", country="JP")
    await make_proposal(db, world.call, {world.jst.id: other})
    outsiders = [
        other,
        await make_user(db, "reviewer"),
        await make_user(db, "officer", agency=world.fwo),
        world.jst_officer,  # a co-funding officer does not see drafts either
    ]

    statuses = [
        (await client.get(f"/api/proposals/{proposal.id}", headers=await bearer(db, u))).status_code
        for u in outsiders
    ]

    assert statuses == [404, 404, 404, 404]


async def test_member_email_listed_twice_conflicts(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    url = f"/api/proposals/{proposal.id}/parts/{proposal.parts[0].id}/members"

    response = await client.post(
        url,
        headers=await bearer(db, world.jp_pi),
        json={"name": "Me again", "email": "JP.PI@example.jp", "erad_number": "1234"},
    )
    again = await client.post(
        url,
        headers=await bearer(db, world.jp_pi),
        json={"name": "Me again", "email": "JP.PI@example.jp"},
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["erad_number"]
    assert again.status_code == 409
    assert problem_of(again) == {
        "type": "urn:cofund:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "This person is already on the proposal's team.",
        "instance": url,
        "code": "member.already_listed",
        "params": {},
        "errors": [
            {
                "field": "email",
                "reason": "this e-mail is already on the proposal's team",
                "code": "member.email_listed",
                "params": {},
            }
        ],
    }


async def test_unknown_event_is_404(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})

    response = await client.post(
        f"/api/proposals/{proposal.id}/events/approve_myself",
        headers=await bearer(db, world.jp_pi),
        json={"version": 1},
    )

    assert response.status_code == 404


async def test_openapi_documents_proposal_endpoints(client: Client) -> None:
    response = await client.get("/schema/openapi.json")

    paths = response.json()["paths"]
    assert {
        "/api/proposals",
        "/api/proposals/{proposal_id}",
        "/api/proposals/{proposal_id}/events/submit",
        "/api/proposals/{proposal_id}/parts/{part_id}/budget",
        "/api/proposals/{proposal_id}/parts/{part_id}/members/{member_id}",
        "/api/invitations/{invitation_id}/accept",
    } <= set(paths)
