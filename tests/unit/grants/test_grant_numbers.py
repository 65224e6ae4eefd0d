"""The grant number pattern language (`grants.awards.numbers`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.awards.numbers import DEFAULT_PATTERN, NumberParts, parse, pattern_problem
from messages import MessageError

JST_2025 = NumberParts("JST", "NEXUS-JV-2025", 2025)


def test_jst_numbers_read_like_jsts() -> None:
    pattern = parse("JPMJNX{yy}{seq:C2}")

    assert [pattern.number(JST_2025, seq) for seq in (1, 35, 36, 436, 1295)] == [
        "JPMJNX2501",
        "JPMJNX250Z",
        "JPMJNX2510",
        "JPMJNX25C4",
        "JPMJNX25ZZ",
    ]
    assert (pattern.capacity, pattern.scope(JST_2025)) == (1295, "JPMJNX25{seq}")


def test_the_default_pattern_counts_per_agency_and_fiscal_year() -> None:
    pattern = parse(DEFAULT_PATTERN)

    assert (pattern.number(JST_2025, 7), pattern.scope(JST_2025)) == (
        "JST-2025-0007",
        "JST-2025-{seq}",
    )


def test_every_placeholder_fills_in() -> None:
    pattern = parse("{agency}/{call}/{yyyy}/{yy}.{seq:D3}x")

    assert pattern.number(JST_2025, 12) == "JST/NEXUS-JV-2025/2025/25.012x"


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        (
            "JP{year}{seq:D2}",
            "grant.number_pattern.unknown_placeholder",
            {
                "placeholder": "{year}",
                "known": ["{agency}", "{call}", "{yyyy}", "{yy}", "{seq:Dn}", "{seq:Cn}"],
            },
        ),
        ("JPMJNX{yy}", "grant.number_pattern.no_sequence", {}),
        ("{seq:D2}{seq:C2}", "grant.number_pattern.no_sequence", {}),
        ("{seq:D0}", "grant.number_pattern.unknown_placeholder", None),
        ("NĐT {seq:D2}", "grant.number_pattern.bad_character", {}),
        ("{call}-{agency}-{call}{seq:D2}", "grant.number_pattern.too_long", {"limit": 100}),
    ],
)
def test_a_bad_pattern_says_why(text: str, code: str, params: dict[str, object] | None) -> None:
    problem = pattern_problem(text)

    assert problem is not None
    assert problem.code == code
    if params is not None:
        assert dict(problem.params) == params
    with pytest.raises(MessageError):
        parse(text)


def test_a_sequence_beyond_the_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match=r"outside 1\.\.99"):
        parse("X{seq:D2}").number(JST_2025, 100)


@given(
    kind=st.sampled_from("DC"),
    width=st.integers(1, 4),
    data=st.data(),
)
def test_numbers_are_distinct_fixed_width_and_read_back(
    kind: str, width: int, data: st.DataObject
) -> None:
    pattern = parse(f"G{{seq:{kind}{width}}}")
    seqs = data.draw(st.lists(st.integers(1, pattern.capacity), min_size=2, max_size=20))

    written = [pattern.number(JST_2025, seq) for seq in seqs]

    base = 10 if kind == "D" else 36
    assert {len(number) for number in written} == {1 + width}
    assert [int(number[1:], base) for number in written] == seqs
    assert len(set(written)) == len(set(seqs))
