"""Concurrent audit appends on PostgreSQL grow one Merkle tree: every event a leaf in sequence
order, every stored node the hash of its leaves, and checkpoints signed while writers race are
each consistent with the tree as it ends up. Commits for real, in a database of its own."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from grants.audit import chain, log, tree
from grants.common.actors import SYSTEM
from grants.db.models import AuditEvent, LogCheckpoint, MerkleNode
from grants.settings import Settings
from transparency import leaf_hash, tree_root, verify_consistency

WRITERS = 16


async def _append(engine: AsyncEngine, writer: int) -> None:
    async with async_sessionmaker(engine)() as session, session.begin():
        entries = [
            chain.Entry(SYSTEM, "test.race", "writer", writer, {"n": [i, i + 1]})
            for i in range(1 + writer % 3)
        ]
        await chain.append_many(session, entries)


async def _sign(engine: AsyncEngine, settings: Settings) -> None:
    async with async_sessionmaker(engine)() as session, session.begin():
        await log.sign_current(session, settings)


async def test_racing_appends_and_signatures_keep_one_consistent_tree(
    committed_engine: AsyncEngine, tmp_path: Path
) -> None:
    settings = Settings(environment="test", var_dir=tmp_path, secret_key="race")
    jobs = [_append(committed_engine, w) for w in range(WRITERS)]
    jobs += [_sign(committed_engine, settings) for _ in range(4)]

    await asyncio.gather(*jobs)

    async with AsyncSession(committed_engine) as session:
        rows = list(await session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        leaves = [leaf_hash(chain.event_bytes(r)) for r in rows]
        nodes = await session.scalar(select(func.count()).select_from(MerkleNode))
        checkpoints = list(await session.scalars(select(LogCheckpoint)))
        final = len(leaves)
        assert await tree.root(session, final) == tree_root(leaves)
        for checkpoint in checkpoints:
            proof = (
                await tree.consistency(session, checkpoint.size, final) if checkpoint.size else []
            )
            if checkpoint.size:
                assert verify_consistency(
                    checkpoint.size, final, proof, checkpoint.root, tree_root(leaves)
                )
            assert checkpoint.root == tree_root(leaves[: checkpoint.size])
    assert [r.seq for r in rows] == list(range(1, final + 1))
    assert final == sum(1 + w % 3 for w in range(WRITERS))
    assert nodes == 2 * final - final.bit_count()
    assert (await _verified(committed_engine)) is True


async def _verified(engine: AsyncEngine) -> bool:
    async with AsyncSession(engine) as session:
        return (await chain.verify(session)).intact
