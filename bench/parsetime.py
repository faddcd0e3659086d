"""Parse time per page, per site parser, and where it goes.

Pages: the local copy of the sites (tests/sites, one parser per page as the manifest says, and
`generic` over every HTML page), plus a sample of the synthetic Saitama pages (20–40 KB).
Each page is parsed once to warm up (the gazetteer loads on first use; that cold cost is
reported apart), then `repeat` times; a page's time is its median. Baselines on the synthetic
pages show what building the tree alone costs: lxml, BeautifulSoup(lxml), and BeautifulSoup
limited by a SoupStrainer to the main region.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
import tomllib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from bench.pages import page_path, render_page
from bench.results import Scenario, Target
from bench.runner import ROOT
from bench.stats import Series

__all__ = ["parse_scenario"]

TARGET_MS = 10.0
SITES_DIR = ROOT / "tests" / "sites"


@dataclass(frozen=True, slots=True)
class _Case:
    label: str
    site: str
    body: bytes
    url: str
    content_type: str
    city: str | None


def _site_cases() -> list[_Case]:
    manifest = tomllib.loads((SITES_DIR / "manifest.toml").read_text())
    cases: list[_Case] = []
    for page in manifest.get("page", []):
        if page.get("kind") != "content":
            continue
        body = (SITES_DIR / page["path"]).read_bytes()
        url = "https://" + page["path"]
        kind = page.get("content_type", "text/html")
        cases.append(_Case(page["path"], page["site"], body, url, kind, page.get("city")))
        if kind.startswith("text/html"):
            cases.append(_Case(page["path"], "generic", body, url, kind, page.get("city")))
    return cases


def _synthetic_cases(count: int, seed: int = 1) -> list[_Case]:
    step = max(1, 500 // count)
    return [
        _Case(
            page_path(i),
            "saitama",
            render_page(seed, i).body,
            "https://www.city.saitama.lg.jp" + page_path(i),
            "text/html; charset=utf-8",
            "saitama",
        )
        for i in range(0, step * count, step)
    ]


def _time(fn: Callable[[], object], repeat: int) -> float:
    """Median CPU seconds of `repeat` calls (CPU, not wall: on a shared machine a parse that
    waits for a core is not a slower parse)."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        fn()
        times.append(time.process_time() - started)
    return statistics.median(times)


def _as_in_a_crawl(calls: list[Callable[[], object]], repeat: int) -> list[float]:
    """Median CPU seconds per page, each page parsed once per pass as a crawl parses it: the
    parsers' per-text memos are emptied before every pass, so a page never meets its own
    texts from an earlier parse, only what the pages before it in the pass had in common."""
    from parsers.text import memo

    runs: list[list[float]] = [[] for _ in calls]
    for _ in range(repeat):
        memo.clear()
        for i, call in enumerate(calls):
            started = time.process_time()
            call()
            runs[i].append(time.process_time() - started)
    return [statistics.median(times) for times in runs]


def _parser(case: _Case) -> Callable[[], object]:
    import parsers
    from citywatch.model import Page

    page = Page(body=case.body, url=case.url, content_type=case.content_type, city=case.city)
    return lambda: parsers.parse_page(page, case.site)


def _baselines(cases: list[_Case], repeat: int) -> list[str]:
    import lxml.html
    from bs4 import BeautifulSoup, SoupStrainer

    def over(fn: Callable[[bytes], object]) -> float:
        return statistics.median(_time(partial(fn, c.body), repeat) for c in cases) * 1000

    strainer = SoupStrainer("div", id="contents")
    rows = [
        ("lxml.html.fromstring (whole page)", over(lxml.html.fromstring)),
        ("BeautifulSoup(body, 'lxml') (whole page)", over(lambda b: BeautifulSoup(b, "lxml"))),
        (
            "BeautifulSoup + SoupStrainer(div#contents)",
            over(lambda b: BeautifulSoup(b, "lxml", parse_only=strainer)),
        ),
    ]
    lines = ["| tree building only, synthetic pages | median ms/page |", "| --- | ---: |"]
    lines += [f"| {label} | {ms:.2f} |" for label, ms in rows]
    return lines


def _profile(cases: list[_Case]) -> list[str]:
    """Self time by module over one parse of each case, and the costliest functions."""
    calls = [_parser(c) for c in cases]
    profile = cProfile.Profile()
    profile.enable()
    for call in calls:
        call()
    profile.disable()
    stats = pstats.Stats(profile, stream=io.StringIO())
    by_module: dict[str, float] = defaultdict(float)
    total = 0.0
    rows = []
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, line, name), (_cc, _nc, tottime, cumtime, _callers) in table.items():
        module = _module(filename)
        by_module[module] += tottime
        total += tottime
        if module.startswith("parsers/"):
            rows.append((cumtime, f"{module}:{line} {name}"))
    lines = [
        f"Profiled one parse of each of {len(cases)} synthetic pages (cProfile; shares of "
        "self time, so profiler overhead is spread evenly):",
        "",
        "| module | share of parse time |",
        "| --- | ---: |",
    ]
    for module, seconds in sorted(by_module.items(), key=lambda kv: -kv[1])[:12]:
        lines.append(f"| {module} | {seconds / total:.0%} |")
    lines += [
        "",
        "Costliest parsers/ functions (cumulative, per page):",
        "",
        "| function | ms per page (under the profiler) |",
        "| --- | ---: |",
    ]
    for cumtime, label in sorted(rows, reverse=True)[:12]:
        lines.append(f"| `{label}` | {cumtime / len(cases) * 1000:.1f} |")
    return lines


def _module(filename: str) -> str:
    path = filename.replace("\\", "/")
    if "/site-packages/" in path:
        return path.split("/site-packages/", 1)[1].split("/", 1)[0]
    if str(ROOT) in path:
        return path.split(str(ROOT) + "/", 1)[1]
    if path.startswith("<") or path == "~":
        return "builtins (C: regex, str, ...)"
    return "stdlib: " + Path(path).stem


def parse_scenario(*, samples: int, repeat: int) -> Scenario:
    """Median parse ms per page for each site parser; target < 10 ms for a typical page."""
    scenario = Scenario("parse", "Parse time per page, per site parser")
    cases = _site_cases()
    synthetic = _synthetic_cases(samples)
    cold = _parser(cases[0])
    started = time.process_time()
    cold()
    scenario.notes.append(
        f"First parse in a fresh process (gazetteer and data load included): "
        f"{(time.process_time() - started) * 1000:.0f} CPU-ms. Every figure below is in a warm "
        "process (data loaded), in CPU milliseconds (`time.process_time`): each group's pages "
        "are parsed once per pass, in order, with the parsers' per-text memos emptied before "
        f"each pass, and a page's figure is its median over {repeat} passes."
    )
    groups: dict[str, list[_Case]] = defaultdict(list)
    for case in cases:
        groups[f"{case.site} (tests/sites)"].append(case)
    groups["saitama (synthetic 20–40 KB)"] = synthetic
    records: dict[str, list[int]] = defaultdict(list)
    for label, group in groups.items():
        series = Series(label, unit="ms")
        calls = []
        for case in group:
            call = _parser(case)
            try:
                result = call()
            except Exception as exc:  # a parser still being written; report, do not stop
                scenario.notes.append(
                    f"{label}: {case.label} failed: {type(exc).__name__}: {str(exc)[:120]}"
                )
                continue
            records[label].append(len(getattr(result, "records", ())))
            calls.append(call)
        for per_page in _as_in_a_crawl(calls, repeat):
            series.add(per_page * 1000)
        if series.values:
            scenario.series.append(series)
    typical = [s for s in scenario.series if s.label.startswith("saitama")]
    worst = max((s.median for s in typical), default=0.0)
    scenario.targets.append(
        Target(
            f"typical municipal page parses in < {TARGET_MS:g} ms at the median",
            met=(worst < TARGET_MS) if typical else None,
            detail=", ".join(
                f"{s.label}: {s.median:.1f} ms ({s.median / TARGET_MS:.1f}× the target)"
                for s in typical
            ),
        )
    )
    sizes = {
        label: statistics.median(len(c.body) for c in group) / 1024
        for label, group in groups.items()
    }
    lines = [
        "| parser (pages) | pages | median KB | records/page (median) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, group in groups.items():
        counts = records.get(label) or [0]
        lines.append(
            f"| {label} | {len(group)} | {sizes[label]:.1f} | {statistics.median(counts):g} |"
        )
    scenario.extra += [*lines, "", *_baselines(synthetic, repeat), "", *_profile(synthetic[:10])]
    return scenario
