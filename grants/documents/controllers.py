"""HTTP API of a proposal's documents: upload a version, list, metadata, download."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)
from litestar.params import Parameter
from litestar.response import Redirect, Stream
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.deps import request_id_of
from grants.common.pagination import Window, provide_window
from grants.documents import schemas, services
from grants.documents.screening import screening_for
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings
from storage.base import DocumentStore
from storage.keys import attachment_disposition


@dataclass
class UploadOperation(Operation):
    """OpenAPI for the upload: the body is the raw file, any media type."""

    def __post_init__(self) -> None:
        binary = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
        self.request_body = RequestBody(
            content={"*/*": OpenAPIMediaType(schema=binary)},
            description="The file's bytes; its type is sniffed from them, not taken from here.",
            required=True,
        )


def provide_document_store(state: State) -> DocumentStore:
    store: DocumentStore = state["document_store"]
    return store


def provide_upload(
    request: Request[Any, Any, Any],
    proposal_id: uuid.UUID,
    kind: str = Parameter(query="kind", min_length=1, max_length=64),
    filename: str | None = Parameter(query="filename", default=None),
    x_filename: str | None = Parameter(header="X-Filename", default=None),
) -> services.UploadRequest:
    """What an upload names besides its body (the file name is checked after authorizing)."""
    return services.UploadRequest(
        proposal_id, kind, x_filename, filename, request.content_length, request_id_of(request)
    )


def download_headers(document: services.StoredFile) -> dict[str, str]:
    """Headers of a streamed download: attachment name, exact size, digest, no sniffing."""
    digest = base64.b64encode(bytes.fromhex(document.sha256)).decode()
    return {
        "Content-Disposition": attachment_disposition(document.original_name),
        "Content-Length": str(document.size),
        "Repr-Digest": f"sha-256=:{digest}:",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }


class DocumentController(Controller):
    path = "/api/proposals/{proposal_id:uuid}/documents"
    tags = ["documents"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {  # noqa: RUF012
        "document_store": Provide(provide_document_store, sync_to_thread=False),
        "window": Provide(provide_window, sync_to_thread=False),
    }

    # The app's 1 MiB body limit is lifted here only: the call's per-kind limit is enforced
    # while streaming instead.
    @post(
        "/",
        name="documents:upload",
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
        upload: services.UploadRequest,
    ) -> schemas.Document:
        """Upload the raw body as the next version of `kind` (named in X-Filename).

        The consortium, while the proposal is a draft (409 otherwise); others who see it 403.
        `kind` must be one of the call's required document kinds; the call's size limit answers 413
        and a type it does not allow 415 (the type is sniffed from the bytes). Nothing is
        overwritten: each upload is a new version. Audited as `document.upload`.

        `kind=letter_of_commitment` uploads an enterprise partner's letter of commitment (a PDF
        of at most 10 MiB unless the call declares the kind itself), whatever the call's kinds;
        name its id as the partner's `letter_document_id`.

        After the award, `kind=progress_report` uploads the narrative of a progress report (then
        name its id in the report's `submit`): a PI of either side, while the grant is active
        (others who see the proposal 403, no grant or an inactive one 409), a PDF of at most
        20 MiB (413, 415).
        """
        document = await services.upload_document(
            db_session,
            document_store,
            principal,
            upload,
            request.stream(),
            screening=screening_for(settings, upload.kind),
        )
        return schemas.Document.model_validate(document)

    @get("/", name="documents:list")
    async def list_documents(
        self, principal: Principal, db_session: AsyncSession, proposal_id: uuid.UUID, window: Window
    ) -> schemas.DocumentList:
        """The newest version of each kind and a page of every version.

        Whoever may read the proposal (see the content endpoint); anyone else 404. Changes nothing.
        """
        latest, items, total = await services.list_documents(
            db_session, principal, proposal_id, window
        )
        return schemas.DocumentList(
            latest=[schemas.Document.model_validate(d) for d in latest],
            items=[schemas.Document.model_validate(d) for d in items],
            total=total,
            limit=window.limit,
            offset=window.offset,
        )

    @get("/{document_id:uuid}", name="documents:show")
    async def show(
        self,
        principal: Principal,
        db_session: AsyncSession,
        proposal_id: uuid.UUID,
        document_id: uuid.UUID,
    ) -> schemas.Document:
        """One document's metadata.

        Whoever may read the proposal; anyone else 404. Changes nothing.
        """
        document = await services.get_document(db_session, principal, proposal_id, document_id)
        return schemas.Document.model_validate(document)

    @get("/{document_id:uuid}/content", name="documents:content")
    async def content(
        self,
        principal: Principal,
        db_session: AsyncSession,
        document_store: DocumentStore,
        proposal_id: uuid.UUID,
        document_id: uuid.UUID,
    ) -> Response[Any]:
        """The bytes: a redirect to a short-lived URL (S3) or streamed (local store).

        Whoever may read the proposal (the consortium; once submitted its co-funding officers,
        auditors, admins and its assigned reviewers); anyone else 404. Changes nothing. 503 when
        the document store cannot be read.
        """
        document = await services.get_document(db_session, principal, proposal_id, document_id)
        download = await services.open_download(document_store, document)
        if download.url is not None:
            return Redirect(download.url, status_code=307)
        assert download.stream is not None
        headers = download_headers(document)
        return Stream(download.stream, media_type=document.content_type, headers=headers)
