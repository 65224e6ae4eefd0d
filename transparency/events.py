"""The canonical bytes of one audit event: what the hash chain hashes and the log's leaf.

One definition for the application (which builds the mapping from its stored row) and for an
offline verifier (which reads the mapping from an audit pack's `audit/events.jsonl`): sorted
keys, no whitespace, UTF-8, exactly the fields of `EVENT_FIELDS`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["EVENT_FIELDS", "GENESIS_HASH", "canonical_json", "event_bytes", "event_hash"]

GENESIS_HASH = "0" * 64
EVENT_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "entity_type",
    "entity_id",
    "changes",
    "request_id",
    "prev_hash",
)


def canonical_json(value: Mapping[str, Any]) -> bytes:
    """The exact bytes that are hashed: sorted keys, no whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_bytes(event: Mapping[str, Any]) -> bytes:
    """The canonical JSON of the event's hashed fields; a missing field raises KeyError."""
    return canonical_json({name: event[name] for name in EVENT_FIELDS})


def event_hash(event: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of `event_bytes`: the event's link in the hash chain."""
    return hashlib.sha256(event_bytes(event)).hexdigest()
