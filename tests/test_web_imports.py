"""The import contract of `web/`: it reads through `snapshots/` and the core values only; it
imports neither `scraper/` nor `parsers/`, nor the scheduler (which hands it what it needs)."""

from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[1] / "web"
FORBIDDEN = ("scraper", "parsers", "scheduler")


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_web_imports_neither_scraper_nor_parsers_nor_scheduler() -> None:
    files = sorted(WEB.rglob("*.py"))
    assert files
    for path in files:
        for name in _imported(path):
            assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_each_web_module_says_what_it_exports() -> None:
    for path in sorted(WEB.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assigned = {
            t.id
            for n in tree.body
            if isinstance(n, ast.Assign)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        assert "__all__" in assigned, f"{path.name} has no __all__"
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name
