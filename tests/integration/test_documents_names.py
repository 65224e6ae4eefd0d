"""Upload file names: decoding from the header or query, cleaning, refusals (no database)."""

from __future__ import annotations

import pytest

from grants.documents.names import MAX_NAME_CHARS, original_name
from grants.errors import Invalid

JA = "研究計画書.pdf"


@pytest.mark.parametrize(
    ("header", "query", "expected"),
    [
        ("UTF-8''%E7%A0%94%E7%A9%B6%E8%A8%88%E7%94%BB%E6%9B%B8.pdf", None, JA),
        ("utf-8'ja'%E7%A0%94%E7%A9%B6%E8%A8%88%E7%94%BB%E6%9B%B8.pdf", None, JA),
        ("%E7%A0%94%E7%A9%B6%E8%A8%88%E7%94%BB%E6%9B%B8.pdf", None, JA),
        (JA.encode().decode("latin-1"), None, JA),  # raw UTF-8 bytes read as Latin-1
        ("De\u0300 xua\u0302\u0301t.pdf", None, "Dè xuất.pdf"),  # NFC
        ("100%.pdf", None, "100%.pdf"),
        (None, "a%41.pdf", "a%41.pdf"),  # the query string is decoded once, by the framework
        ("C:\\Users\\me\\plan.pdf", None, "plan.pdf"),
        ("../../etc/passwd", None, "passwd"),
        ("  plan\x00\x1f.pdf  ", None, "plan.pdf"),
        ("header.pdf", "query.pdf", "header.pdf"),
        # A right-to-left override would show this executable as "invoiceexe.pdf".
        ("invoice\u202efdp.exe", None, "invoicefdp.exe"),
        ("UTF-8''invoice%E2%80%AEfdp.exe", None, "invoicefdp.exe"),
        (None, "a\u202ab\u202bc\u202cd\u202de\u2066f\u2067g\u2068h\u2069.pdf", "abcdefgh.pdf"),
        (None, "\u200ep\u200fl\u061can.pdf", "plan.pdf"),
        (None, "\ufeffpl\u200ba\u200cn\u200d\u2060.pdf", "plan.pdf"),
        ("", "query.pdf", "query.pdf"),
    ],
)
def test_original_name_decodes_and_cleans(
    header: str | None, query: str | None, expected: str
) -> None:
    assert original_name(header, query) == expected


def test_original_name_long_keeps_extension() -> None:
    name = original_name("x" * 400 + ".pdf", None)

    assert (len(name), name[-5:]) == (MAX_NAME_CHARS, "x.pdf")


@pytest.mark.parametrize(
    ("header", "query"),
    [
        (None, None),
        ("", ""),
        ("   ", None),
        ("..", None),
        ("dir/", None),
        ("UTF-8''%FF.pdf", None),
        ("\u202e\u200b", None),
    ],
)
def test_original_name_unusable_is_invalid_filename(header: str | None, query: str | None) -> None:
    with pytest.raises(Invalid) as refused:
        original_name(header, query)

    assert [e.field for e in refused.value.errors] == ["filename"]
