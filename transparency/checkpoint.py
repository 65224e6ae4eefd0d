"""C2SP checkpoints (c2sp.org/tlog-checkpoint) and their cosignatures (c2sp.org/tlog-cosignature).

A checkpoint is a signed note whose text is the log's origin, its tree size in decimal, the
base64 root hash, and optional extension lines:

    cofund.example/audit
    20852163
    CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

The log signs it with its plain Ed25519 key; each witness appends a cosignature/v1 line
(`cosign`), whose signature carries the time it was made (`cosignature_time`).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass

from transparency.errors import NoteError
from transparency.keys import COSIGNATURE_V1, ED25519, SignerKey, VerifierKey, decode_base64
from transparency.merkle import HASH_SIZE
from transparency.note import Note, NoteSignature, parse_note, verify_note

__all__ = ["Checkpoint", "cosign", "cosignature_time", "open_checkpoint", "sign_checkpoint"]

_SIZE = re.compile(r"0|[1-9][0-9]*")
_MAX_SIZE = 2**64 - 1


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: who (origin), how many leaves (size), which tree (root hash)."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        lines = [self.origin, *self.extensions]
        if any(not line or "\n" in line for line in lines):
            raise NoteError("checkpoint.line.empty_or_multiline")
        if isinstance(self.size, bool) or not isinstance(self.size, int):
            raise NoteError("checkpoint.size.malformed", size=self.size)
        if not 0 <= self.size <= _MAX_SIZE:
            raise NoteError("checkpoint.size.malformed", size=self.size)
        if len(self.root) != HASH_SIZE:
            raise NoteError("checkpoint.root.bad_length", length=len(self.root))

    def body(self) -> str:
        """The note text: origin, size, base64 root and extensions, each ending in a newline."""
        root = base64.b64encode(self.root).decode("ascii")
        return "".join(
            f"{line}\n" for line in (self.origin, str(self.size), root, *self.extensions)
        )

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint body; raises NoteError naming the first line that is wrong."""
        if not text.endswith("\n"):
            raise NoteError("checkpoint.text.no_final_newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise NoteError("checkpoint.text.too_short", lines=len(lines))
        origin, size, root, *extensions = lines
        if not _SIZE.fullmatch(size) or int(size) > _MAX_SIZE:
            raise NoteError("checkpoint.size.malformed", size=size)
        return cls(origin, int(size), decode_base64(root, what="root"), tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, log_key: SignerKey) -> Note:
    """The checkpoint as a note signed by the log's plain Ed25519 key."""
    if log_key.type != ED25519:
        raise NoteError("checkpoint.key.not_ed25519", name=log_key.name)
    return Note(checkpoint.body()).signed_by(log_key)


def cosign(note: Note, witness_key: SignerKey, timestamp: int) -> NoteSignature:
    """The witness's cosignature/v1 line over the checkpoint `note`, made at `timestamp`.

    Only the decision to cosign is the witness's (see `transparency.witness`); this signs.
    """
    if witness_key.type != COSIGNATURE_V1:
        raise NoteError("checkpoint.key.not_cosigner", name=witness_key.name)
    Checkpoint.parse(note.text)
    signature = witness_key.sign(note.text.encode(), timestamp=timestamp)
    return NoteSignature(witness_key.name, witness_key.key_id, signature)


def cosignature_time(signature: NoteSignature) -> int:
    """The POSIX time a cosignature/v1 line was made (its first 8 signature bytes)."""
    if len(signature.signature) != 8 + 64:
        raise NoteError("note.cosignature.malformed", name=signature.name)
    return int.from_bytes(signature.signature[:8], "big")


def open_checkpoint(
    message: str | bytes,
    log_key: VerifierKey,
    *,
    witnesses: Iterable[VerifierKey] = (),
    required: Iterable[VerifierKey] = (),
    origin: str | None = None,
) -> tuple[Checkpoint, Note, tuple[VerifierKey, ...]]:
    """Parse and verify a signed checkpoint: the log's signature is required, the `witnesses`'
    cosignatures are checked when present, `required` ones must be there; others are ignored.

    Returns the checkpoint, the note and the keys whose signatures verified. Raises NoteError
    (see `verify_note`), or checkpoint.origin.mismatch when the origin is not `origin` (by
    default the log key's name, as the spec recommends).
    """
    expected = log_key.name if origin is None else origin
    note = parse_note(message)
    verified = verify_note(note, [log_key, *witnesses], required=[log_key, *required])
    checkpoint = Checkpoint.parse(note.text)
    if checkpoint.origin != expected:
        raise NoteError("checkpoint.origin.mismatch", origin=checkpoint.origin, expected=expected)
    return checkpoint, note, verified
