"""Storage keys and the download Content-Disposition."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from storage import NotFound, attachment_disposition
from storage.keys import check_key, new_key


def test_new_key_is_random_fan_out_path() -> None:
    keys = {new_key() for _ in range(1000)}

    assert len(keys) == 1000
    for key in keys:
        _, first, second, token = key.split("/")
        assert (first, second) == (token[:2], token[2:4])
        assert len(token) == 32
        assert check_key(key) == key


@pytest.mark.parametrize(
    "key",
    ["../docs/aa/bb/" + "a" * 32, "/etc/passwd", "docs/aa/bb/" + "A" * 32, "docs/aa/bb/x", ""],
)
def test_check_key_refuses_anything_not_issued(key: str) -> None:
    with pytest.raises(NotFound):
        check_key(key)


def test_attachment_disposition_keeps_japanese_name_in_rfc5987_form() -> None:
    value = attachment_disposition("研究計画書.pdf")

    fallback, encoded = value.split("; filename*=UTF-8''")
    assert fallback == 'attachment; filename="_____.pdf"'
    assert unquote(encoded) == "研究計画書.pdf"
    assert encoded.isascii()


def test_attachment_disposition_degrades_vietnamese_accents_for_old_clients() -> None:
    value = attachment_disposition("Đề xuất dự án.docx")

    assert value.startswith('attachment; filename="_e xuat du an.docx"; ')
    assert value.endswith("''%C4%90%E1%BB%81%20xu%E1%BA%A5t%20d%E1%BB%B1%20%C3%A1n.docx")


def test_attachment_disposition_drops_paths_quotes_and_control_characters() -> None:
    value = attachment_disposition('C:\\Users\\pi\\bad"name\r\n.pdf')

    assert value == (
        "attachment; filename=\"bad_name__.pdf\"; filename*=UTF-8''bad%22name%0D%0A.pdf"
    )


def test_attachment_disposition_of_empty_name() -> None:
    assert attachment_disposition("  ") == (
        "attachment; filename=\"download\"; filename*=UTF-8''download"
    )
