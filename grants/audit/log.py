"""The transparency log's services: sign checkpoints, serve proofs, take cosignatures, and
register the agencies' witness keys. Reads and writes only; access is decided by the callers
through `grants.security.policy`.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import chain, log_key, tree
from grants.common.actors import Actor
from grants.common.crashpoints import pause_at
from grants.db.models import AuditChainHead, AuditEvent, Cosignature, LogCheckpoint, WitnessKey
from grants.errors import Conflict, FieldError, Invalid, NotFound
from grants.settings import Settings
from grants.times import utcnow
from messages import Message, define
from transparency import (
    COSIGNATURE_V1,
    Checkpoint,
    NoteError,
    NoteSignature,
    VerifierKey,
    cosignature_time,
    parse_note,
    sign_checkpoint,
)

NO_WITNESS_KEY = define("audit.witness_key.none", "This agency registered no witness key.")
TREE_OFF = define(
    "audit.checkpoint.tree_off",
    "The log signs no checkpoint while its Merkle tree is switched off (AUDIT_TREE=off).",
)
NO_CHECKPOINT = define("audit.checkpoint.none", "The log has signed no checkpoint yet.")
BAD_PROOF_REQUEST = define("audit.proof.invalid", "This proof cannot be made; see the fields.")
SEQ_BEYOND_SIZE = define(
    "audit.proof.seq_beyond_size", "Event {seq} is not in a tree of {size} events."
)
SIZE_BEYOND_TREE = define(
    "audit.proof.size_beyond_tree",
    "The log holds {current} events; it has no tree of {size} events yet.",
)
FROM_AFTER_TO = define(
    "audit.proof.from_after_to",
    "The old tree ({size1} events) cannot be larger than the new one ({size2} events).",
)
COSIGNATURE_REFUSED = define(
    "audit.cosignature.refused", "The cosignature was not accepted; see the fields."
)
NO_SUCH_CHECKPOINT = define(
    "audit.cosignature.no_checkpoint", "The log signed no checkpoint of {size} events."
)
COSIGNATURE_MALFORMED = define(
    "audit.cosignature.malformed",
    "Send one signature line: an em dash, a space, the key name, a space and base64.",
)
UNKNOWN_WITNESS = define(
    "audit.cosignature.unknown_key",
    "No agency registered the witness key {name} with id {key_id}.",
)
BAD_COSIGNATURE = define(
    "audit.cosignature.bad_signature",
    "The signature of {name} does not verify as a cosignature/v1 of this checkpoint.",
)
WITNESS_KEY_REFUSED = define(
    "audit.witness_key.refused", "The witness key was not registered; see the fields."
)
WITNESS_KEY_MALFORMED = define(
    "audit.witness_key.malformed",
    "Send a verifier key as <name>+<hex key id>+<base64 key>, as `grants witness keygen` prints.",
)
WITNESS_KEY_NOT_COSIGNER = define(
    "audit.witness_key.not_cosigner",
    "A witness key must be of the cosignature/v1 type, as `grants witness keygen` makes.",
)
WITNESS_KEY_TAKEN = define(
    "audit.witness_key.taken", "Another agency already registered the witness key {name}."
)


async def sign_current(session: AsyncSession, settings: Settings) -> tuple[LogCheckpoint, bool]:
    """A checkpoint of the tree at its current size: the stored one when the log signed this
    size already (False), else a new one (True). Holds the chain head's lock while signing."""
    head = await session.scalar(
        select(AuditChainHead.last_seq).where(AuditChainHead.id == 1).with_for_update()
    )
    size = int(head or 0)
    if settings.audit_tree != "on":
        raise Conflict(TREE_OFF())
    await tree.catch_up(session, size)
    existing = await session.get(LogCheckpoint, size)
    if existing is not None:
        return existing, False
    checkpoint = Checkpoint(settings.audit_log_origin, size, await tree.root(session, size))
    note = sign_checkpoint(checkpoint, log_key.signer(settings))
    row = LogCheckpoint(size=size, root=checkpoint.root, note=str(note), signed_at=utcnow())
    session.add(row)
    await session.flush()
    await pause_at("checkpoint.signed")
    return row, True


async def latest(session: AsyncSession) -> LogCheckpoint:
    """The largest checkpoint the log signed; 404 before the first."""
    row = await session.scalar(select(LogCheckpoint).order_by(LogCheckpoint.size.desc()).limit(1))
    if row is None:
        raise NotFound(NO_CHECKPOINT())
    return row


async def cosignatures(session: AsyncSession, size: int) -> list[Cosignature]:
    rows = await session.scalars(
        select(Cosignature).where(Cosignature.checkpoint_size == size).order_by(Cosignature.id)
    )
    return list(rows)


async def published_note(session: AsyncSession, row: LogCheckpoint) -> str:
    """The signed note with the log's signature and every cosignature given, in arrival order."""
    note = parse_note(row.note)
    lines = [
        NoteSignature.parse_line(c.line.rstrip("\n")) for c in await cosignatures(session, row.size)
    ]
    return str(note.with_signatures(*lines))


@dataclass(frozen=True, slots=True)
class InclusionProof:
    seq: int
    size: int
    leaf: bytes
    leaf_hash: bytes
    hashes: list[bytes]


async def _check_size(session: AsyncSession, size: int, field: str) -> None:
    current = await tree.current_size(session)
    if size > current:
        raise Invalid(
            BAD_PROOF_REQUEST(),
            errors=[FieldError(field, SIZE_BEYOND_TREE(size=size, current=current))],
        )


async def inclusion(session: AsyncSession, seq: int, size: int) -> InclusionProof:
    """The proof that event `seq` is leaf seq - 1 of the tree of `size` events (422 else)."""
    if seq > size:
        raise Invalid(
            BAD_PROOF_REQUEST(), errors=[FieldError("seq", SEQ_BEYOND_SIZE(seq=seq, size=size))]
        )
    await _check_size(session, size, "size")
    event = await session.get_one(AuditEvent, seq)
    hashes = await tree.inclusion(session, seq - 1, size)
    return InclusionProof(
        seq, size, chain.event_bytes(event), await tree.leaf(session, seq - 1), hashes
    )


async def consistency(session: AsyncSession, size1: int, size2: int) -> list[bytes]:
    """The proof that the tree of `size1` events is a prefix of the tree of `size2` (422 else)."""
    if size1 > size2:
        raise Invalid(
            BAD_PROOF_REQUEST(),
            errors=[FieldError("from", FROM_AFTER_TO(size1=size1, size2=size2))],
        )
    await _check_size(session, size2, "to")
    return await tree.consistency(session, size1, size2)


def _cosignature_refused(field: str, reason: Message) -> Invalid:
    return Invalid(COSIGNATURE_REFUSED(), errors=[FieldError(field, reason)])


async def witness_of(session: AsyncSession, line: str) -> tuple[NoteSignature, WitnessKey]:
    """The signature line read and the registered witness key that made it (422 otherwise)."""
    try:
        signature = NoteSignature.parse_line(line.rstrip("\n"))
    except NoteError:
        raise _cosignature_refused("cosignature", COSIGNATURE_MALFORMED()) from None
    key = await session.scalar(
        select(WitnessKey).where(
            WitnessKey.name == signature.name, WitnessKey.key_id == signature.key_id.hex()
        )
    )
    if key is None:
        raise _cosignature_refused(
            "cosignature", UNKNOWN_WITNESS(name=signature.name, key_id=signature.key_id.hex())
        )
    return signature, key


async def add_cosignature(
    session: AsyncSession, actor: Actor, size: int, signature: NoteSignature, key: WitnessKey
) -> tuple[Cosignature, bool]:
    """Store a verified cosignature of checkpoint `size`; the stored one if the agency cosigned
    it already (False). Audited as `audit.checkpoint.cosign`."""
    checkpoint = await session.get(LogCheckpoint, size)
    if checkpoint is None:
        raise _cosignature_refused("size", NO_SUCH_CHECKPOINT(size=size))
    text = parse_note(checkpoint.note).text.encode()
    if not VerifierKey.parse(key.vkey).verify(text, signature.signature):
        raise _cosignature_refused("cosignature", BAD_COSIGNATURE(name=signature.name))
    existing = await session.scalar(
        select(Cosignature).where(
            Cosignature.checkpoint_size == size, Cosignature.agency_id == key.agency_id
        )
    )
    if existing is not None:
        return existing, False
    cosigned_at = datetime.datetime.fromtimestamp(cosignature_time(signature), datetime.UTC)
    row = Cosignature(
        checkpoint_size=size,
        agency_id=key.agency_id,
        name=signature.name,
        key_id=signature.key_id.hex(),
        line=signature.line(),
        cosigned_at=cosigned_at,
        received_at=utcnow(),
    )
    session.add(row)
    await session.flush()
    await chain.append(
        session,
        actor=actor,
        action="audit.checkpoint.cosign",
        entity_type="checkpoint",
        entity_id=size,
        changes={"agency_id": str(key.agency_id), "key_id": row.key_id, "cosigned_at": cosigned_at},
    )
    return row, True


async def register_witness_key(
    session: AsyncSession, actor: Actor, agency_id: uuid.UUID, vkey: str
) -> WitnessKey:
    """Set (or replace) the agency's witness public key. Audited as `agency.witness_key.set`."""
    try:
        key = VerifierKey.parse(vkey)
    except NoteError:
        raise Invalid(
            WITNESS_KEY_REFUSED(), errors=[FieldError("vkey", WITNESS_KEY_MALFORMED())]
        ) from None
    if key.type != COSIGNATURE_V1:
        raise Invalid(
            WITNESS_KEY_REFUSED(), errors=[FieldError("vkey", WITNESS_KEY_NOT_COSIGNER())]
        )
    taken = await session.scalar(
        select(WitnessKey).where(
            WitnessKey.name == key.name,
            WitnessKey.key_id == key.key_id.hex(),
            WitnessKey.agency_id != agency_id,
        )
    )
    if taken is not None:
        raise Conflict(
            WITNESS_KEY_REFUSED(), errors=[FieldError("vkey", WITNESS_KEY_TAKEN(name=key.name))]
        )
    row = await session.get(WitnessKey, agency_id)
    before = row.vkey if row else None
    if row is None:
        row = WitnessKey(agency_id=agency_id)
        session.add(row)
    row.name, row.key_id, row.vkey, row.registered_at = (
        key.name,
        key.key_id.hex(),
        str(key),
        utcnow(),
    )
    await session.flush()
    await chain.append(
        session,
        actor=actor,
        action="agency.witness_key.set",
        entity_type="agency",
        entity_id=agency_id,
        changes={"witness_key": [before, row.vkey]},
    )
    return row
