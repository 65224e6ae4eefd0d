"""Tell office documents from other ZIP archives by the first entries of the archive.

Only the first bytes of an upload are available when the type is decided, so this walks the
local file headers at the start of the archive (not the central directory at its end).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOCM = "application/vnd.ms-word.document.macroEnabled.12"
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12"
PPTM = "application/vnd.ms-powerpoint.presentation.macroEnabled.12"

_HEADER = struct.Struct("<4sHHHIIIIHH")
_LOCAL_SIG = b"PK\x03\x04"
_DESCRIPTOR_SIG = b"PK\x07\x08"
_HAS_DESCRIPTOR = 0x08
_STORED, _DEFLATED = 0, 8
_MAX_INFLATE = 256 * 1024  # [Content_Types].xml is a few KiB; cap it against zip bombs.

# Main-part content types declared in [Content_Types].xml, most specific first.
_MAIN_PARTS = (
    (b"ms-word.document.macroEnabled.main+xml", DOCM),
    (b"ms-excel.sheet.macroEnabled.main+xml", XLSM),
    (b"ms-powerpoint.presentation.macroEnabled.main+xml", PPTM),
    (b"wordprocessingml.document.main+xml", DOCX),
    (b"wordprocessingml.template.main+xml", DOCX),
    (b"spreadsheetml.sheet.main+xml", XLSX),
    (b"spreadsheetml.template.main+xml", XLSX),
    (b"presentationml.presentation.main+xml", PPTX),
)
# Fallback when [Content_Types].xml lies beyond the first bytes: the part folders.
_FOLDERS = ((b"word/", DOCX), (b"xl/", XLSX), (b"ppt/", PPTX))
_MACRO_ENABLED = {DOCX: DOCM, XLSX: XLSM, PPTX: PPTM}


def sniff_zip(head: bytes) -> str:
    """The office content type of the ZIP archive starting `head`, else `application/zip`.

    OOXML (DOCX/XLSX/PPTX and their macro-enabled variants) is recognised by its
    `[Content_Types].xml` or, failing that, by its `word/`, `xl/`, `ppt/` parts; OpenDocument
    by its leading `mimetype` entry.
    """
    folder_type: str | None = None
    has_macros = False
    for name, data in _entries(head):
        if name == b"mimetype" and data.startswith(b"application/vnd.oasis.opendocument."):
            return data.decode("ascii", "replace").strip()
        if name == b"[Content_Types].xml":
            declared = _declared_type(data)
            if declared:
                return declared
        has_macros = has_macros or name.endswith(b"/vbaProject.bin")
        folder_type = folder_type or _folder_type(name)
    if folder_type is None:
        return ZIP
    return _MACRO_ENABLED[folder_type] if has_macros else folder_type


def _folder_type(name: bytes) -> str | None:
    for prefix, content_type in _FOLDERS:
        if name.startswith(prefix):
            return content_type
    return None


def _declared_type(content_types: bytes) -> str | None:
    for marker, content_type in _MAIN_PARTS:
        if marker in content_types:
            return content_type
    return None


def _entries(head: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Yield (name, uncompressed data or b"") for each entry whose header lies in `head`."""
    offset = 0
    while offset + _HEADER.size <= len(head):
        sig, _ver, flags, method, _dt, _crc, csize, _usize, nlen, xlen = _HEADER.unpack_from(
            head, offset
        )
        if sig != _LOCAL_SIG:
            return
        start = offset + _HEADER.size + nlen + xlen
        if start > len(head):
            return
        name = head[offset + _HEADER.size : offset + _HEADER.size + nlen]
        sized = not (flags & _HAS_DESCRIPTOR) or csize > 0
        data, end = _entry_data(head, start, method, csize if sized else None)
        yield name, data
        if end is None:
            return
        offset = end if sized else _skip_descriptor(head, end)


def _entry_data(
    head: bytes, start: int, method: int, csize: int | None
) -> tuple[bytes, int | None]:
    """Uncompressed data (possibly truncated) and the offset where the entry's data ends,
    None when that end is not within `head`."""
    if csize is not None:
        end = start + csize
        inside = end if end <= len(head) else None
        raw = head[start:end]
        if method == _STORED:
            return raw, inside
        return (_inflate(raw)[0] if method == _DEFLATED else b""), inside
    if method != _DEFLATED:
        return b"", None  # size unknown and the data does not delimit itself
    data, used = _inflate(head[start:])
    return data, None if used is None else start + used


def _inflate(raw: bytes) -> tuple[bytes, int | None]:
    """Inflated data (capped) and how many bytes of `raw` the deflate stream used, None if
    it did not end within `raw`."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        data = inflater.decompress(raw, _MAX_INFLATE)
    except zlib.error:
        return b"", None
    if not inflater.eof:
        return data, None
    return data, len(raw) - len(inflater.unused_data)


def _skip_descriptor(head: bytes, end: int) -> int:
    # The data descriptor may or may not carry its signature; crc + both sizes follow.
    if head.startswith(_DESCRIPTOR_SIG, end):
        end += len(_DESCRIPTOR_SIG)
    return end + 12
