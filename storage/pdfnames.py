"""Find the PDF names that make a reader act or carry files, in bytes that arrive in chunks.

A PDF name is `/` followed by regular characters (anything but white space and the delimiters
`()<>[]{}/%`); `#xx` stands for the byte xx, so `/J#61vaScript` is `/JavaScript`. Names are
matched whole, so `/AAPL` is not `/AA`.

Stream data (between `stream` and `endstream`) is skipped: compressed bytes would spell `/JS `
by chance in about one PDF of a hundred, and a reader takes nothing there for a name either. The
price: a name inside a compressed object stream (PDF 1.5) is not seen.
"""

from __future__ import annotations

import re

ACTIVE_NAMES = frozenset(
    {b"JS", b"JavaScript", b"OpenAction", b"AA", b"Launch", b"EmbeddedFile", b"EmbeddedFiles"}
)
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_ENDSTREAM = b"endstream"
# PDF limits names to 127 bytes; with escapes a longer spelling can still be one of ours, but
# not one longer than this, so a cut name never keeps more than this in memory.
_LONGEST = 3 * max(len(n) for n in ACTIVE_NAMES)
# Enough to hold a keyword cut between chunks ("endstream", "stream\r\n" with what precedes).
_KEYWORD_TAIL = 10


class NameScanner:
    """Feed the chunks in order, then `close()`; `found` holds the active names seen (decoded,
    as `str`)."""

    def __init__(self) -> None:
        self.found: set[str] = set()
        self._carry = b""
        self._in_stream = False

    def feed(self, chunk: bytes) -> None:
        data = self._carry + chunk
        self._carry = b""
        pos = 0
        while pos < len(data):
            if self._in_stream:
                end = data.find(_ENDSTREAM, pos)
                if end < 0:
                    self._carry = data[max(pos, len(data) - _KEYWORD_TAIL) :]
                    return
                self._in_stream = False
                pos = end + len(_ENDSTREAM)
                continue
            stream = _STREAM.search(data, pos)
            if stream is None:
                self._carry = self._names(data, pos, len(data), final=False)
                return
            self._names(data, pos, stream.start(), final=True)
            self._in_stream = True
            pos = stream.end()

    def close(self) -> None:
        if self._carry and not self._in_stream:
            self._names(self._carry, 0, len(self._carry), final=True)
        self._carry = b""

    def _names(self, data: bytes, start: int, end: int, *, final: bool) -> bytes:
        """Check the names in data[start:end]; unless `final`, return the tail to carry over
        (a name or keyword that may go on in the next chunk)."""
        keep = max(start, end - _KEYWORD_TAIL)
        for match in _NAME.finditer(data, start, end):
            if not final and match.end() == end:
                keep = min(keep, match.start())
                break
            self._check(match.group(1))
        if final:
            return b""
        tail = data[keep:end]
        # A name too long to be ours stays too long however it goes on: drop its middle.
        return tail if len(tail) <= _LONGEST + _KEYWORD_TAIL else tail[: _LONGEST + 2]

    def _check(self, raw: bytes) -> None:
        if len(raw) > _LONGEST:
            return
        name = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
        if name in ACTIVE_NAMES:
            self.found.add("/" + name.decode("ascii"))
