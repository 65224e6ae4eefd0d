"""The transparency log's Merkle tree over the audit events, kept in `merkle_nodes`.

Leaf `i` is audit event `seq = i + 1`; its bytes are the event's canonical JSON
(`chain.event_bytes`: the sorted-key, whitespace-free UTF-8 JSON of its content and previous
hash, the same bytes the hash chain hashes), hashed as RFC 9162 `SHA-256(0x00 || bytes)`. Every
append stores the leaf hash and the perfect subtrees it completes (about two rows per event),
reading only the tree's right edge (one row per set bit of the size): O(log n) per append, never
a recomputation. Any root or proof is then a fold of O(log n) stored hashes read in one query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, and_, delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from grants.db.models import AuditChainHead, AuditEvent, MerkleNode
from transparency import (
    EMPTY_ROOT,
    Node,
    TreeState,
    consistency_ranges,
    inclusion_ranges,
    leaf_hash,
    perfect_subtrees,
)
from transparency.proofs import range_hash

Key = tuple[int, int]


def _key(start: int, end: int) -> Key:
    """(level, position) of the aligned perfect subtree [start, end)."""
    level = (end - start).bit_length() - 1
    return level, start >> level


def _edge(size: int) -> list[Key]:
    return [_key(start, end) for start, end in perfect_subtrees(0, size)]


def _pieces(ranges: Iterable[tuple[int, int]]) -> list[Key]:
    return [_key(*piece) for start, end in ranges for piece in perfect_subtrees(start, end)]


async def _read(session: AsyncSession, keys: Sequence[Key]) -> dict[Key, bytes]:
    if not keys:
        return {}
    by_level: dict[int, set[int]] = {}
    for level, position in keys:
        by_level.setdefault(level, set()).add(position)
    condition = or_(
        *(
            and_(MerkleNode.level == level, MerkleNode.position.in_(sorted(positions)))
            for level, positions in by_level.items()
        )
    )
    rows = await session.execute(
        select(MerkleNode.level, MerkleNode.position, MerkleNode.hash).where(condition)
    )
    found = {(level, position): bytes(value) for level, position, value in rows}
    missing = [key for key in keys if key not in found]
    if missing:
        level, position = missing[0]
        raise LookupError(f"merkle node ({level}, {position}) is missing")
    return found


def _rows(nodes: Iterable[Node]) -> list[dict[str, object]]:
    return [{"level": n.level, "position": n.index, "hash": n.hash} for n in nodes]


def grow(state: TreeState, leaves: Iterable[bytes]) -> list[Node]:
    """Append each leaf's bytes to `state`; the nodes to store: leaf hashes and completed ones."""
    stored: list[Node] = []
    for data in leaves:
        hashed = leaf_hash(data)
        stored.append(Node(0, state.size, hashed))
        stored.extend(state.append(hashed))
    return stored


async def append_leaves(session: AsyncSession, size: int, leaves: Sequence[bytes]) -> None:
    """Grow the stored tree of `size` leaves by `leaves`; the caller holds the chain head lock."""
    if not leaves:
        return
    edge = _edge(size)
    try:
        found = await _read(session, edge)
    except LookupError:
        # The tree was switched off for a while (AUDIT_TREE=off): add what it missed first.
        await catch_up(session, size)
        found = await _read(session, edge)
    state = TreeState.restore(size, [found[key] for key in edge])
    await session.execute(insert(MerkleNode), _rows(grow(state, leaves)))


async def stored_size(session: AsyncSession) -> int:
    """How many leaves the stored tree holds (fewer than the events only after AUDIT_TREE=off)."""
    top = await session.scalar(select(func.max(MerkleNode.position)).where(MerkleNode.level == 0))
    return 0 if top is None else int(top) + 1


async def catch_up(session: AsyncSession, size: int, *, batch: int = 5000) -> int:
    """Grow the stored tree to `size` leaves from the stored events; returns how many it added.
    The caller holds the chain head's lock."""
    from grants.audit.chain import event_bytes

    have = await stored_size(session)
    if have >= size:
        return 0
    edge = _edge(have)
    found = await _read(session, edge)
    state = TreeState.restore(have, [found[key] for key in edge])
    for start in range(have + 1, size + 1, batch):
        events = await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.seq >= start, AuditEvent.seq < min(start + batch, size + 1))
            .order_by(AuditEvent.seq)
        )
        await session.execute(insert(MerkleNode), _rows(grow(state, map(event_bytes, events))))
    return size - have


async def current_size(session: AsyncSession) -> int:
    """The number of leaves: every committed audit event."""
    head = await session.scalar(select(AuditChainHead.last_seq).where(AuditChainHead.id == 1))
    return int(head or 0)


async def root(session: AsyncSession, size: int) -> bytes:
    """MTH of the first `size` leaves, from the right-edge subtrees of that size."""
    if size == 0:
        return EMPTY_ROOT
    edge = _edge(size)
    found = await _read(session, edge)
    return TreeState.restore(size, [found[key] for key in edge]).root()


async def _fold(session: AsyncSession, ranges: list[tuple[int, int]]) -> list[bytes]:
    found = await _read(session, _pieces(ranges))
    return [range_hash(start, end, lambda a, b: found[_key(a, b)]) for start, end in ranges]


async def leaf(session: AsyncSession, index: int) -> bytes:
    """The stored hash of leaf `index`."""
    return (await _read(session, [(0, index)]))[(0, index)]


async def inclusion(session: AsyncSession, index: int, size: int) -> list[bytes]:
    """PATH(index, D[size]); the caller checked 0 <= index < size <= current size."""
    return await _fold(session, inclusion_ranges(index, size))


async def consistency(session: AsyncSession, size1: int, size2: int) -> list[bytes]:
    """PROOF(size1, D[size2]), empty for equal sizes; 0 < size1 <= size2 <= current size."""
    if size1 == size2:
        return []
    return await _fold(session, consistency_ranges(size1, size2))


def rebuild(connection: Connection, leaves: Iterable[bytes]) -> int:
    """Replace the stored tree by the one over `leaves` (the migration fills an existing log);
    returns the size. Only for a log whose tree was never published."""
    connection.execute(delete(MerkleNode))
    state = TreeState()
    rows = _rows(grow(state, leaves))
    for start in range(0, len(rows), 5000):
        connection.execute(insert(MerkleNode), rows[start : start + 5000])
    return state.size


def rebuild_from_events(connection: Connection) -> int:
    """Recompute the whole tree from the stored audit events (the migration's backfill)."""
    from grants.audit.chain import event_bytes

    with Session(bind=connection) as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq))
        leaves = [event_bytes(row) for row in events]
    return rebuild(connection, leaves)
