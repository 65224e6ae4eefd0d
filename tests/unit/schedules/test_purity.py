"""schedules is a pure library: it imports the standard library and itself, nothing else."""

import ast
import sys
from pathlib import Path

import schedules

PACKAGE = Path(schedules.__file__).parent


def imported_roots(source: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_schedules_imports_only_stdlib_and_itself() -> None:
    allowed = set(sys.stdlib_module_names) | {"schedules", "__future__"}

    foreign = {
        f"{source.name}: {root}"
        for source in sorted(PACKAGE.glob("*.py"))
        for root in imported_roots(source) - allowed
    }

    assert foreign == set()
