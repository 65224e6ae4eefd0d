"""Grant numbers from an agency's pattern. Pure: no database, no Litestar.

The pattern language, e.g. JST's `JPMJNX{yy}{seq:C2}` (JPMJNX25C4):

- `{agency}`: the agency's code; `{call}`: the call's code;
- `{yyyy}`, `{yy}`: the agency's fiscal year in which the grant starts, named by the calendar
  year that fiscal year begins in (JST's FY2025 runs April 2025 to March 2026), in four or two
  digits;
- `{seq:Dn}`: the sequence number in n decimal digits, zero-padded (`{seq:D4}`: 0001 … 9999);
- `{seq:Cn}`: the sequence number in n base-36 characters, 0-9 then A-Z, zero-padded
  (`{seq:C2}`: 01 … ZZ, so the 436th grant reads C4);
- anything else is literal: letters, digits and `-`, `_`, `.`, `/`.

Exactly one `{seq:…}`, width 1 to 9. The sequence starts at 1 and counts separately for every
distinct rest of the pattern: a pattern with `{yy}` restarts each fiscal year, one with `{call}`
in each call. A number is at most 100 characters (codes counted at their longest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from messages import Message, MessageError, define

DEFAULT_PATTERN = "{agency}-{yyyy}-{seq:D4}"
MAX_LENGTH = 100

UNKNOWN_PART = define(
    "grant.number_pattern.unknown_placeholder",
    "The pattern has an unknown placeholder {placeholder}; use {known}.",
)
NO_SEQUENCE = define(
    "grant.number_pattern.no_sequence",
    "The pattern needs exactly one sequence placeholder, such as {{seq:D4}} or {{seq:C2}}.",
)
BAD_LITERAL = define(
    "grant.number_pattern.bad_character",
    "The pattern may hold only letters, digits, '-', '_', '.', '/' and placeholders.",
)
TOO_LONG = define(
    "grant.number_pattern.too_long", "The pattern makes numbers longer than {limit} characters."
)

KNOWN = ("{agency}", "{call}", "{yyyy}", "{yy}", "{seq:Dn}", "{seq:Cn}")
_TOKEN = re.compile(r"\{([^{}]*)\}")
_SEQUENCE = re.compile(r"seq:([DC])([1-9])")
_LITERAL = re.compile(r"[A-Za-z0-9._/-]*")
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# What the longest expansion of each placeholder may take (an agency or call code: 40).
_WIDTHS = {"agency": 32, "call": 40, "yyyy": 4, "yy": 2}


@dataclass(frozen=True, slots=True)
class NumberParts:
    """What a grant number is made of besides its sequence."""

    agency: str
    call: str
    fiscal_year: int


@dataclass(frozen=True, slots=True)
class Pattern:
    """A checked pattern: `prefix`/`suffix` around the sequence, as pattern text."""

    text: str
    prefix: str
    suffix: str
    alphabet: str
    width: int

    @property
    def capacity(self) -> int:
        """The highest sequence number the pattern can write."""
        return len(self.alphabet) ** self.width - 1

    def scope(self, parts: NumberParts) -> str:
        """The pattern with everything but the sequence filled in: numbers count per scope."""
        return f"{_fill(self.prefix, parts)}{{seq}}{_fill(self.suffix, parts)}"

    def number(self, parts: NumberParts, seq: int) -> str:
        """The grant number for sequence `seq` (1 ≤ seq ≤ capacity)."""
        if not 1 <= seq <= self.capacity:
            raise ValueError(f"sequence {seq} outside 1..{self.capacity}")
        digits = ""
        base = len(self.alphabet)
        for _ in range(self.width):
            seq, digit = divmod(seq, base)
            digits = self.alphabet[digit] + digits
        return f"{_fill(self.prefix, parts)}{digits}{_fill(self.suffix, parts)}"


def parse(text: str) -> Pattern:
    """Check `text` against the pattern language; raises MessageError naming the first
    problem (the agency API shows it on `grant_number_pattern`)."""
    problem = pattern_problem(text)
    if problem is not None:
        raise MessageError(problem)
    found = _SEQUENCE.fullmatch(next(t for t in _TOKEN.findall(text) if t.startswith("seq")))
    assert found is not None  # checked by pattern_problem
    start = text.index("{seq:")
    end = text.index("}", start) + 1
    alphabet = _BASE36[:10] if found[1] == "D" else _BASE36
    return Pattern(text, text[:start], text[end:], alphabet, int(found[2]))


def pattern_problem(text: str) -> Message | None:
    """Why `text` is not a usable pattern, or None."""
    tokens = _TOKEN.findall(text)
    for token in tokens:
        if token not in _WIDTHS and not _SEQUENCE.fullmatch(token):
            return UNKNOWN_PART(placeholder="{" + token + "}", known=list(KNOWN))
    if sum(1 for t in tokens if t.startswith("seq")) != 1:
        return NO_SEQUENCE()
    if not _LITERAL.fullmatch(_TOKEN.sub("", text)):
        return BAD_LITERAL()
    longest = len(_TOKEN.sub("", text)) + sum(_WIDTHS.get(t) or int(t[-1]) for t in tokens)
    if longest > MAX_LENGTH:
        return TOO_LONG(limit=MAX_LENGTH)
    return None


def _fill(text: str, parts: NumberParts) -> str:
    values = {
        "agency": parts.agency,
        "call": parts.call,
        "yyyy": f"{parts.fiscal_year:04d}",
        "yy": f"{parts.fiscal_year % 100:02d}",
    }
    return _TOKEN.sub(lambda m: values[m[1]], text)
