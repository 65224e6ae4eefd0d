"""Documents on the local filesystem: the embedded default (one machine, `var/`)."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import anyio
from anyio import to_thread

from storage.base import StoredObject
from storage.errors import NotFound, StorageError, StorageUnavailable
from storage.ingest import begin_upload
from storage.keys import check_key, new_key

_WRITE_BUFFER = 1024 * 1024  # batch small request chunks into fewer thread hops
_READ_CHUNK = 256 * 1024
_FILE_MODE = 0o640
_TMP_DIR = ".tmp"
T = TypeVar("T")
logger = logging.getLogger(__name__)


class LocalDocumentStore:
    """A `DocumentStore` under `root`: `root/docs/ab/cd/<key>` plus `root/.tmp` for uploads
    in progress (same filesystem, so the final rename is atomic).

    Creates `root` if missing. Files are written to a temp file, fsynced, renamed into place
    and the directory fsynced, so a crash leaves either the whole document or none.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._tmp = self.root / _TMP_DIR
        self._tmp.mkdir(parents=True, exist_ok=True)

    async def put(
        self,
        chunks: AsyncIterator[bytes],
        *,
        max_size: int | None = None,
        allowed_types: frozenset[str] | None = None,
    ) -> StoredObject:
        """See `DocumentStore.put`. On failure or cancellation the temp file (and the
        published file, if the failure came after publishing) is removed."""
        upload = await begin_upload(chunks, max_size=max_size, allowed_types=allowed_types)
        key = new_key()
        tmp = self._tmp / f"{secrets.token_hex(16)}.part"
        final = self._path(key)
        try:
            await self._write(tmp, upload.chunks)
            await _fs(_publish, tmp, final)
        except BaseException:
            # `_publish` can fail after its rename (the directory fsync), so the document may
            # already sit at `final`; the key is fresh, so that file can only be this one.
            with anyio.CancelScope(shield=True):
                await to_thread.run_sync(_unlink_quietly, tmp, final)
            raise
        return upload.stored(key)

    async def open(self, key: str) -> AsyncIterator[bytes]:
        """See `DocumentStore.open`. Raises `NotFound` for a missing or malformed key."""
        path = self._path(check_key(key))
        try:
            handle = await to_thread.run_sync(path.open, "rb")
        except FileNotFoundError as exc:
            raise NotFound(key) from exc
        except OSError as exc:
            raise StorageError(f"open {key}: {exc}") from exc
        return _read_chunks(handle)

    async def presigned_url(
        self, key: str, *, expires_in: int, filename: str, content_type: str
    ) -> str | None:
        """Always None: a filesystem has no URLs, the application streams `open(key)`."""
        return None

    async def exists(self, key: str) -> bool:
        """Whether a document file exists under `key` (False for a malformed key)."""
        try:
            path = self._path(check_key(key))
        except NotFound:
            return False
        return await to_thread.run_sync(path.is_file)

    async def check(self) -> None:
        """Raise `StorageUnavailable` unless `root` and its temp dir are writable dirs."""
        for directory in (self.root, self._tmp):
            usable = await to_thread.run_sync(_writable_dir, directory)
            if not usable:
                raise StorageUnavailable(f"{directory} is not a writable directory")

    def _path(self, key: str) -> Path:
        return self.root / key

    async def _write(self, tmp: Path, chunks: AsyncIterator[bytes]) -> None:
        handle = await _fs(_create_exclusive, tmp)
        try:
            pending = bytearray()
            async for chunk in chunks:
                pending += chunk
                if len(pending) >= _WRITE_BUFFER:
                    await _fs(handle.write, pending)
                    pending = bytearray()
            await _fs(_finish, handle, pending)
        finally:
            with anyio.CancelScope(shield=True):
                await to_thread.run_sync(handle.close)


async def _fs(func: Callable[..., T], *args: Any) -> T:
    """Run a blocking filesystem call in a worker thread; `OSError` becomes `StorageError`."""
    try:
        return await to_thread.run_sync(func, *args)
    except OSError as exc:
        raise StorageError(f"{getattr(func, '__name__', 'filesystem call')}: {exc}") from exc


async def _read_chunks(handle: BinaryIO) -> AsyncIterator[bytes]:
    try:
        while chunk := await _fs(handle.read, _READ_CHUNK):
            yield chunk
    finally:
        with anyio.CancelScope(shield=True):
            await to_thread.run_sync(handle.close)


def _create_exclusive(path: Path) -> BinaryIO:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _FILE_MODE)
    return os.fdopen(fd, "wb")


def _finish(handle: BinaryIO, tail: bytes) -> None:
    handle.write(tail)
    handle.flush()
    os.fsync(handle.fileno())


def _publish(tmp: Path, final: Path) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)
    # The rename is durable only once the directory entry itself is on disk.
    dir_fd = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _unlink_quietly(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            # Cleanup must not replace the error that made it necessary.
            logger.warning("could not remove %s", path)


def _writable_dir(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)
