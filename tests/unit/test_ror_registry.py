"""The local ROR registry: every id verifies its check digits and names one institution; a
lookup takes the id bare or as its URL, and refuses what is not a ROR id."""

from __future__ import annotations

import pytest

from grants.common.codes import ror
from grants.web.ror_registry import _ENTRIES, REGISTRY, lookup
from messages import MessageError


def test_every_listed_id_verifies_and_is_listed_once() -> None:
    assert [ror(entry.ror_id) for entry in _ENTRIES] == [entry.ror_id for entry in _ENTRIES]
    assert len(REGISTRY) == len(_ENTRIES) == 24
    assert {entry.country for entry in _ENTRIES} == {"JP", "VN"}


def test_lookup_by_id_or_url_in_the_reader_language() -> None:
    found = lookup("https://ror.org/02kpeqv85")
    assert found is not None
    assert (found.name, found.name_in("ja"), found.name_in("vi")) == (
        "Kyoto University",
        "京都大学",
        "Kyoto University",
    )
    assert lookup("04wxnsj81") is None  # well formed, not listed


def test_lookup_refuses_a_wrong_check_digit() -> None:
    with pytest.raises(MessageError):
        lookup("02kpeqv86")
