"""Response bodies of the audit log."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from pydantic import Field

from grants.common.schemas import Input, Integer, Output, examples


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


_B64 = "standard base64 (RFC 4648, padded)"
_HASH_EXAMPLE = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="


class CosignatureOut(Output):
    """One agency's witness cosignature of a checkpoint."""

    agency_id: uuid.UUID
    name: str = Field(examples=["witness.jst.example"])
    key_id: str = Field(description="The witness key's 4-byte id in hex.", examples=["1a2b3c4d"])
    line: str = Field(
        description="The cosignature/v1 signature line, as appended to the note.",
        examples=["— witness.jst.example GiszTQAAAABnTHp0...\n"],
    )
    cosigned_at: datetime.datetime
    received_at: datetime.datetime


class CheckpointOut(Output):
    """A checkpoint the log signed (C2SP tlog-checkpoint): `note` is the signed note with the
    log's signature and every cosignature given so far."""

    origin: str = Field(examples=["cofund.example/audit"])
    size: int = Field(description="The number of audit events in the tree.", examples=[42])
    root: str = Field(description=f"The tree's root hash, {_B64}.", examples=[_HASH_EXAMPLE])
    note: str = Field(
        description="The signed note, as `GET /api/audit/checkpoint` serves it.",
        examples=["cofund.example/audit\n42\n" + _HASH_EXAMPLE + "\n\n— cofund.example/audit …\n"],
    )
    log_key: str = Field(
        description="The log's verifier key (name+id+base64), to check the note with.",
        examples=["cofund.example/audit+8a7b6c5d+AdGhpcyBpcyBub3QgYSByZWFsIGtleQ=="],
    )
    signed_at: datetime.datetime
    cosignatures: list[CosignatureOut]


class InclusionProof(Output):
    """RFC 9162 inclusion proof of event `seq` (leaf `seq - 1`) in the tree of `size` events;
    hashes in base64, from the leaf's sibling up to the root's child."""

    seq: int = Field(examples=[7])
    leaf_index: int = Field(examples=[6])
    tree_size: int = Field(examples=[42])
    leaf: str = Field(
        description="The leaf's bytes as text: the event's canonical JSON (sorted keys, no "
        "whitespace, UTF-8), the same bytes its chain hash covers.",
        examples=['{"action":"agency.create",...}'],
    )
    leaf_hash: str = Field(description=f"SHA-256(0x00 ‖ leaf), {_B64}.", examples=[_HASH_EXAMPLE])
    hashes: list[str] = Field(description=f"The audit path, {_B64}.", examples=[[_HASH_EXAMPLE]])


class ConsistencyProof(Output):
    """RFC 9162 consistency proof that the tree of `from` events is a prefix of the tree of
    `to` events (empty when they are equal); hashes in base64."""

    from_size: int = Field(description="The query's `from`.", examples=[40])
    to_size: int = Field(description="The query's `to`.", examples=[42])
    hashes: list[str] = Field(description=f"The proof, {_B64}.", examples=[[_HASH_EXAMPLE]])


class CosignatureIn(Input):
    """A witness's cosignature/v1 line over the checkpoint of `size` events."""

    model_config = examples(
        {"size": 42, "cosignature": "— witness.jst.example GiszTQAAAABnTHp0c2lnbmF0dXJl\n"}
    )

    size: Integer = Field(ge=0, le=2**62)
    cosignature: str = Field(min_length=1, max_length=500)


class WitnessKeyIn(Input):
    """An agency's witness public key, as `grants witness keygen` prints it."""

    model_config = examples(
        {"vkey": "witness.jst.example+1a2b3c4d+BNGhpcyBpcyBub3QgYSByZWFsIGtleSBhdCBhbGwh"}
    )

    vkey: str = Field(min_length=1, max_length=300)


class WitnessKeyOut(Output):
    """The witness key an agency registered."""

    agency_id: uuid.UUID
    name: str = Field(examples=["witness.jst.example"])
    key_id: str = Field(examples=["1a2b3c4d"])
    vkey: str = Field(examples=["witness.jst.example+1a2b3c4d+BNGhpcyBpcyBub3QgYSByZWFsIGtleQ=="])
    registered_at: datetime.datetime
