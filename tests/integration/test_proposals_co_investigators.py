"""Co-investigators are invited, never enrolled silently: listing one never links an account nor
tells whether the e-mail has one; accepting the invitation links it and opens the draft."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, OutboxMessage, PartMember, Proposal, ProposalInvitation
from tests.factories import bearer, make_proposal, make_user
from tests.factories_proposals import World, audit_count, make_world, problem_of

Client = httpx.AsyncClient


async def _draft(db: AsyncSession) -> tuple[World, Proposal, str]:
    world = await make_world(db)
    proposal = await make_proposal(
        db, world.call, {world.jst.id: world.jp_pi, world.nafosted.id: world.vn_pi}
    )
    return world, proposal, f"/api/proposals/{proposal.id}/parts/{proposal.parts[0].id}/members"


async def _add(
    client: Client, db: AsyncSession, world: World, url: str, email: str, **fields: Any
) -> httpx.Response:
    body = {"name": "Co I", "email": email, "role": "co_investigator", **fields}
    return await client.post(url, headers=await bearer(db, world.jp_pi), json=body)


async def test_co_investigator_gets_access_only_after_accepting(
    client: Client, db: AsyncSession
) -> None:
    world, proposal, url = await _draft(db)
    co_i = await make_user(db, "researcher", country="JP", email="co.i@example.jp")
    headers = await bearer(db, co_i)
    detail = f"/api/proposals/{proposal.id}"

    added = await _add(client, db, world, url, "Co.I@example.jp")
    before_accepting = await client.get(detail, headers=headers)
    listed = await client.get("/api/invitations", headers=headers)
    invitation = listed.json()[0]
    accepted = await client.post(f"/api/invitations/{invitation['id']}/accept", headers=headers)
    after = await client.get(detail, headers=headers)

    assert (added.status_code, added.json()["user_id"]) == (201, None)
    assert before_accepting.status_code == 404
    assert listed.json() == [
        {
            "id": invitation["id"],
            "proposal_id": str(proposal.id),
            "proposal_title": "Chiplet interconnects for edge-AI accelerators",
            "call_code": "JV-2026",
            "agency": "JST",
            "role": "co_investigator",
            "email": "co.i@example.jp",
            "expires_at": invitation["expires_at"],
            "accepted_at": None,
        }
    ]
    assert accepted.status_code == 200
    assert accepted.json() == {**invitation, "accepted_at": accepted.json()["accepted_at"]}
    assert after.status_code == 200
    member = after.json()["parts"][0]["members"][1]
    assert (member["id"], member["user_id"], member["version"]) == (
        added.json()["id"],
        str(co_i.id),
        2,
    )
    actions = list(await db.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    assert actions[-2:] == ["proposal.member_add", "proposal.invitation_accept"]


async def test_add_member_answers_alike_whether_or_not_the_email_has_an_account(
    client: Client, db: AsyncSession
) -> None:
    world, _, url = await _draft(db)
    await make_user(db, "researcher", country="JP", email="known@example.jp")

    known = await _add(client, db, world, url, "known@example.jp")
    unknown = await _add(client, db, world, url, "nobody@example.jp")

    def shape(response: httpx.Response) -> tuple[int, dict[str, Any]]:
        return response.status_code, {
            k: v for k, v in response.json().items() if k not in {"id", "email"}
        }

    assert shape(known) == shape(unknown)
    assert shape(known) == (
        201,
        {
            "version": 1,
            "user_id": None,
            "role": "co_investigator",
            "name": "Co I",
            "orcid": None,
            "erad_number": None,
            "based_in": None,
            "abroad": False,
        },
    )
    mails = (await db.execute(select(OutboxMessage.recipient, OutboxMessage.subject))).all()
    # Each in the invitee's language: the account's saved locale (en), else the Japanese side's.
    assert sorted(tuple(m) for m in mails) == [
        ("known@example.jp", "Invitation to join a proposal in JV-2026"),
        ("nobody@example.jp", "公募 JV-2026 の提案への招待"),
    ]
    invitations = {
        i.email: i
        for i in await db.scalars(
            select(ProposalInvitation).where(ProposalInvitation.member_id.is_not(None))
        )
    }
    assert [len(i.token_hash) for i in invitations.values()] == [64, 64]
    bodies = dict((await db.execute(select(OutboxMessage.recipient, OutboxMessage.body))).all())
    assert bodies["known@example.jp"] == (
        'Hello,\n\nYou are invited to join the joint proposal "Chiplet interconnects for '
        'edge-AI accelerators" in the call JV-2026 as a co-investigator on the JST team.\n\n'
        "Sign in to CoFund with this e-mail address (known@example.jp), or create an account "
        "with it, and accept the invitation at http://127.0.0.1:8000/api/invitations before "
        f"{_en_utc(invitations['known@example.jp'].expires_at)} (UTC).\n"
        "If you do not know this project, ignore this mail: nothing happens without you.\n"
    )
    tokyo = invitations["nobody@example.jp"].expires_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert bodies["nobody@example.jp"] == (
        "CoFund からのご案内です。\n\n"
        "公募 JV-2026 の共同提案「Chiplet interconnects for edge-AI accelerators」に、"
        "JST側の共同研究者として招待されています。\n\n"
        "このメールアドレス（nobody@example.jp）で CoFund にサインインするか、このアドレスで"
        "アカウントを作成したうえで、"
        # Japanese writes the hour unpadded (CLDR's H:mm): 0:05, not 00:05.
        f"{tokyo:%Y/%m/%d} {tokyo.hour}:{tokyo:%M} (日本時間) までに "
        "http://127.0.0.1:8000/api/invitations "
        "で招待を承諾してください。\n"
        "この研究課題にお心当たりがない場合は、このメールを破棄してください。ご本人が承諾しない"
        "限り、何も行われません。\n"
    )


def _en_utc(moment: datetime.datetime) -> str:
    """`Dec 15, 2026, 1:03 PM` (Babel's English medium date, short time, in UTC)."""
    at = moment.astimezone(datetime.UTC)
    hour = at.hour % 12 or 12
    return f"{at:%b} {at.day}, {at.year}, {hour}:{at:%M}\u202f{at:%p}"


async def test_member_email_change_voids_the_pending_invitation(
    client: Client, db: AsyncSession
) -> None:
    world, _, url = await _draft(db)
    first = await make_user(db, "researcher", country="JP", email="first@example.jp")
    second = await make_user(db, "researcher", country="JP", email="second@example.jp")
    added = await _add(client, db, world, url, "first@example.jp")
    old = (await client.get("/api/invitations", headers=await bearer(db, first))).json()[0]

    changed = await client.patch(
        f"{url}/{added.json()['id']}",
        headers=await bearer(db, world.jp_pi),
        json={"version": 1, "email": "Second@example.jp"},
    )
    first_headers = await bearer(db, first)
    listed_first = await client.get("/api/invitations", headers=first_headers)
    old_accept = await client.post(f"/api/invitations/{old['id']}/accept", headers=first_headers)
    listed_second = await client.get("/api/invitations", headers=await bearer(db, second))

    assert changed.status_code == 200
    assert (changed.json()["email"], changed.json()["version"]) == ("second@example.jp", 2)
    assert listed_first.json() == []
    assert problem_of(old_accept) == {
        "type": "urn:cofund:problem:not_found",
        "title": "Not found",
        "status": 404,
        "detail": "No such invitation.",
        "instance": f"/api/invitations/{old['id']}/accept",
        "code": "invitation.not_found",
        "params": {},
    }
    assert [(i["email"], i["role"]) for i in listed_second.json()] == [
        ("second@example.jp", "co_investigator")
    ]
    event = await db.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert event is not None
    assert (event.action, event.changes["invitations_voided"]) == (
        "proposal.member_update",
        [old["id"]],
    )


async def test_member_removal_voids_the_pending_invitation(
    client: Client, db: AsyncSession
) -> None:
    world, _, url = await _draft(db)
    co_i = await make_user(db, "researcher", country="JP", email="co.i@example.jp")
    added = await _add(client, db, world, url, "co.i@example.jp")
    headers = await bearer(db, co_i)
    old = (await client.get("/api/invitations", headers=headers)).json()[0]

    removed = await client.delete(
        f"{url}/{added.json()['id']}",
        headers=await bearer(db, world.jp_pi),
        params={"version": 1},
    )
    listed = await client.get("/api/invitations", headers=headers)
    accept = await client.post(f"/api/invitations/{old['id']}/accept", headers=headers)

    assert removed.status_code == 204
    assert (listed.json(), accept.status_code) == ([], 404)
    assert (accept.json()["code"], accept.json()["detail"]) == (
        "invitation.not_found",
        "No such invitation.",
    )
    assert await db.scalar(select(PartMember.id).where(PartMember.email == co_i.email)) is None


async def test_accept_refused_when_already_on_the_team(client: Client, db: AsyncSession) -> None:
    # Listing a team member twice is refused up front; the person can still become the
    # counterpart PI after being listed, and then their co-investigator invitation is moot.
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    url = f"/api/proposals/{proposal.id}/parts/{proposal.parts[0].id}/members"
    await _add(client, db, world, url, world.vn_pi.email)
    await client.post(
        f"/api/proposals/{proposal.id}/invitations",
        headers=await bearer(db, world.jp_pi),
        json={"agency": "NAFOSTED", "email": world.vn_pi.email},
    )
    headers = await bearer(db, world.vn_pi)
    pending = (await client.get("/api/invitations", headers=headers)).json()
    as_pi = next(i for i in pending if i["role"] == "pi")
    invitation = next(i for i in pending if i["role"] == "co_investigator")
    await client.post(f"/api/invitations/{as_pi['id']}/accept", headers=headers)
    before = await audit_count(db)

    response = await client.post(f"/api/invitations/{invitation['id']}/accept", headers=headers)

    assert problem_of(response) == {
        "type": "urn:cofund:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "You are already on this proposal's team.",
        "instance": f"/api/invitations/{invitation['id']}/accept",
        "code": "invitation.on_team_already",
        "params": {},
    }
    assert await audit_count(db) == before


async def test_demoted_co_investigator_loses_access_and_invitation(
    client: Client, db: AsyncSession
) -> None:
    world, proposal, url = await _draft(db)
    co_i = await make_user(db, "researcher", country="JP", email="co.i@example.jp")
    added = await _add(client, db, world, url, "co.i@example.jp")
    headers = await bearer(db, co_i)
    invitation = (await client.get("/api/invitations", headers=headers)).json()[0]
    await client.post(f"/api/invitations/{invitation['id']}/accept", headers=headers)

    demoted = await client.patch(
        f"{url}/{added.json()['id']}",
        headers=await bearer(db, world.jp_pi),
        json={"version": 2, "role": "member"},
    )
    detail = await client.get(f"/api/proposals/{proposal.id}", headers=headers)

    assert (demoted.json()["role"], demoted.json()["user_id"], demoted.json()["version"]) == (
        "member",
        None,
        3,
    )
    assert detail.status_code == 404
