"""Verify an audit pack offline: no database, no server, only the pack and the trusted keys.

Checks, each failure one `Problem` naming what and why: the zip reads (a truncated or corrupt
pack is a problem, not a traceback); the manifest is signed by the trusted log key; every file
the manifest lists is there with its size, SHA-256 and row count, and nothing else is; the zip
is byte for byte the canonical zip of those members (`transparency.pack`); the hash chain of
`audit/events.jsonl` (contiguous seqs, prev-hash links, each hash recomputed from the event's
canonical JSON); the RFC 9162 Merkle root over the events against the signed checkpoint's root
and size; every signature on the checkpoint against a trusted key (unknown signers are
problems); the consistency proof from an earlier checkpoint when the pack carries one; and every
document's bytes against the SHA-256 the database recorded for it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from transparency.checkpoint import Checkpoint
from transparency.errors import NoteError, ProofError
from transparency.events import GENESIS_HASH, event_bytes, event_hash
from transparency.keys import ED25519, VerifierKey
from transparency.merkle import TreeState, leaf_hash
from transparency.note import Note, parse_note
from transparency.pack import (
    CHECKPOINT,
    CONSISTENCY,
    EVENTS,
    FORMAT,
    MANIFEST,
    MANIFEST_SIG,
    RecordCounter,
    canonical_zip_info,
    manifest_note_text,
)
from transparency.proofs import verify_consistency

__all__ = ["Problem", "Report", "read_trusted_keys", "verify_pack"]

_CHUNK = 1 << 16
# What zipfile raises on a damaged archive: a bad CRC or header, an "encrypted" flag bit
# flipped on, an unsupported compression method, a short read.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
    struct.error,
    zlib.error,
)


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong (a file, `event 12`, `signature witness.jst.example`) and why."""

    where: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.why}"


@dataclass(slots=True)
class Report:
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    events: int = 0
    documents: int = 0
    signatures: list[str] = field(default_factory=list)
    tree_size: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, where: str, why: str) -> None:
        self.problems.append(Problem(where, why))

    def summary(self) -> str:
        return (
            f"audit pack verified: {self.events} events (tree size {self.tree_size}), "
            f"{self.files} files, {self.documents} documents, "
            f"{len(self.signatures)} signatures ({', '.join(self.signatures)})"
        )


def read_trusted_keys(text: str) -> list[VerifierKey]:
    """C2SP verifier keys, one per line; blank lines and `#` comments are skipped."""
    keys = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            keys.append(VerifierKey.parse(line))
        except NoteError as error:
            raise ValueError(f"line {number} is not a verifier key: {error}") from None
    return keys


class _Rebuild:
    """The canonical zip of the members read so far, hashed as it is written."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()
        self.size = 0
        self._zip = zipfile.ZipFile(self, "w", zipfile.ZIP_STORED)

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def open(self, path: str) -> IO[bytes]:
        return self._zip.open(canonical_zip_info(path), "w")

    def close(self) -> None:
        self._zip.close()


@dataclass(slots=True)
class _Read:
    size: int
    sha256: str
    records: int


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, rebuild: _Rebuild
) -> _Read | None:
    digest, size, counter = hashlib.sha256(), 0, RecordCounter()
    with archive.open(info) as source, rebuild.open(info.filename) as copy:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            counter.feed(chunk)
            copy.write(chunk)
    return _Read(size, digest.hexdigest(), counter.records)


def verify_pack(path: Path, trusted: Iterable[VerifierKey]) -> Report:
    """Every check of the module docstring; the report lists each problem found."""
    report = Report()
    keys = list(trusted)
    try:
        with zipfile.ZipFile(path) as archive:
            _verify_archive(path, archive, keys, report)
    except _ZIP_ERRORS as error:
        report.add(path.name, f"not a readable zip archive ({error})")
    return report


def _verify_archive(
    path: Path, archive: zipfile.ZipFile, keys: list[VerifierKey], report: Report
) -> None:
    rebuild = _Rebuild()
    reads: dict[str, _Read] = {}
    for info in archive.infolist():
        try:
            read = _read_member(archive, info, rebuild)
        except _ZIP_ERRORS as error:
            report.add(info.filename, f"cannot be read ({error})")
            return
        if read is not None:
            reads[info.filename] = read
    rebuild.close()
    actual = path.stat().st_size, _file_sha256(path)
    if (rebuild.size, rebuild.hash.hexdigest()) != actual:
        report.add(
            path.name,
            "the zip's bytes differ from the canonical zip of its files "
            "(headers, times or directory changed, or bytes added)",
        )
    manifest = _manifest(archive, reads, keys, report)
    if manifest is None:
        return
    entries = _check_files(manifest, reads, report)
    checkpoint = _check_checkpoint(archive, keys, report)
    _check_events(archive, entries, checkpoint, report)
    if CONSISTENCY in entries and checkpoint is not None:
        _check_consistency(archive, keys, checkpoint, report)
    report.documents = sum(1 for e in entries.values() if e.get("kind") == "document")


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _log_keys(keys: list[VerifierKey]) -> list[VerifierKey]:
    return [key for key in keys if key.type == ED25519]


def _manifest(
    archive: zipfile.ZipFile, reads: dict[str, _Read], keys: list[VerifierKey], report: Report
) -> dict[str, Any] | None:
    if MANIFEST not in reads:
        report.add(MANIFEST, "missing")
        return None
    raw = archive.read(MANIFEST)
    if MANIFEST_SIG not in reads:
        report.add(MANIFEST_SIG, "missing: the manifest is not signed")
    else:
        _check_manifest_signature(archive.read(MANIFEST_SIG), raw, keys, report)
    try:
        manifest = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        report.add(MANIFEST, f"not JSON ({error})")
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        report.add(MANIFEST, f"not a {FORMAT} manifest")
        return None
    return manifest


def _check_manifest_signature(
    signed: bytes, manifest: bytes, keys: list[VerifierKey], report: Report
) -> None:
    try:
        note = parse_note(signed)
    except NoteError as error:
        report.add(MANIFEST_SIG, f"not a signed note ({error})")
        return
    if note.text != manifest_note_text(hashlib.sha256(manifest).hexdigest()):
        report.add(MANIFEST_SIG, "signs another manifest: manifest.json was changed")
    if not _signatures(MANIFEST_SIG, note, _log_keys(keys), report, record=False):
        report.add(MANIFEST_SIG, "no signature by a trusted log key")


def _signatures(
    where: str, note: Note, keys: list[VerifierKey], report: Report, *, record: bool
) -> list[VerifierKey]:
    """The trusted keys whose signatures on `note` verify; each other line is a problem."""
    verified = []
    text = note.text.encode()
    for line in note.signatures:
        key = next((k for k in keys if line.is_from(k)), None)
        if key is None:
            report.add(
                f"{where} signature {line.name}",
                f"key id {line.key_id.hex()} is not a trusted key",
            )
        elif not key.verify(text, line.signature):
            report.add(f"{where} signature {line.name}", "does not verify (forged or altered)")
        else:
            verified.append(key)
            if record:
                report.signatures.append(key.name)
    return verified


def _check_files(
    manifest: dict[str, Any], reads: dict[str, _Read], report: Report
) -> dict[str, dict[str, Any]]:
    files = manifest.get("files")
    if not isinstance(files, list) or not all(isinstance(e, dict) for e in files):
        report.add(MANIFEST, "has no list of files")
        return {}
    entries = {str(e.get("path")): e for e in files}
    for name in reads:
        if name not in entries and name not in (MANIFEST, MANIFEST_SIG):
            report.add(name, "is not listed in the manifest (an added file)")
    for name, entry in entries.items():
        read = reads.get(name)
        if read is None:
            report.add(name, "is listed in the manifest but missing from the pack")
            continue
        if read.size != entry.get("size"):
            report.add(name, f"size {read.size} differs from the manifest's {entry.get('size')}")
        if read.sha256 != entry.get("sha256"):
            report.add(name, "SHA-256 differs from the manifest's (the file was changed)")
        if "recorded_sha256" in entry and read.sha256 != entry["recorded_sha256"]:
            report.add(name, "bytes differ from the SHA-256 recorded when it was uploaded")
        if "rows" in entry:
            rows = read.records - (1 if entry.get("kind") == "dataset" else 0)
            if rows != entry["rows"]:
                report.add(name, f"{rows} rows where the manifest says {entry['rows']}")
    report.files = len(entries)
    return entries


def _check_checkpoint(
    archive: zipfile.ZipFile, keys: list[VerifierKey], report: Report
) -> Checkpoint | None:
    try:
        note = parse_note(archive.read(CHECKPOINT))
        checkpoint = Checkpoint.parse(note.text)
    except KeyError:
        report.add(CHECKPOINT, "missing")
        return None
    except NoteError as error:
        report.add(CHECKPOINT, f"not a signed checkpoint ({error})")
        return None
    verified = _signatures(CHECKPOINT, note, keys, report, record=True)
    if not any(k.type == ED25519 and k.name == checkpoint.origin for k in verified):
        report.add(CHECKPOINT, f"not signed by a trusted key of the log {checkpoint.origin}")
    report.tree_size = checkpoint.size
    return checkpoint


def _event_lines(archive: zipfile.ZipFile) -> Iterator[tuple[int, str]]:
    with archive.open(EVENTS) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        yield from enumerate(text, start=1)


def _check_events(
    archive: zipfile.ZipFile,
    entries: dict[str, dict[str, Any]],
    checkpoint: Checkpoint | None,
    report: Report,
) -> None:
    if EVENTS not in entries:
        report.add(EVENTS, "missing")
        return
    state, expected_seq, expected_prev = TreeState(), 1, GENESIS_HASH
    try:
        for line_number, line in _event_lines(archive):
            where = f"{EVENTS} line {line_number}"
            try:
                event = json.loads(line)
            except json.JSONDecodeError as error:
                report.add(where, f"not JSON ({error})")
                return
            seq = event.get("seq") if isinstance(event, dict) else None
            if seq != expected_seq:
                report.add(where, f"event seq {seq} where {expected_seq} was expected")
                return
            leaf, stored = _event_leaf(f"event {seq}", event, expected_prev, report)
            if leaf is None:
                return
            state.append(leaf)
            expected_seq, expected_prev = expected_seq + 1, stored
    except (UnicodeDecodeError, *_ZIP_ERRORS) as error:
        report.add(EVENTS, f"cannot be read ({error})")
        return
    report.events = state.size
    if checkpoint is None:
        return
    if state.size != checkpoint.size:
        report.add(EVENTS, f"{state.size} events, but the checkpoint signs {checkpoint.size}")
    elif state.root() != checkpoint.root:
        report.add(
            EVENTS,
            "the Merkle root of the events differs from the signed checkpoint's "
            "(events were rewritten, even if the chain was re-hashed)",
        )


def _event_leaf(
    where: str, event: dict[str, Any], expected_prev: str, report: Report
) -> tuple[bytes | None, str]:
    """The event's leaf hash and its chain hash; a redacted event carries both as given."""
    stored = event.get("hash")
    if not isinstance(stored, str):
        report.add(where, "has no hash")
        return None, ""
    if event.get("redacted") is True:
        try:
            leaf = base64.b64decode(str(event.get("leaf_hash")), validate=True)
        except (binascii.Error, ValueError):
            leaf = b""
        if len(leaf) != 32:
            report.add(where, "redacted without a valid leaf_hash")
            return None, stored
        return leaf, stored
    if event.get("prev_hash") != expected_prev:
        report.add(where, "prev_hash does not link to the event before it")
        return None, stored
    try:
        recomputed = event_hash(event)
        data = event_bytes(event)
    except (KeyError, TypeError, ValueError) as error:
        report.add(where, f"lacks a hashed field ({error})")
        return None, stored
    if recomputed != stored:
        report.add(where, "content does not match its hash (edited)")
        return None, stored
    return leaf_hash(data), stored


def _check_consistency(
    archive: zipfile.ZipFile, keys: list[VerifierKey], checkpoint: Checkpoint, report: Report
) -> None:
    try:
        body = json.loads(archive.read(CONSISTENCY))
        old_note = parse_note(str(body["old_checkpoint"]))
        old = Checkpoint.parse(old_note.text)
        hashes = [base64.b64decode(h, validate=True) for h in body["hashes"]]
    except (KeyError, TypeError, ValueError, NoteError) as error:
        report.add(CONSISTENCY, f"malformed ({error})")
        return
    verified = _signatures(f"{CONSISTENCY} old checkpoint", old_note, keys, report, record=False)
    report.signatures.extend(f"{key.name} on size {old.size}" for key in verified)
    if not any(k.type == ED25519 and k.name == old.origin for k in verified):
        report.add(CONSISTENCY, "the earlier checkpoint is not signed by a trusted log key")
    if old.origin != checkpoint.origin:
        report.add(CONSISTENCY, f"the earlier checkpoint is of another log ({old.origin})")
        return
    try:
        verify_consistency(old.size, checkpoint.size, hashes, old.root, checkpoint.root)
    except ProofError as error:
        report.add(
            CONSISTENCY,
            f"the log did not only grow from size {old.size} to {checkpoint.size} ({error})",
        )
