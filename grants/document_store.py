"""Chooses the document store the settings ask for."""

from __future__ import annotations

from grants.settings import Settings
from storage.base import DocumentStore
from storage.factory import build_store


def build_document_store(settings: Settings) -> DocumentStore:
    """A local directory store by default, an S3 store when `STORAGE_BACKEND=s3`."""
    return build_store(
        settings.storage_backend,
        root=settings.storage_dir,
        bucket=settings.s3_bucket,
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
        access_key=settings.s3_access_key_id,
        secret_key=settings.s3_secret_access_key,
        ensure_bucket=settings.s3_create_bucket,
    )
