"""HTTP API of the exports: the datasets the caller may export, and each one streamed."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator

from litestar import Controller, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from litestar.response import Stream
from sqlalchemy.ext.asyncio import AsyncSession

from grants.errors import NotFound
from grants.exports import schemas, stream
from grants.exports.filters import Filters
from grants.exports.services import own_session, record_export
from grants.security.guards import authenticated
from grants.security.principal import Principal
from messages import define

UNKNOWN_FORMAT = define(
    "export.unknown_format", "There is no export format {format}; the formats are {formats}."
)
ALL = "all"
MEDIA_TYPES = {
    "csv": "text/csv",  # Litestar adds the charset of text types
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/jsonl; charset=utf-8",
}
_FILE_DOC = (
    "`<dataset>.<format>`: a dataset named by `GET /api/exports` and `csv`, `xlsx` or `jsonl`; "
    "`all.xlsx` is every dataset the caller may export, one sheet each."
)


def _split(file: str) -> tuple[str, str]:
    name, _, file_format = file.rpartition(".")
    if file_format not in MEDIA_TYPES or not name or (name == ALL and file_format != "xlsx"):
        formats = ", ".join(MEDIA_TYPES)
        raise NotFound(UNKNOWN_FORMAT(format=file_format if name else file, formats=formats))
    return name, file_format


class ExportController(Controller):
    path = "/api/exports"
    tags = ["exports"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012

    @get("/", name="exports:list")
    async def list_datasets(self, principal: Principal) -> list[schemas.ExportDataset]:
        """The datasets the caller may export, with their columns, formats and filters.

        Auditors and admins: every dataset; officers: all but the audit log, without the
        reviewer identity columns; anyone else 403. Changes nothing.
        """
        scope = stream.scope_of(principal)
        return [
            schemas.ExportDataset(
                name=d.name,
                description=d.description,
                columns=[
                    schemas.ExportColumn(name=c.name, type=c.kind.value)
                    for c in d.visible_columns(scope.identities)
                ],
                formats=list(schemas.FORMATS),
                filters=list(d.filters),
                url=f"/api/exports/{d.name}.csv",
            )
            for d in stream.visible(scope)
        ]

    @get(
        "/{file:str}",
        name="exports:file",
        responses={
            200: ResponseSpec(
                str,
                description="The rows as CSV (text/csv), XLSX or JSON Lines (application/jsonl).",
                media_type="text/csv",
                generate_examples=False,
            )
        },
    )
    async def file(
        self,
        principal: Principal,
        db_session: AsyncSession,
        file: str = Parameter(description=_FILE_DOC, max_length=80),
        call: str | None = Parameter(query="call", default=None, max_length=40),
        agency: str | None = Parameter(query="agency", default=None, max_length=32),
        since: datetime.date | None = Parameter(query="since", default=None),
        until: datetime.date | None = Parameter(query="until", default=None),
        excel: bool = Parameter(query="excel", default=False),
    ) -> Stream:
        """One dataset (or `all.xlsx`), streamed as CSV, XLSX or JSON Lines.

        Auditors and admins export everything; an officer the calls their agency co-funds
        (a `call` it does not co-fund: 403), without reviewer identities, never the audit log
        (403); anyone else 403. Filters: `call` and `agency` codes, `since`/`until` dates (both
        included) on the dataset's natural date; `excel=1` starts a CSV with the UTF-8 BOM.
        Unknown dataset or format: 404; unknown code, a filter the dataset does not take, or
        `until` before `since`: 422 naming the field. Money stays integer minor units beside
        its currency; times are ISO 8601 UTC. Each export is recorded in the audit log (who,
        dataset, format, filters) before the first byte is sent.
        """
        name, file_format = _split(file)
        filters = Filters(call=call, agency=agency, since=since, until=until)
        if name == ALL:
            exports = await stream.prepare_all(db_session, filters, principal)
            identities = stream.scope_of(principal).identities
        else:
            export = await stream.prepare(db_session, name, filters, principal)
            exports, identities = [export], export.scope.identities
        bind = db_session.bind
        await record_export(
            bind,
            principal.actor,
            dataset=name,
            file_format=file_format,
            filters=filters,
            identities=identities,
        )
        body = _body(bind, exports, file_format, excel=excel)
        headers = {"Content-Disposition": f'attachment; filename="{name}.{file_format}"'}
        return Stream(body, media_type=MEDIA_TYPES[file_format], headers=headers)


async def _body(
    bind: object, exports: list[stream.Export], file_format: str, *, excel: bool
) -> AsyncIterator[bytes]:
    """The response body, read in a session of its own: the request's session ends when the
    response starts, while the rows are still streaming."""
    async with own_session(bind) as session:
        async for chunk in stream.chunks(session, exports, file_format, excel=excel):
            yield chunk
