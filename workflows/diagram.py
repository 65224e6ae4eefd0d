"""Mermaid diagrams and a Markdown document generated from the machine tables.

Output is deterministic (declaration order throughout) so a test can compare the committed
`docs/workflows.md` with a fresh rendering byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from workflows.engine import Guard, Machine, Transition

DEFAULT_TITLE = "CoFund workflows"
_PREAMBLE = (
    "Generated from the machine tables in `workflows/` by `grants workflows diagram`; "
    "do not edit by hand."
)
_HEADER = (
    "| event | from | to | roles | guards | description |",
    "| --- | --- | --- | --- | --- | --- |",
)


def mermaid(machine: Machine[Any]) -> str:
    """Return `machine` as a Mermaid `stateDiagram-v2` (no trailing newline).

    The initial state hangs from `[*]`, each final state leads to `[*]`, and every edge is
    labelled `event (roles)`; a transition with several sources draws one edge per source.
    """
    lines = ["stateDiagram-v2", f"    [*] --> {machine.initial}"]
    for transition in machine.transitions:
        label = f"{transition.event} ({', '.join(transition.roles)})"
        lines.extend(
            f"    {source} --> {transition.target} : {label}" for source in transition.sources
        )
    lines.extend(f"    {state} --> [*]" for state in machine.final)
    return "\n".join(lines)


def transitions_table(machine: Machine[Any]) -> str:
    """Return a Markdown table of `machine`'s transitions, guards named by their docstrings."""
    rows = [_row(transition) for transition in machine.transitions]
    return "\n".join([*_HEADER, *rows])


def render_markdown(machines: Iterable[Machine[Any]], title: str = DEFAULT_TITLE) -> str:
    """Return a whole Markdown document: a title, then per machine a diagram and its table."""
    parts = [f"# {title}", _PREAMBLE]
    for machine in machines:
        parts.append(f"## {machine.name}")
        parts.append(f"```mermaid\n{mermaid(machine)}\n```")
        parts.append(transitions_table(machine))
    return "\n\n".join(parts) + "\n"


def guard_summary(guard: Guard[Any]) -> str:
    """Return the first line of `guard`'s docstring (the rule), else its name."""
    doc = (getattr(guard, "__doc__", None) or "").strip()
    if doc:
        return doc.splitlines()[0].strip()
    return getattr(guard, "__name__", repr(guard))


def _row(transition: Transition[Any]) -> str:
    cells = (
        f"`{transition.event}`",
        ", ".join(transition.sources),
        transition.target,
        ", ".join(transition.roles),
        "<br>".join(guard_summary(guard) for guard in transition.guards),
        transition.description,
    )
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def _cell(text: str) -> str:
    # A pipe would end the cell and a newline the row.
    return text.replace("|", "\\|").replace("\n", " ")
