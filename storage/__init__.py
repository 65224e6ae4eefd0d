"""Document storage: the `DocumentStore` protocol with S3 and local filesystem adapters.

A plain library: it never imports `grants` or Litestar.
"""

from storage.base import DocumentStore, StoredObject
from storage.errors import NotFound, StorageError, StorageUnavailable, TooLarge, UnsupportedType
from storage.factory import build_store
from storage.keys import attachment_disposition
from storage.local import LocalDocumentStore
from storage.s3 import S3DocumentStore
from storage.sniff import sniff

__all__ = [
    "DocumentStore",
    "LocalDocumentStore",
    "NotFound",
    "S3DocumentStore",
    "StorageError",
    "StorageUnavailable",
    "StoredObject",
    "TooLarge",
    "UnsupportedType",
    "attachment_disposition",
    "build_store",
    "sniff",
]
