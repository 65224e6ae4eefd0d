"""Response bodies of the audit log."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from grants.common.schemas import Output


class AuditEvent(Output):
    seq: int
    occurred_at: datetime.datetime
    actor_id: uuid.UUID | None
    actor_label: str
    action: str
    entity_type: str
    entity_id: str
    changes: dict[str, Any]
    request_id: str | None
    prev_hash: str
    hash: str


class Verification(Output):
    """The chain walked: `reason` says in the reader's language why it is broken, with its
    message code and parameters beside it."""

    events: int
    intact: bool
    broken_seq: int | None
    reason: str | None
    reason_code: str | None
    reason_params: dict[str, Any]
