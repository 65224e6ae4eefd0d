"""A grant side's signed agreement: upload a new version, list the versions, look one up.

The upload takes the proposal documents' path (`grants.documents.services`): authorize and
check what needs no body, end the read transaction, stream the body into the store (counted,
hashed, sniffed, limited), then lock the side's row and record the next version with its
audit event. A refusal before streaming stores nothing; a failure after it leaves an
unreachable object (logged with its key), never a row without bytes.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import structlog
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.agreements.sides import grant_side
from grants.audit.chain import append
from grants.common.pagination import Window, fetch_page
from grants.db.models import GrantAgreement, GrantSide
from grants.documents.names import original_name
from grants.documents.screening import DEFAULT_SCREENING
from grants.documents.services import (
    UPLOAD_FIELDS,
    KindTerms,
    flagged,
    store_upload,
    stored_columns,
    too_large,
)
from grants.errors import NotFound
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from messages import define
from storage.base import DocumentStore, StoredObject
from storage.errors import TooLarge
from storage.screen import Findings, Screening

log = structlog.get_logger("grants.agreements")
AGREEMENT_KIND = "grant_agreement"
# A scanned, signed agreement: a PDF, and room for a long one scanned in colour.
TERMS = KindTerms(AGREEMENT_KIND, 50 * 1024 * 1024, frozenset({"application/pdf"}))
NO_SUCH_AGREEMENT = define("agreement.not_found", "No such version of the signed agreement.")
RECORDED_FIELDS = ("grant_id", "side_id", *UPLOAD_FIELDS)


@dataclass(frozen=True, slots=True)
class AgreementUpload:
    """What an upload names before its body is read."""

    grant_id: uuid.UUID
    agency: str
    header_name: str | None
    query_name: str | None
    content_length: int | None
    request_id: str | None = None


async def upload_agreement(
    session: AsyncSession,
    store: DocumentStore,
    principal: Principal,
    upload: AgreementUpload,
    chunks: AsyncIterator[bytes],
    *,
    screening: Screening = DEFAULT_SCREENING,
) -> GrantAgreement:
    """Store `chunks` as the next version of the side's signed agreement and record it.

    Raises NotFound (grant not visible, no such side), Forbidden (not the side's PI nor its
    agency's officer), Invalid (no file name), PayloadTooLarge, UnsupportedMediaType and
    StorageFailed, and Invalid for content the screening refuses (`storage.screen`). Commits the
    read transaction before streaming; audited as `grant_agreement.upload` (with the
    `active_content` names of a flagged PDF).
    """
    access = await grant_side(session, principal, upload.grant_id, upload.agency)
    require(policy.agreement_upload_decision(principal, access.facts))
    name = original_name(upload.header_name, upload.query_name)
    assert TERMS.max_bytes is not None
    if (upload.content_length or 0) > TERMS.max_bytes:
        raise too_large(AGREEMENT_KIND, TooLarge(TERMS.max_bytes))
    side_id = access.side.id
    await session.commit()
    findings = Findings()
    stored = await store_upload(store, chunks, TERMS, screening, findings)
    try:
        return await record_agreement(
            session, principal, side_id, name, stored, upload.request_id, findings.active_content
        )
    except BaseException:
        log.warning("agreement stored but not recorded", storage_key=stored.key)
        raise


async def record_agreement(
    session: AsyncSession,
    principal: Principal,
    side_id: uuid.UUID,
    name: str,
    stored: StoredObject,
    request_id: str | None,
    active_content: list[str] | None = None,
) -> GrantAgreement:
    """Record `stored` as the next version of the side's agreement, uploaded by `principal`
    (whose right to do so the caller checked); audited as `grant_agreement.upload`."""
    # The side's row orders concurrent uploads, so each takes its own version number.
    side = await session.get(GrantSide, side_id, with_for_update=True, populate_existing=True)
    assert side is not None  # sides are never deleted
    latest = await session.scalar(
        select(func.max(GrantAgreement.version)).where(GrantAgreement.side_id == side_id)
    )
    agreement = GrantAgreement(
        grant_id=side.grant_id,
        side_id=side_id,
        version=(latest or 0) + 1,
        original_name=name,
        uploaded_by=principal.user_id,
        **stored_columns(stored),
    )
    session.add(agreement)
    await session.flush()
    await append(
        session,
        actor=principal.actor,
        action="grant_agreement.upload",
        entity_type="grant_agreement",
        entity_id=agreement.id,
        changes=flagged(
            {field: [None, getattr(agreement, field)] for field in RECORDED_FIELDS}, active_content
        ),
        request_id=request_id,
    )
    return agreement


async def list_agreements(
    session: AsyncSession, principal: Principal, grant_id: uuid.UUID, agency: str, window: Window
) -> tuple[list[GrantAgreement], int]:
    """One page of the side's agreement versions, newest first, and their total; raises
    NotFound unless the caller sees the grant and it has the side."""
    access = await grant_side(session, principal, grant_id, agency)
    query = (
        select(GrantAgreement)
        .where(GrantAgreement.side_id == access.side.id)
        .order_by(GrantAgreement.version.desc())
    )
    return await fetch_page(session, query, window)


async def get_agreement(
    session: AsyncSession,
    principal: Principal,
    grant_id: uuid.UUID,
    agency: str,
    agreement_id: uuid.UUID,
) -> GrantAgreement:
    """One version of the side's agreement; raises NotFound otherwise."""
    access = await grant_side(session, principal, grant_id, agency)
    agreement = await session.get(GrantAgreement, agreement_id)
    if agreement is None or agreement.side_id != access.side.id:
        raise NotFound(NO_SUCH_AGREEMENT())
    return agreement
