"""`opendata` is a pure library: it never imports `grants`, Litestar or a database."""

from __future__ import annotations

import ast
from pathlib import Path

import opendata

FORBIDDEN = ("grants", "litestar", "sqlalchemy", "advanced_alchemy")


def test_opendata_imports_no_application_web_or_database_module() -> None:
    imported = set()
    for path in Path(opendata.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])

    assert imported & set(FORBIDDEN) == set()
    assert "opendata" in imported
