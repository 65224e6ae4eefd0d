"""A witness's decision: cosign a log's new checkpoint only if it extends the last one cosigned.

This is the check of c2sp.org/tlog-witness `add-checkpoint`, without the HTTP: the log's
signature must verify under the trusted key, the origin must be the witnessed log's, the size
must not shrink, an equal size must have the same root, and a larger one must come with a
consistency proof from the cosigned tree. Anything else is a WitnessRefusal whose code says
which rule (and, for a failing proof, the proof's own reason); the caller keeps its state. On
success the caller stores the returned state before publishing the cosignature line, so a
restart can never cosign a smaller or forked tree.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass

from transparency.checkpoint import Checkpoint, cosign
from transparency.errors import NoteError, ProofError, WitnessRefusal
from transparency.keys import SignerKey, VerifierKey, decode_base64
from transparency.merkle import EMPTY_ROOT, HASH_SIZE
from transparency.note import NoteSignature, parse_note, verify_note
from transparency.proofs import verify_consistency

__all__ = ["Cosigned", "WitnessState", "witness_checkpoint"]


@dataclass(frozen=True)
class WitnessState:
    """The last tree a witness cosigned for one log (size 0 and the empty root before any)."""

    origin: str
    size: int
    root: bytes

    @classmethod
    def fresh(cls, origin: str) -> WitnessState:
        return cls(origin, 0, EMPTY_ROOT)

    def to_json(self) -> str:
        root = base64.b64encode(self.root).decode("ascii")
        return json.dumps({"origin": self.origin, "size": self.size, "root": root}) + "\n"

    @classmethod
    def from_json(cls, text: str) -> WitnessState:
        """Read `to_json()`; raises WitnessRefusal(witness.state.malformed) on anything else."""
        try:
            data = json.loads(text)
            state = cls(str(data["origin"]), data["size"], decode_base64(data["root"], what="root"))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise WitnessRefusal("witness.state.malformed") from None
        size_ok = isinstance(state.size, int) and not isinstance(state.size, bool)
        if not size_ok or state.size < 0 or len(state.root) != HASH_SIZE:
            raise WitnessRefusal("witness.state.malformed")
        return state


@dataclass(frozen=True)
class Cosigned:
    """What cosigning produced: the signature line to publish and the state to store."""

    signature: NoteSignature
    state: WitnessState
    checkpoint: Checkpoint

    @property
    def line(self) -> str:
        return self.signature.line()


def witness_checkpoint(
    state: WitnessState,
    message: str | bytes,
    proof: Sequence[bytes],
    *,
    log_key: VerifierKey,
    witness_key: SignerKey,
    timestamp: int,
) -> Cosigned:
    """Cosign the signed checkpoint `message` if it extends `state`; else raise WitnessRefusal.

    `proof` is the consistency proof from `state.size` to the checkpoint's size (empty when
    the sizes are equal or nothing was cosigned yet). Refusal codes:
    witness.checkpoint.malformed, witness.signature.invalid (with the note's reason),
    witness.origin.unknown, witness.checkpoint.bad_empty_root, witness.checkpoint.smaller,
    witness.checkpoint.fork (same size, other root), witness.proof.unexpected (a proof where
    none is due), witness.checkpoint.inconsistent (with the proof's reason).
    """
    try:
        note = parse_note(message)
        checkpoint = Checkpoint.parse(note.text)
    except NoteError as error:
        raise WitnessRefusal("witness.checkpoint.malformed", reason=error.code) from error
    try:
        verify_note(note, [log_key], required=[log_key])
    except NoteError as error:
        raise WitnessRefusal(
            "witness.signature.invalid", reason=error.code, name=log_key.name
        ) from error
    if checkpoint.origin != state.origin:
        raise WitnessRefusal(
            "witness.origin.unknown", origin=checkpoint.origin, expected=state.origin
        )
    _check_extends(state, checkpoint, proof)
    line = cosign(note, witness_key, timestamp)
    new_state = WitnessState(checkpoint.origin, checkpoint.size, checkpoint.root)
    return Cosigned(line, new_state, checkpoint)


def _check_extends(state: WitnessState, checkpoint: Checkpoint, proof: Sequence[bytes]) -> None:
    size, root = checkpoint.size, checkpoint.root
    if size == 0 and root != EMPTY_ROOT:
        raise WitnessRefusal("witness.checkpoint.bad_empty_root", size=0)
    if size < state.size:
        raise WitnessRefusal("witness.checkpoint.smaller", size=size, cosigned_size=state.size)
    if size == state.size and root != state.root:
        raise WitnessRefusal(
            "witness.checkpoint.fork", size=size, root=_b64(root), cosigned_root=_b64(state.root)
        )
    if (size == state.size or state.size == 0) and proof:
        raise WitnessRefusal(
            "witness.proof.unexpected", size1=state.size, size2=size, length=len(proof)
        )
    if size == state.size or state.size == 0:
        return
    try:
        verify_consistency(state.size, size, proof, state.root, root)
    except ProofError as error:
        details = {**error.params, "size1": state.size, "size2": size}
        raise WitnessRefusal(
            "witness.checkpoint.inconsistent", reason=error.code, **details
        ) from error


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")
