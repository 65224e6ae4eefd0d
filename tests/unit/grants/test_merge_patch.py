"""JSON Merge Patch (RFC 7396) on parsed request bodies: absent, null and values."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pydantic import BaseModel

from grants.common.edits import CANNOT_CLEAR, apply_patch, apply_values, merge_patch
from grants.errors import FieldError, Invalid


class _Body(BaseModel):
    name: str | None = None
    note: str | None = None
    size: int | None = None


@dataclass
class _Row:
    name: str = "old"
    note: str | None = "kept"
    size: int = 1


def test_merge_patch_keeps_only_sent_fields_with_null_meaning_clear() -> None:
    body = _Body.model_validate({"note": None, "size": 2})

    assert merge_patch(body, ("name", "note", "size"), required=("name", "size")) == {
        "note": None,
        "size": 2,
    }


def test_merge_patch_null_on_required_fields_names_each() -> None:
    body = _Body.model_validate({"name": None, "size": None})

    with pytest.raises(Invalid) as refused:
        merge_patch(body, ("name", "note", "size"), required=("name", "size"))

    assert refused.value.errors == (
        FieldError("name", CANNOT_CLEAR),
        FieldError("size", CANNOT_CLEAR),
    )


def test_apply_patch_clears_with_none_but_apply_values_skips_it() -> None:
    patched, skipped = _Row(), _Row()

    changes = apply_patch(patched, {"note": None, "size": 1})
    unchanged = apply_values(skipped, {"note": None})

    assert (changes, patched.note) == ({"note": ["kept", None]}, None)
    assert (unchanged, skipped.note) == ({}, "kept")
