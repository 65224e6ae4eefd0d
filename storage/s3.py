"""Documents in an S3 bucket (AWS S3, SeaweedFS, MinIO, Ceph) through boto3.

boto3 blocks, so every call runs in a worker thread (`anyio.to_thread`); the client is
thread-safe and shared by those threads.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import AsyncIterator
from typing import Any

import boto3
from anyio import to_thread
from botocore.config import Config
from botocore.exceptions import ClientError

from storage.base import StoredObject
from storage.errors import NotFound, StorageUnavailable
from storage.ingest import begin_upload
from storage.keys import attachment_disposition, check_key, new_key
from storage.s3_errors import S3_ERRORS, error_code, translate
from storage.s3_upload import Target, in_thread, upload

MIB = 1024 * 1024
DEFAULT_PART_SIZE = 8 * MIB
MIN_PART_SIZE = 5 * MIB  # S3's floor for every part but the last
DEFAULT_CONCURRENCY = 4
MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # the SigV4 ceiling
_READ_CHUNK = 1 * MIB
_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})


class S3DocumentStore:
    """A `DocumentStore` in `bucket`.

    `endpoint_url` None means AWS; any other endpoint gets path-style addressing and no
    checksum validation on reads (see `_config`). Credentials None fall back to boto3's usual
    chain (environment, profile, role).
    Uploads over one `part_size` go multipart, each holding at most `concurrency` part
    buffers (`concurrency × part_size` bytes) while they are filled and sent.
    With `ensure_bucket`, the first `put` or `check` creates the bucket if it is missing.

    Raises `ValueError` for a part size under 5 MiB or a concurrency under 1.
    """

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key: str | None = None,
        secret_key: str | None = None,
        part_size: int = DEFAULT_PART_SIZE,
        concurrency: int = DEFAULT_CONCURRENCY,
        ensure_bucket: bool = False,
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part_size must be at least {MIN_PART_SIZE} bytes")
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.bucket = bucket
        self.region = region
        self.part_size = part_size
        self.concurrency = concurrency
        credentials = {
            "endpoint_url": endpoint_url,
            "region_name": region,
            "aws_access_key_id": access_key,
            "aws_secret_access_key": secret_key,
        }
        self._client = _new_client(credentials, _config(endpoint_url, concurrency, probe=False))
        # /health must answer fast: short timeouts, no retries.
        self._probe = _new_client(credentials, _config(endpoint_url, concurrency, probe=True))
        self._bucket_ready = not ensure_bucket
        self._bucket_lock = threading.Lock()

    async def put(
        self,
        chunks: AsyncIterator[bytes],
        *,
        max_size: int | None = None,
        allowed_types: frozenset[str] | None = None,
    ) -> StoredObject:
        """See `DocumentStore.put`. A failed multipart upload is aborted; an object whose
        final PutObject / CompleteMultipartUpload raised is removed again."""
        incoming = await begin_upload(chunks, max_size=max_size, allowed_types=allowed_types)
        await self._ensure_bucket()
        key = new_key()
        target = Target(
            self._client,
            self.bucket,
            key,
            incoming.content_type,
            self.part_size,
            self.concurrency,
        )
        try:
            await upload(target, incoming.chunks)
        except S3_ERRORS as exc:
            raise translate(exc, "upload") from exc
        return incoming.stored(key)

    async def open(self, key: str) -> AsyncIterator[bytes]:
        """See `DocumentStore.open`. Raises `NotFound`, or `StorageError` if S3 fails."""
        try:
            response = await in_thread(
                self._client.get_object, Bucket=self.bucket, Key=check_key(key)
            )
        except ClientError as exc:
            if error_code(exc) in _MISSING:
                raise NotFound(key) from exc
            raise translate(exc, "open") from exc
        except S3_ERRORS as exc:
            raise translate(exc, "open") from exc
        return _read_body(response["Body"])

    async def presigned_url(
        self, key: str, *, expires_in: int, filename: str, content_type: str
    ) -> str | None:
        """A presigned GET valid `expires_in` seconds whose response carries
        `Content-Disposition: attachment` for `filename` (RFC 5987 for non-ASCII) and
        `content_type`. Computed locally: does not check that the object exists.

        Raises `ValueError` unless 1 ≤ `expires_in` ≤ 7 days, `NotFound` for a malformed key.
        """
        if not 1 <= expires_in <= MAX_PRESIGN_SECONDS:
            raise ValueError(f"expires_in must be within 1..{MAX_PRESIGN_SECONDS} seconds")
        params = {
            "Bucket": self.bucket,
            "Key": check_key(key),
            "ResponseContentDisposition": attachment_disposition(filename),
            "ResponseContentType": content_type,
        }
        url: str = await in_thread(
            self._client.generate_presigned_url,
            ClientMethod="get_object",
            Params=params,
            ExpiresIn=expires_in,
        )
        return url

    async def exists(self, key: str) -> bool:
        """Whether `key` is stored (False for a malformed key). Raises `StorageError` if S3
        fails otherwise."""
        try:
            await in_thread(self._client.head_object, Bucket=self.bucket, Key=check_key(key))
        except NotFound:
            return False
        except ClientError as exc:
            if error_code(exc) in _MISSING:
                return False
            raise translate(exc, "exists") from exc
        except S3_ERRORS as exc:
            raise translate(exc, "exists") from exc
        return True

    async def check(self) -> None:
        """Raise `StorageUnavailable` unless the bucket answers a HEAD with our credentials."""
        await self._ensure_bucket()
        try:
            await in_thread(self._probe.head_bucket, Bucket=self.bucket)
        except ClientError as exc:
            code = error_code(exc)
            if code in _MISSING or code == "NoSuchBucket":
                raise StorageUnavailable(f"bucket {self.bucket!r} does not exist") from exc
            raise StorageUnavailable(f"bucket {self.bucket!r}: S3 answered {code}") from exc
        except S3_ERRORS as exc:
            raise translate(exc, "check") from exc

    async def _ensure_bucket(self) -> None:
        if self._bucket_ready:
            return
        try:
            await to_thread.run_sync(self._create_bucket_once)
        except S3_ERRORS as exc:
            raise translate(exc, f"create bucket {self.bucket!r}") from exc

    def _create_bucket_once(self) -> None:
        with self._bucket_lock:
            if self._bucket_ready:
                return
            try:
                self._client.head_bucket(Bucket=self.bucket)
            except ClientError as exc:
                if error_code(exc) not in _MISSING | {"NoSuchBucket"}:
                    raise
                self._create_bucket()
            self._bucket_ready = True

    def _create_bucket(self) -> None:
        extra: dict[str, Any] = {}
        if self.region != "us-east-1":  # us-east-1 refuses an explicit LocationConstraint
            extra["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        try:
            self._client.create_bucket(Bucket=self.bucket, **extra)
        except ClientError as exc:
            # Another worker won the race; that bucket is just as good.
            if error_code(exc) not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                raise


async def _read_body(body: Any) -> AsyncIterator[bytes]:
    try:
        while True:
            try:
                chunk = await to_thread.run_sync(body.read, _READ_CHUNK)
            except S3_ERRORS as exc:
                raise translate(exc, "read") from exc
            if not chunk:
                return
            yield chunk
    finally:
        body.close()


_SESSION_LOCK = threading.Lock()


@functools.cache
def _shared_session() -> boto3.session.Session:
    return boto3.session.Session()


def _new_client(credentials: dict[str, Any], config: Config) -> Any:
    # Clients of one session share its loaded service models: building a client then takes
    # milliseconds instead of a tenth of a second. Sessions are not thread-safe, hence the lock.
    with _SESSION_LOCK:
        return _shared_session().client("s3", config=config, **credentials)


def _config(endpoint_url: str | None, concurrency: int, *, probe: bool) -> Config:
    options: dict[str, Any] = {
        "signature_version": "s3v4",
        "max_pool_connections": max(10, 2 * concurrency + 2),
        "connect_timeout": 2 if probe else 10,
        "read_timeout": 5 if probe else 60,
        "retries": {"max_attempts": 1 if probe else 4, "mode": "standard"},
    }
    if endpoint_url is not None:
        options["s3"] = {"addressing_style": "path"}
        # The SDK's default GET checksum mode adds a signed header that some S3-compatible
        # servers reject. Upload checksums stay on (CRC32 per part: integrity, and cheaper
        # than SHA-256 payload signing); AWS_REQUEST_CHECKSUM_CALCULATION=when_required
        # switches them off for a server that refuses them.
        options["response_checksum_validation"] = "when_required"
    return Config(**options)
