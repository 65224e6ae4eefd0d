"""Ed25519 keys for signed notes: key IDs, verifier keys (vkeys), signer keys, and what each
signature type signs.

Two signature types (C2SP signed-note §Signature types): 0x01, plain Ed25519 over the note text
(the log's checkpoint signature), and 0x04, the timestamped cosignature/v1 of c2sp.org/
tlog-cosignature (a witness's), whose signature is timestamp (8 bytes, big-endian) || Ed25519
signature over "cosignature/v1\\ntime <timestamp>\\n" || note text. A key ID is
SHA-256(name || 0x0A || type || public key)[:4], so one key pair under one name gets a different
ID per type. Text forms: the vkey `<name>+<hex key ID>+<base64(type || public key)>`, and for
private keys the form of Go's golang.org/x/mod/sumdb/note, `PRIVATE+KEY+<name>+<hex key
ID>+<base64(type || 32-byte seed)>`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from transparency.errors import NoteError

__all__ = [
    "COSIGNATURE_V1",
    "ED25519",
    "SignerKey",
    "VerifierKey",
    "check_key_name",
    "cosigned_message",
    "decode_base64",
    "key_id",
]

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
_TYPES = {ED25519: "ed25519", COSIGNATURE_V1: "cosignature/v1"}
_KEY_SIZE = 32
_SIGNATURE_SIZE = 64
_TIMESTAMP_SIZE = 8
_MAX_TIMESTAMP = 2**63 - 1
_PRIVATE_PREFIX = "PRIVATE+KEY+"


def key_id(name: str, signature_type: int, public_key: bytes) -> bytes:
    """The 4-byte key ID: SHA-256(name || 0x0A || type || public key)[:4]."""
    material = name.encode() + b"\n" + bytes([signature_type]) + public_key
    return hashlib.sha256(material).digest()[:4]


def check_key_name(name: str) -> str:
    """Return `name` when it is a valid key name: non-empty, no Unicode space, no '+'."""
    if not name or "+" in name or any(c.isspace() or c < " " for c in name):
        raise NoteError("note.key.bad_name", name=name)
    return name


def decode_base64(text: str, *, what: str) -> bytes:
    """Strict standard base64: padded, canonical, nothing else; raises NoteError otherwise."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise NoteError("note.base64.malformed", what=what) from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise NoteError("note.base64.malformed", what=what)
    return raw


def cosigned_message(text: bytes, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: its header line, its time line, then the checkpoint text."""
    return b"cosignature/v1\ntime %d\n" % timestamp + text


def _check_type(signature_type: int) -> int:
    if signature_type not in _TYPES:
        raise NoteError("note.key.unsupported_type", type=signature_type)
    return signature_type


def _check_timestamp(timestamp: int) -> int:
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise NoteError("note.cosignature.bad_timestamp", timestamp=timestamp)
    if not 0 < timestamp <= _MAX_TIMESTAMP:
        raise NoteError("note.cosignature.bad_timestamp", timestamp=timestamp)
    return timestamp


@dataclass(frozen=True)
class VerifierKey:
    """A public key as notes name it: key name, signature type and 32-byte Ed25519 key."""

    name: str
    type: int
    public_key: bytes

    def __post_init__(self) -> None:
        check_key_name(self.name)
        _check_type(self.type)
        if len(self.public_key) != _KEY_SIZE:
            raise NoteError("note.key.bad_length", name=self.name, length=len(self.public_key))

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.type, self.public_key)

    @classmethod
    def parse(cls, vkey: str) -> VerifierKey:
        """Read `<name>+<hex key ID>+<base64(type || key)>`; the ID must be the computed one."""
        parts = vkey.strip().split("+", 2)  # base64 may hold "+"
        if len(parts) != 3 or len(parts[1]) != 8:
            raise NoteError("note.vkey.malformed")
        name, hex_id, encoded = parts
        raw = decode_base64(encoded, what="vkey")
        if not raw:
            raise NoteError("note.vkey.malformed")
        key = cls(check_key_name(name), _check_type(raw[0]), raw[1:])
        if hex_id != key.key_id.hex():
            raise NoteError(
                "note.vkey.wrong_key_id", name=name, key_id=hex_id, expected=key.key_id.hex()
            )
        return key

    def __str__(self) -> str:
        encoded = base64.b64encode(bytes([self.type]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Whether `signature` (the bytes after the key ID) is this key's over note `text`."""
        public = Ed25519PublicKey.from_public_bytes(self.public_key)
        if self.type == COSIGNATURE_V1:
            if len(signature) != _TIMESTAMP_SIZE + _SIGNATURE_SIZE:
                return False
            timestamp = int.from_bytes(signature[:_TIMESTAMP_SIZE], "big")
            if timestamp > _MAX_TIMESTAMP:
                return False
            text, signature = cosigned_message(text, timestamp), signature[_TIMESTAMP_SIZE:]
        elif len(signature) != _SIGNATURE_SIZE:
            return False
        try:
            public.verify(signature, text)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class SignerKey:
    """A private Ed25519 key with its name and signature type; never printed in full."""

    name: str
    type: int
    seed: bytes = field(repr=False)
    _private: Ed25519PrivateKey = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_key_name(self.name)
        _check_type(self.type)
        if len(self.seed) != _KEY_SIZE:
            raise NoteError("note.key.bad_length", name=self.name, length=len(self.seed))
        object.__setattr__(self, "_private", Ed25519PrivateKey.from_private_bytes(self.seed))

    @classmethod
    def generate(cls, name: str, signature_type: int = ED25519) -> SignerKey:
        """A new random key (the operating system's CSPRNG, through `cryptography`)."""
        seed = Ed25519PrivateKey.generate().private_bytes_raw()
        return cls(name, signature_type, seed)

    @classmethod
    def parse(cls, text: str) -> SignerKey:
        """Read `PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>`."""
        text = text.strip()
        parts = text.removeprefix(_PRIVATE_PREFIX).split("+", 2)
        if not text.startswith(_PRIVATE_PREFIX) or len(parts) != 3:
            raise NoteError("note.skey.malformed")
        name, hex_id, encoded = parts
        raw = decode_base64(encoded, what="skey")
        if not raw:
            raise NoteError("note.skey.malformed")
        key = cls(check_key_name(name), _check_type(raw[0]), raw[1:])
        if hex_id != key.key_id.hex():
            raise NoteError("note.skey.wrong_key_id", name=name)
        return key

    def export(self) -> str:
        """The private key's text form; `str()` does not print it, so a log line cannot leak it."""
        encoded = base64.b64encode(bytes([self.type]) + self.seed).decode("ascii")
        return f"{_PRIVATE_PREFIX}{self.name}+{self.key_id.hex()}+{encoded}"

    @property
    def key_id(self) -> bytes:
        return self.verifier().key_id

    def verifier(self) -> VerifierKey:
        public = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return VerifierKey(self.name, self.type, public)

    def sign(self, text: bytes, *, timestamp: int | None = None) -> bytes:
        """The signature bytes (after the key ID) over note `text`.

        A cosignature/v1 key needs the `timestamp` (POSIX seconds, > 0) it certifies; a plain
        Ed25519 key takes none.
        """
        if self.type == COSIGNATURE_V1:
            if timestamp is None:
                raise NoteError("note.cosignature.bad_timestamp", timestamp=None)
            stamp = _check_timestamp(timestamp)
            signed = self._private.sign(cosigned_message(text, stamp))
            return stamp.to_bytes(_TIMESTAMP_SIZE, "big") + signed
        if timestamp is not None:
            raise NoteError("note.key.timestamp_unexpected", name=self.name)
        return self._private.sign(text)
