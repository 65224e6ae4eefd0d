"""transparency is a pure library: the standard library, `cryptography` and itself only."""

import ast
import sys
from pathlib import Path

import transparency

PACKAGE = Path(transparency.__file__).parent


def imported_roots(source: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_transparency_imports_only_stdlib_cryptography_and_itself() -> None:
    allowed = set(sys.stdlib_module_names) | {"transparency", "cryptography", "__future__"}

    foreign = {
        f"{source.name}: {root}"
        for source in sorted(PACKAGE.glob("*.py"))
        for root in imported_roots(source) - allowed
    }

    assert foreign == set()
