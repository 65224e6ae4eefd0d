"""Business verbs on documents: upload a new version, list, look one up, serve its bytes.

An upload runs in this order, and this is what each failure leaves behind:

1. Authorize and validate everything that needs no body: the caller is in the consortium of a
   draft, the call has the kind, the file is named, the announced Content-Length fits. A
   refused request reads no byte of the body and stores nothing.
2. End the read transaction (commit) so no database connection, and on SQLite no write lock,
   is held while the body streams for seconds or minutes.
3. Stream the body into the store, which counts, hashes, sniffs and enforces the kind's size
   limit and types as it goes. If it refuses, fails or the client goes away, the store leaves
   no object, and no row has been written.
4. Lock the proposal row, check it is still a draft, then write the row (the next version of
   the kind) and its audit event in the request's transaction.

If step 4 fails (the proposal was submitted meanwhile, a concurrent upload of the same kind
took the version number on SQLite, the database is down) or the request's final commit does,
the object stays in storage with no row pointing at it. The application never deletes stored
bytes; such an orphan is harmless, since only a row makes a document reachable. Step 4's
failures are logged with the key; all orphans can be found by comparing the bucket's keys with
`documents.storage_key`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.common.crashpoints import pause_at
from grants.common.pagination import Window, fetch_page
from grants.db.models import Call, Document, Proposal
from grants.documents.errors import PayloadTooLarge, StorageFailed, UnsupportedMediaType
from grants.documents.names import original_name
from grants.documents.narratives import (
    NARRATIVE_KIND,
    NARRATIVE_MAX_BYTES,
    NARRATIVE_TYPES,
    require_narrative_upload,
)
from grants.documents.screening import DEFAULT_SCREENING
from grants.errors import FieldError, Invalid, NotFound
from grants.proposals.access import (
    NO_SUCH_PROPOSAL,
    require_editable,
    roles_on,
    visible_proposal,
)
from grants.security.principal import Principal
from messages import define
from storage.base import DocumentStore, StoredObject
from storage.errors import ActiveContent, ArchiveBomb, StorageError, TooLarge, UnsupportedType
from storage.screen import Findings, Screening, screened

log = structlog.get_logger("grants.documents")
DOWNLOAD_URL_SECONDS = 300
UNKNOWN_KIND = define(
    "document.unknown_kind", "The call has no document kind '{kind}'; it has: {kinds}."
)
NO_KINDS = define("document.no_kinds", "The call asks for no documents, so none of kind '{kind}'.")
UNKNOWN_KIND_FIELD = define("document.unknown_kind_field", "unknown document kind '{kind}'")
TOO_LARGE = define(
    "document.too_large",
    "A {kind} document may have at most {limit} bytes; nothing was stored.",
)
TYPE_REFUSED = define(
    "document.type_refused",
    "The file's content is {sniffed}, which a {kind} document may not be; the accepted types "
    "are {allowed}. Nothing was stored.",
)
NOT_STORED = define(
    "document.not_stored",
    "The document could not be stored; nothing was recorded. Try again later.",
)
NOT_READABLE = define(
    "document.not_readable", "The document's content cannot be read now; try again later."
)
NO_SUCH_DOCUMENT = define("document.not_found", "No such document.")
CONTENT_REFUSED = define(
    "document.content_refused",
    "The {kind} document was refused: {reason}. Nothing was stored.",
)
# What an upload's audit event records of any stored file, beside what it belongs to.
UPLOAD_FIELDS = ("version", "original_name", "content_type", "size", "sha256", "storage_key")
RECORDED_FIELDS = ("proposal_id", "kind", *UPLOAD_FIELDS)


def stored_columns(stored: StoredObject) -> dict[str, Any]:
    """The columns every recorded upload takes from its stored object."""
    return {
        "content_type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256_hex,
        "storage_key": stored.key,
    }


@dataclass(frozen=True, slots=True)
class KindTerms:
    """A call's terms for one document kind; None means no limit."""

    kind: str
    max_bytes: int | None
    allowed_types: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class UploadRequest:
    """What an upload names before its body is read."""

    proposal_id: uuid.UUID
    kind: str
    header_name: str | None
    query_name: str | None
    content_length: int | None
    request_id: str | None = None


class StoredFile(Protocol):
    """A recorded upload (a proposal's document, a grant side's agreement) as a download
    needs it."""

    @property
    def storage_key(self) -> str: ...
    @property
    def original_name(self) -> str: ...
    @property
    def content_type(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def sha256(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Download:
    """Either a short-lived `url` to redirect to, or the document's bytes as a `stream`."""

    document: StoredFile
    url: str | None = None
    stream: AsyncIterator[bytes] | None = None


NARRATIVE_TERMS = KindTerms(NARRATIVE_KIND, NARRATIVE_MAX_BYTES, NARRATIVE_TYPES)


LETTER_KIND = "letter_of_commitment"
"""An enterprise partner's letter of commitment (grants.partners): the application's kind, so
every call takes it (with these terms unless the call declares the kind itself)."""
LETTER_TERMS = KindTerms(LETTER_KIND, 10 * 1024 * 1024, frozenset({"application/pdf"}))


def upload_terms(call: Call, kind: str) -> KindTerms:
    """The terms of an upload of `kind`: a narrative's and a letter of commitment's are the
    application's, the others the call's (`kind_terms`)."""
    if kind == NARRATIVE_KIND:
        return NARRATIVE_TERMS
    if kind == LETTER_KIND and not any(e.get("kind") == kind for e in call.document_kinds):
        return LETTER_TERMS
    return kind_terms(call, kind)


def kind_terms(call: Call, kind: str) -> KindTerms:
    """The call's size limit and allowed types for `kind`; raises Invalid naming `kind` when
    the call asks for no such kind."""
    for entry in call.document_kinds:
        if entry.get("kind") == kind:
            types = entry.get("allowed_types")
            return KindTerms(kind, entry.get("max_bytes"), frozenset(types) if types else None)
    known = sorted(str(entry.get("kind")) for entry in call.document_kinds)
    detail = UNKNOWN_KIND(kind=kind, kinds=known) if known else NO_KINDS(kind=kind)
    raise Invalid(detail, errors=[FieldError("kind", UNKNOWN_KIND_FIELD(kind=kind))])


def too_large(kind: str, refused: TooLarge) -> PayloadTooLarge:
    """The 413 naming `kind` and the limit `refused` hit."""
    return PayloadTooLarge(
        TOO_LARGE(kind=kind, limit=refused.limit), errors=[FieldError("body", refused.message)]
    )


async def upload_document(
    session: AsyncSession,
    store: DocumentStore,
    principal: Principal,
    upload: UploadRequest,
    chunks: AsyncIterator[bytes],
    *,
    screening: Screening = DEFAULT_SCREENING,
) -> Document:
    """Store `chunks` as the next version of `upload.kind` and record it (see the module
    docstring for the order of steps and what failures leave behind). The bytes are screened
    as they stream (`storage.screen`): refused content raises Invalid naming `body`; flagged
    active content is recorded in the audit event as `active_content`.

    A progress report's narrative (`grants.documents.narratives`) goes to the proposal of an
    active grant instead of a draft, by a PI.

    Raises NotFound (proposal not visible), Forbidden (not in the consortium; a narrative: not
    a PI), Conflict (not a draft; a narrative: no active grant), Invalid (unknown kind, no file
    name), PayloadTooLarge, UnsupportedMediaType and StorageFailed. Commits the session's read
    transaction before streaming.
    """
    proposal, call, roles = await visible_proposal(session, principal, upload.proposal_id)
    await _require_writable(session, proposal, roles, upload.kind)
    terms = upload_terms(call, upload.kind)
    name = original_name(upload.header_name, upload.query_name)
    if terms.max_bytes is not None and (upload.content_length or 0) > terms.max_bytes:
        raise too_large(terms.kind, TooLarge(terms.max_bytes))
    await session.commit()
    findings = Findings()
    stored = await store_upload(store, chunks, terms, screening, findings)
    await pause_at("document.stored")
    try:
        return await record_document(
            session, principal, call, upload, name, stored, findings.active_content
        )
    except BaseException:
        log.warning("document stored but not recorded", storage_key=stored.key)
        raise


async def _require_writable(
    session: AsyncSession, proposal: Proposal, roles: frozenset[str], kind: str
) -> None:
    if kind == NARRATIVE_KIND:
        await require_narrative_upload(session, proposal, roles)
    else:
        require_editable(proposal, roles)


async def store_upload(
    store: DocumentStore,
    chunks: AsyncIterator[bytes],
    terms: KindTerms,
    screening: Screening = DEFAULT_SCREENING,
    findings: Findings | None = None,
) -> StoredObject:
    """Stream `chunks`, screened, into the store under `terms`; raises PayloadTooLarge,
    UnsupportedMediaType, Invalid (content refused by the screening) or StorageFailed (nothing
    stored then). Flagged active content goes to `findings`."""
    try:
        return await store.put(
            screened(chunks, screening, findings or Findings()),
            max_size=terms.max_bytes,
            allowed_types=terms.allowed_types,
        )
    except (ActiveContent, ArchiveBomb) as exc:
        detail = CONTENT_REFUSED(kind=terms.kind, reason=exc.message)
        raise Invalid(detail, errors=[FieldError("body", exc.message)]) from None
    except TooLarge as exc:
        # The store's own limit (S3's part count) may be below the kind's: name the one hit.
        raise too_large(terms.kind, exc) from None
    except UnsupportedType as exc:
        allowed = sorted(terms.allowed_types or ())
        detail = TYPE_REFUSED(sniffed=exc.sniffed, kind=terms.kind, allowed=allowed)
        raise UnsupportedMediaType(detail, errors=[FieldError("body", exc.message)]) from None
    except StorageError as exc:
        # The backend's words (endpoint, bucket) are for operators, not for the uploader.
        log.error("document store refused an upload", error=str(exc))
        raise StorageFailed(NOT_STORED()) from exc


async def record_document(
    session: AsyncSession,
    principal: Principal,
    call: Call,
    upload: UploadRequest,
    name: str,
    stored: StoredObject,
    active_content: list[str] | None = None,
) -> Document:
    """Record `stored` as the next version of the upload's kind on its proposal, if the caller
    may still write it (raises NotFound, Forbidden, Conflict); audited as `document.upload`,
    with the `active_content` names of a flagged PDF."""
    # The row lock orders this against a concurrent submit (PostgreSQL; SQLite has one writer).
    proposal = await session.get(
        Proposal, upload.proposal_id, with_for_update=True, populate_existing=True
    )
    if proposal is None:
        raise NotFound(NO_SUCH_PROPOSAL())
    await _require_writable(session, proposal, roles_on(principal, proposal, call), upload.kind)
    latest = await session.scalar(
        select(func.max(Document.version)).where(
            Document.proposal_id == proposal.id, Document.kind == upload.kind
        )
    )
    document = Document(
        proposal_id=proposal.id,
        kind=upload.kind,
        version=(latest or 0) + 1,
        original_name=name,
        uploaded_by=principal.user_id,
        **stored_columns(stored),
    )
    session.add(document)
    await session.flush()
    await append(
        session,
        actor=principal.actor,
        action="document.upload",
        entity_type="document",
        entity_id=document.id,
        changes=flagged(
            {field: [None, getattr(document, field)] for field in RECORDED_FIELDS}, active_content
        ),
        request_id=upload.request_id,
    )
    return document


def flagged(changes: dict[str, Any], active_content: list[str] | None) -> dict[str, Any]:
    """An upload's audited changes, with the active content names of a flagged PDF."""
    if active_content:
        log.warning("document with active content stored, flagged", names=active_content)
        return {**changes, "active_content": [None, active_content]}
    return changes


def _of_proposal(proposal_id: uuid.UUID) -> Select[tuple[Document]]:
    return select(Document).where(Document.proposal_id == proposal_id)


async def list_documents(
    session: AsyncSession, principal: Principal, proposal_id: uuid.UUID, window: Window
) -> tuple[list[Document], list[Document], int]:
    """The newest version of every kind, one page of all versions (by kind, newest first) and
    their total; raises NotFound unless the caller may see the proposal. Three statements
    after the access check, whatever the page size."""
    await visible_proposal(session, principal, proposal_id, reading=True)
    newest = (
        select(Document.kind, func.max(Document.version).label("version"))
        .where(Document.proposal_id == proposal_id)
        .group_by(Document.kind)
        .subquery()
    )
    latest = await session.scalars(
        _of_proposal(proposal_id)
        .join(newest, and_(Document.kind == newest.c.kind, Document.version == newest.c.version))
        .order_by(Document.kind)
    )
    query = _of_proposal(proposal_id).order_by(Document.kind, Document.version.desc())
    items, total = await fetch_page(session, query, window)
    return list(latest), items, total


async def get_document(
    session: AsyncSession, principal: Principal, proposal_id: uuid.UUID, document_id: uuid.UUID
) -> Document:
    """One document of a proposal the caller may see; raises NotFound otherwise."""
    await visible_proposal(session, principal, proposal_id, reading=True)
    document = await session.get(Document, document_id)
    if document is None or document.proposal_id != proposal_id:
        raise NotFound(NO_SUCH_DOCUMENT())
    return document


async def open_download(store: DocumentStore, document: StoredFile) -> Download:
    """A presigned URL valid `DOWNLOAD_URL_SECONDS` when the store hands them out, else the
    opened byte stream. Call only after authorizing. Raises StorageFailed."""
    try:
        url = await store.presigned_url(
            document.storage_key,
            expires_in=DOWNLOAD_URL_SECONDS,
            filename=document.original_name,
            content_type=document.content_type,
        )
        if url is not None:
            return Download(document, url=url)
        return Download(document, stream=await store.open(document.storage_key))
    except StorageError as exc:
        log.error("document store cannot be read", storage_key=document.storage_key, error=str(exc))
        raise StorageFailed(NOT_READABLE()) from exc
