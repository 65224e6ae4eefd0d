"""A small door machine the engine tests share; its table is easy to reason about."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from messages import Message, define
from workflows.engine import Machine, Transition

NEED_KEY = define("test.door.need_key", "You need the key.")
IN_THE_WAY = define("test.door.in_the_way", "{obstacle} is in the way.")


@dataclass(frozen=True)
class DoorContext:
    has_key: bool
    obstacles: tuple[str, ...] = ()


def holds_key(ctx: DoorContext) -> Iterator[Message]:
    """The actor holds the key."""
    if not ctx.has_key:
        yield NEED_KEY()


def nothing_in_the_way(ctx: DoorContext) -> Iterator[Message]:
    """Nothing blocks the door.

    Extra lines are not part of the rule shown in the diagram.
    """
    for obstacle in ctx.obstacles:
        yield IN_THE_WAY(obstacle=obstacle)


def undocumented(ctx: DoorContext) -> tuple[Message, ...]:
    return ()


DOOR = Machine(
    name="door",
    states=("closed", "open", "locked", "broken"),
    initial="closed",
    transitions=(
        Transition("open", ("closed",), "open", ("resident", "guest")),
        Transition("close", ("open",), "closed", ("resident", "guest"), (nothing_in_the_way,)),
        Transition("lock", ("closed",), "locked", ("resident",), (holds_key, nothing_in_the_way)),
        Transition("unlock", ("locked",), "closed", ("resident",), (holds_key,)),
        Transition("smash", ("closed", "locked"), "broken", ("burglar",), (undocumented,)),
    ),
    final=("broken",),
    context=DoorContext,
)

KEY = DoorContext(has_key=True)
NO_KEY = DoorContext(has_key=False)
