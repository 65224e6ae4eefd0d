"""C2SP signed notes (c2sp.org/signed-note): a UTF-8 text, a blank line, signature lines.

    <text ending in a newline>
    <blank line>
    — <key name> <base64(4-byte key ID || signature)>
    ...

The text is everything up to the last blank line. A reader trusts a note only through
`verify_note`: signatures from unknown keys (name and ID not both known) are ignored, a known
key's signature that fails rejects the whole note, and at least one known key (and every
required one) must have signed.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass

from transparency.errors import NoteError
from transparency.keys import SignerKey, VerifierKey, check_key_name, decode_base64

__all__ = ["MAX_SIGNATURES", "Note", "NoteSignature", "parse_note", "sign_note", "verify_note"]

# The spec asks verifiers to accept at least 16 and to cap the count; a log's signature and a
# few dozen witnesses fit well under this.
MAX_SIGNATURES = 100
_DASH = "\N{EM DASH} "


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: the signer's name, the 4-byte key ID, the signature bytes."""

    name: str
    key_id: bytes
    signature: bytes

    @classmethod
    def parse_line(cls, line: str) -> NoteSignature:
        """Read `— <name> <base64>` (without its newline)."""
        name, _, encoded = line.removeprefix(_DASH).partition(" ")
        if not line.startswith(_DASH) or not encoded or " " in encoded:
            raise NoteError("note.signature.malformed", line=line)
        check_key_name(name)
        raw = decode_base64(encoded, what="signature")
        if len(raw) < 5:
            raise NoteError("note.signature.malformed", line=line)
        return cls(name, raw[:4], raw[4:])

    def line(self) -> str:
        encoded = base64.b64encode(self.key_id + self.signature).decode("ascii")
        return f"{_DASH}{self.name} {encoded}\n"

    def is_from(self, key: VerifierKey) -> bool:
        return self.name == key.name and self.key_id == key.key_id


@dataclass(frozen=True)
class Note:
    """A note's text (with its final newline) and its signatures, in order."""

    text: str
    signatures: tuple[NoteSignature, ...] = ()

    def __post_init__(self) -> None:
        _check_text(self.text)

    def __str__(self) -> str:
        if not self.signatures:
            raise NoteError("note.signature.missing")
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    def with_signatures(self, *added: NoteSignature) -> Note:
        """This note with `added` appended, skipping any line it already carries."""
        fresh = tuple(s for s in dict.fromkeys(added) if s not in self.signatures)
        return Note(self.text, self.signatures + fresh)

    def signed_by(self, key: SignerKey, *, timestamp: int | None = None) -> Note:
        """This note with `key`'s signature over its text appended."""
        signature = key.sign(self.text.encode(), timestamp=timestamp)
        return self.with_signatures(NoteSignature(key.name, key.key_id, signature))


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("note.text.no_final_newline")
    if any(c < " " and c != "\n" for c in text):
        raise NoteError("note.text.control_character")


def sign_note(text: str, *keys: SignerKey) -> Note:
    """A note of `text` signed by each plain Ed25519 key in `keys`, in order."""
    note = Note(text)
    for key in keys:
        note = note.signed_by(key)
    return note


def parse_note(message: str | bytes) -> Note:
    """Split a signed note into text and signatures; no signature is checked here."""
    if isinstance(message, bytes):
        try:
            message = message.decode("utf-8")
        except UnicodeDecodeError:
            raise NoteError("note.encoding.not_utf8") from None
    if any(c < " " and c != "\n" for c in message):
        raise NoteError("note.text.control_character")
    split = message.rfind("\n\n")
    if split < 0 or not message.endswith("\n"):
        raise NoteError("note.signature.missing")
    text, block = message[: split + 1], message[split + 2 :]
    lines = block.removesuffix("\n").split("\n")
    if not block or len(lines) > MAX_SIGNATURES:
        raise NoteError(
            "note.signature.missing" if not block else "note.signature.too_many", count=len(lines)
        )
    return Note(text, tuple(NoteSignature.parse_line(line) for line in lines))


def verify_note(
    note: Note, known: Iterable[VerifierKey], *, required: Iterable[VerifierKey] = ()
) -> tuple[VerifierKey, ...]:
    """The known keys whose signatures on `note` verify, in the order of `known`.

    Raises NoteError: note.signature.invalid when a known key's signature fails (naming it),
    note.signature.required_missing when a `required` key has not signed, and
    note.signature.none_trusted when no known key has.
    """
    required = list(required)
    keys = list(dict.fromkeys([*known, *required]))
    text = note.text.encode()
    verified: list[VerifierKey] = []
    for key in keys:
        lines = [s for s in note.signatures if s.is_from(key)]
        for line in lines:
            if not key.verify(text, line.signature):
                raise NoteError("note.signature.invalid", name=key.name, key_id=key.key_id.hex())
        if lines:
            verified.append(key)
    for key in required:
        if key not in verified:
            raise NoteError(
                "note.signature.required_missing", name=key.name, key_id=key.key_id.hex()
            )
    if not verified:
        raise NoteError("note.signature.none_trusted")
    return tuple(verified)
