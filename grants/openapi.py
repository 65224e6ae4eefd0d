"""The OpenAPI contract: what every operation declares beyond its own decorator.

Litestar 2 has no layer-wide `responses=` (only per handler) and adds its own 400 body
(`ValidationException`'s) to every operation taking input, which is not what we send. So
`OpenAPIContract`, a `ReceiveRoutePlugin`, completes each handler as the app registers it
(the app's own copy of the handler, so nothing global is mutated):

- summary and description from the handler's docstring (first paragraph, then the rest),
  unless the decorator sets them;
- the error answers, each an `application/problem+json` body (`grants.common.problems`): those
  the authorization matrix (`grants.security.matrix`) declares for the route, 401 for every
  non-public operation, 403 for every unsafe one (CSRF), 404 where the path names a resource,
  400/413/422 where the operation takes input; a handler's own `responses=` win;
- the security requirements: a bearer token, or the session cookie (with the `X-CSRF-Token`
  header on unsafe methods); public operations (those the matrix opens to `anonymous`) have none.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

from litestar._openapi.schema_generation import SchemaCreator
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    Components,
    OpenAPIType,
    Schema,
    SecurityRequirement,
    SecurityScheme,
)
from litestar.plugins import ReceiveRoutePlugin
from litestar.plugins.pydantic import PydanticSchemaPlugin
from litestar.routes import BaseRoute, HTTPRoute
from litestar.typing import FieldDefinition
from pydantic import BaseModel

from grants.common.problems import problem_responses
from grants.security.matrix import MATRIX
from grants.security.middleware import SESSION_COOKIE

API_DESCRIPTION = """\
CoFund runs joint research calls that several funding agencies co-fund (JST in yen, NAFOSTED in
đồng); each agency is sovereign over its own side, and what both share needs every agency's
approval.

**Signing in.** Send `Authorization: Bearer cft_…` (a token from `POST /api/me/tokens`), or use
the session cookie from `POST /api/auth/login` and echo its CSRF token in `X-CSRF-Token` on every
POST, PUT, PATCH and DELETE.

**Errors** are `application/problem+json` (RFC 9457): `errors` names each refused field,
`reasons` lists every reason a rule or a workflow guard refused. A resource you may not see
answers 404, never revealing that it exists.

**States** change only through `POST /api/<resource>/{id}/events/<event>` with the version you
saw; `GET /api/<resource>/{id}/transitions` lists what you may fire now, and why not.
"""

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

SECURITY_SCHEMES: dict[str, SecurityScheme] = {
    "bearer": SecurityScheme(
        type="http",
        scheme="bearer",
        bearer_format="cft_…",
        description=(
            "An API token (`Authorization: Bearer cft_…`), created with `POST /api/me/tokens`. "
            "Needs no CSRF token."
        ),
    ),
    "session": SecurityScheme(
        type="apiKey",
        name=SESSION_COOKIE,
        security_scheme_in="cookie",
        description="The web session cookie set by `POST /api/auth/login`.",
    ),
    "csrf": SecurityScheme(
        type="apiKey",
        name="X-CSRF-Token",
        security_scheme_in="header",
        description=(
            "The session's CSRF token (from the login answer or `GET /api/me`), required with "
            "the session cookie on every unsafe method (POST, PUT, PATCH, DELETE)."
        ),
    ),
}
SAFE_SECURITY: list[SecurityRequirement] = [{"bearer": []}, {"session": []}]
UNSAFE_SECURITY: list[SecurityRequirement] = [{"bearer": []}, {"session": [], "csrf": []}]
COMPONENTS = Components(security_schemes=dict(SECURITY_SCHEMES))

# Reserved names Litestar injects that are not client input.
_NOT_INPUT = frozenset({"request", "state", "scope", "socket", "self"})

GENERIC = {
    400: "Malformed request: the body is not JSON, or a value cannot be read.",
    401: "Not signed in (no valid bearer token or session cookie).",
    403: "Signed in, but your role or agency may not do this (or the CSRF token is missing).",
    404: "No such resource for you: it does not exist or you may not see it (not revealed).",
    409: "Refused by the resource's state or a rule (every reason listed), or a stale version.",
    413: "The request body is larger than the server accepts.",
    422: "Invalid input: every refused field is named in `errors`.",
}


# Statuses a handler raises beyond what the matrix and the rules above declare, by route name.
EXTRA: dict[str, dict[int, str]] = {
    "auth:login": {
        401: "Wrong email or password.",
        403: "A browser's request from another site (`Origin`, `Sec-Fetch-Site`).",
        415: "The body is not sent as `application/json`.",
        429: "Too many recent failures for this account from this address, or for the "
        "address; retry after `Retry-After` seconds.",
    },
    "users:create": {409: "An account with this email exists."},
    "users:roles": {409: "The last active admin keeps the admin role, or a stale version."},
    "agencies:create": {409: "An agency with this code exists."},
    "agencies:delete": {409: "Officers belong to this agency; reassign them first."},
    "calls:create": {409: "A call with this code exists."},
    "proposals:create": {409: "The call does not accept proposals now (every reason listed)."},
    "invitations:accept": {409: "The part has its PI, or you are already on the team."},
    "documents:upload": {
        409: "The proposal is not a draft.",
        413: "Larger than the call's size limit for this kind of document.",
        415: "A type the call does not allow for this kind (sniffed from the bytes).",
        422: "`kind` is not one of the call's document kinds, the file name is invalid, or the "
        "content is refused (a PDF with active content, an archive unpacking to too much).",
        503: "The document store is unavailable; nothing was stored.",
    },
    "documents:content": {503: "The document store cannot be read now."},
    "reviewers:create": {409: "This account already has a reviewer profile."},
    "reviewers:import": {
        400: "The body is not UTF-8 text.",
        413: "The request body is larger than the server accepts.",
        422: "The file has errors (each line's named in `errors`); nothing was imported.",
    },
    "fx_rates:create": {
        409: "A rate of this day, pair and source is recorded already (or was meanwhile)."
    },
    "fx_rates:import": {
        400: "The body is not UTF-8 text.",
        409: "A rate of the file was recorded meanwhile by another request; nothing was stored.",
        413: "The request body is larger than the server accepts.",
        422: "The file has errors (each line's named in `errors`); nothing was imported.",
    },
    "call-reviewers:invite": {409: "This reviewer was already asked to serve on this call."},
    "conflicts:dismiss": {409: "The conflict was already decided."},
    "conflicts:waive": {409: "The conflict was already decided."},
    "bids:place": {409: "You have an active conflict with this proposal, or it cannot be bid on."},
    "assignments:create": {409: "Forbidden pair, reviewer at capacity or slots full."},
    "assignments:run": {409: "No assignment satisfies the call's constraints."},
    "reviews:save": {409: "Not accepted, a conflict of interest, submitted, or a stale version."},
    "rankings:draft": {409: "The call is not ranking, is in joint mode, or the ranking is final."},
    "rankings:joint": {409: "Not every agency's ranking is final, or approvals exist."},
}


def is_public(method: str, path: str) -> bool:
    """Whether the matrix opens the route to callers without credentials."""
    cells = MATRIX.get((method, path))
    return cells is not None and cells["anonymous"] != 401


def declared_statuses(method: str, path: str) -> set[int]:
    """The error statuses the authorization matrix declares for the route."""
    cells = MATRIX.get((method, path), {})
    statuses = {c if isinstance(c, int) else c[0] for c in cells.values()}
    return {s for s in statuses if s >= 400}


class OpenAPIContract(ReceiveRoutePlugin):
    """Completes every documented handler's summary, description, errors and security."""

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute):
            return
        for handler in route.route_handlers:
            if handler.resolve_include_in_schema():
                for method in sorted(handler.http_methods - SAFE) or sorted(handler.http_methods):
                    _complete(handler, method, route)


def _complete(handler: HTTPRouteHandler, method: str, route: HTTPRoute) -> None:
    summary, description = _docstring(handler)
    handler.summary = handler.summary or summary
    handler.description = handler.description or description
    extra = problem_responses(
        **{f"s{s}": text for s, text in EXTRA.get(handler.name or "", {}).items()}
    )
    handler.responses = {**_errors(handler, method, route), **extra, **(handler.responses or {})}
    if not is_public(method, route.path) and handler.security is None:
        handler.security = SAFE_SECURITY if method in SAFE else UNSAFE_SECURITY


def _docstring(handler: HTTPRouteHandler) -> tuple[str | None, str | None]:
    text = inspect.cleandoc(handler.fn.__doc__ or "")
    first, _, rest = text.partition("\n\n")
    summary = " ".join(first.split()) or None
    return summary, (rest.strip() or None)


def _errors(handler: HTTPRouteHandler, method: str, route: HTTPRoute) -> Mapping[int, ResponseSpec]:
    public = is_public(method, route.path)
    inputs = _inputs(handler)
    queries = (inputs | _dependency_inputs(handler)) - set(route.path_parameters) - {"data"}
    statuses = declared_statuses(method, route.path)
    statuses |= {400} if inputs or route.path_parameters else set()
    statuses |= {401} if not public else set()
    statuses |= {403} if not public and method not in SAFE else set()
    statuses |= {404} if route.path_parameters else set()
    statuses |= {413, 422} if "data" in inputs else set()
    statuses |= {409} if _versioned(handler) else set()
    statuses |= {422} if queries else set()
    return problem_responses(**{f"s{s}": GENERIC[s] for s in sorted(statuses) if s in GENERIC})


def _versioned(handler: HTTPRouteHandler) -> bool:
    """A body or query naming the `version` the client saw: a stale one answers 409."""
    data = handler.parsed_fn_signature.parameters.get("data")
    fields = getattr(data.annotation, "model_fields", {}) if data else {}
    return "version" in fields or "version" in handler.parsed_fn_signature.parameters


def _dependency_inputs(handler: HTTPRouteHandler) -> set[str]:
    """The query parameters a handler reads through its dependencies (paging, scoring options):
    Litestar documents them on the operation, and a value out of range answers 422."""
    dependencies = handler.resolve_dependencies()
    used = set(handler.parsed_fn_signature.parameters) & set(dependencies)
    return {
        name
        for key in used
        for name in inspect.signature(dependencies[key].dependency).parameters
        if name not in _NOT_INPUT and name not in dependencies
    }


def _inputs(handler: HTTPRouteHandler) -> set[str]:
    """The parameters a client sends (path, query, body), not the injected dependencies."""
    dependencies = handler.resolve_dependencies()
    return {
        name
        for name in handler.parsed_fn_signature.parameters
        if name not in _NOT_INPUT and name not in dependencies
    }


class InputModelsSchemaPlugin(PydanticSchemaPlugin):
    """What Litestar leaves out of a request body's schema (`grants.common.schemas.Input`):

    - `additionalProperties: false` on the models that forbid unknown fields: Litestar leaves
      every object open, so the OpenAPI promised that a body with an extra field is accepted
      while the server answers 422;
    - the model's examples, declared the Pydantic way (`json_schema_extra={"examples": […]}`,
      see `grants.common.schemas.examples`): Litestar reads only a config key of its own;
    - each field's `pattern` (`Field(pattern=…)`), which Litestar drops, so the schema promised
      that any string is accepted where the server refuses most.
    """

    @classmethod
    def for_pydantic_model(
        cls, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        schema = super().for_pydantic_model(field_definition, schema_creator)
        config = field_definition.annotation.model_config
        if config.get("extra") == "forbid":
            schema.additional_properties = False
        extra = config.get("json_schema_extra")
        if isinstance(extra, dict) and extra.get("examples"):
            schema.examples = list(extra["examples"])
        _add_patterns(field_definition.annotation, schema)
        return schema


def _add_patterns(model: type[BaseModel], schema: Schema) -> None:
    """Put each field's regular expression on its string schema (an optional field's too)."""
    for name, field in model.model_fields.items():
        pattern = next((p for m in field.metadata if (p := getattr(m, "pattern", None))), None)
        prop = (schema.properties or {}).get(field.alias or name)
        if pattern is None or not isinstance(prop, Schema):
            continue
        strings = [s for s in prop.one_of or [] if isinstance(s, Schema)]
        for target in [s for s in strings if s.type == OpenAPIType.STRING] or [prop]:
            target.pattern = target.pattern or pattern
