"""The transparency log under racing writers, on PostgreSQL.

Concurrent audit appends grow one Merkle tree (every event a leaf in sequence order, every
stored node the hash of its leaves) while checkpoints are signed; and, through the HTTP API,
both agencies' witnesses cosign round after round while audit writers append events and an
admin signs checkpoints: every witness round succeeds, each witness's cosigned size only grows,
and every checkpoint and cosignature verifies (`Arena.check`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select

from grants.audit import chain, log, log_key
from grants.audit.witness import witness_once
from grants.common.actors import SYSTEM
from grants.db.models import AuditEvent, Cosignature, MerkleNode
from tests.factories import bearer, make_user
from tests.factories_tlog import Witness, append_events, make_witness
from tests.races.arena import Arena, post

WRITERS = 16
ROUNDS = 4


async def _append(arena: Arena, writer: int) -> None:
    async with arena.arrange() as session:
        entries = [
            chain.Entry(SYSTEM, "test.race", "writer", writer, {"n": [i, i + 1]})
            for i in range(1 + writer % 3)
        ]
        await chain.append_many(session, entries)


async def _sign(arena: Arena) -> None:
    async with arena.arrange() as session:
        await log.sign_current(session, arena.settings)


async def test_racing_appends_and_signatures_keep_one_consistent_tree(arena: Arena) -> None:
    jobs = [lambda w=w: _append(arena, w) for w in range(WRITERS)]  # type: ignore[misc]
    jobs += [lambda: _sign(arena) for _ in range(4)]

    await arena.together(*jobs)

    async with arena.session() as session:
        final = await session.scalar(select(func.count()).select_from(AuditEvent))
        nodes = await session.scalar(select(func.count()).select_from(MerkleNode))
    assert final == sum(1 + w % 3 for w in range(WRITERS))
    assert nodes == 2 * final - final.bit_count()
    await arena.check()


async def _witness_rounds(arena: Arena, witness: Witness, state: Path) -> list[int]:
    """`ROUNDS` rounds of the witness, each through its own HTTP connection."""
    sizes = []
    for _ in range(ROUNDS):
        async with arena.client(witness.headers) as client:
            cosigned = await witness_once(
                client,
                witness_key=witness.key,
                log_key=log_key.verifier(arena.settings),
                state_path=state,
            )
        sizes.append(cosigned.checkpoint.size)
        await asyncio.sleep(0)
    return sizes


async def _signer_rounds(arena: Arena, headers: dict[str, str]) -> list[int]:
    sizes = []
    for _ in range(ROUNDS):
        async with arena.client(headers) as client:
            response = await client.post("/api/audit/checkpoints")
        assert response.status_code in (200, 201), response.text
        sizes.append(response.json()["size"])
    return sizes


async def test_witnesses_cosign_while_events_are_appended_and_signed(
    arena: Arena, tmp_path: Path
) -> None:
    async with arena.arrange() as s:
        admin = await make_user(s, "admin")
        admin_tokens = [await bearer(s, admin) for _ in range(WRITERS + 1)]
        jst, nafosted = await make_witness(s, "JST"), await make_witness(s, "NAFOSTED")
        people = [await make_user(s, "researcher") for _ in range(WRITERS)]
        await append_events(s, 5)
    async with arena.client(admin_tokens[-1]) as client:
        for witness in (jst, nafosted):
            registered = await client.put(
                f"/api/agencies/{witness.agency.id}/witness-key",
                json={"vkey": str(witness.key.verifier())},
            )
            assert registered.status_code == 200, registered.text
        assert (await client.post("/api/audit/checkpoints")).status_code == 201
    writes = [
        post(f"/api/users/{p.id}/events/suspend", h, {"version": 1})
        for p, h in zip(people, admin_tokens, strict=False)
    ]

    written, signed, *cosigned = await arena.together(
        lambda: arena.race(writes),
        lambda: _signer_rounds(arena, admin_tokens[-1]),
        lambda: _witness_rounds(arena, jst, tmp_path / "jst.state"),
        lambda: _witness_rounds(arena, nafosted, tmp_path / "nafosted.state"),
    )

    assert [r.status_code for r in written] == [200] * WRITERS
    assert signed == sorted(signed)
    for sizes in cosigned:
        assert sizes == sorted(sizes)
    async with arena.session() as session:
        stored = await session.scalar(select(func.count()).select_from(Cosignature))
    assert stored == sum(len(set(sizes)) for sizes in cosigned)
    await arena.check()
