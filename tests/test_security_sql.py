"""All SQL goes through bound parameters: a static check over the source tree.

Two rules, on the syntax tree of every module in the packages (migrations included):
1. what reaches a raw-SQL sink (`text`, `execute`, `exec_driver_sql`, `executemany`,
   `executescript`, `literal_column`) is never a string built at run time (f-string, `%`, `+`,
   `.format`);
2. no string that reads like SQL is built at run time anywhere, so it cannot reach a sink
   through a variable either.
The one exception is a value that is an `int(...)` call or a number: statements such as
`PRAGMA busy_timeout = N` take no bound parameters, and an int cannot carry SQL.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("citywatch", "scraper", "snapshots", "scheduler", "parsers")
SINKS = {"text", "execute", "exec_driver_sql", "executemany", "executescript", "literal_column"}
SQL_START = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WITH|REPLACE|VACUUM|ATTACH|"
    r"TRUNCATE|GRANT|LOCK|SET|BEGIN|COPY)\b",
    re.IGNORECASE,
)


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py"))


def _harmless(value: ast.expr) -> bool:
    """An interpolated value that cannot carry SQL: a number, or int(...)."""
    if isinstance(value, ast.Constant) and isinstance(value.value, int | float):
        return True
    return (
        isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "int"
    )


def _literal_text(node: ast.expr) -> str | None:
    """The literal part of a string-building expression, or None if it builds no string."""
    if isinstance(node, ast.JoinedStr):
        if all(_harmless(v.value) for v in node.values if isinstance(v, ast.FormattedValue)):
            return None
        return (
            "".join(
                v.value
                for v in node.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
            or "?"
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        for side in (node.left, node.right):
            if isinstance(side, ast.Constant) and isinstance(side.value, str):
                other = node.right if side is node.left else node.left
                if isinstance(node.op, ast.Mod) and _harmless(other):
                    return None
                return side.value
            inner = _literal_text(side)
            if inner is not None:
                return inner
        return None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
    ):
        if all(_harmless(a) for a in node.args) and not node.keywords:
            return None
        return node.func.value.value
    return None


def _builds_string(node: ast.expr) -> bool:
    """Whether the expression builds a string at run time (whatever its parts are)."""
    if isinstance(node, ast.JoinedStr):
        return _literal_text(node) is not None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return not (isinstance(node.op, ast.Mod) and _harmless(node.right))
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("format", "join", "replace")
    )


def _sink_name(call: ast.Call) -> str | None:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name if name in SINKS else None


def _scan(source: str, where: str) -> Iterator[str]:
    for node in ast.walk(ast.parse(source, filename=where)):
        if isinstance(node, ast.Call):
            sink = _sink_name(node)
            if sink and node.args and _builds_string(node.args[0]):
                yield f"{where}:{node.lineno}: {sink}() gets a string built at run time"
        if isinstance(node, ast.JoinedStr | ast.BinOp | ast.Call):
            literal = _literal_text(node)
            if literal is not None and SQL_START.match(literal):
                yield f"{where}:{node.lineno}: SQL built at run time: {literal.strip()[:60]!r}"


def _findings(path: Path) -> Iterator[str]:
    yield from _scan(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))


def test_the_scan_sees_the_code() -> None:
    modules = _modules()
    assert len(modules) > 30
    assert REPO / "snapshots" / "engine.py" in modules


@pytest.mark.parametrize(
    "source",
    [
        'conn.execute(f"SELECT * FROM t WHERE id = {x}")',
        'conn.exec_driver_sql("DELETE FROM t WHERE k = %s" % key)',
        'sa.text("SELECT * FROM " + table)',
        'q = "UPDATE t SET a = {}".format(v)',
        'q = f"INSERT INTO t VALUES ({v})"',
        "conn.execute(query % name)",
    ],
)
def test_the_scan_catches_string_built_sql(source: str) -> None:
    assert list(_scan(source, "probe.py")), source


@pytest.mark.parametrize(
    "source",
    [
        'cur.execute(f"PRAGMA busy_timeout = {int(t * 1000)}")',
        'conn.execute(sa.text("SELECT 1 WHERE a = :a"), {"a": value})',
        "conn.execute(sa.select(t).where(t.c.id == x))",
        'log.info(f"selected {n} rows")',
    ],
)
def test_the_scan_allows_safe_sql(source: str) -> None:
    assert list(_scan(source, "probe.py")) == []


def test_all_sql_goes_through_bound_parameters() -> None:
    findings = [f for path in _modules() for f in _findings(path)]
    assert findings == [], "\n".join(findings)
