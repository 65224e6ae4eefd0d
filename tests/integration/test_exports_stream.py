"""Exports stream: PostgreSQL's own COPY writes the same bytes as the Python path for every
dataset and reader, and rows leave in chunks before the last one is read."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import chain
from grants.common.actors import SYSTEM, Actor
from grants.exports import stream
from grants.exports.datasets import DATASETS
from grants.exports.filters import Filters
from grants.security.policy import SYSTEM_SCOPE, ExportScope
from tests.factories_exports import make_export_world
from tests.factories_fx import make_rates


async def _csv(db: AsyncSession, export: stream.Export, *, use_copy: bool) -> list[bytes]:
    return [chunk async for chunk in export.csv(db, use_copy=use_copy)]


async def _events(db: AsyncSession, n: int) -> None:
    entries = [
        chain.Entry(
            Actor(None, "bench"),
            "test.streamed",
            "thing",
            i,
            {"note": ['quote " comma , line\nbreak', "日本語 tiếng Việt"], "n": i},
        )
        for i in range(n)
    ]
    await chain.append_many(db, entries)


async def test_copy_writes_the_python_paths_bytes(backend: str, db: AsyncSession) -> None:
    if backend != "postgres":
        pytest.skip("COPY is PostgreSQL's")
    world = await make_export_world(db)
    await make_rates(
        db,
        world.panel.jst_officer,
        {"rate": Decimal("0.006700000"), "rate_date": datetime.date(2027, 4, 1)},
        {"rate": Decimal("172.5"), "base": "USD", "quote": "JPY", "source": ""},
    )
    await _events(db, 3)
    officer = ExportScope(agency_id=world.panel.jst.id, identities=False, oversight=False)
    compared = {}
    for scope in (SYSTEM_SCOPE, officer):
        for export in await stream.prepare_all(db, Filters(), scope):
            python = b"".join(await _csv(db, export, use_copy=False))
            copied = b"".join(await _csv(db, export, use_copy=True))
            assert (export.dataset.name, copied) == (export.dataset.name, python)
            compared.setdefault(export.dataset.name, python.count(b"\n"))
    assert compared["budget_lines"] == 6
    assert compared["fx_rates"] == 3
    assert compared["reviews"] == 1 + 2 + 2  # header, two reviews with a line break each


async def test_rows_leave_in_chunks(backend: str, db: AsyncSession) -> None:
    await _events(db, 3000)
    export = await stream.prepare(db, "audit_events", Filters(), SYSTEM_SCOPE)
    paths = [False, True] if backend == "postgres" else [False]

    for use_copy in paths:
        chunks = export.csv(db, use_copy=use_copy)
        first = await anext(chunks)
        rest = [chunk async for chunk in chunks]
        body = first + b"".join(rest)
        assert first.startswith(b"seq,occurred_at,actor_id,actor_label,action,")
        assert (use_copy, len(rest) >= 3, body.count(b"test.streamed")) == (use_copy, True, 3000)


async def test_export_csv_is_the_public_entry(db: AsyncSession) -> None:
    await chain.append(
        db, actor=SYSTEM, action="test.public", entity_type="thing", entity_id=1, changes={}
    )

    body = b"".join(
        [c async for c in stream.export_csv(db, "audit_events", Filters(), SYSTEM_SCOPE)]
    )

    last = body.decode().splitlines()[-1].split(",")
    assert (last[3:8], sorted(DATASETS)[0]) == (
        ["system", "test.public", "thing", "1", "{}"],
        "amendments",
    )
