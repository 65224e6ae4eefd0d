"""Decide a document's content type from its first bytes, never from its name or the client.

A small signature table rather than a general magic database: the set of types a funding
agency accepts is small, and every answer here is one we can test. Executables are named as
such so a refusal can say what was uploaded.
"""

from __future__ import annotations

import codecs
import csv
import io
import re

from storage.zipsniff import sniff_zip

SNIFF_BYTES = 64 * 1024
"""How many leading bytes `sniff` wants (fewer when the whole document is shorter)."""

OCTET_STREAM = "application/octet-stream"
TEXT = "text/plain"
CSV = "text/csv"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\x7fELF", "application/x-executable"),
    (b"\xcf\xfa\xed\xfe", "application/x-mach-binary"),
    (b"\xce\xfa\xed\xfe", "application/x-mach-binary"),
    (b"\xca\xfe\xba\xbe", "application/x-mach-binary"),
    (b"PK\x05\x06", "application/zip"),  # an empty archive
)
_PE = "application/vnd.microsoft.portable-executable"
# C0 controls other than tab, newline, form feed, carriage return, plus DEL: binary, not text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CSV_DELIMITERS = (",", ";", "\t")
_CSV_SAMPLE_LINES = 20


def sniff(head: bytes, *, complete: bool) -> str:
    """The content type of a document starting with `head`.

    `complete` says `head` is the whole document (so a trailing partial UTF-8 sequence is an
    error rather than a cut). Recognises PDF, PNG, JPEG, GIF, ZIP (DOCX/XLSX/PPTX and
    OpenDocument inside), executables (PE, ELF, Mach-O); falls back to `text/csv` or
    `text/plain` only if the bytes are control-free UTF-8, else `application/octet-stream`.
    """
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        return sniff_zip(head)
    # "MZ" plus binary header fields; a text file that merely starts with "MZ" has no NULs.
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        return _PE
    return _text_type(head, complete=complete) or OCTET_STREAM


def _text_type(head: bytes, *, complete: bool) -> str | None:
    if not head:
        return None
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=complete)
    except UnicodeDecodeError:
        return None
    if _CONTROL.search(text):
        return None
    return CSV if _looks_like_csv(text, complete=complete) else TEXT


def _looks_like_csv(text: str, *, complete: bool) -> bool:
    """At least two sampled lines, all with the same number (≥ 2) of fields."""
    lines = text.splitlines()
    if not complete:
        lines = lines[:-1]  # the last line may be cut in the middle
    sample = "\n".join(line for line in lines[:_CSV_SAMPLE_LINES] if line.strip())
    for delimiter in _CSV_DELIMITERS:
        if delimiter not in sample:
            continue
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter, strict=True))
        except csv.Error:
            continue
        widths = {len(row) for row in rows}
        if len(rows) >= 2 and len(widths) == 1 and widths.pop() >= 2:
            return True
    return False
