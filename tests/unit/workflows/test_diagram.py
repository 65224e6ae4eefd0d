from __future__ import annotations

from tests.unit.workflows.toy import DOOR, holds_key, nothing_in_the_way, undocumented
from workflows.diagram import guard_summary, mermaid, render_markdown, transitions_table
from workflows.engine import Machine, Transition

DOOR_MERMAID = """\
stateDiagram-v2
    [*] --> closed
    closed --> open : open (resident, guest)
    open --> closed : close (resident, guest)
    closed --> locked : lock (resident)
    locked --> closed : unlock (resident)
    closed --> broken : smash (burglar)
    locked --> broken : smash (burglar)
    broken --> [*]"""

DOOR_TABLE = """\
| event | from | to | roles | guards | description |
| --- | --- | --- | --- | --- | --- |
| `open` | closed | open | resident, guest |  |  |
| `close` | open | closed | resident, guest | Nothing blocks the door. |  |
| `lock` | closed | locked | resident | The actor holds the key.<br>Nothing blocks the door. |  |
| `unlock` | locked | closed | resident | The actor holds the key. |  |
| `smash` | closed, locked | broken | burglar | undocumented |  |"""


def test_mermaid_toy_machine_matches_expected_text() -> None:
    assert mermaid(DOOR) == DOOR_MERMAID


def test_transitions_table_toy_machine_matches_expected_text() -> None:
    assert transitions_table(DOOR) == DOOR_TABLE


def test_render_markdown_toy_machine_is_whole_document() -> None:
    expected = (
        "# Doors\n\n"
        "Generated from the machine tables in `workflows/` by `grants workflows diagram`; "
        "do not edit by hand.\n\n"
        "## door\n\n"
        f"```mermaid\n{DOOR_MERMAID}\n```\n\n"
        f"{DOOR_TABLE}\n"
    )

    assert render_markdown([DOOR], title="Doors") == expected


def test_render_markdown_is_deterministic() -> None:
    assert render_markdown([DOOR, DOOR]) == render_markdown([DOOR, DOOR])


def test_guard_summary_uses_first_docstring_line() -> None:
    summaries = [guard_summary(g) for g in (holds_key, nothing_in_the_way, undocumented)]

    assert summaries == ["The actor holds the key.", "Nothing blocks the door.", "undocumented"]


def test_transitions_table_escapes_pipes_in_cells() -> None:
    machine = Machine(
        name="pipes",
        states=("a", "b"),
        initial="a",
        transitions=(Transition("go", ("a",), "b", ("r",), description="yes | no"),),
        context=object,
    )

    assert transitions_table(machine).splitlines()[-1] == "| `go` | a | b | r |  | yes \\| no |"
