"""The original file name of an upload, from `X-Filename` or the `filename` query parameter.

Clients may percent-encode the name (`%E6%97%A5…`) or send it RFC 5987 style
(`UTF-8''%E6%97%A5…`), since HTTP header values are ASCII in practice; raw UTF-8 bytes in the
header (which the server decodes as Latin-1) are recovered too.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from urllib.parse import unquote

from grants.errors import FieldError, Invalid
from messages import define

MAX_NAME_CHARS = 255
_RFC5987 = re.compile(r"(?i)^utf-8'[^']*'(.*)$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Bidi embeddings, overrides, isolates and marks (so `invoice\u202efdp.exe` cannot show as
# `invoiceexe.pdf`) and zero-width characters (which make two names look alike).
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b-\u200d\u2060\ufeff]")
UNNAMED = define(
    "document.name_missing",
    "Name the file in the X-Filename header or the filename query parameter.",
)
UNNAMED_FIELD = define("document.name_missing_field", "missing, empty or not valid UTF-8")


def original_name(header: str | None, query: str | None) -> str:
    """The cleaned file name: decoded, NFC-normalised, without any directory part, control
    characters, bidi controls or zero-width characters, at most 255 characters (the extension
    kept). Raises `Invalid` naming `filename` when neither source gives a usable name."""
    try:
        # The query string arrives already percent-decoded; only the header needs decoding.
        name = _clean(_decode(header) if header else query or "")
    except UnicodeDecodeError:
        name = ""
    if not name:
        raise Invalid(UNNAMED(), errors=[FieldError("filename", UNNAMED_FIELD())])
    return name


def _decode(raw: str) -> str:
    rfc5987 = _RFC5987.match(raw.strip())
    if rfc5987:
        return unquote(rfc5987.group(1), errors="strict")
    # Raw UTF-8 bytes arrive decoded as Latin-1; anything else is kept as it came.
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        raw = raw.encode("latin-1").decode("utf-8")
    return unquote(raw) if "%" in raw else raw


def _clean(name: str) -> str:
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _INVISIBLE.sub("", _CONTROL.sub("", name)).strip()
    if name in {".", ".."}:
        return ""
    if len(name) <= MAX_NAME_CHARS:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 16:
        return name[:MAX_NAME_CHARS]
    return stem[: MAX_NAME_CHARS - len(extension) - 1] + "." + extension
