"""A PI invites the counterpart PI; the invitee accepts and then edits their own part."""

from __future__ import annotations

import datetime

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, OutboxMessage, ProposalInvitation
from tests.factories import PartMemberFactory, bearer, make_proposal, make_user
from tests.factories_proposals import World, audit_count, make_world, problem_of

Client = httpx.AsyncClient


async def _invite(client: Client, db: AsyncSession, world: World) -> tuple[str, httpx.Response]:
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    response = await client.post(
        f"/api/proposals/{proposal.id}/invitations",
        headers=await bearer(db, world.jp_pi),
        json={"agency": "NAFOSTED", "email": "VN.PI@example.vn"},
    )
    return str(proposal.id), response


async def test_invitee_sees_accepts_and_edits_own_part(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal_id, invited = await _invite(client, db, world)
    headers = await bearer(db, world.vn_pi)

    pending = await client.get("/api/invitations", headers=headers)
    accepted = await client.post(f"/api/invitations/{invited.json()['id']}/accept", headers=headers)
    detail = await client.get(f"/api/proposals/{proposal_id}", headers=headers)
    vn_part = detail.json()["parts"][1]
    edit = await client.patch(
        f"/api/proposals/{proposal_id}/parts/{vn_part['id']}",
        headers=headers,
        json={
            "version": vn_part["version"],
            "institution_name": "Hanoi University of Science and Technology",
        },
    )

    assert invited.status_code == 201
    assert (invited.json()["agency"], invited.json()["role"], invited.json()["email"]) == (
        "NAFOSTED",
        "pi",
        "vn.pi@example.vn",
    )
    assert [(i["id"], i["call_code"]) for i in pending.json()] == [
        (invited.json()["id"], "JV-2026")
    ]
    assert accepted.status_code == 200
    assert accepted.json()["accepted_at"] is not None
    assert vn_part["pi_user_id"] == str(world.vn_pi.id)
    assert [(m["email"], m["role"]) for m in vn_part["members"]] == [("vn.pi@example.vn", "pi")]
    assert edit.status_code == 200
    actions = set(await db.scalars(select(AuditEvent.action)))
    assert {"proposal.invite", "proposal.invitation_accept"} <= actions


async def test_invitation_stores_only_a_hash_expires_in_14_days_and_is_mailed(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    _, invited = await _invite(client, db, world)

    row = await db.scalar(select(ProposalInvitation))

    assert row is not None
    assert len(row.token_hash) == 64
    expected = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=14)
    assert abs((row.expires_at - expected).total_seconds()) < 60
    assert "token" not in invited.json()
    mails = (await db.execute(select(OutboxMessage.recipient, OutboxMessage.subject))).all()
    assert [tuple(m) for m in mails] == [
        ("vn.pi@example.vn", "Invitation to join a proposal in JV-2026")
    ]


async def test_wrong_user_gets_404_and_nothing_changes(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    _, invited = await _invite(client, db, world)
    intruder = await make_user(db, "researcher", country="VN")
    wrong_country = await make_user(db, "researcher", country="JP", email="jp2@example.jp")
    before = await audit_count(db)

    answers = [
        await client.post(
            f"/api/invitations/{invited.json()['id']}/accept", headers=await bearer(db, u)
        )
        for u in (intruder, wrong_country, world.jp_pi)
    ]
    listed = await client.get("/api/invitations", headers=await bearer(db, intruder))

    assert [a.status_code for a in answers] == [404, 404, 404]
    assert listed.json() == []
    assert await audit_count(db) == before


async def test_invitee_of_other_country_does_not_see_it(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    world.vn_pi.country = "JP"
    await db.flush()
    _, invited = await _invite(client, db, world)
    headers = await bearer(db, world.vn_pi)

    listed = await client.get("/api/invitations", headers=headers)
    accepted = await client.post(f"/api/invitations/{invited.json()['id']}/accept", headers=headers)

    assert (listed.json(), accepted.status_code) == ([], 404)


async def test_invite_refused_for_non_pi_unknown_agency_and_filled_part(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(
        db, world.call, {world.jst.id: world.jp_pi, world.nafosted.id: world.vn_pi}
    )
    url = f"/api/proposals/{proposal.id}/invitations"
    headers = await bearer(db, world.jp_pi)

    filled = await client.post(url, headers=headers, json={"agency": "NAFOSTED", "email": "a@b.vn"})
    unknown = await client.post(url, headers=headers, json={"agency": "FWO", "email": "a@b.be"})

    assert (filled.status_code, problem_of(filled)) == (
        409,
        {
            "type": "urn:cofund:problem:conflict",
            "title": "Conflict",
            "status": 409,
            "detail": "The NAFOSTED part already has its PI.",
            "instance": url,
            "code": "part.pi_taken",
            "params": {"agency": "NAFOSTED"},
        },
    )
    assert (unknown.status_code, problem_of(unknown)) == (
        422,
        {
            "type": "urn:cofund:problem:invalid",
            "title": "Invalid input",
            "status": 422,
            "detail": "No such part.",
            "instance": url,
            "code": "invitation.no_such_part",
            "params": {},
            "errors": [
                {
                    "field": "agency",
                    "reason": "not an agency of this proposal; its parts are JST and NAFOSTED",
                    "code": "invitation.not_a_part",
                    "params": {"agencies": ["JST", "NAFOSTED"]},
                }
            ],
        },
    )


async def test_accepted_invitation_cannot_be_accepted_twice(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    _, invited = await _invite(client, db, world)
    headers = await bearer(db, world.vn_pi)
    url = f"/api/invitations/{invited.json()['id']}/accept"

    first = await client.post(url, headers=headers)
    before = await audit_count(db)
    second = await client.post(url, headers=headers)

    assert first.status_code == 200
    assert problem_of(second) == {
        "type": "urn:cofund:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "This invitation was accepted already.",
        "instance": url,
        "code": "invitation.accepted_already",
        "params": {},
    }
    assert await audit_count(db) == before


async def test_accepted_invitation_stays_not_found_for_others(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    _, invited = await _invite(client, db, world)
    url = f"/api/invitations/{invited.json()['id']}/accept"
    await client.post(url, headers=await bearer(db, world.vn_pi))
    stranger = await make_user(db, "researcher", country="VN", email="other@example.vn")

    response = await client.post(url, headers=await bearer(db, stranger))

    assert (response.status_code, problem_of(response)) == (
        404,
        {
            "type": "urn:cofund:problem:not_found",
            "title": "Not found",
            "status": 404,
            "detail": "No such invitation.",
            "instance": url,
            "code": "invitation.not_found",
            "params": {},
        },
    )


async def test_pi_cannot_invite_themselves_as_counterpart(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    url = f"/api/proposals/{proposal.id}/invitations"
    before = await audit_count(db)

    response = await client.post(
        url,
        headers=await bearer(db, world.jp_pi),
        json={"agency": "NAFOSTED", "email": "ＪＰ.PI@example.jp"},
    )

    assert problem_of(response) == {
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "You cannot invite yourself as the counterpart PI.",
        "instance": url,
        "code": "invitation.self",
        "params": {},
        "errors": [
            {
                "field": "email",
                "reason": "your own address: invite the counterpart PI",
                "code": "invitation.self_field",
                "params": {},
            }
        ],
    }
    assert await audit_count(db) == before
    assert await db.scalar(select(ProposalInvitation)) is None


async def test_invitation_to_fullwidth_address_reaches_the_account(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    invited = await client.post(
        f"/api/proposals/{proposal.id}/invitations",
        headers=await bearer(db, world.jp_pi),
        json={"agency": "NAFOSTED", "email": "ＶＮ.ＰＩ@example.vn"},
    )

    pending = await client.get("/api/invitations", headers=await bearer(db, world.vn_pi))

    assert invited.json()["email"] == "vn.pi@example.vn"
    assert [i["id"] for i in pending.json()] == [invited.json()["id"]]


async def test_expired_invitation_is_gone(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    _, invited = await _invite(client, db, world)
    row = await db.scalar(select(ProposalInvitation))
    assert row is not None
    row.expires_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
    await db.flush()
    headers = await bearer(db, world.vn_pi)

    listed = await client.get("/api/invitations", headers=headers)
    accepted = await client.post(f"/api/invitations/{invited.json()['id']}/accept", headers=headers)

    assert (listed.json(), accepted.status_code) == ([], 404)


async def test_invite_by_co_investigator_or_on_submitted_refused_without_trace(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    draft = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    co_i = await make_user(db, "researcher", email="co@example.jp")
    draft.parts[0].members.append(
        PartMemberFactory(user_id=co_i.id, role="co_investigator", email=co_i.email)
    )
    submitted = await make_proposal(db, world.call, {world.jst.id: world.jp_pi}, state="submitted")
    await db.flush()
    body = {"agency": "NAFOSTED", "email": "vn.pi@example.vn"}
    before = await audit_count(db)

    by_co_i = await client.post(
        f"/api/proposals/{draft.id}/invitations", headers=await bearer(db, co_i), json=body
    )
    too_late = await client.post(
        f"/api/proposals/{submitted.id}/invitations",
        headers=await bearer(db, world.jp_pi),
        json=body,
    )

    assert (by_co_i.status_code, by_co_i.json()["code"], by_co_i.json()["detail"]) == (
        403,
        "invitation.pi_only",
        "Only a PI of the proposal invites the counterpart PI.",
    )
    assert (too_late.status_code, too_late.json()["code"], too_late.json()["detail"]) == (
        409,
        "invitation.not_draft",
        "The proposal is submitted; invitations are for drafts.",
    )
    assert await db.scalar(select(ProposalInvitation.id)) is None
    assert await audit_count(db) == before
