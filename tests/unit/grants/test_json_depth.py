"""The nesting-depth scan run on JSON bodies before they are parsed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.common.json_depth import nesting_exceeds


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab\u00e9'),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=30,
)


@given(JSON_VALUES, st.integers(min_value=0, max_value=8))
def test_nesting_exceeds_agrees_with_the_parsed_depth(value: Any, limit: int) -> None:
    body = json.dumps(value, ensure_ascii=False).encode()

    assert nesting_exceeds(body, limit) is (_depth(value) > limit)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"[" * 64 + b"]" * 64, False),
        (b"[" * 65 + b"]" * 65, True),
        (b"[" * 65, True),  # unterminated: still refused before the parser recurses
        (b'["' + b"[" * 100 + b'"]', False),
        (b'["\\"' + b"[" * 100 + b'"]', False),  # an escaped quote does not end the string
        (b"]" * 100 + b"[" * 64, False),
    ],
)
def test_nesting_exceeds_edges(body: bytes, expected: bool) -> None:
    assert nesting_exceeds(body) is expected
