"""Screen an upload's bytes as they stream: active content in PDFs, decompression bombs in ZIPs.

`screened` wraps the byte stream handed to `DocumentStore.put`: a refusal raises from the
stream itself, so the store aborts and keeps nothing, exactly as for a client that went away.

- A PDF is scanned for the names that make a reader run something (`/JS`, `/JavaScript`,
  `/OpenAction`, `/AA`, `/Launch`) or carry a file (`/EmbeddedFile`, `/EmbeddedFiles`). Names are
  decoded (`/J#61vaScript` is `/JavaScript`) and a name cut between two chunks is joined first.
  Names inside compressed object streams are not seen (see `pdfnames`).
- A ZIP (DOCX, XLSX, …) is spooled to a temporary file while it streams; once the last byte is
  in, and before the stream ends (so before the store publishes anything), its central
  directory's declared sizes are checked against a total and a ratio, and then every deflated
  entry is actually inflated from its raw bytes, counting and stopping at the limit, so a
  directory that lies about the sizes gains nothing.
"""

from __future__ import annotations

import asyncio
import struct
import tempfile
import zipfile
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import IO, Literal

from storage.errors import ActiveContent, ArchiveBomb
from storage.pdfnames import NameScanner

MiB = 1024 * 1024
_ZIP_SIGNATURE = b"PK\x03\x04"
_PDF_SIGNATURE = b"%PDF-"
# A PDF reader accepts the header anywhere in the first kilobyte.
_PDF_HEADER_WINDOW = 1024
_READ = 64 * 1024
_LOCAL_HEADER = 30
# An entry that is encrypted, damaged or uses an unknown method: the bytes read still counted.
_UNREADABLE = (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError, EOFError)


@dataclass(frozen=True, slots=True)
class Screening:
    """What an upload of one kind must pass. `active_content` says whether a PDF with active
    content or an embedded file is refused or only flagged (its findings kept on the result)."""

    active_content: Literal["refuse", "flag"] = "refuse"
    max_unpacked_bytes: int = 100 * MiB
    max_ratio: int = 100
    # Below this many unpacked bytes no ratio is absurd: small XML compresses very well.
    ratio_floor_bytes: int = 1 * MiB


@dataclass
class Findings:
    """What a flagged upload contained (the sorted names), filled in as the stream is read."""

    active_content: list[str] = field(default_factory=list)


def screened(
    chunks: AsyncIterator[bytes], screening: Screening, findings: Findings
) -> AsyncIterator[bytes]:
    """`chunks`, passed on unchanged, screened as they go. Raises `ActiveContent` or
    `ArchiveBomb` from the stream (see the module docstring); flagged active content is put in
    `findings` instead."""
    return _screen(chunks, screening, findings)


async def _screen(
    chunks: AsyncIterator[bytes], screening: Screening, findings: Findings
) -> AsyncIterator[bytes]:
    iterator = aiter(chunks)
    head = b""
    async for chunk in iterator:
        head += chunk
        if len(head) >= _PDF_HEADER_WINDOW:
            break
    if head.startswith(_ZIP_SIGNATURE):
        async for chunk in _zip(head, iterator, screening):
            yield chunk
    elif _PDF_SIGNATURE in head[:_PDF_HEADER_WINDOW]:
        async for chunk in _pdf(head, iterator, screening, findings):
            yield chunk
    else:
        if head:
            yield head
        async for chunk in iterator:
            yield chunk


async def _pdf(
    head: bytes, rest: AsyncIterator[bytes], screening: Screening, findings: Findings
) -> AsyncIterator[bytes]:
    scanner = NameScanner()
    pending = [head]
    while pending:
        chunk = pending.pop()
        scanner.feed(chunk)
        if scanner.found and screening.active_content == "refuse":
            raise ActiveContent(sorted(scanner.found))
        yield chunk
        nxt = await anext(rest, None)
        if nxt is not None:
            pending.append(nxt)
    scanner.close()
    if scanner.found and screening.active_content == "refuse":
        raise ActiveContent(sorted(scanner.found))
    findings.active_content = sorted(scanner.found)


async def _zip(
    head: bytes, rest: AsyncIterator[bytes], screening: Screening
) -> AsyncIterator[bytes]:
    # The spool lives only as long as the stream; SpooledTemporaryFile keeps small ones in memory.
    with tempfile.SpooledTemporaryFile(max_size=8 * MiB) as spool:
        spool.write(head)
        yield head
        async for chunk in rest:
            spool.write(chunk)
            yield chunk
        await asyncio.to_thread(check_archive, spool, screening)


def check_archive(file: IO[bytes], screening: Screening) -> None:
    """Raise `ArchiveBomb` if the ZIP in `file` declares or actually unpacks to more than the
    screening allows; a ZIP that cannot be read at all passes (it is no bomb, and the type
    check decides whether such a file is welcome)."""
    file.seek(0, 2)
    packed = max(file.tell(), 1)
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        infos = archive.infolist()
        _check_sizes(sum(info.file_size for info in infos), packed, screening)
        unpacked = 0
        for info in infos:
            unpacked = _inflate_entry(file, archive, info, unpacked, packed, screening)


def _inflate_entry(
    file: IO[bytes],
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    unpacked: int,
    packed: int,
    screening: Screening,
) -> int:
    """`unpacked` plus what the entry really inflates to (its declared size is not trusted):
    raises `ArchiveBomb` as soon as the running total is too much."""
    if info.compress_type == zipfile.ZIP_DEFLATED:
        file.seek(info.header_offset)
        header = file.read(_LOCAL_HEADER)
        if len(header) < _LOCAL_HEADER or not header.startswith(_ZIP_SIGNATURE):
            return unpacked
        name_length, extra_length = struct.unpack_from("<HH", header, 26)
        file.seek(info.header_offset + _LOCAL_HEADER + name_length + extra_length)
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        left = info.compress_size
        try:
            while left > 0 and not inflater.eof:
                data = file.read(min(_READ, left))
                if not data:
                    break
                left -= len(data)
                # At most _READ bytes out per step, however well the input compresses.
                out = inflater.decompress(data, _READ)
                while out:
                    unpacked += len(out)
                    _check_sizes(unpacked, packed, screening)
                    out = inflater.decompress(inflater.unconsumed_tail, _READ)
        except zlib.error:
            pass  # damaged data: what inflated before the damage counted
        return unpacked
    try:
        with archive.open(info) as entry:
            while block := entry.read(_READ):
                unpacked += len(block)
                _check_sizes(unpacked, packed, screening)
    except _UNREADABLE:
        pass  # an encrypted, damaged or unknown entry: the bytes read counted
    return unpacked


def _check_sizes(unpacked: int, packed: int, screening: Screening) -> None:
    if unpacked > screening.max_unpacked_bytes:
        raise ArchiveBomb(unpacked, packed, limit=screening.max_unpacked_bytes)
    if unpacked > screening.ratio_floor_bytes and unpacked > packed * screening.max_ratio:
        raise ArchiveBomb(unpacked, packed, ratio=screening.max_ratio)
