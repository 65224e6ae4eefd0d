"""Screening uploads as they stream: PDF active content by name, ZIP decompression bombs."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import AsyncIterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.errors import ActiveContent, ArchiveBomb
from storage.pdfnames import NameScanner
from storage.screen import Findings, Screening, check_archive, screened

MiB = 1024 * 1024
PDF_HEAD = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R "
PDF_TAIL = b">>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _scan(body: bytes, cuts: list[int]) -> set[str]:
    scanner = NameScanner()
    start = 0
    for cut in sorted(c % (len(body) + 1) for c in cuts):
        scanner.feed(body[start:cut])
        start = max(start, cut)
    scanner.feed(body[start:])
    scanner.close()
    return scanner.found


@pytest.mark.parametrize(
    ("dictionary", "found"),
    [
        (b"/OpenAction 3 0 R", {"/OpenAction"}),
        (b"/Names << /JavaScript 4 0 R >>", {"/JavaScript"}),
        (b"/J#61vaScript 4 0 R", {"/JavaScript"}),  # a name escape spells the same name
        (b"/#4A#53 (app.alert(1))", {"/JS"}),
        (b"/AA << /O 5 0 R >>", {"/AA"}),
        (b"/S /Launch /F (cmd.exe)", {"/Launch"}),
        (b"/EmbeddedFiles 6 0 R /Type /EmbeddedFile", {"/EmbeddedFiles", "/EmbeddedFile"}),
        (b"/AAPL /JSON /Launcher /OpenActions", set()),  # only whole names count
        # Strings are not parsed: a name spelled inside one counts too (the safe side).
        (b"/Title (/JavaScript is only text here)", {"/JavaScript"}),
    ],
)
def test_names_found_whole_and_decoded(dictionary: bytes, found: set[str]) -> None:
    assert _scan(PDF_HEAD + dictionary + PDF_TAIL, []) == found


def test_stream_data_is_not_read_for_names() -> None:
    body = PDF_HEAD + PDF_TAIL + b"2 0 obj\n<< /Length 9 >>\nstream\n/JS /AA \nendstream\n"

    assert _scan(body, []) == set()


@given(st.lists(st.integers(min_value=0, max_value=400), max_size=12))
def test_any_cut_of_the_bytes_finds_the_same_names(cuts: list[int]) -> None:
    body = (
        PDF_HEAD
        + b"/J#61vaScript 4 0 R /OpenAction 3 0 R /AAPL 1 "
        + PDF_TAIL
        + b"3 0 obj\n<< /Length 4 >>\nstream\n/AA \nendstream\nendobj\n4 0 obj << /S /Launch >>"
    )

    assert _scan(body, cuts) == {"/JavaScript", "/OpenAction", "/Launch"}


async def _chunks(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def _drain(stream: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in stream])


async def test_refused_pdf_raises_from_the_stream_with_its_names() -> None:
    body = PDF_HEAD + b"/JavaScript 4 0 R /OpenAction 3 0 R" + PDF_TAIL

    with pytest.raises(ActiveContent) as refused:
        await _drain(screened(_chunks(body, 7), Screening(), Findings()))

    assert refused.value.names == ["/JavaScript", "/OpenAction"]


async def test_flagged_pdf_passes_unchanged_with_its_findings() -> None:
    body = PDF_HEAD + b"/EmbeddedFiles 6 0 R" + PDF_TAIL
    findings = Findings()

    passed = await _drain(screened(_chunks(body, 5), Screening(active_content="flag"), findings))

    assert (passed, findings.active_content) == (body, ["/EmbeddedFiles"])


async def test_other_types_pass_unscreened() -> None:
    body = b"name,amount\nJS,/JavaScript\n"

    assert await _drain(screened(_chunks(body, 4), Screening(), Findings())) == body


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _zeros_zip(size: int) -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as entry,
    ):
        block = bytes(MiB)
        for _ in range(size // MiB):
            entry.write(block)
    return buffer.getvalue()


def test_an_ordinary_workbook_passes() -> None:
    body = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>" * 100})

    check_archive(io.BytesIO(body), Screening())


def test_declared_total_over_the_limit_is_refused() -> None:
    body = _zeros_zip(3 * MiB)

    with pytest.raises(ArchiveBomb) as refused:
        check_archive(io.BytesIO(body), Screening(max_unpacked_bytes=2 * MiB, max_ratio=10**6))

    assert (refused.value.limit, refused.value.ratio) == (2 * MiB, None)


def test_declared_ratio_over_the_limit_is_refused() -> None:
    body = _zeros_zip(2 * MiB)  # about 2 KiB packed

    with pytest.raises(ArchiveBomb) as refused:
        check_archive(io.BytesIO(body), Screening(max_ratio=100))

    assert (refused.value.limit, refused.value.ratio) == (None, 100)


def test_a_directory_lying_about_sizes_is_caught_by_inflating() -> None:
    body = bytearray(_zeros_zip(4 * MiB))
    # The central directory claims 1 KiB unpacked; a reader trusting it would inflate 4 MiB.
    central = body.rfind(b"PK\x01\x02")
    struct.pack_into("<I", body, central + 24, 1024)
    assert [i.file_size for i in zipfile.ZipFile(io.BytesIO(body)).infolist()] == [1024]

    with pytest.raises(ArchiveBomb) as refused:
        check_archive(io.BytesIO(body), Screening(max_unpacked_bytes=2 * MiB, max_ratio=10**6))

    assert (refused.value.limit, refused.value.unpacked > 2 * MiB) == (2 * MiB, True)


def test_an_unreadable_archive_passes_to_the_type_check() -> None:
    check_archive(io.BytesIO(b"PK\x03\x04 not really a zip"), Screening())
