"""What the auditors' checkpoint page verifies on the server, with the transparency package's own
code (`transparency`): the latest checkpoint's signature by the log's key, each agency's witness
cosignature by the key that agency registered, and an event's inclusion proof against the
checkpoint's root, step by step, so the reader can follow (and the browser redo) each hash.

Reads only; who may read is the caller's to ask (`policy.decide_log_read`).
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import log, log_key
from grants.db.models import Agency, LogCheckpoint, WitnessKey
from grants.settings import Settings
from messages import Message, define
from transparency import (
    Note,
    NoteError,
    ProofError,
    VerifierKey,
    cosignature_time,
    inclusion_steps,
    leaf_hash,
    parse_note,
    verify_inclusion,
)

NOT_IN_CHECKPOINT = define(
    "web.audit.proof.not_in_checkpoint",
    "Event {seq} is not in the latest checkpoint ({size} events): it is proved once the log "
    "signs a larger one.",
)
LEAF_CHANGED = define(
    "web.audit.proof.leaf_changed",
    "The event's content no longer hashes to its leaf in the tree: it was edited.",
)
PROOF_FAILS = define(
    "web.audit.proof.fails", "The audit path does not lead to the checkpoint's root ({rule})."
)


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """One signature line checked: by whom, with which key, and whether it verifies."""

    name: str
    key_id: str
    vkey: str
    verified: bool
    signed_at: datetime.datetime | None = None


@dataclass(frozen=True, slots=True)
class WitnessCheck:
    agency_code: str
    agency_name: str
    key: str | None  # the verifier key the agency registered, None without one
    signature: SignatureCheck | None  # None when the agency has not cosigned this checkpoint


@dataclass(frozen=True, slots=True)
class CheckpointView:
    origin: str
    size: int
    root: str
    signed_at: datetime.datetime
    note: str
    log: SignatureCheck
    witnesses: list[WitnessCheck]


def _check(note: Note, key: VerifierKey, cosigned: bool) -> SignatureCheck | None:
    """The key's signature on the note checked (None when the key did not sign it)."""
    lines = [s for s in note.signatures if s.is_from(key)]
    if not lines:
        return None
    text = note.text.encode()
    verified = all(key.verify(text, line.signature) for line in lines)
    signed_at = None
    if cosigned and verified:
        signed_at = datetime.datetime.fromtimestamp(cosignature_time(lines[0]), datetime.UTC)
    return SignatureCheck(key.name, key.key_id.hex(), str(key), verified, signed_at)


async def _witnesses(session: AsyncSession, note: Note) -> list[WitnessCheck]:
    found = await session.execute(
        select(Agency.code, Agency.name, WitnessKey.vkey)
        .outerjoin(WitnessKey, WitnessKey.agency_id == Agency.id)
        .order_by(Agency.code)
    )
    checks = []
    for code, name, vkey in found:
        if vkey is None:
            checks.append(WitnessCheck(code, name, None, None))
            continue
        try:
            key = VerifierKey.parse(vkey)
        except NoteError:
            checks.append(WitnessCheck(code, name, vkey, None))
            continue
        checks.append(WitnessCheck(code, name, vkey, _check(note, key, cosigned=True)))
    return checks


async def checkpoint_view(
    session: AsyncSession, settings: Settings, row: LogCheckpoint
) -> CheckpointView:
    """The checkpoint `row` as published, its log signature and every agency's witness checked."""
    published = await log.published_note(session, row)
    note = parse_note(published)
    log_vkey = log_key.verifier(settings)
    signed = _check(note, log_vkey, cosigned=False)
    missing = SignatureCheck(log_vkey.name, log_vkey.key_id.hex(), str(log_vkey), False)
    return CheckpointView(
        origin=settings.audit_log_origin,
        size=row.size,
        root=b64(row.root),
        signed_at=row.signed_at,
        note=published,
        log=signed or missing,
        witnesses=await _witnesses(session, note),
    )


async def latest_checkpoint(session: AsyncSession) -> LogCheckpoint | None:
    return await session.scalar(select(LogCheckpoint).order_by(LogCheckpoint.size.desc()).limit(1))


@dataclass(frozen=True, slots=True)
class ProofView:
    """An inclusion proof as the page shows it: the leaf (for readers of the log's content),
    its hash, each step of the fold and the verdict against the checkpoint of `size`."""

    seq: int
    size: int
    root: str
    leaf: str | None
    leaf_hash: str
    steps: list[tuple[str, str, str]]
    verified: bool
    problem: Message | None


async def proof_view(
    session: AsyncSession, seq: int, checkpoint: LogCheckpoint, *, with_leaf: bool
) -> ProofView | Message:
    """Event `seq`'s inclusion proof in `checkpoint`, verified; a message when it is not in it."""
    size = checkpoint.size
    if seq > size:
        return NOT_IN_CHECKPOINT(seq=str(seq), size=str(size))
    proof = await log.inclusion(session, seq, size)
    problem = None
    if leaf_hash(proof.leaf) != proof.leaf_hash:
        problem = LEAF_CHANGED()
    try:
        verify_inclusion(proof.leaf_hash, seq - 1, size, proof.hashes, checkpoint.root)
        steps = inclusion_steps(proof.leaf_hash, seq - 1, size, proof.hashes)
    except ProofError as error:
        problem, steps = problem or PROOF_FAILS(rule=error.code), []
    return ProofView(
        seq=seq,
        size=size,
        root=b64(checkpoint.root),
        leaf=proof.leaf.decode() if with_leaf else None,
        leaf_hash=b64(proof.leaf_hash),
        steps=[(side, b64(sibling), b64(made)) for side, sibling, made in steps],
        verified=problem is None,
        problem=problem,
    )
