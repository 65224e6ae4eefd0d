"""A scan of a raw JSON body's nesting depth, run before the body is parsed.

msgspec (and then Pydantic) recurse once per level: a body of a few kilobytes nested 1,000
levels deep ends in RecursionError. No request of ours nests more than a handful of levels,
so a body deeper than MAX_JSON_DEPTH is refused before any parser sees it.
"""

from __future__ import annotations

import re

MAX_JSON_DEPTH = 64

_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')  # their brackets are text, not nesting
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_ONE_KIND = bytes.maketrans(b"{}", b"[]")  # depth does not care whether it is [ or {
_RUNS = re.compile(rb"\[+|\]+")
_WIDTH_PASSES = 4


def nesting_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the arrays and objects of `body` nest deeper than `limit` levels.

    Linear: strings are dropped and the brackets kept by the regex engine and `translate` in
    C; a few passes deleting the innermost `[]` pairs (one level each) shrink wide bodies, and
    the Python loop then runs once per run of equal brackets. Malformed JSON is not judged
    here (the parser refuses it); it is only never let through deeper than `limit`.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # cannot nest deeper than it has openers: most bodies stop here
    brackets = _STRINGS.sub(b"", body).translate(_ONE_KIND, _NOT_BRACKETS)
    removed = 0
    while removed < _WIDTH_PASSES and b"[]" in brackets:
        brackets, removed = brackets.replace(b"[]", b""), removed + 1
    depth = removed  # every pass took away one level
    for run in _RUNS.finditer(brackets):
        size = run.end() - run.start()
        depth += size if brackets[run.start()] == ord("[") else -size
        if depth > limit:
            return True
    return removed > limit
