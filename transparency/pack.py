"""The audit pack's format and its canonical zip writer.

A pack is a zip of stored (uncompressed) members with fixed metadata, written as a stream (each
member's sizes and CRC in a data descriptor after it), so the zip's bytes are a function of its
members' names and contents alone. `transparency.pack_verify` rebuilds that zip from the members
it verified and compares it byte for byte with the pack: a change anywhere in the zip's own
structure (a header, a time stamp, the directory) is caught as surely as a change in a file.

Members, in order: the files `manifest.json` lists (datasets, `audit/events.jsonl`,
`audit/checkpoint.txt`, `audit/consistency.json`, documents), then `manifest.json`, then
`manifest.sig`: a signed note by the log's key over the manifest's SHA-256.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from transparency.events import canonical_json
from transparency.keys import SignerKey
from transparency.note import sign_note

__all__ = [
    "CHECKPOINT",
    "CONSISTENCY",
    "EVENTS",
    "FORMAT",
    "MANIFEST",
    "MANIFEST_SIG",
    "FileEntry",
    "PackWriter",
    "RecordCounter",
    "canonical_zip_info",
    "manifest_note_text",
]

FORMAT = "cofund-audit-pack/1"
MANIFEST = "manifest.json"
MANIFEST_SIG = "manifest.sig"
EVENTS = "audit/events.jsonl"
CHECKPOINT = "audit/checkpoint.txt"
CONSISTENCY = "audit/consistency.json"
_EPOCH = (1980, 1, 1, 0, 0, 0)


class _Sink(Protocol):
    def write(self, data: bytes, /) -> Any: ...


class _Stream:
    """A write-only view of a sink: zipfile then writes data descriptors and never seeks back,
    which keeps the bytes independent of whether the target could seek."""

    def __init__(self, sink: _Sink) -> None:
        self._sink = sink

    def write(self, data: bytes) -> int:
        self._sink.write(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def canonical_zip_info(path: str) -> zipfile.ZipInfo:
    """The fixed metadata of every member: no time, no compression, plain file mode."""
    info = zipfile.ZipInfo(path, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def manifest_note_text(manifest_sha256: str) -> str:
    """What the log's key signs in `manifest.sig`: the format and the manifest's SHA-256."""
    return f"{FORMAT}\nsha256 {manifest_sha256}\n"


class RecordCounter:
    """Counts CSV records (RFC 4180: a newline inside quotes is data) or JSON lines, by chunks."""

    def __init__(self) -> None:
        self.records = 0
        self._quoted = False

    def feed(self, chunk: bytes) -> None:
        if not self._quoted and b'"' not in chunk:
            self.records += chunk.count(b"\n")
            return
        for byte in chunk.split(b'"'):
            if not self._quoted:
                self.records += byte.count(b"\n")
            self._quoted = not self._quoted
        self._quoted = not self._quoted  # split yields one piece more than there are quotes


@dataclass(slots=True)
class FileEntry:
    """One manifest line: where, what, how big, its SHA-256 and (for tables) its row count."""

    path: str
    kind: str
    size: int = 0
    sha256: str = ""
    rows: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "kind": self.kind, "size": self.size}
        out["sha256"] = self.sha256
        if self.rows is not None:
            out["rows"] = self.rows
        return {**out, **self.extra}


class _Member:
    def __init__(self, handle: IO[bytes], entry: FileEntry, header_rows: int | None) -> None:
        self._handle = handle
        self._hash = hashlib.sha256()
        self._counter = RecordCounter() if header_rows is not None else None
        self._header_rows = header_rows or 0
        self.entry = entry

    def write(self, chunk: bytes) -> None:
        self._handle.write(chunk)
        self._hash.update(chunk)
        self.entry.size += len(chunk)
        if self._counter is not None:
            self._counter.feed(chunk)

    def finish(self) -> None:
        self.entry.sha256 = self._hash.hexdigest()
        if self._counter is not None:
            self.entry.rows = max(self._counter.records - self._header_rows, 0)


class PackWriter:
    """Writes a pack member by member into `sink` (a file, or anything with `write`)."""

    def __init__(self, sink: _Sink) -> None:
        self._zip = zipfile.ZipFile(_Stream(sink), "w", zipfile.ZIP_STORED)
        self.entries: list[FileEntry] = []

    @contextmanager
    def member(
        self, path: str, kind: str, *, header_rows: int | None = None, **extra: Any
    ) -> Iterator[_Member]:
        """A member to `write` chunks into; rows are counted when `header_rows` is given
        (1 for a CSV with a header, 0 for JSON lines)."""
        entry = FileEntry(path, kind, extra=extra)
        with self._zip.open(canonical_zip_info(path), "w") as handle:
            member = _Member(handle, entry, header_rows)
            yield member
        member.finish()
        self.entries.append(entry)

    def finish(self, header: dict[str, Any], log_key: SignerKey) -> str:
        """Write the manifest (`header` plus every member's entry) and its signature; close.
        Returns the manifest's SHA-256."""
        manifest = canonical_json(
            {**header, "format": FORMAT, "files": [e.to_json() for e in self.entries]}
        )
        digest = hashlib.sha256(manifest).hexdigest()
        self._zip.writestr(canonical_zip_info(MANIFEST), manifest)
        note = sign_note(manifest_note_text(digest), log_key)
        self._zip.writestr(canonical_zip_info(MANIFEST_SIG), str(note).encode())
        self._zip.close()
        return digest

    def abort(self) -> None:
        """Close the zip after a failure; the caller discards what was written."""
        with suppress(OSError, ValueError):
            self._zip.close()
