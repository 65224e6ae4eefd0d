"""AUDIT_TREE=off (the benchmark's baseline) is safe: no checkpoint is signed while the tree is
off, and once it is back on the tree first takes in every event it missed, so the signed root
is the root over all the events."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import chain, log, tree
from grants.db.models import AuditEvent
from grants.errors import Conflict
from grants.settings import Settings, get_settings
from tests.factories_tlog import append_events
from transparency import leaf_hash, tree_root


@pytest.fixture
def tree_switch(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def _switch(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("AUDIT_TREE", value)
    get_settings.cache_clear()


async def _reference_root(db: AsyncSession) -> bytes:
    rows = await db.scalars(select(AuditEvent).order_by(AuditEvent.seq))
    return tree_root([leaf_hash(chain.event_bytes(r)) for r in rows])


async def test_checkpoints_are_refused_while_the_tree_is_off(
    db: AsyncSession, settings: Settings, tree_switch: pytest.MonkeyPatch
) -> None:
    await append_events(db, 3)
    _switch(tree_switch, "off")
    await append_events(db, 4)

    with pytest.raises(Conflict) as refused:
        await log.sign_current(db, settings.model_copy(update={"audit_tree": "off"}))

    assert str(refused.value.detail) == (
        "The log signs no checkpoint while its Merkle tree is switched off (AUDIT_TREE=off)."
    )
    assert await tree.stored_size(db) == 3


@pytest.mark.parametrize("then", ["append", "checkpoint"])
async def test_the_tree_catches_up_when_turned_back_on(
    db: AsyncSession, settings: Settings, tree_switch: pytest.MonkeyPatch, then: str
) -> None:
    await append_events(db, 3)
    _switch(tree_switch, "off")
    await append_events(db, 6)
    _switch(tree_switch, "on")
    if then == "append":
        await append_events(db, 2)

    checkpoint, created = await log.sign_current(db, settings)

    size = 11 if then == "append" else 9
    assert (checkpoint.size, created) == (size, True)
    assert await tree.stored_size(db) == size
    assert checkpoint.root == await _reference_root(db)
