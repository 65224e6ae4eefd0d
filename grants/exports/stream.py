"""A dataset streamed for one reader: checked and resolved before the first byte, then rows
from the database to bytes with flat memory.

Rows come through a server-side cursor (`AsyncSession.stream` with `yield_per`). On PostgreSQL
CSV is PostgreSQL's own `COPY (SELECT …) TO STDOUT WITH (FORMAT csv, HEADER)` through asyncpg,
its output handed on chunk by chunk; the columns are selected there as the text the Python
path writes (`Column.copied`), so both paths give the same bytes for the same rows.

    export = await prepare(session, "reviews", Filters(call="JV-2026"), principal)
    async for chunk in export.csv(session):
        ...
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
import xlsxwriter
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.errors import NotFound
from grants.exports import writers
from grants.exports.columns import Column
from grants.exports.dataset import Bounds, Dataset
from grants.exports.datasets import DATASETS
from grants.exports.filters import Filters, check_applicable, check_dates, resolve
from grants.security import policy
from grants.security.enforce import require
from grants.security.policy import ExportScope
from grants.security.principal import Principal
from messages import define

__all__ = [
    "DATASETS",
    "Export",
    "Filters",
    "chunks",
    "export_csv",
    "prepare",
    "prepare_all",
]

UNKNOWN_DATASET = define(
    "export.unknown_dataset", "There is no dataset {dataset}; the datasets are {datasets}."
)
YIELD_PER = 2000
CHUNK_BYTES = 64 * 1024
COPY_QUEUE = 16


def scope_of(reader: Principal | ExportScope) -> ExportScope:
    """The reader's scope; raises Forbidden for a principal who exports nothing."""
    if isinstance(reader, ExportScope):
        return reader
    require(policy.decide_export(reader))
    return policy.export_scope(reader)


def visible(scope: ExportScope) -> list[Dataset]:
    """The datasets `scope` may export, in export order."""
    return [
        d
        for d in DATASETS.values()
        if policy.decide_export_dataset(scope, d.name, d.oversight_only).allowed
    ]


@dataclass(frozen=True, slots=True)
class Export:
    """One dataset for one reader, checked: its columns and resolved bounds."""

    dataset: Dataset
    bounds: Bounds
    scope: ExportScope

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.dataset.visible_columns(self.scope.identities)

    def query(self, *, copied: bool = False) -> Select[Any]:
        return self.dataset.query(
            self.bounds,
            officer_of=self.scope.agency_id,
            identities=self.scope.identities,
            copied=copied,
        )

    async def rows(self, session: AsyncSession) -> AsyncIterator[Sequence[Any]]:
        """The rows through a server-side cursor, `YIELD_PER` at a time."""
        result = await session.stream(self.query().execution_options(yield_per=YIELD_PER))
        async for partition in result.partitions():
            for row in partition:
                yield row

    async def csv(
        self, session: AsyncSession, *, excel: bool = False, use_copy: bool = True
    ) -> AsyncIterator[bytes]:
        """UTF-8 CSV with a header row (and the BOM Excel needs when `excel`)."""
        if excel:
            yield writers.BOM
        if use_copy and session.get_bind().dialect.name == "postgresql":
            async for chunk in self._copy(session):
                yield chunk
            return
        buffer = [writers.csv_header(self.columns)]
        async for row in self.rows(session):
            buffer.append(writers.csv_row(self.columns, row))
            if len(buffer) >= 256:
                yield "".join(buffer).encode()
                buffer = []
        yield "".join(buffer).encode()

    async def jsonl(self, session: AsyncSession) -> AsyncIterator[bytes]:
        """One JSON object per line, keys as the CSV header, integers as numbers."""
        buffer: list[str] = []
        async for row in self.rows(session):
            buffer.append(writers.jsonl_row(self.columns, row))
            if len(buffer) >= 256:
                yield "".join(buffer).encode()
                buffer = []
        if buffer:
            yield "".join(buffer).encode()

    async def _copy(self, session: AsyncSession) -> AsyncIterator[bytes]:
        connection = await session.connection()
        compiled = self.query(copied=True).compile(
            dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
        )
        params = compiled.construct_params()
        args = [_bind(compiled, name, params[name]) for name in compiled.positiontup or ()]
        raw = (await connection.get_raw_connection()).driver_connection
        assert raw is not None
        async for chunk in _copy_out(raw, compiled.string, args):
            yield chunk


def _bind(compiled: Any, name: str, value: Any) -> Any:
    """`value` as the driver takes it (the type's bind processor, as SQLAlchemy would)."""
    bind = compiled.binds.get(name)
    if bind is None:  # an expanded IN list's item: plain values (states, codes)
        return value
    bind_type = bind.type
    processor = bind_type.dialect_impl(compiled.dialect).bind_processor(compiled.dialect)
    return processor(value) if processor else value


async def _copy_out(raw: Any, sql: str, args: list[Any]) -> AsyncIterator[bytes]:
    """`COPY (sql) TO STDOUT WITH (FORMAT csv, HEADER)` through asyncpg (which inlines `args`
    as literals PostgreSQL itself quotes) as an async iterator: the copy runs in a task that
    hands each chunk through a bounded queue, so a slow client slows the copy instead of
    filling memory."""
    queue: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue(COPY_QUEUE)

    async def sink(data: bytes) -> None:
        await queue.put(bytes(data))

    async def run() -> None:
        try:
            await raw.copy_from_query(sql, *args, output=sink, format="csv", header=True)
        except Exception as error:  # handed to the reader, which raises it in its own task
            await queue.put(error)
            return
        await queue.put(None)

    task = asyncio.create_task(run())
    try:
        while (item := await queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def prepare(
    session: AsyncSession, name: str, filters: Filters, reader: Principal | ExportScope
) -> Export:
    """Check that `reader` may export dataset `name` with `filters` and resolve them.

    Raises NotFound (no such dataset), Forbidden (a reader who exports nothing, an officer
    asking for the audit log or naming a call their agency does not co-fund) and Invalid
    (an unknown code, a filter the dataset does not take, `until` before `since`).
    """
    scope = scope_of(reader)
    dataset = DATASETS.get(name)
    if dataset is None:
        raise NotFound(UNKNOWN_DATASET(dataset=name, datasets=", ".join(DATASETS)))
    require(policy.decide_export_dataset(scope, name, dataset.oversight_only))
    check_dates(filters)
    check_applicable(filters, dataset)
    return Export(dataset, await resolve(session, filters, scope), scope)


async def prepare_all(
    session: AsyncSession, filters: Filters, reader: Principal | ExportScope
) -> list[Export]:
    """Every dataset `reader` may export, each with the filters it takes."""
    scope = scope_of(reader)
    bounds = await resolve(session, filters, scope)
    return [Export(d, _bounds_for(bounds, d), scope) for d in visible(scope)]


def _bounds_for(bounds: Bounds, dataset: Dataset) -> Bounds:
    if dataset.call_id is None:
        agency = bounds.agency_id if dataset.agency_id is not None else None
        return Bounds(None, agency, bounds.since, bounds.until)
    return bounds


async def export_csv(
    session: AsyncSession,
    name: str,
    filters: Filters,
    reader: Principal | ExportScope,
    *,
    excel: bool = False,
) -> AsyncIterator[bytes]:
    """Dataset `name` as CSV bytes for `reader` (the errors of `prepare` on first iteration)."""
    export = await prepare(session, name, filters, reader)
    async for chunk in export.csv(session, excel=excel):
        yield chunk


def chunks(
    session: AsyncSession, exports: Sequence[Export], file_format: str, *, excel: bool = False
) -> AsyncIterator[bytes]:
    """The bytes of `exports` in `file_format`: an XLSX sheet each, else the first one's CSV
    or JSON Lines."""
    if file_format == "xlsx":
        return xlsx(session, exports)
    if file_format == "jsonl":
        return exports[0].jsonl(session)
    return exports[0].csv(session, excel=excel)


async def xlsx(session: AsyncSession, exports: Sequence[Export]) -> AsyncIterator[bytes]:
    """An XLSX workbook, one sheet per export, written in constant-memory mode to a temporary
    file (a zip is only readable once complete) and then streamed from it."""
    handle, path = tempfile.mkstemp(prefix="cofund-export-", suffix=".xlsx")
    os.close(handle)
    try:
        workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
        for export in exports:
            sheet = workbook.add_worksheet(export.dataset.name[:31])
            writers.sheet_header(sheet, export.columns)
            index = 0
            async for row in export.rows(session):
                index += 1
                writers.sheet_row(sheet, index, export.columns, row)
        await anyio.to_thread.run_sync(workbook.close)
        async with await anyio.open_file(path, "rb") as file:
            while chunk := await file.read(CHUNK_BYTES):
                yield chunk
    finally:
        os.unlink(path)
