"""Domain errors and their RFC 9457 problem+json rendering.

Services raise the errors below; the exception handlers turn them, and every framework or
database error, into `application/problem+json` so no request ends in a bare 500 page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import anyio
import structlog
from advanced_alchemy.exceptions import DuplicateKeyError, IntegrityError, NotFoundError
from litestar import Request, Response
from litestar.exceptions import HTTPException, InternalServerException, ValidationException
from litestar.response import Redirect, Template
from litestar.types import ExceptionHandlersMap
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from grants.common.required import body_model, model_at, required_paths

log = structlog.get_logger("grants.errors")
PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid field: its dotted path in the request and why it was refused."""

    field: str
    reason: str


class DomainError(Exception):
    """Base of the errors services raise; each maps to one HTTP status."""

    status = 400
    title = "Bad request"
    code = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[FieldError] = (),
        reasons: Sequence[str] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = tuple(errors)
        self.reasons = tuple(reasons)
        self.headers = headers or {}


class Malformed(DomainError):
    """The body cannot be read as a request at all (not JSON, or JSON nested too deep)."""

    status, title, code = 400, "Malformed request", "malformed"


class Invalid(DomainError):
    status, title, code = 422, "Invalid input", "invalid"


class Unauthenticated(DomainError):
    status, title, code = 401, "Not authenticated", "unauthenticated"


class Forbidden(DomainError):
    status, title, code = 403, "Forbidden", "forbidden"


class NotFound(DomainError):
    status, title, code = 404, "Not found", "not_found"


class Conflict(DomainError):
    status, title, code = 409, "Conflict", "conflict"


class StaleVersion(Conflict):
    code = "stale_version"


class TooManyRequests(DomainError):
    status, title, code = 429, "Too many requests", "rate_limited"


def problem(
    request: Request[Any, Any, Any],
    *,
    status: int,
    title: str,
    detail: str,
    code: str,
    errors: Sequence[FieldError] = (),
    reasons: Sequence[str] = (),
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    """Build one problem+json response (RFC 9457) with our extension members."""
    body: dict[str, Any] = {
        "type": f"urn:cofund:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = [{"field": e.field, "reason": e.reason} for e in errors]
    if reasons:
        body["reasons"] = list(reasons)
    request_id = request.scope.get("state", {}).get("request_id")
    if request_id:
        body["request_id"] = request_id
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _wants_html(request: Request[Any, Any, Any]) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get(
        "accept", ""
    )


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    if isinstance(exc, Unauthenticated) and _wants_html(request):
        return _to_login(request)
    if _wants_html(request):
        return Template(
            "errors/problem.html",
            context={"title": exc.title, "detail": exc.detail, "me": None, "csrf": None},
            status_code=exc.status,
        )
    return problem(
        request,
        status=exc.status,
        title=exc.title,
        detail=exc.detail,
        code=exc.code,
        errors=exc.errors,
        reasons=exc.reasons,
        headers=exc.headers,
    )


def _to_login(request: Request[Any, Any, Any]) -> Response[Any]:
    target = request.app.route_reverse("web:login")
    if request.headers.get("hx-request"):
        return Response(b"", status_code=204, headers={"HX-Redirect": target})
    return Redirect(path=target)


def validation_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    event_body = bool(
        request.scope.get("route_handler") and request.route_handler.opt.get("event_body")
    )
    items = [
        item
        for item in (exc.extra if isinstance(exc.extra, list) else [])
        if isinstance(item, dict)
    ]
    errors = [
        FieldError(field=_event_field(_field_of(item), event_body), reason=_reason_of(item))
        for item in _missing_named(request, items)
    ]
    detail = str(exc.detail)
    if not errors:
        # Litestar reports unparseable bodies as a ValidationException without items.
        return problem(
            request, status=400, title="Malformed request", detail=detail, code="malformed"
        )
    return problem(
        request,
        status=422,
        title="Invalid input",
        detail="The request has invalid fields.",
        code="invalid",
        errors=errors,
    )


def _missing_named(
    request: Request[Any, Any, Any], items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A missing body (Litestar says `'data'`) or a missing nested object named by each
    required field it lacks (`title.en`), so a client learns every field it must send."""
    handler = request.scope.get("route_handler")
    data_field = handler.parsed_data_field if handler is not None else None
    model = body_model(data_field.annotation) if data_field is not None else None
    if model is None:
        return items
    named = []
    for item in items:
        key = str(item.get("key") or "")
        if key == "data" and item.get("message") == "'data'":
            paths = required_paths(model)
        elif item.get("message") == "Field required" and (
            nested := model_at(model, key.split("."))
        ):
            paths = [f"{key}.{path}" for path in required_paths(nested)]
        else:
            paths = []
        named += [{"key": p, "message": "Field required"} for p in paths] or [item]
    return named


def _event_field(field: str, event_body: bool) -> str:
    """Litestar drops every `data.` from a body field's path, which is wrong for an event body
    whose own field is `data`: put it back (an event body has only `version` and `data`)."""
    if not event_body or field in ("version", "data", "body"):
        return field
    return f"data.{field}"


def _field_of(item: dict[str, Any]) -> str:
    """The field's path as our own validators name it: `roles[0].role`, not `roles.0.role`."""
    key = str(item.get("key") or "")
    return re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", key) if key else str(item.get("source") or "body")


def _reason_of(item: dict[str, Any]) -> str:
    # Pydantic prefixes a validator's own ValueError text; the reason reads better without it.
    return str(item.get("message", "invalid")).removeprefix("Value error, ")


def http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code >= 500:
        return internal_error_handler(request, exc)
    if exc.status_code == 401 and _wants_html(request):
        return _to_login(request)
    titles = {
        401: "Not authenticated",
        403: "Forbidden",
        404: "Not found",
        405: "Method not allowed",
    }
    return problem(
        request,
        status=exc.status_code,
        title=titles.get(exc.status_code, "Request refused"),
        detail=str(exc.detail),
        code=f"http_{exc.status_code}",
        headers=dict(exc.headers or {}),
    )


def repository_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, NotFoundError):
        return problem(
            request, status=404, title="Not found", detail="No such resource.", code="not_found"
        )
    if isinstance(exc, StaleDataError):
        return problem(
            request,
            status=409,
            title="Conflict",
            detail="Someone else changed this record first; reload and try again.",
            code="stale_version",
        )
    if isinstance(exc, DuplicateKeyError | IntegrityError):
        return problem(
            request,
            status=409,
            title="Conflict",
            detail="The change conflicts with existing data.",
            code="integrity",
        )
    return internal_error_handler(request, exc)


# Litestar's words when the ASGI server reports `http.disconnect` while the body is read.
_DISCONNECT_DETAIL = "client disconnected prematurely"


def client_disconnected(exc: BaseException) -> bool:
    """Whether `exc`, or an error it was raised from, is the client going away mid-request."""
    seen: BaseException | None = exc
    for _ in range(8):  # a cause chain is short; the bound guards against a cycle
        if seen is None:
            return False
        if isinstance(seen, anyio.EndOfStream):
            return True
        if isinstance(seen, InternalServerException) and seen.detail == _DISCONNECT_DETAIL:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def data_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Last line behind the input checks: a value the database cannot hold (SQLSTATE class 22,
    e.g. a NUL character in text or an integer past 64 bits; or the SQLite driver's
    OverflowError) is the client's doing, refused whole (the transaction rolls back)."""
    sqlstate = str(getattr(getattr(exc, "orig", None), "sqlstate", None) or "")
    if not (isinstance(exc, OverflowError) or sqlstate.startswith("22")):
        return internal_error_handler(request, exc)
    log.warning("input refused by the database", path=request.url.path, sqlstate=sqlstate)
    return problem(
        request,
        status=422,
        title="Invalid input",
        detail="A value in the request cannot be stored: a number out of range, or text with "
        "a NUL character.",
        code="invalid",
    )


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if client_disconnected(exc):
        # The client's doing, not ours: no traceback, no 500 (the answer reaches no one).
        log.info("client disconnected", path=request.url.path, error=type(exc).__name__)
        return problem(
            request,
            status=400,
            title="Client disconnected",
            detail="The client closed the connection before the request was read; "
            "nothing was changed.",
            code="client_disconnected",
        )
    log.error("unhandled error", exc_info=exc, path=request.url.path)
    return problem(
        request,
        status=500,
        title="Internal error",
        detail="Something went wrong on our side; the request changed nothing.",
        code="internal",
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    DomainError: domain_error_handler,
    ValidationException: validation_handler,
    HTTPException: http_exception_handler,
    NotFoundError: repository_error_handler,
    IntegrityError: repository_error_handler,
    StaleDataError: repository_error_handler,
    DBAPIError: data_error_handler,
    OverflowError: data_error_handler,
    Exception: internal_error_handler,
}
