"""Turning botocore and task-group failures into `storage.errors`."""

from __future__ import annotations

import anyio
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from storage.errors import StorageError, StorageUnavailable

S3_ERRORS = (BotoCoreError, ClientError)
"""What boto3 raises; catch these around a call and pass them to `translate`."""

_UNREACHABLE = (
    EndpointConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
    ConnectionClosedError,
    NoCredentialsError,
)
# Error codes that mean the store as configured cannot work, not that one request was bad.
_UNAVAILABLE_CODES = frozenset(
    {
        "NoSuchBucket",
        "AccessDenied",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "ServiceUnavailable",
        "SlowDown",
        "InternalError",
        "403",
        "404",
        "503",
    }
)


def error_code(exc: ClientError) -> str:
    """The S3 error code of `exc` (`NoSuchKey`, `404`, …)."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def translate(exc: BotoCoreError | ClientError, action: str) -> StorageError:
    """A `StorageError` describing `exc`, raised while doing `action` (e.g. "upload").

    `StorageUnavailable` when the endpoint, credentials or bucket are the problem.
    """
    if isinstance(exc, _UNREACHABLE):
        return StorageUnavailable(f"{action}: cannot reach S3: {exc}")
    if isinstance(exc, ClientError):
        code = error_code(exc)
        if code in _UNAVAILABLE_CODES:
            return StorageUnavailable(f"{action}: S3 answered {code}")
        return StorageError(f"{action}: S3 answered {code}: {exc}")
    return StorageError(f"{action}: {exc}")


def first_error(group: BaseExceptionGroup) -> BaseException:
    """The exception to re-raise for a failed task group: the first that is not a
    cancellation (those are only the echo of the real failure), else the first one."""
    leaves = list(_leaves(group))
    cancelled = anyio.get_cancelled_exc_class()
    for exc in leaves:
        if not isinstance(exc, cancelled):
            return exc
    return leaves[0]


def _leaves(group: BaseExceptionGroup) -> list[BaseException]:
    found: list[BaseException] = []
    for exc in group.exceptions:
        found.extend(_leaves(exc) if isinstance(exc, BaseExceptionGroup) else [exc])
    return found
