"""Content sniffing: the bytes decide, never the file name."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.sniff import sniff
from storage.zipsniff import DOCM, DOCX, PPTX, XLSX
from tests.unit.storage.harness import ELF_HEADER, MINIMAL_PDF

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/{part}" ContentType="application/vnd.{main}"/></Types>'
)
WORD_MAIN = "openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCM_MAIN = "ms-word.document.macroEnabled.main+xml"
# A DOS header with e_lfanew = 0x40 pointing at the PE signature.
PE_HEADER = b"MZ\x90\x00" + b"\x00" * 56 + b"\x40\x00\x00\x00" + b"PE\x00\x00" + b"\x00" * 20


class _Unseekable(io.RawIOBase):
    """A write-only stream without seek: zipfile then writes data descriptors, as streaming
    producers (and some office suites) do."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: bytes) -> int:  # type: ignore[override]
        self.data += b
        return len(b)


def office_zip(entries: list[tuple[str, str]], *, streamed: bool = False) -> bytes:
    """A deflated ZIP with `entries` (name, text) in that order."""
    target: io.BytesIO | _Unseekable = _Unseekable() if streamed else io.BytesIO()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries:
            archive.writestr(name, text)
    return bytes(target.data) if isinstance(target, _Unseekable) else target.getvalue()


def docx(*, streamed: bool = False, content_types_first: bool = True) -> bytes:
    types = ("[Content_Types].xml", CONTENT_TYPES.format(part="word/document.xml", main=WORD_MAIN))
    parts = [("_rels/.rels", "<Relationships/>"), ("word/document.xml", "<w:document/>")]
    entries = [types, *parts] if content_types_first else [*parts, types]
    return office_zip(entries, streamed=streamed)


def test_sniff_renamed_elf_executable_is_not_pdf() -> None:
    assert sniff(ELF_HEADER + b"\x00" * 200, complete=True) == "application/x-executable"


def test_sniff_renamed_windows_executable_is_not_pdf() -> None:
    expected = "application/vnd.microsoft.portable-executable"
    assert sniff(PE_HEADER, complete=True) == expected


def test_sniff_minimal_pdf_is_pdf() -> None:
    assert sniff(MINIMAL_PDF, complete=True) == "application/pdf"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00", "image/gif"),
        (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01", "application/x-mach-binary"),
    ],
    ids=["png", "jpeg", "gif", "mach-o"],
)
def test_sniff_signatures(head: bytes, expected: str) -> None:
    assert sniff(head, complete=False) == expected


@pytest.mark.parametrize("streamed", [False, True], ids=["sized", "data-descriptors"])
def test_sniff_docx_by_its_content_types(streamed: bool) -> None:
    assert sniff(docx(streamed=streamed), complete=True) == DOCX


@pytest.mark.parametrize("streamed", [False, True], ids=["sized", "data-descriptors"])
def test_sniff_docx_with_content_types_last_by_its_word_folder(streamed: bool) -> None:
    data = docx(streamed=streamed, content_types_first=False)

    assert sniff(data, complete=True) == DOCX


def test_sniff_docx_from_its_first_bytes_only() -> None:
    data = docx() + b"\x00" * 100_000

    assert sniff(data[:2048], complete=False) == DOCX


def test_sniff_xlsx() -> None:
    types = CONTENT_TYPES.format(part="xl/workbook.xml", main=EXCEL_MAIN)
    data = office_zip([("[Content_Types].xml", types), ("xl/workbook.xml", "<workbook/>")])

    assert sniff(data, complete=True) == XLSX


def test_sniff_pptx_by_folder() -> None:
    data = office_zip([("ppt/presentation.xml", "<p:presentation/>")])

    assert sniff(data, complete=True) == PPTX


def test_sniff_macro_enabled_word_is_not_plain_docx() -> None:
    types = CONTENT_TYPES.format(part="word/document.xml", main=DOCM_MAIN)
    data = office_zip([("[Content_Types].xml", types), ("word/document.xml", "<w:document/>")])

    assert sniff(data, complete=True) == DOCM


def test_sniff_opendocument_by_its_mimetype_entry() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")

    assert sniff(buffer.getvalue(), complete=True) == "application/vnd.oasis.opendocument.text"


def test_sniff_other_zip_is_zip() -> None:
    data = office_zip([("data/readme.txt", "hello"), ("data/values.csv", "a,b\n1,2\n")])

    assert sniff(data, complete=True) == "application/zip"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("研究計画書の概要です。\nSecond line.\n".encode(), "text/plain"),
        ("Đề xuất hợp tác bán dẫn\n".encode(), "text/plain"),
        (b"year;category;amount\n1;personnel;1200000\n2;travel;300000\n", "text/csv"),
        (b"\xef\xbb\xbfname,amount\nA,1\nB,2\n", "text/csv"),
        (b"MZ,1\nMZ,2\n", "text/csv"),
        (b"One line, with a comma.\n", "text/plain"),
        (b"", "application/octet-stream"),
        (b"caf\xe9 au lait\n", "application/octet-stream"),  # Latin-1, not UTF-8
        (b"text with a \x00 NUL\n", "application/octet-stream"),
    ],
    ids=["japanese", "vietnamese", "csv", "csv-bom", "mz-csv", "prose", "empty", "latin1", "nul"],
)
def test_sniff_text_only_for_clean_utf8(data: bytes, expected: str) -> None:
    assert sniff(data, complete=True) == expected


def test_sniff_text_cut_inside_a_character_is_still_text_when_more_follows() -> None:
    data = "計画".encode()[:-1]

    assert sniff(data, complete=False) == "text/plain"
    assert sniff(data, complete=True) == "application/octet-stream"


def test_sniff_zip_bomb_head_is_bounded() -> None:
    bomb = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    payload = bomb.compress(b"\x00" * 50_000_000) + bomb.flush()
    name = b"[Content_Types].xml"
    header = (
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        + len(payload).to_bytes(4, "little")
        + (50_000_000).to_bytes(4, "little")
        + len(name).to_bytes(2, "little")
        + b"\x00\x00"
    )

    assert sniff(header + name + payload[:65536], complete=False) == "application/zip"


@given(st.binary(max_size=2048))
def test_sniff_never_fails_on_zip_like_garbage(tail: bytes) -> None:
    assert isinstance(sniff(b"PK\x03\x04" + tail, complete=False), str)


@given(st.binary(max_size=512))
def test_sniff_never_fails_on_any_bytes(data: bytes) -> None:
    assert isinstance(sniff(data, complete=True), str)
