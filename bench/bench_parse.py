"""Parse time per page, per site parser (median and worst milliseconds).

Pages: the rebuilt seeds in tests/sites, the golden pages in tests/golden/pages, the seed and
development text copies in ../shared (read in place when present), and a synthetic 5 MB page.
The gazetteer and vocabularies are loaded once before timing, as in a long-running daemon.

    .venv/bin/python bench/bench_parse.py [--repeat N]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
import tomllib
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import parsers  # noqa: E402
from citywatch.errors import ParseError  # noqa: E402
from citywatch.model import Page  # noqa: E402

_TYPES = {".html": "text/html", ".pdf": "application/pdf", ".txt": "text/plain"}


def _pages() -> list[tuple[str, Page]]:
    found: list[tuple[str, Page]] = []
    sites = REPO / "tests" / "sites"
    manifest = tomllib.loads((sites / "manifest.toml").read_text(encoding="utf-8"))
    for entry in manifest["page"]:
        path = sites / entry["path"]
        page = Page(
            path.read_bytes(),
            f"https://{entry['path']}",
            _TYPES.get(path.suffix),
            city=entry.get("city"),
        )
        found.append((entry["site"], page))
    for case in sorted((REPO / "tests" / "golden").glob("*.json")):
        spec = json.loads(case.read_text(encoding="utf-8"))
        path = REPO / spec["source"]
        if "tests/golden/pages" in spec["source"]:
            found.append(
                (
                    spec["site"],
                    Page(
                        path.read_bytes(),
                        spec["url"],
                        _TYPES.get(path.suffix),
                        city=spec.get("city"),
                    ),
                )
            )
    shared = REPO.parent / "shared"
    for gold, folder in (
        (shared / "gold" / "seeds.json", shared / "seeds"),
        (shared / "dev" / "gold.json", shared / "dev" / "pages"),
    ):
        if not gold.exists():
            continue
        for name, spec in json.loads(gold.read_text(encoding="utf-8"))["pages"].items():
            body = (folder / name).read_bytes()
            found.append(
                (
                    spec["site"],
                    Page(body, spec.get("url", ""), "text/plain", city=spec.get("city") or None),
                )
            )
    row = "<p>横浜市長がバンコクを訪問し、バンコク都知事と会談しました。令和6年6月20日。</p>\n"
    big = (
        "<html><body><main>"
        + row * (5 * 1024 * 1024 // len(row.encode()))
        + "</main></body></html>"
    )
    found.append(
        (
            "5MB-page",
            Page(big.encode(), "https://example.jp/big.html", "text/html", city="yokohama"),
        )
    )
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    pages = _pages()
    parsers.parse_page(pages[0][1], pages[0][0])  # load the gazetteer and vocabularies
    times: dict[str, list[float]] = defaultdict(list)
    for site, page in pages:
        parser_site = "yokohama" if site == "5MB-page" else site
        repeat = 1 if site == "5MB-page" else args.repeat
        for _ in range(repeat):
            began = time.perf_counter()
            with contextlib.suppress(ParseError):
                parsers.parse_page(page, parser_site)
            times[site].append((time.perf_counter() - began) * 1000)
    print(f"{'site':<14}{'pages':>6}{'median ms':>11}{'max ms':>9}")
    for site in sorted(times):
        values = times[site]
        count = len(values) if site == "5MB-page" else len(values) // args.repeat
        print(f"{site:<14}{count:>6}{statistics.median(values):>11.1f}{max(values):>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
