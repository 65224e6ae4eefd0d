"""State names in `grants/` go through the machines' StrEnums, never bare strings.

An AST scan of `grants/**/*.py` (Alembic migrations and the demo's texts excluded: migrations
are frozen history, the demo writes prose) for string constants equal to a state name of a
machine in `workflows/machines/` or to a conflict status (`ConflictStatus`), where they are
used as states:

- an operand of a comparison (`==`, `!=`, `in`, `not in`) whose other side is a state-like
  expression (an attribute or name `state`, `status`, `from_state`, `to_state`), alone or in
  a tuple, list or set;
- an argument of `.in_(...)` / `.not_in(...)` called on a state-like expression;
- the value of a keyword `state=`, `status=` or of a dictionary key `"state"`, `"status"`
  (also either branch of a conditional), or the `default=` of a `state`/`status` column;
- a tuple, list or set literal made only of state names (and `None`, as in an audit
  change `[None, "proposed"]`), wherever it appears: state tuples, default parameters.

The same words elsewhere are not states and are left alone: an entity type (`"ranking"`), a
message, a bid level, a dictionary key. The scan stays that narrow so it has no false
positives; `test_scan_finds_each_kind_of_bare_state` keeps each rule honest.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from grants.db.models.reviews import ConflictStatus
from workflows.machines import ALL_MACHINES

ROOT = Path(__file__).resolve().parents[3] / "grants"
EXCLUDED = ("migrations", "demo")
STATE_NAMES = frozenset(str(s) for m in ALL_MACHINES for s in m.states) | set(ConflictStatus)
STATE_LIKE = frozenset({"state", "status", "from_state", "to_state"})
COLLECTIONS = (ast.Tuple, ast.List, ast.Set)


def _is_state_name(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in STATE_NAMES


def _literals(node: ast.AST) -> list[ast.Constant]:
    """State-name constants of `node` itself, or of its elements when it is a collection."""
    items = node.elts if isinstance(node, COLLECTIONS) else [node]
    if isinstance(node, ast.IfExp):
        items = [node.body, node.orelse]
    return [n for n in items if isinstance(n, ast.Constant) and _is_state_name(n)]


def _state_like(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in STATE_LIKE
    return isinstance(node, ast.Name) and node.id in STATE_LIKE


def _state_collection(node: ast.AST) -> bool:
    if not isinstance(node, COLLECTIONS) or not node.elts:
        return False
    names = [n for n in node.elts if not (isinstance(n, ast.Constant) and n.value is None)]
    return bool(names) and all(_is_state_name(n) for n in names)


def _in_comparisons(node: ast.AST) -> Iterator[ast.Constant]:
    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        if any(_state_like(o) for o in operands):
            for operand in operands:
                yield from _literals(operand)


def _in_calls(node: ast.AST) -> Iterator[ast.Constant]:
    if not isinstance(node, ast.Call):
        return
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in {"in_", "not_in"}
        and _state_like(func.value)
    ):
        for arg in node.args:
            yield from _literals(arg)
    for keyword in node.keywords:
        if keyword.arg in {"state", "status"}:
            yield from _literals(keyword.value)


def _in_dicts(node: ast.AST) -> Iterator[ast.Constant]:
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value in {"state", "status"}:
                yield from _literals(value)


def _in_column_defaults(node: ast.AST) -> Iterator[ast.Constant]:
    if not (isinstance(node, ast.AnnAssign) and _state_like(node.target)):
        return
    if isinstance(node.value, ast.Call):
        for keyword in node.value.keywords:
            if keyword.arg == "default":
                yield from _literals(keyword.value)


def bare_states(source: str) -> list[tuple[int, str]]:
    """(line, literal) of every bare state name in `source` the rules above catch."""
    found: set[tuple[int, str]] = set()
    for node in ast.walk(ast.parse(source)):
        hits = [*_in_comparisons(node), *_in_calls(node), *_in_dicts(node)]
        hits += _in_column_defaults(node)
        if _state_collection(node):
            hits += _literals(node)
        found |= {(hit.lineno, str(hit.value)) for hit in hits}
    return sorted(found)


def _sources() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        if not set(path.relative_to(ROOT).parts[:-1]) & set(EXCLUDED):
            yield path


def test_grants_has_no_bare_state_names() -> None:
    found = [
        f"{path.relative_to(ROOT.parent)}:{line}: {literal!r}"
        for path in _sources()
        for line, literal in bare_states(path.read_text())
    ]

    assert found == []


def test_scan_finds_each_kind_of_bare_state() -> None:
    source = "\n".join(
        [
            'if proposal.state == "draft": pass',
            'ok = "final" != ranking.status',
            'ok = row.state in ("invited", "accepted")',
            'query = select(P).where(P.state.in_(["eligible"]))',
            'row = Row(state="proposed", status="active" if x else "waived")',
            'state: Mapped[str] = mapped_column(String(16), default="open")',
            'DECIDED = ("awarded", "rejected")',
            'changes = {"state": [None, "submitted"]}',
            'fields = {"status": "dismissed"}',
        ]
    )

    assert bare_states(source) == [
        (1, "draft"),
        (2, "final"),
        (3, "accepted"),
        (3, "invited"),
        (4, "eligible"),
        (5, "active"),
        (5, "proposed"),
        (5, "waived"),
        (6, "open"),
        (7, "awarded"),
        (7, "rejected"),
        (8, "submitted"),
        (9, "dismissed"),
    ]


def test_scan_leaves_other_uses_of_the_words_alone() -> None:
    source = "\n".join(
        [
            'subject = Subject("ranking", ranking.id)',
            'ok = Approval.subject_type == "ranking"',
            'reason = f"The call is {call.state}, not open."',
            'level = {"draft": 1}["draft"]',
            'ok = bid.level == "conflict"',
            'pair = ("open", 3)',
        ]
    )

    assert bare_states(source) == []
