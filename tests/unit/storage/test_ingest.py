"""The backend-independent upload front: sniff once, meter every byte."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

import pytest

from messages import render
from storage import TooLarge, UnsupportedType
from storage.ingest import begin_upload
from storage.sniff import SNIFF_BYTES
from tests.unit.storage.harness import ELF_HEADER, MINIMAL_PDF, Generated, read_all, stream


async def test_begin_upload_passes_every_byte_once_and_hashes_them() -> None:
    source = Generated(3 * SNIFF_BYTES + 5, chunk_size=1000)

    upload = await begin_upload(source.stream(), max_size=None, allowed_types=None)
    data = await read_all(upload.chunks)

    assert data == b"".join(source.chunks())
    assert (upload.meter.size, upload.meter.sha256_hex) == (len(data), source.sha256_hex())


async def test_begin_upload_reads_only_the_sniffing_window_before_deciding() -> None:
    source = Generated(10 * SNIFF_BYTES, chunk_size=4096)

    await begin_upload(source.stream(), max_size=None, allowed_types=None)

    assert source.pulled == SNIFF_BYTES


async def test_begin_upload_refuses_disallowed_type() -> None:
    with pytest.raises(UnsupportedType) as raised:
        await begin_upload(
            stream(ELF_HEADER), max_size=None, allowed_types=frozenset({"application/pdf"})
        )

    assert raised.value.sniffed == "application/x-executable"
    refusal = raised.value.message
    assert (refusal.code, dict(refusal.params)) == (
        "storage.upload.unsupported_type",
        {"sniffed": "application/x-executable"},
    )
    assert [render(refusal, locale) for locale in ("en", "ja", "vi")] == [
        "content type application/x-executable is not allowed",
        "コンテンツタイプ application/x-executable は受け付けていません",
        "loại nội dung application/x-executable không được chấp nhận",
    ]


async def test_begin_upload_skips_empty_chunks() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for chunk in (b"", MINIMAL_PDF[:3], b"", MINIMAL_PDF[3:], b""):
            yield chunk

    upload = await begin_upload(chunks(), max_size=len(MINIMAL_PDF), allowed_types=None)

    assert await read_all(upload.chunks) == MINIMAL_PDF
    assert upload.stored("k").sha256_hex == hashlib.sha256(MINIMAL_PDF).hexdigest()


async def test_meter_allows_exactly_max_size_and_stops_one_byte_later() -> None:
    upload = await begin_upload(stream(b"x" * 10), max_size=10, allowed_types=None)
    assert await read_all(upload.chunks) == b"x" * 10

    with pytest.raises(TooLarge) as raised:
        await begin_upload(stream(b"x" * 11), max_size=10, allowed_types=None)
    refusal = raised.value.message
    assert (refusal.code, dict(refusal.params)) == ("storage.upload.too_large", {"limit": 10})
    assert [render(refusal, locale) for locale in ("en", "ja", "vi")] == [
        "larger than 10 bytes",
        "10 バイトを超えています",
        "lớn hơn 10 byte",
    ]
