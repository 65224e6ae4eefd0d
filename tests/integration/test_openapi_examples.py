"""The OpenAPI shows an example for the request bodies of the proposal, review and ranking
journeys and for every workflow event, and every example is a body the server accepts: valid for
its Pydantic model and for its schema in the OpenAPI (schemathesis also sends each one, in
`test_schemathesis.py`'s examples phase)."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema_rs
from litestar import Litestar
from litestar.routes import HTTPRoute
from pydantic import BaseModel

from grants.common.schemas import examples_of

Client = httpx.AsyncClient

# The journeys' request bodies, as the README and the journey tests send them.
JOURNEYS = [
    ("post", "/api/proposals"),
    ("patch", "/api/proposals/{proposal_id}"),
    ("patch", "/api/proposals/{proposal_id}/parts/{part_id}"),
    ("post", "/api/proposals/{proposal_id}/parts/{part_id}/members"),
    ("put", "/api/proposals/{proposal_id}/parts/{part_id}/budget"),
    ("post", "/api/proposals/{proposal_id}/invitations"),
    ("post", "/api/proposals/{proposal_id}/events/submit"),
    ("put", "/api/proposals/{proposal_id}/bid"),
    ("post", "/api/assignments/{assignment_id}/events/accept"),
    ("post", "/api/assignments/{assignment_id}/events/decline"),
    ("put", "/api/assignments/{assignment_id}/review"),
    ("post", "/api/assignments/{assignment_id}/events/submit"),
    ("put", "/api/calls/{call_id}/rankings/{code}"),
    ("post", "/api/rankings/{ranking_id}/events/finalise"),
    ("post", "/api/calls/{call_id}/joint-ranking"),
    ("post", "/api/rankings/{ranking_id}/events/approve"),
]


async def _spec(client: Client) -> dict[str, Any]:
    document: dict[str, Any] = (await client.get("/schema/openapi.json")).json()
    return document


def _body_schema(spec: dict[str, Any], method: str, path: str) -> tuple[str, dict[str, Any]]:
    """The component name and schema of an operation's JSON request body."""
    body = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    name = body["$ref"].rsplit("/", 1)[1]
    return name, spec["components"]["schemas"][name]


def _models(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """`model` and every model nested in its fields (lists, optionals and unions included)."""
    yield model
    for field in model.model_fields.values():
        pending: list[Any] = [field.annotation]
        while pending:
            annotation = pending.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                yield from _models(annotation)
            pending += typing.get_args(annotation)


def _request_models(app: Litestar) -> dict[str, type[BaseModel]]:
    """Every model a request body of the app is made of, by name."""
    found: dict[str, type[BaseModel]] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            data = handler.parsed_fn_signature.parameters.get("data")
            body = data.annotation if data else None
            if isinstance(body, type) and issubclass(body, BaseModel):
                found |= {m.__name__: m for m in _models(body)}
    return found


async def test_openapi_examples_for_every_journey_body(client: Client) -> None:
    spec = await _spec(client)

    missing = [
        f"{method.upper()} {path}"
        for method, path in JOURNEYS
        if not _body_schema(spec, method, path)[1].get("examples")
    ]

    assert missing == []


async def test_openapi_examples_for_every_event_body(client: Client) -> None:
    spec = await _spec(client)
    events = [
        (method, path)
        for path, operations in spec["paths"].items()
        for method in operations
        if "/events/" in path and method == "post"
    ]

    missing = [
        f"{path}"
        for method, path in events
        if not _body_schema(spec, method, path)[1].get("examples")
    ]

    assert missing == []
    assert ("post", "/api/assignments/{assignment_id}/events/submit") in events


async def test_openapi_examples_are_the_models_and_each_is_valid(
    client: Client, app: Litestar
) -> None:
    spec = await _spec(client)
    bodies = _request_models(app)
    models = {name: m for name, m in bodies.items() if examples_of(m)}
    shown = {
        name: schema["examples"]
        for name, schema in spec["components"]["schemas"].items()
        if name in bodies and schema.get("examples")
    }

    refused = {
        name: [
            error.message
            for example in examples_of(model)
            for error in _validator(spec, name).iter_errors(example)
        ]
        + [str(e) for example in examples_of(model) if (e := _model_error(model, example))]
        for name, model in models.items()
    }

    assert shown == {name: examples_of(model) for name, model in models.items()}
    assert refused == {name: [] for name in models}
    # Found through the handlers: top-level bodies, nested models and generated event bodies.
    assert {"ProposalCreate", "BudgetLineIn", "DeclineData", "ReviewAssignmentSubmitEvent"} <= set(
        models
    )


def _validator(spec: dict[str, Any], name: str) -> Any:
    """A JSON Schema 2020-12 validator (OpenAPI 3.1's dialect) of one component schema."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    return jsonschema_rs.Draft202012Validator(schema)


def _model_error(model: type[BaseModel], example: dict[str, Any]) -> Exception | None:
    try:
        model.model_validate(example)
    except ValueError as exc:
        return exc
    return None
