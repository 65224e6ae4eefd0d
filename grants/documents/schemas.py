"""Response bodies of documents (uploads take the raw file as the body, so no request schema)."""

from __future__ import annotations

import datetime
import uuid

from grants.common.schemas import Output


class Document(Output):
    """One stored version of a document kind; `content_type` was sniffed from the bytes."""

    id: uuid.UUID
    proposal_id: uuid.UUID
    kind: str
    version: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: uuid.UUID
    created_at: datetime.datetime


class DocumentList(Output):
    """`latest`: the newest version of each kind; `items`: one page of every version (newest
    first per kind), `total` counting all of them."""

    latest: list[Document]
    items: list[Document]
    total: int
    limit: int
    offset: int
