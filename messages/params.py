"""Parameter types a message may carry beyond plain text and numbers, and their JSON form for
problem+json (`params`), so a client can render a message itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

__all__ = ["Instant", "MoneyLike", "Term", "param_json", "params_json"]


@runtime_checkable
class MoneyLike(Protocol):
    """An amount in minor units with its ISO 4217 code (`grants.money.Money` is one)."""

    @property
    def amount(self) -> int: ...

    @property
    def currency(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Instant:
    """A moment shown in each of `zones` (IANA names), e.g. a deadline in both agencies' time;
    with no zone, in UTC."""

    at: datetime
    zones: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Term:
    """A word of the product's vocabulary (a state, a role, a budget category) shown in the
    reader's language: the message `code` names it; `value` is its API value."""

    code: str
    value: str


def param_json(value: Any) -> Any:
    """A parameter as JSON: money as `{amount, currency}`, instants and dates as ISO 8601,
    terms as their API value, sequences as lists, a message inside a message as its own
    `{code, params}`."""
    from messages.core import Message

    if isinstance(value, Message):
        return {"code": value.code, "params": params_json(value.params)}
    if isinstance(value, MoneyLike) and not isinstance(value, str | int):
        return {"amount": value.amount, "currency": value.currency}
    if isinstance(value, Instant):
        return value.at.isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Term):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [param_json(item) for item in value]
    return value


def params_json(params: Mapping[str, Any]) -> dict[str, Any]:
    return {name: param_json(value) for name, value in params.items()}
