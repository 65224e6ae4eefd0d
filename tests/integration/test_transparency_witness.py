"""Both agencies witness the transparency log: each cosigns only a checkpoint consistent with
the one it cosigned last, through the HTTP API as `grants witness` does, and both refuse (and
keep their state) once history is rewritten in the database, even with the chain re-hashed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import chain, log_key, tree
from grants.audit.witness import witness_once
from grants.db.models import AuditChainHead, AuditEvent, Cosignature
from grants.settings import Settings
from tests.factories import bearer, make_user
from tests.factories_tlog import Witness, append_events, make_witness
from tests.support.problems import problem
from transparency import Checkpoint, Note, WitnessRefusal, cosign, open_checkpoint, parse_note

Client = httpx.AsyncClient


@asynccontextmanager
async def _as(app: Litestar, headers: dict[str, str]) -> AsyncIterator[Client]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=headers
    ) as http:
        yield http


async def _register(client: Client, admin: dict[str, str], witness: Witness) -> None:
    response = await client.put(
        f"/api/agencies/{witness.agency.id}/witness-key",
        json={"vkey": str(witness.key.verifier())},
        headers=admin,
    )
    assert response.status_code == 200, response.text


async def _run(app: Litestar, settings: Settings, witness: Witness, state: Path) -> int:
    async with _as(app, witness.headers) as http:
        cosigned = await witness_once(
            http,
            witness_key=witness.key,
            log_key=log_key.verifier(settings),
            state_path=state,
            clock=lambda: 1_796_000_000,
        )
    return cosigned.checkpoint.size


async def _sign(client: Client, admin: dict[str, str]) -> int:
    response = await client.post("/api/audit/checkpoints", headers=admin)
    assert response.status_code in (200, 201), response.text
    return int(response.json()["size"])


async def _unprotect(db: AsyncSession) -> None:
    """What an attacker with the database's owner rights does first (rolled back after)."""
    if db.bind.dialect.name == "postgresql":
        for table in ("audit_events", "merkle_nodes"):
            await db.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        return
    for name in ("audit_events_no_update", "merkle_nodes_no_delete"):
        await db.execute(text(f"DROP TRIGGER {name}"))


async def _rewrite_history(db: AsyncSession, seq: int) -> None:
    """Edit event `seq`, re-hash the chain after it and rebuild the tree from the edited log."""
    await _unprotect(db)
    rows = list(
        await db.scalars(
            select(AuditEvent).order_by(AuditEvent.seq).execution_options(populate_existing=True)
        )
    )
    previous = rows[seq - 2].hash if seq > 1 else chain.GENESIS_HASH
    for row in rows[seq - 1 :]:
        if row.seq == seq:
            row.changes = {"n": [0, 1_000_000]}
        row.prev_hash = previous
        row.hash = chain.event_hash(row)
        previous = row.hash
    await db.flush()
    await db.execute(
        update(AuditChainHead).where(AuditChainHead.id == 1).values(last_hash=previous)
    )
    await db.run_sync(lambda session: tree.rebuild_from_events(session.connection()))


async def test_both_agencies_cosign_twice_then_refuse_a_rewritten_history(
    app: Litestar, client: Client, db: AsyncSession, settings: Settings, tmp_path: Path
) -> None:
    admin = await bearer(db, await make_user(db, "admin"))
    auditor = await bearer(db, await make_user(db, "auditor"))
    jst, nafosted = await make_witness(db, "JST"), await make_witness(db, "NAFOSTED")
    for witness in (jst, nafosted):
        await _register(client, admin, witness)
    states = {"JST": tmp_path / "jst.state", "NAFOSTED": tmp_path / "nafosted.state"}
    await append_events(db, 10)

    first = await _sign(client, admin)
    assert [await _run(app, settings, w, states[w.agency.code]) for w in (jst, nafosted)] == [
        first,
        first,
    ]
    note = (await client.get("/api/audit/checkpoint", headers=auditor)).text
    _, _, verified = open_checkpoint(
        note,
        log_key.verifier(settings),
        required=[jst.key.verifier(), nafosted.key.verifier()],
    )
    assert len(verified) == 3

    await append_events(db, 7)
    second = await _sign(client, admin)
    assert [await _run(app, settings, w, states[w.agency.code]) for w in (jst, nafosted)] == [
        second,
        second,
    ]
    assert second > first + 7  # the cosignatures themselves are audited events

    before = {code: path.read_bytes() for code, path in states.items()}
    cosignatures = await db.scalar(select(func.count()).select_from(Cosignature))
    await _rewrite_history(db, 3)
    verify = await client.get("/api/audit/verify", headers=auditor)
    assert (verify.json()["intact"], verify.json()["events"]) == (True, second + 2)
    await append_events(db, 2)
    third = await _sign(client, admin)

    for witness in (jst, nafosted):
        with pytest.raises(WitnessRefusal) as refused:
            await _run(app, settings, witness, states[witness.agency.code])
        assert (refused.value.code, refused.value.params["reason"]) == (
            "witness.checkpoint.inconsistent",
            "merkle.proof.root_mismatch",
        )
        assert (refused.value.params["size1"], refused.value.params["size2"]) == (second, third)
    assert {code: path.read_bytes() for code, path in states.items()} == before
    assert await db.scalar(select(func.count()).select_from(Cosignature)) == cosignatures


async def test_a_witness_cosigning_an_unchanged_log_gets_the_stored_cosignature(
    app: Litestar, client: Client, db: AsyncSession, settings: Settings, tmp_path: Path
) -> None:
    admin = await bearer(db, await make_user(db, "admin"))
    jst = await make_witness(db, "JST")
    await _register(client, admin, jst)
    await append_events(db, 3)
    size = await _sign(client, admin)
    state = tmp_path / "jst.state"

    assert await _run(app, settings, jst, state) == size
    assert await _run(app, settings, jst, state) == size
    assert await db.scalar(select(func.count()).select_from(Cosignature)) == 1


async def test_cosignatures_are_refused_for_another_agency_unknown_keys_and_bad_signatures(
    app: Litestar, client: Client, db: AsyncSession, settings: Settings
) -> None:
    admin = await bearer(db, await make_user(db, "admin"))
    jst, nafosted = await make_witness(db, "JST"), await make_witness(db, "NAFOSTED")
    await _register(client, admin, jst)
    await append_events(db, 4)
    size = await _sign(client, admin)
    note = (await client.get("/api/audit/checkpoint", headers=admin)).text
    line = cosign(parse_note(note), jst.key, 1_796_000_000).line()
    unknown = cosign(parse_note(note), nafosted.key, 1_796_000_000).line()
    other_tree = Note(Checkpoint("cofund.example/audit", size, bytes(32)).body())
    forged = cosign(other_tree, jst.key, 1_796_000_000).line()
    events = await db.scalar(select(func.count()).select_from(AuditEvent))
    url = "/api/audit/checkpoint/cosignatures"

    other = await client.post(
        url, json={"size": size, "cosignature": line}, headers=nafosted.headers
    )
    not_known = await client.post(
        url, json={"size": size, "cosignature": unknown}, headers=nafosted.headers
    )
    bad = await client.post(url, json={"size": size, "cosignature": forged}, headers=jst.headers)
    no_checkpoint = await client.post(
        url, json={"size": size + 50, "cosignature": line}, headers=jst.headers
    )

    assert problem(other) == {
        "type": "urn:cofund:problem:forbidden",
        "title": "Forbidden",
        "status": 403,
        "detail": "Only an officer of the agency whose witness key made a cosignature may post it.",
        "instance": url,
        "code": "policy.audit_log.own_agency_only",
        "params": {},
    }
    assert problem(not_known)["errors"] == [
        {
            "field": "cosignature",
            "reason": (
                f"No agency registered the witness key witness.nafosted.example with id "
                f"{nafosted.key.key_id.hex()}."
            ),
            "code": "audit.cosignature.unknown_key",
            "params": {"name": "witness.nafosted.example", "key_id": nafosted.key.key_id.hex()},
        }
    ]
    assert (bad.status_code, problem(bad)["errors"]) == (
        422,
        [
            {
                "field": "cosignature",
                "reason": (
                    "The signature of witness.jst.example does not verify as a "
                    "cosignature/v1 of this checkpoint."
                ),
                "code": "audit.cosignature.bad_signature",
                "params": {"name": "witness.jst.example"},
            }
        ],
    )
    assert problem(no_checkpoint)["errors"][0]["code"] == "audit.cosignature.no_checkpoint"
    assert await db.scalar(select(func.count()).select_from(Cosignature)) == 0
    assert await db.scalar(select(func.count()).select_from(AuditEvent)) == events


async def test_witness_keys_are_registered_by_admins_as_cosigner_keys_only(
    client: Client, db: AsyncSession, settings: Settings
) -> None:
    admin = await bearer(db, await make_user(db, "admin"))
    jst = await make_witness(db, "JST")
    url = f"/api/agencies/{jst.agency.id}/witness-key"
    vkey = str(jst.key.verifier())

    by_officer = await client.put(url, json={"vkey": vkey}, headers=jst.headers)
    plain = await client.put(url, json={"vkey": str(log_key.verifier(settings))}, headers=admin)
    junk = await client.put(url, json={"vkey": "not a key"}, headers=admin)
    registered = await client.put(url, json={"vkey": vkey}, headers=admin)
    shown = await client.get(url, headers=jst.headers)

    assert problem(by_officer)["code"] == "policy.audit_log.admins_only"
    assert [e["code"] for e in problem(plain)["errors"]] == ["audit.witness_key.not_cosigner"]
    assert [e["code"] for e in problem(junk)["errors"]] == ["audit.witness_key.malformed"]
    assert registered.json() | {"registered_at": None} == {
        "agency_id": str(jst.agency.id),
        "name": "witness.jst.example",
        "key_id": jst.key.key_id.hex(),
        "vkey": vkey,
        "registered_at": None,
    }
    assert shown.json() == registered.json()
    actions = await db.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_id == str(jst.agency.id))
    )
    assert list(actions) == ["agency.witness_key.set"]
