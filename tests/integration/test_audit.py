"""The audit log: listed to auditors, verified end to end, tamper-evident and append-only."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import chain
from grants.audit.chain import CONTENT_CHANGED
from grants.common.actors import SYSTEM, Actor
from tests.factories import bearer, make_user

Client = httpx.AsyncClient


async def _three_events(db: AsyncSession) -> None:
    for i in range(3):
        await chain.append(
            db,
            actor=SYSTEM,
            action="test.event",
            entity_type="thing",
            entity_id=i,
            changes={"n": [i, i + 1]},
        )


async def test_events_listed_to_auditor_in_chain_order(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "auditor"))
    await _three_events(db)

    response = await client.get("/api/audit/events?action=test.event&limit=2", headers=headers)

    body = response.json()
    assert response.status_code == 200
    assert body["total"] == 3
    assert [e["entity_id"] for e in body["items"]] == ["0", "1"]
    assert body["items"][1]["prev_hash"] == body["items"][0]["hash"]


async def test_events_filtered_by_entity(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "auditor"))
    await _three_events(db)

    response = await client.get("/api/audit/events?entity_type=thing&entity_id=2", headers=headers)

    assert [(e["action"], e["changes"]) for e in response.json()["items"]] == [
        ("test.event", {"n": [2, 3]})
    ]


async def test_events_refused_to_researchers(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "researcher"))

    response = await client.get("/api/audit/events", headers=headers)

    assert response.status_code == 403


async def test_verify_reports_intact_chain(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "auditor"))
    await _three_events(db)

    response = await client.get("/api/audit/verify", headers=headers)

    assert response.json()["intact"] is True
    assert response.json()["events"] >= 3


async def test_audit_rows_cannot_be_updated_or_deleted(db: AsyncSession) -> None:
    await _three_events(db)

    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with db.begin_nested():
                await db.execute(text(statement))


async def _disable_protection(db: AsyncSession) -> None:
    """What an attacker with database rights would do first."""
    if db.bind.dialect.name == "postgresql":
        await db.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change"))
    else:
        await db.execute(text("DROP TRIGGER audit_events_no_update"))


async def test_verify_names_the_edited_event(db: AsyncSession) -> None:
    await _three_events(db)
    last = await db.scalar(text("SELECT max(seq) FROM audit_events"))
    await _disable_protection(db)

    await db.execute(
        text("UPDATE audit_events SET actor_label = 'mallory' WHERE seq = :s").bindparams(
            s=last - 1
        )
    )
    db.expire_all()
    result = await chain.verify(db)

    assert (result.intact, result.broken_seq) == (False, last - 1)
    assert result.reason == CONTENT_CHANGED()


async def test_verify_over_http_says_why_in_the_auditors_language(
    client: Client, db: AsyncSession
) -> None:
    headers = await bearer(db, await make_user(db, "auditor", locale="ja"))
    await _three_events(db)
    last = await db.scalar(text("SELECT max(seq) FROM audit_events"))
    await _disable_protection(db)
    await db.execute(
        text("UPDATE audit_events SET actor_label = 'mallory' WHERE seq = :s").bindparams(s=last)
    )
    db.expire_all()

    response = await client.get("/api/audit/verify", headers=headers)

    assert response.json() == {
        "events": last - 1,
        "intact": False,
        "broken_seq": last,
        "reason": "内容がハッシュと一致しません（記録後に編集されています）",
        "reason_code": "audit.chain.content_changed",
        "reason_params": {},
    }


async def test_verify_names_a_rehashed_edit_by_its_successor(db: AsyncSession) -> None:
    await _three_events(db)
    last = await db.scalar(text("SELECT max(seq) FROM audit_events"))
    await _disable_protection(db)

    # Recomputing the edited row's own hash moves the break to the next link.
    await db.execute(
        text("UPDATE audit_events SET hash = :h WHERE seq = :s").bindparams(h="f" * 64, s=last - 1)
    )
    db.expire_all()
    result = await chain.verify(db)

    assert (result.intact, result.broken_seq) == (False, last - 1)


async def test_append_chains_hashes_and_sequence(db: AsyncSession) -> None:
    first = await chain.append(
        db, actor=Actor(id=None, label="t"), action="a", entity_type="e", entity_id=1, changes={}
    )
    second = await chain.append(
        db, actor=Actor(id=None, label="t"), action="b", entity_type="e", entity_id=1, changes={}
    )

    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert chain.event_hash(second) == second.hash


def test_jsonable_refuses_floats() -> None:
    with pytest.raises(TypeError, match="floats are not allowed"):
        chain.jsonable({"amount": 1.5})
