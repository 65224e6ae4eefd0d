"""The generic workflow endpoints: one transitions and one events route per event of every
binding, each event's own body in OpenAPI with problem+json errors, and unknown events named."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from grants.bindings import BINDINGS
from tests.factories import bearer, make_user
from tests.support.problems import problem

Client = httpx.AsyncClient


async def test_openapi_has_every_event_of_every_binding(client: Client) -> None:
    spec = (await client.get("/schema/openapi.json")).json()

    expected = {
        f"/api/{b.resource}/{{{b.id_name}}}/events/{event}"
        for b in BINDINGS
        for event in b.machine.events
    } | {f"/api/{b.resource}/{{{b.id_name}}}/transitions" for b in BINDINGS}
    documented = {p for p in spec["paths"] if "/events/" in p or p.endswith("/transitions")}

    assert documented == expected
    assert "/api/calls/{call_id}/events/{event}" not in spec["paths"]


async def test_an_events_body_declares_its_own_data_and_problem_answers(client: Client) -> None:
    spec = (await client.get("/schema/openapi.json")).json()
    schemas = spec["components"]["schemas"]

    operation = spec["paths"]["/api/assignments/{assignment_id}/events/decline"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    event = schemas[body.rsplit("/", 1)[1]]
    data = schemas[event["properties"]["data"]["$ref"].rsplit("/", 1)[1]]

    assert (event["required"], sorted(event["properties"])) == (["version"], ["data", "version"])
    assert (data["required"], data["properties"]["reason"]["maxLength"]) == (["reason"], 2000)
    assert sorted(operation["responses"]) == [
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "413",
        "422",
    ]
    assert operation["responses"]["409"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    assert operation["operationId"] == "assignments_decline"


async def test_unknown_event_answers_404_naming_the_machine(
    client: Client, db: AsyncSession
) -> None:
    admin = await make_user(db, "admin")
    headers = await bearer(db, admin)

    response = await client.post(
        f"/api/users/{admin.id}/events/promote", headers=headers, json={"version": 1}
    )

    assert (response.status_code, response.headers["content-type"]) == (
        404,
        "application/problem+json",
    )
    assert (response.json()["detail"], response.json()["code"], response.json()["params"]) == (
        "The account workflow has no event 'promote'.",
        "workflow.unknown_event",
        {"machine": "account", "event": "promote"},
    )


async def test_transitions_declare_each_reason_with_its_code_and_parameters(
    client: Client,
) -> None:
    schemas = (await client.get("/schema/openapi.json")).json()["components"]["schemas"]

    item = schemas["TransitionOption"]["properties"]["reasons"]["items"]["$ref"]
    reason = schemas[item.rsplit("/", 1)[1]]
    assert sorted(reason["required"]) == ["code", "message", "params"]
    assert reason["properties"]["params"]["type"] == "object"


async def test_no_such_service_answers_404_with_its_message(
    client: Client, db: AsyncSession
) -> None:
    headers = await bearer(db, await make_user(db, "admin"))
    url = f"/api/call-reviewers/{uuid.uuid4()}/transitions"

    response = await client.get(url, headers=headers)

    assert problem(response) == {
        "type": "urn:cofund:problem:not_found",
        "title": "Not found",
        "status": 404,
        "detail": "No such service.",
        "instance": url,
        "code": "service.not_found",
        "params": {},
    }
