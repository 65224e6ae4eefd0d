"""Building the configured store from settings values."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import DocumentStore, LocalDocumentStore, S3DocumentStore, build_store


def test_build_local_store_creates_its_directory(tmp_path: Path) -> None:
    store = build_store("local", root=str(tmp_path / "var" / "documents"))

    assert isinstance(store, LocalDocumentStore)
    assert isinstance(store, DocumentStore)
    assert (tmp_path / "var" / "documents").is_dir()


def test_build_s3_store_treats_empty_settings_as_unset() -> None:
    store = build_store(
        "s3", bucket="cofund-docs", endpoint_url="", access_key="", secret_key="", region=""
    )

    assert isinstance(store, S3DocumentStore)
    assert isinstance(store, DocumentStore)
    assert (store.bucket, store.region) == ("cofund-docs", "us-east-1")


@pytest.mark.parametrize(
    ("kind", "settings", "message"),
    [
        ("local", {}, "root directory"),
        ("s3", {"endpoint_url": "http://127.0.0.1:9"}, "bucket"),
        ("ftp", {}, "unknown document store kind 'ftp'"),
    ],
)
def test_build_store_refuses_incomplete_settings(
    kind: str, settings: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build_store(kind, **settings)  # type: ignore[arg-type]


def test_s3_store_refuses_parts_under_the_s3_minimum() -> None:
    with pytest.raises(ValueError, match="part_size"):
        S3DocumentStore("b", endpoint_url="http://127.0.0.1:9", part_size=1024 * 1024)
