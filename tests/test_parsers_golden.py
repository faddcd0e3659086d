"""Golden pages: every site parser's output on known pages, field by field.

Each tests/golden/*.json names a page (a rebuilt seed in tests/sites or a page of its own in
tests/golden/pages, written in the site's real template), how to parse it, and the reviewed
output. A change in extraction shows here as a diff to review. After reviewing an intended
change, rewrite the files with CITYWATCH_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import parsers
from citywatch.model import Page

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"
UPDATE = os.environ.get("CITYWATCH_UPDATE_GOLDEN") == "1"
_TYPES = {".html": "text/html", ".pdf": "application/pdf", ".txt": "text/plain"}

CASES = sorted(GOLDEN.glob("*.json"))


def _parse(case: dict[str, Any]) -> dict[str, Any]:
    path = REPO / case["source"]
    page = Page(
        body=path.read_bytes(),
        url=case["url"],
        content_type=_TYPES.get(path.suffix),
        city=case.get("city"),
    )
    return parsers.parse_page(page, case["site"]).to_dict()


def test_every_site_has_a_golden_page() -> None:
    sites = {json.loads(p.read_text(encoding="utf-8"))["site"] for p in CASES}
    assert sites == set(parsers.known_sites())


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    got = _parse(case)
    if UPDATE:
        case["expected"] = got
        text = json.dumps(case, ensure_ascii=False, indent=1) + "\n"
        path.write_text(text, encoding="utf-8")
    assert got == case["expected"]
