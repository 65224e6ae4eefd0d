"""Request and response bodies of the audit-pack jobs API."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from pydantic import Field

from grants.common.schemas import Input, Output, examples
from grants.db.models.export_jobs import ExportJobState


class AuditPackIn(Input):
    """What to pack: one call (required for officers) or everything, with or without the
    documents' bytes, and optionally an earlier signed checkpoint to prove the log only grew."""

    model_config = examples({"call": "NEXUS-2026", "with_documents": True})

    call: str | None = Field(default=None, min_length=1, max_length=40)
    with_documents: bool = False
    since_checkpoint: str | None = Field(
        default=None,
        min_length=1,
        max_length=20_000,
        description="An earlier checkpoint of this log as the signed note text.",
    )


class JobProgress(Output):
    done: int = Field(examples=[3])
    total: int = Field(examples=[12])


class ExportJobOut(Output):
    """A background export: its state, progress and, once done, its size and SHA-256."""

    id: uuid.UUID
    kind: str = Field(examples=["audit_pack"])
    state: ExportJobState = Field(examples=["done"], description="queued, running, done or failed.")
    filters: dict[str, Any] = Field(
        examples=[{"call": "NEXUS-2026", "with_documents": True, "tree_size": 210}]
    )
    progress: JobProgress
    error: str | None = Field(default=None, examples=[None])
    size: int | None = Field(default=None, examples=[482113])
    sha256: str | None = Field(default=None, examples=["9f2c" * 16])
    created_at: datetime.datetime
    started_at: datetime.datetime | None = None
    finished_at: datetime.datetime | None = None
    download: str | None = Field(
        default=None, examples=["/api/exports/jobs/01a232f8-8502-7700-a936-0a789386eeeb/download"]
    )
