"""Chooses the document store the settings ask for."""

from __future__ import annotations

from grants.settings import Settings
from storage.base import DocumentStore
from storage.local import LocalDocumentStore


def build_document_store(settings: Settings) -> DocumentStore:
    """A local directory store by default, an S3 store when `STORAGE_BACKEND=s3`."""
    if settings.storage_backend == "s3":
        from storage.s3 import S3DocumentStore

        return S3DocumentStore(
            settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key=settings.s3_access_key_id,
            secret_key=settings.s3_secret_access_key,
        )
    assert settings.storage_dir is not None
    return LocalDocumentStore(settings.storage_dir)
