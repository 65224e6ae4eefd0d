"""Storage keys and download headers.

Keys are random, never derived from file names or ids: they leak nothing, cannot collide in
practice (128 bits) and cannot be steered into another path.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from urllib.parse import quote

from storage.errors import NotFound

_KEY_RE = re.compile(r"docs/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}")
# RFC 5987 attr-char beyond the letters, digits and "-._~" that quote() always keeps.
_ATTR_CHAR_EXTRA = "!#$&+^`|"
_FALLBACK_UNSAFE = re.compile(r"[^A-Za-z0-9 !#$%&\'()+,\-.;=@\[\]^_`{}~]")


def new_key() -> str:
    """A fresh random key such as `docs/3f/a9/3fa9…` (two fan-out levels keep directories and
    S3 prefixes small)."""
    token = secrets.token_hex(16)
    return f"docs/{token[:2]}/{token[2:4]}/{token}"


def check_key(key: str) -> str:
    """Return `key` if it has the shape `new_key` produces.

    Raises `NotFound` otherwise: such a key was never issued, and refusing it here keeps
    `../` and absolute paths away from the local filesystem.
    """
    if not _KEY_RE.fullmatch(key):
        raise NotFound(key)
    return key


def attachment_disposition(filename: str) -> str:
    """A `Content-Disposition: attachment` value for `filename`.

    Carries an ASCII fallback (`filename=`) for old clients and the exact UTF-8 name as
    RFC 5987 `filename*=`, so Japanese and Vietnamese names survive. Any directory part of
    `filename` is dropped.
    """
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "download"
    encoded = quote(name, safe=_ATTR_CHAR_EXTRA)
    return f"attachment; filename=\"{_ascii_fallback(name)}\"; filename*=UTF-8''{encoded}"


def _ascii_fallback(name: str) -> str:
    # Strip accents first so "Đề xuất.pdf" degrades to "_e xuat.pdf", not "__ xu_t.pdf".
    decomposed = unicodedata.normalize("NFKD", name)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _FALLBACK_UNSAFE.sub("_", without_marks)
