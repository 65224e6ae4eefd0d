"""Message definitions and the messages built from them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from string import Formatter
from typing import Any

__all__ = ["REGISTRY", "Definition", "Message", "MessageError", "MessageParamsError", "define"]


class MessageParamsError(TypeError):
    """A message was built with parameters other than its text's placeholders: a programming
    error, raised where the message is built so a test finds it before any reader sees a
    half-rendered sentence."""


def placeholders(text: str) -> frozenset[str]:
    """The `{name}` placeholders of a message text."""
    return frozenset(name for _, name, _, _ in Formatter().parse(text) if name)


@dataclass(frozen=True, slots=True)
class Message:
    """One message to show: its code, its English text and its parameters (plain values, money,
    instants, terms). Rendered by `messages.render`; `str()` gives the English."""

    code: str
    text: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        from messages.render import render

        return render(self, "en")


@dataclass(frozen=True, slots=True)
class Definition:
    """A message's code and English text; call it with the parameters to get a `Message`."""

    code: str
    text: str
    names: frozenset[str]

    def __call__(self, **params: Any) -> Message:
        if params.keys() != self.names:
            missing = sorted(self.names - params.keys())
            extra = sorted(params.keys() - self.names)
            raise MessageParamsError(
                f"message {self.code!r}: missing parameters {missing}, unknown {extra}"
            )
        return Message(self.code, self.text, params)


REGISTRY: dict[str, Definition] = {}


def define(code: str, text: str) -> Definition:
    """Declare a message. A code is defined once: the same code with another text is an error,
    since the catalogs hold one translation per code."""
    known = REGISTRY.get(code)
    if known is not None and known.text != text:
        raise ValueError(f"message code {code!r} is defined twice with different texts")
    definition = Definition(code, text, placeholders(text))
    REGISTRY[code] = definition
    return definition


class MessageError(ValueError):
    """A `ValueError` that carries its message, for validators (Pydantic keeps the exception,
    so the edge renders the message in the reader's language instead of the English text)."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message
