"""HTTP API of a grant side's papers: its signed agreement (upload a version, list, download)
and its financial statements (submit a version, read one, list the grant's)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post, put
from litestar.di import Provide
from litestar.params import Parameter
from litestar.response import Redirect, Stream
from sqlalchemy.ext.asyncio import AsyncSession

from grants.agreements import schemas, statement_views, statements, uploads
from grants.common.deps import request_id_of
from grants.common.pagination import Window, provide_window
from grants.common.schemas import Page
from grants.db.models import GrantAgreement
from grants.documents.controllers import (
    UploadOperation,
    download_headers,
    provide_document_store,
)
from grants.documents.screening import screening_for
from grants.documents.services import open_download
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings
from storage.base import DocumentStore

SIDE = "/sides/{agency:str}"


def provide_upload(
    request: Request[Any, Any, Any],
    grant_id: uuid.UUID,
    agency: str,
    filename: str | None = Parameter(query="filename", default=None),
    x_filename: str | None = Parameter(header="X-Filename", default=None),
) -> uploads.AgreementUpload:
    """What an upload names besides its body (the file name is checked after authorizing)."""
    return uploads.AgreementUpload(
        grant_id, agency, x_filename, filename, request.content_length, request_id_of(request)
    )


def agreement_view(agreement: GrantAgreement, agency: str) -> schemas.Agreement:
    a = agreement
    return schemas.Agreement(
        id=a.id,
        grant_id=a.grant_id,
        agency=agency,
        version=a.version,
        original_name=a.original_name,
        content_type=a.content_type,
        size=a.size,
        sha256=a.sha256,
        uploaded_by=a.uploaded_by,
        created_at=a.created_at,
    )


class AgreementController(Controller):
    path = "/api/grants/{grant_id:uuid}" + SIDE + "/agreement"
    tags = ["agreements"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {  # noqa: RUF012
        "document_store": Provide(provide_document_store, sync_to_thread=False),
        "window": Provide(provide_window, sync_to_thread=False),
    }

    # The app's 1 MiB body limit is lifted here only: the agreement's limit is enforced while
    # streaming instead.
    @post(
        "/",
        name="agreements:upload",
        status_code=201,
        request_max_body_size=None,
        dependencies={"upload": Provide(provide_upload, sync_to_thread=False)},
        operation_class=UploadOperation,
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        document_store: DocumentStore,
        settings: Settings,
        upload: uploads.AgreementUpload,
    ) -> schemas.Agreement:
        """Upload the raw body (a PDF, named in X-Filename) as the next version of the side's
        signed grant agreement, which the side's first tranche request needs.

        The PI of that side or an officer of that side's agency; anyone else who sees the grant
        403, others 404. At most 50 MiB (413), PDF only (415, sniffed from the bytes). Nothing is
        overwritten: each upload is a new version. Audited as `grant_agreement.upload`.
        """
        agreement = await uploads.upload_agreement(
            db_session,
            document_store,
            principal,
            upload,
            request.stream(),
            screening=screening_for(settings, uploads.AGREEMENT_KIND),
        )
        return agreement_view(agreement, upload.agency)

    @get("/", name="agreements:list")
    async def list_versions(
        self,
        principal: Principal,
        db_session: AsyncSession,
        grant_id: uuid.UUID,
        agency: str,
        window: Window,
    ) -> Page[schemas.Agreement]:
        """Every version of the side's signed agreement, newest first.

        Whoever sees the grant; anyone else 404. Changes nothing.
        """
        found, total = await uploads.list_agreements(
            db_session, principal, grant_id, agency, window
        )
        return Page.of([agreement_view(a, agency) for a in found], total, window)

    @get("/{agreement_id:uuid}/content", name="agreements:content")
    async def content(
        self,
        principal: Principal,
        db_session: AsyncSession,
        document_store: DocumentStore,
        grant_id: uuid.UUID,
        agency: str,
        agreement_id: uuid.UUID,
    ) -> Response[Any]:
        """The bytes of one version: a redirect to a short-lived URL (S3) or streamed.

        Whoever sees the grant; anyone else 404. Changes nothing. 503 when the store cannot
        be read.
        """
        found = await uploads.get_agreement(db_session, principal, grant_id, agency, agreement_id)
        download = await open_download(document_store, found)
        if download.url is not None:
            return Redirect(download.url, status_code=307)
        assert download.stream is not None
        headers = download_headers(found)
        return Stream(download.stream, media_type=found.content_type, headers=headers)


class StatementController(Controller):
    path = "/api/grants/{grant_id:uuid}"
    tags = ["statements"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {"window": Provide(provide_window, sync_to_thread=False)}  # noqa: RUF012

    @put(SIDE + "/statements/{year:int}", name="statements:submit")
    async def submit(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        grant_id: uuid.UUID,
        agency: str,
        year: int,
        data: schemas.StatementData,
    ) -> schemas.Statement:
        """Submit what the side spent in project `year`, per category, as the statement's next
        version; tranche p ≥ 2 of the side needs the statement of year p-1 (a tranche past the
        last year, the last year's).

        The PI of that side; anyone else who sees the grant 403, others 404. A year outside
        the project, a category twice, a negative or fractional amount 422. Once a tranche the
        statement supports is approved the statement is fixed (409). Audited as
        `financial_statement.submit`.
        """
        access, statement = await statements.submit_statement(
            db_session, principal, grant_id, agency, year, data, request_id_of(request)
        )
        return await statement_views.shown(db_session, access.grant, statement, agency)

    @get(SIDE + "/statements/{year:int}", name="statements:show")
    async def show(
        self,
        principal: Principal,
        db_session: AsyncSession,
        grant_id: uuid.UUID,
        agency: str,
        year: int,
        version: int | None = Parameter(query="version", default=None, ge=1),
    ) -> schemas.Statement:
        """The side's statement of `year` against the year's approved budget: the newest
        version, or `version`.

        Whoever sees the grant; anyone else 404 (and 404 when there is none). Changes nothing.
        """
        return await statement_views.side_statement(
            db_session, principal, grant_id, agency, year, version
        )

    @get("/statements", name="statements:list")
    async def list_statements(
        self, principal: Principal, db_session: AsyncSession, grant_id: uuid.UUID, window: Window
    ) -> Page[schemas.Statement]:
        """The newest version of each side's statement of each year, against the year's
        approved budget, by side then year.

        Whoever sees the grant; anyone else 404. A constant number of queries. Changes nothing.
        """
        found = await statement_views.grant_statements(db_session, principal, grant_id)
        return Page.of(found[window.offset : window.offset + window.limit], len(found), window)
