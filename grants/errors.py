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

from grants.common.locales import request_locale
from grants.common.pydantic_messages import MISSING, msgspec_message, pydantic_message
from grants.common.required import body_model, model_at, required_paths
from messages import Message, define, params_json, render

log = structlog.get_logger("grants.errors")
PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid field: its dotted path in the request and why it was refused."""

    field: str
    reason: Message


Text = Message | str

TITLES = {
    400: define("problem.title.bad_request", "Bad request"),
    401: define("problem.title.unauthenticated", "Not authenticated"),
    403: define("problem.title.forbidden", "Forbidden"),
    404: define("problem.title.not_found", "Not found"),
    405: define("problem.title.method_not_allowed", "Method not allowed"),
    408: define("problem.title.request_timeout", "Request timeout"),
    409: define("problem.title.conflict", "Conflict"),
    413: define("problem.title.too_large", "Request too large"),
    415: define("problem.title.unsupported_media_type", "Unsupported media type"),
    422: define("problem.title.invalid", "Invalid input"),
    429: define("problem.title.rate_limited", "Too many requests"),
    500: define("problem.title.internal", "Internal error"),
}
REFUSED = define("problem.title.refused", "Request refused")
MALFORMED_TITLE = define("problem.title.malformed", "Malformed request")
DISCONNECTED_TITLE = define("problem.title.client_disconnected", "Client disconnected")
INVALID_FIELDS = define("problem.invalid_fields", "The request has invalid fields.")
NO_SUCH_RESOURCE = define("problem.no_such_resource", "No such resource.")
STALE = define(
    "problem.stale_version", "Someone else changed this record first; reload and try again."
)
INTEGRITY = define("problem.integrity", "The change conflicts with existing data.")
UNSTORABLE = define(
    "problem.unstorable_value",
    "A value in the request cannot be stored: a number out of range, or text with a NUL character.",
)
DISCONNECTED = define(
    "problem.client_disconnected",
    "The client closed the connection before the request was read; nothing was changed.",
)
INTERNAL = define(
    "problem.internal", "Something went wrong on our side; the request changed nothing."
)
MALFORMED_BODY = define("problem.malformed_body", "The request body cannot be read.")


class DomainError(Exception):
    """Base of the errors services raise; each maps to one HTTP status."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        detail: Message,
        *,
        errors: Sequence[FieldError] = (),
        reasons: Sequence[Message] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(str(detail))
        self.detail = detail
        self.errors = tuple(errors)
        self.reasons = tuple(reasons)
        self.headers = headers or {}

    @property
    def title(self) -> Message:
        return TITLES.get(self.status, REFUSED)()


class Malformed(DomainError):
    """The body cannot be read as a request at all (not JSON, or JSON nested too deep)."""

    status, code = 400, "malformed"

    @property
    def title(self) -> Message:
        return MALFORMED_TITLE()


class Invalid(DomainError):
    status, code = 422, "invalid"


class Unauthenticated(DomainError):
    status, code = 401, "unauthenticated"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class NotFound(DomainError):
    status, code = 404, "not_found"


class Conflict(DomainError):
    status, code = 409, "conflict"


class StaleVersion(Conflict):
    code = "stale_version"


class TooManyRequests(DomainError):
    status, code = 429, "rate_limited"


class UnsupportedContentType(DomainError):
    status, code = 415, "unsupported_media_type"


def _coded(text: Text, locale: str) -> dict[str, Any]:
    """A message's code, parameters and rendering; a plain string (text the client sent back,
    or a library's words) has no code."""
    if isinstance(text, Message):
        return {
            "code": text.code,
            "params": params_json(text.params),
            "message": render(text, locale),
        }
    return {"code": None, "params": {}, "message": text}


def problem(
    request: Request[Any, Any, Any],
    *,
    status: int,
    title: Text,
    detail: Text,
    code: str,
    errors: Sequence[FieldError] = (),
    reasons: Sequence[Text] = (),
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    """Build one problem+json response (RFC 9457) with our extension members, every text in
    the reader's language, each with its message code and parameters beside it."""
    locale = request_locale(request)
    said = _coded(detail, locale)
    body: dict[str, Any] = {
        "type": f"urn:cofund:problem:{code}",
        "title": _coded(title, locale)["message"],
        "status": status,
        "detail": said["message"],
        "instance": request.url.path,
        "code": said["code"],
        "params": said["params"],
    }
    if errors:
        body["errors"] = []
        for e in errors:
            reason = _coded(e.reason, locale)
            body["errors"].append(
                {
                    "field": e.field,
                    "reason": reason["message"],
                    "code": reason["code"],
                    "params": reason["params"],
                }
            )
    if reasons:
        body["reasons"] = [_coded(r, locale) for r in reasons]
    request_id = request.scope.get("state", {}).get("request_id")
    if request_id:
        body["request_id"] = request_id
    headers = {**(headers or {}), "Content-Language": locale}
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _wants_html(request: Request[Any, Any, Any]) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get(
        "accept", ""
    )


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    if isinstance(exc, Unauthenticated) and _wants_html(request):
        return _to_login(request)
    if _wants_html(request):
        # The page's language: `?lang=`, the one chosen before, else the reader's.
        from grants.web.i18n import page_locale

        locale = page_locale(request)
        return Template(
            "errors/problem.html",
            context={
                "title": render(exc.title, locale),
                "detail": _coded(exc.detail, locale)["message"],
                "me": None,
                "csrf": None,
                "locale": locale,
            },
            status_code=exc.status,
            headers={"Content-Language": locale},
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
    """To the sign-in page, which brings the reader back to this page (`next`) after it."""
    from grants.web.views import login_path

    target = login_path(request)
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
    _attach_pydantic(exc, items)
    errors = [
        FieldError(field=_event_field(_field_of(item), event_body), reason=_reason_of(item))
        for item in _missing_named(request, items)
    ]
    if not errors and (missing := _MISSING_PARAMETER.match(str(exc.detail))):
        return problem(
            request,
            status=400,
            title=TITLES[400](),
            detail=INVALID_FIELDS(),
            code="invalid",
            errors=[FieldError(missing["name"], MISSING())],
        )
    if not errors:
        # Litestar reports unparseable bodies as a ValidationException without items.
        return problem(
            request,
            status=400,
            title=MALFORMED_TITLE(),
            detail=MALFORMED_BODY(),
            code="malformed",
        )
    return problem(
        request,
        status=422,
        title=TITLES[422](),
        detail=INVALID_FIELDS(),
        code="invalid",
        errors=errors,
    )


# Litestar's words for a required query, header or cookie parameter left out.
_MISSING_PARAMETER = re.compile(r"Missing required \w+ parameter '(?P<name>[^']+)'")


def _attach_pydantic(exc: ValidationException, items: list[dict[str, Any]]) -> None:
    """Litestar keeps only Pydantic's English text per error; the error dicts themselves (type,
    context, a validator's own exception) are on the cause, one per item, in order."""
    cause = exc.__cause__
    found = getattr(cause, "errors", None)
    if isinstance(found, list) and len(found) == len(items):
        for item, error in zip(items, found, strict=True):
            if isinstance(error, dict):
                item["pydantic"] = error


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
        named += [
            {"key": p, "message": "Field required", "pydantic": {"type": "missing"}} for p in paths
        ] or [item]
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


def _reason_of(item: dict[str, Any]) -> Message:
    error = item.get("pydantic")
    if isinstance(error, dict):
        return pydantic_message(error)
    return msgspec_message(str(item.get("message", "")))


HTTP_DETAILS = {
    401: define("problem.http.401", "Sign in, or send an API token."),
    403: define("problem.http.403", "You may not do this."),
    404: define("problem.http.404", "No such resource."),
    405: define("problem.http.405", "This method is not allowed on this address."),
    413: define("problem.http.413", "The request body is too large."),
    415: define("problem.http.415", "This content type is not accepted here."),
}


def http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code >= 500:
        return internal_error_handler(request, exc)
    if exc.status_code == 401 and _wants_html(request):
        return _to_login(request)
    if exc.status_code == 400:
        # Litestar's own 400s are bodies it could not decode (JSON, multipart, form).
        return problem(
            request,
            status=400,
            title=MALFORMED_TITLE(),
            detail=MALFORMED_BODY(),
            code="malformed",
            headers=dict(exc.headers or {}),
        )
    known = HTTP_DETAILS.get(exc.status_code)
    return problem(
        request,
        status=exc.status_code,
        title=TITLES.get(exc.status_code, REFUSED)(),
        detail=known() if known else str(exc.detail),
        code=f"http_{exc.status_code}",
        headers=dict(exc.headers or {}),
    )


def repository_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, NotFoundError):
        return problem(
            request, status=404, title=TITLES[404](), detail=NO_SUCH_RESOURCE(), code="not_found"
        )
    if isinstance(exc, StaleDataError):
        return problem(
            request, status=409, title=TITLES[409](), detail=STALE(), code="stale_version"
        )
    if isinstance(exc, DuplicateKeyError | IntegrityError):
        return problem(
            request, status=409, title=TITLES[409](), detail=INTEGRITY(), code="integrity"
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
        title=TITLES[422](),
        detail=UNSTORABLE(),
        code="invalid",
    )


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if client_disconnected(exc):
        # The client's doing, not ours: no traceback, no 500 (the answer reaches no one).
        log.info("client disconnected", path=request.url.path, error=type(exc).__name__)
        return problem(
            request,
            status=400,
            title=DISCONNECTED_TITLE(),
            detail=DISCONNECTED(),
            code="client_disconnected",
        )
    log.error("unhandled error", exc_info=exc, path=request.url.path)
    return problem(
        request,
        status=500,
        title=TITLES[500](),
        detail=INTERNAL(),
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
