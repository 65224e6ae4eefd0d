"""Checks over the whole catalogue of machines the application uses."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

import workflows
from workflows import ALL_MACHINES
from workflows.diagram import render_markdown
from workflows.engine import Machine
from workflows.roles import ALL_ROLES, GLOBAL_ROLES, RELATIONAL_ROLES

per_machine = pytest.mark.parametrize("machine", ALL_MACHINES, ids=lambda m: m.name)


def test_all_machines_names_in_document_order() -> None:
    names = [machine.name for machine in ALL_MACHINES]

    assert names == [
        "account",
        "call",
        "proposal",
        "call_service",
        "review_assignment",
        "ranking",
        "grant",
        "tranche",
        "amendment",
        "progress_report",
        "midterm_gate",
    ]


@per_machine
def test_machine_roles_are_declared_role_names(machine: Machine[Any]) -> None:
    used = {role for t in machine.transitions for role in t.roles}

    assert used - ALL_ROLES == set()


@per_machine
def test_machine_guards_document_their_rule(machine: Machine[Any]) -> None:
    undocumented = [g.__name__ for t in machine.transitions for g in t.guards if not g.__doc__]

    assert undocumented == []


@per_machine
def test_machine_context_is_frozen_dataclass(machine: Machine[Any]) -> None:
    params = machine.context.__dataclass_params__  # type: ignore[attr-defined]

    assert params.frozen is True


def test_global_and_relational_roles_do_not_overlap() -> None:
    assert GLOBAL_ROLES.isdisjoint(RELATIONAL_ROLES)


def test_render_markdown_all_machines_has_one_section_each() -> None:
    document = render_markdown(ALL_MACHINES)
    headings = [line for line in document.splitlines() if line.startswith("#")]

    assert headings == ["# CoFund workflows"] + [f"## {m.name}" for m in ALL_MACHINES]


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    return {name.split(".")[0] for name in names}


def test_workflows_never_imports_the_application_or_frameworks() -> None:
    package = Path(workflows.__file__).parent
    imported = set().union(*(imported_packages(p) for p in package.rglob("*.py")))

    assert imported & {"grants", "litestar", "sqlalchemy", "advanced_alchemy"} == set()
