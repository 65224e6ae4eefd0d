"""What ties a machine of `workflows/` to the database: one binding per stateful resource.

A binding loads its entity (locking the rows a race needs), computes the caller's roles — global
and relational — and the guards' facts from the database itself, and holds the event's side
effects. `grants.workflow.service.fire` is the only caller; no one else passes roles or facts.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.errors import NotFound
from grants.security.principal import Principal
from grants.settings import Settings
from messages import Message
from workflows.engine import Machine


class Stateful(Protocol):
    """What an entity needs to take part in a workflow."""

    id: Any
    state: str
    version: int


E = TypeVar("E")
R = TypeVar("R")


class NoData(BaseModel):
    """The data of an event that carries none: anything sent is an error."""

    model_config = ConfigDict(extra="forbid")


@dataclass(slots=True)
class Target(Generic[E]):
    """An entity as one caller reaches it: the row, what the binding loaded beside it (`scope`,
    e.g. the proposal's call) and the roles the caller holds on it."""

    entity: E
    roles: frozenset[str]
    scope: Any = None


@dataclass(frozen=True, slots=True)
class Firing:
    """One event being applied: who, with which data, in which request; `to_state` is the
    state the machine decided on (set once it has)."""

    principal: Principal
    event: str
    data: BaseModel
    settings: Settings
    request_id: str | None = None
    to_state: str | None = None


class Binding(ABC, Generic[E]):
    """The database side of one machine. Subclasses declare the class attributes and implement
    `load`, `context` and `view`; `effects` is optional.

    `resource` is the URL segment (`/api/<resource>/{<id_name>}/…`), `entity_type` the audit name,
    `data` the body schema of each event that carries data, `follow_ups` the event the kernel
    tries right after another succeeded (the last agency's approval records the subject), or
    several, of which it applies the first the machine accepts then (a decision's key leads to
    the award or the rejection).
    """

    resource: ClassVar[str]
    id_name: ClassVar[str]
    entity_type: ClassVar[str]
    machine: ClassVar[Machine[Any]]
    view_type: ClassVar[type[BaseModel]]
    tag: ClassVar[str]
    data: ClassVar[Mapping[str, type[BaseModel]]] = {}
    follow_ups: ClassVar[Mapping[str, str | tuple[str, ...]]] = {}

    @abstractmethod
    async def load(
        self,
        session: AsyncSession,
        principal: Principal,
        entity_id: uuid.UUID,
        event: str | None,
    ) -> Target[E]:
        """The entity and the caller's roles on it; raises NotFound when the caller may not see
        it. `event` is the event about to be fired (None to list options): lock what it races on.
        """

    @abstractmethod
    async def context(self, session: AsyncSession, principal: Principal, target: Target[E]) -> Any:
        """The guards' facts, read from the database (never from the request)."""

    async def effects(
        self, session: AsyncSession, target: Target[E], firing: Firing
    ) -> Mapping[str, Any]:
        """Run the event's side effects after the machine accepted it and before the new state
        is written, in the same transaction; return what they changed for the audit event.
        Write other rows first and the entity's own attributes last (one version bump)."""
        return {}

    @abstractmethod
    async def view(self, session: AsyncSession, principal: Principal, target: Target[E]) -> Any:
        """The resource as the caller sees it after the event (the events endpoint's answer)."""

    def data_schema(self, event: str) -> type[BaseModel]:
        """The body schema of `event`'s data."""
        return self.data.get(event, NoData)


async def row_for_event(
    session: AsyncSession, model: type[R], entity_id: uuid.UUID, *, lock: bool, missing: Message
) -> R:
    """The `model` row `entity_id`, under its row lock when an event fires on it: callers
    racing on one entity queue there, and the later ones meet its new state. Raises
    NotFound(`missing`) when there is no such row."""
    query = select(model).where(model.id == entity_id)  # type: ignore[attr-defined]
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    row = await session.scalar(query)
    if row is None:
        raise NotFound(missing)
    return row
