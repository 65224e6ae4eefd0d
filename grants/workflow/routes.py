"""The generic workflow endpoints, one router per binding: `GET /api/<resource>/{id}/transitions`
and one `POST /api/<resource>/{id}/events/<event>` per event of the machine, each declaring its
own body (the event's data schema) and answer in OpenAPI.
"""

from __future__ import annotations

import inspect
import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.handlers import HTTPRouteHandler
from pydantic import BaseModel, Field, create_model
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.deps import request_id_of
from grants.common.locales import request_locale
from grants.common.problems import Reason, problem_responses
from grants.common.schemas import Input, TransitionOption, examples, examples_of
from grants.errors import NotFound
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings
from grants.workflow.binding import Binding
from grants.workflow.service import EventRequest, fire, options
from messages import Message, params_json, render
from workflows.errors import UnknownEvent

# The version an example event body was seen at (any version a client read from the resource).
EXAMPLE_VERSION: dict[str, Any] = {"version": 3}


def router_for(binding: Binding[Any]) -> Router:
    """The transitions endpoint and one events endpoint per event of `binding`'s machine."""
    handlers = [_transitions_handler(binding), _unknown_event_handler(binding)]
    handlers += [_event_handler(binding, event) for event in binding.machine.events]
    return Router(
        path=f"/api/{binding.resource}",
        route_handlers=handlers,
        guards=[authenticated],
        tags=[binding.tag],
    )


def body_model(binding: Binding[Any], event: str) -> type[BaseModel]:
    """`{"version": <seen>, "data": {…}}` with the event's own data schema."""
    schema = binding.data_schema(event)
    # Not required at the body's level even when the data has required fields: a missing
    # `data` is then reported field by field (`data.reason`), like any other missing field.
    required = any(f.is_required() for f in schema.model_fields.values())
    data_field: Any = (schema, Field(default_factory=dict if required else schema))
    name = f"{_camel(binding.entity_type)}{_camel(event)}Event"
    bodies = [{**EXAMPLE_VERSION, "data": data} for data in examples_of(schema)]
    if not bodies and not required:
        bodies = [EXAMPLE_VERSION]
    # The examples ride on a base class: Pydantic takes no `__config__` beside a `__base__`.
    base = type(f"{name}Base", (Input,), {"model_config": examples(*bodies)} if bodies else {})
    return create_model(
        name,
        __base__=base,
        __doc__=f"Fire `{event}` on a {binding.machine.name}: the version you saw and its data.",
        version=(int, Field(ge=1, description="The version of the resource you saw.")),
        data=data_field,
    )


def _transitions_handler(binding: Binding[Any]) -> HTTPRouteHandler:
    id_name = binding.id_name

    async def transitions(**kwargs: Any) -> list[TransitionOption]:
        found = await options(kwargs["db_session"], binding, kwargs[id_name], kwargs["principal"])
        locale = request_locale(kwargs["request"])
        return [
            TransitionOption(
                event=o.event,
                target=o.target,
                description=o.description,
                allowed=o.allowed,
                reasons=[_reason(r, locale) for r in o.reasons],
            )
            for o in found
        ]

    _sign(transitions, id_name, {}, list[TransitionOption])
    return get(
        f"/{{{id_name}:uuid}}/transitions",
        name=f"{binding.resource}:transitions",
        summary=f"Events of a {binding.machine.name}'s state",
        responses=problem_responses(s401="Not signed in.", s404="No such resource for you."),
        description=(
            f"Every event you may fire from the {binding.machine.name}'s current state, each "
            "with whether its guards allow it now and every reason they refuse it. What is "
            "listed as allowed is exactly what the events endpoint accepts."
        ),
    )(transitions)


def _unknown_event_handler(binding: Binding[Any]) -> HTTPRouteHandler:
    """Any other event name: 404 naming the machine, never the router's bare "Not Found"."""

    async def unknown_event(event: str) -> None:
        raise NotFound(UnknownEvent(binding.machine.name, "", event).reasons[0])

    return post(
        f"/{{{binding.id_name}:uuid}}/events/{{event:str}}",
        name=f"{binding.resource}:unknown-event",
        include_in_schema=False,
    )(unknown_event)


def _event_handler(binding: Binding[Any], event: str) -> HTTPRouteHandler:
    id_name = binding.id_name
    body = body_model(binding, event)

    async def fire_event(**kwargs: Any) -> Any:
        session: AsyncSession = kwargs["db_session"]
        principal: Principal = kwargs["principal"]
        sent = kwargs["data"]
        target = await fire(
            session,
            binding,
            kwargs[id_name],
            event,
            EventRequest(sent.version, _raw(sent.data)),
            principal,
            settings=kwargs["settings"],
            request_id=request_id_of(kwargs["request"]),
        )
        return await binding.view(session, principal, target)

    _sign(fire_event, id_name, {"data": body, "settings": Settings}, binding.view_type)
    descriptions = {t.description for t in binding.machine.transitions if t.event == event}
    return post(
        f"/{{{id_name}:uuid}}/events/{event}",
        name=f"{binding.resource}:{event}",
        status_code=200,
        summary=f"{_camel(event, ' ')} a {binding.machine.name}",
        description=(
            f"{' '.join(sorted(descriptions))} Refused with 409 and every reason when the "
            "state or a guard does not allow it (see the transitions endpoint), 409 "
            "`stale_version` when you saw an older version, 403 when your role may not."
        ),
        operation_id=f"{binding.resource}_{event}".replace("-", "_"),
        opt={"event_body": True},
        responses=problem_responses(
            s400="The body is not JSON.",
            s401="Not signed in.",
            s403="Your role may not fire this event (e.g. another agency's officer).",
            s404="No such resource for you (its existence is not revealed).",
            s409="Refused by the state or a guard (every reason listed), or a stale version.",
            s422="The event's data is invalid (every field named).",
        ),
    )(fire_event)


def _reason(reason: Message | str, locale: str) -> Reason:
    """A guard's reason rendered in `locale` beside its code and parameters; a plain text (a
    check not yet speaking in messages) has no code."""
    if isinstance(reason, str):
        return Reason(code=None, params={}, message=reason)
    return Reason(
        code=reason.code, params=params_json(reason.params), message=render(reason, locale)
    )


def _raw(data: BaseModel | dict[str, Any]) -> dict[str, Any]:
    return data if isinstance(data, dict) else data.model_dump(mode="json", exclude_unset=True)


def _sign(fn: Any, id_name: str, extra: dict[str, Any], returns: Any) -> None:
    """Give a generated handler the signature Litestar injects by (names and types)."""
    annotations: dict[str, Any] = {
        "request": Request[Any, Any, Any],
        "principal": Principal,
        "db_session": AsyncSession,
        id_name: uuid.UUID,
        **extra,
    }
    fn.__signature__ = inspect.Signature(
        [
            inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, annotation=t)
            for n, t in annotations.items()
        ],
        return_annotation=returns,
    )
    fn.__annotations__ = {**annotations, "return": returns}
    fn.__name__ = f"{fn.__name__}_{id_name}"


def _camel(name: str, sep: str = "") -> str:
    return sep.join(part.capitalize() for part in name.split("_"))
