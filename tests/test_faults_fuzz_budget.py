"""The property and fuzz tests (hypothesis) run in CI for a bounded time: every `@given` test
states its own `max_examples`, within a ceiling, and pytest-timeout ends any single test that
still runs away (hypothesis `deadline=None` leaves one slow example unbounded otherwise)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

TESTS = Path(__file__).resolve().parent
MAX_EXAMPLES_CEILING = 500
TIMEOUT_CEILING_S = 600


def _settings_examples(call: ast.expr) -> int | None:
    """max_examples of a `settings(...)` call, if it is one and says so."""
    if not isinstance(call, ast.Call):
        return None
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    if name != "settings":
        return None
    for keyword in call.keywords:
        value = keyword.value
        if keyword.arg == "max_examples" and isinstance(value, ast.Constant):
            return value.value if isinstance(value.value, int) else None
    return None


def _given_tests() -> dict[str, int | None]:
    """'file::test' -> the max_examples that applies to it (None: none stated)."""
    found: dict[str, int | None] = {}
    for path in sorted(TESTS.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        named = {
            target.id: _settings_examples(node.value)
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            decorators = node.decorator_list
            uses_given = any(
                isinstance(d, ast.Call) and getattr(d.func, "id", "") == "given" for d in decorators
            )
            if not uses_given:
                continue
            examples = [_settings_examples(d) for d in decorators]
            examples += [named.get(d.id) for d in decorators if isinstance(d, ast.Name)]
            stated = [e for e in examples if e is not None]
            found[f"{path.name}::{node.name}"] = max(stated) if stated else None
    return found


def test_the_scan_finds_the_parser_fuzz_tests() -> None:
    tests = _given_tests()
    assert any(name.startswith("test_parsers_fuzz.py::") for name in tests), sorted(tests)


def test_every_hypothesis_test_states_a_bounded_number_of_examples() -> None:
    unbounded = {
        name: n for name, n in _given_tests().items() if n is None or n > MAX_EXAMPLES_CEILING
    }
    assert unbounded == {}, f"state max_examples <= {MAX_EXAMPLES_CEILING}: {unbounded}"


def test_pytest_timeout_bounds_every_test() -> None:
    config = tomllib.loads((TESTS.parent / "pyproject.toml").read_text(encoding="utf-8"))
    timeout = config["tool"]["pytest"]["ini_options"].get("timeout")
    assert timeout is not None and 0 < int(timeout) <= TIMEOUT_CEILING_S, timeout
