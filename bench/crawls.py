"""Crawl scenarios side by side: citywatch's CLI, Scrapy and urlwatch against one local site.

Repetitions are interleaved (citywatch, then each peer, then the next repetition), so a slow
patch on a shared machine hits every tool rather than one.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bench.peers.urlwatch_run import UrlwatchDir
from bench.results import Scenario, Target
from bench.runner import BIN, ROOT, Run, run_timed
from bench.site import SiteProcess
from bench.stats import Series, ratio

__all__ = ["CrawlBench", "write_sources"]

Log = Callable[[str], None]
T = TypeVar("T")


def write_sources(path: Path, urls: list[str], *, concurrency: int, robots: bool) -> None:
    """A sources.toml with one watch per URL, politeness opened up to the peers' level."""
    lines = [
        "[defaults]",
        'interval = "6h"',
        'per_host_delay = "0s"',
        f"per_host_concurrency = {concurrency}",
        "allow_private = true",
        f"respect_robots = {'true' if robots else 'false'}",
        "",
    ]
    for i, url in enumerate(urls):
        lines += [
            "[[watch]]",
            f'id = "p{i:05d}"',
            f'url = "{url}"',
            'site = "saitama"',
            'city = "saitama"',
            "",
        ]
    path.write_text("\n".join(lines))


def checkpoint(db: Path) -> int:
    """Fold the WAL into the database file; its size afterwards."""
    connection = sqlite3.connect(db)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return db.stat().st_size


def _cpu_ratio(a: Series, b: Series) -> float:
    return (a.cpu_median or 0.0) / (b.cpu_median or 1.0)


def _fresh(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def _agree(lines: list[str]) -> list[str]:
    """One line when every repetition saw the same thing, else one per repetition."""
    unique = list(dict.fromkeys(lines))
    if len(unique) == 1:
        return [f"{unique[0]} (every repetition)"]
    return [f"repetition {i + 1}: {line}" for i, line in enumerate(lines)]


def _server_line(stats: dict[str, int]) -> str:
    return (
        f"server saw {stats.get('requests', 0)} requests ({stats.get('robots', 0)} robots.txt), "
        f"{stats.get('conditional', 0)} conditional, {stats.get('ok', 0)} × 200, "
        f"{stats.get('not_modified', 0)} × 304, over {stats.get('connections', 0)} connections"
    )


@dataclass
class CrawlBench:
    """Every crawl scenario for one site size; the first crawl leaves the baseline database
    that the recrawls start from (a fresh copy each repetition)."""

    site: SiteProcess
    workdir: Path
    reps: int
    concurrency: int
    robots: bool
    log: Log
    pristine: Path | None = None
    first_cw: Series | None = None
    urlwatch: UrlwatchDir | None = None
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.urls = self.site.urls()
        self.n = len(self.urls)
        self.sources = self.workdir / "bench.toml"
        write_sources(self.sources, self.urls, concurrency=self.concurrency, robots=self.robots)
        self.url_file = self.workdir / "urls.txt"
        self.url_file.write_text("\n".join(self.urls) + "\n")

    # --- running one tool once ----------------------------------------------------------
    # Each returns the run, what the tool reported, and an error when the run does not count
    # (a crash, a failed page): a timing of a crawl that did not do the work is no timing.

    def _citywatch(self, db: Path) -> tuple[Run, dict[str, Any], str | None]:
        command = [str(BIN / "citywatch"), "crawl", "--sources", str(self.sources)]
        command += ["--db", f"sqlite:///{db}", "--format", "json"]
        env = {"CITYWATCH_FEED": str(self.workdir / "feed.atom")}
        run = run_timed(command, cwd=self.workdir, env=env)
        try:
            report = json.loads(run.stdout)
        except json.JSONDecodeError:
            report = {}
        error = None
        if not report:
            tail = run.stderr.strip().splitlines()[-1:] or ["no output"]
            error = f"citywatch exit {run.returncode}: {tail[0][:200]}"
        elif report.get("failed"):
            first = (report.get("errors") or [{}])[0].get("error", "")
            error = f"citywatch: {report['failed']} pages failed, e.g. {str(first)[:160]}"
        return run, report, error

    def _scrapy(self) -> tuple[Run, dict[str, Any], str | None]:
        out = self.workdir / "scrapy.jsonl"
        command = [str(BIN / "python"), "-m", "bench.peers.scrapy_spider", "--urls"]
        command += [str(self.url_file), "--out", str(out), "--concurrency", str(self.concurrency)]
        command.append("--robots" if self.robots else "--no-robots")
        run = run_timed(command, cwd=ROOT, env={"PYTHONPATH": str(ROOT)})
        lines = run.stdout.strip().splitlines()
        try:
            stats = json.loads(lines[-1]) if lines else {}
        except json.JSONDecodeError:
            stats = {}
        error = None
        if run.returncode != 0 or stats.get("item_scraped_count") != self.n:
            error = f"scrapy exit {run.returncode}, {stats.get('item_scraped_count')} items: "
            error += run.stderr.strip()[-160:]
        return run, stats, error

    def _urlwatch(self) -> tuple[Run, str | None]:
        assert self.urlwatch is not None
        run = run_timed(self.urlwatch.command(), cwd=self.workdir)
        error = None
        if run.returncode != 0:
            error = f"urlwatch exit {run.returncode}: {run.stderr.strip()[-160:]}"
        return run, error

    def _measure(self, what: Callable[[], T]) -> tuple[T, dict[str, int]]:
        self.site.reset_stats()
        result = what()
        return result, self.site.stats()

    def _take(self, series: Series, run: Run, error: str | None, rep: int, what: str) -> None:
        if error is None:
            series.add(run.wall, run.cpu)
            self.log(f"  {what} {rep + 1}/{self.reps}: {series.label} {run.wall:.2f} s")
        else:
            self.errors.append(f"{what}, repetition {rep + 1}: {error}")
            self.log(f"  {what} {rep + 1}/{self.reps}: {series.label} FAILED: {error}")

    # --- scenarios ----------------------------------------------------------------------

    def first(self) -> Scenario:
        """Everything new: citywatch (fetch, parse, extract, store) vs Scrapy (fetch, h2) vs
        urlwatch's first run (fetch, store the text)."""
        cw = Series("citywatch crawl (CLI)")
        sc = Series("Scrapy, h2 extraction")
        uw = Series("urlwatch first run")
        seen: dict[str, list[str]] = {"cw": [], "sc": [], "uw": []}
        self.urlwatch = UrlwatchDir(self.workdir / "urlwatch", self.urls)
        self.errors = []
        db = self.workdir / "first.db"
        for rep in range(self.reps):
            self.site.restore()
            _fresh(db)
            (run, report, error), stats = self._measure(lambda: self._citywatch(db))
            self._take(cw, run, error, rep, "first crawl")
            records = sum(1 for c in report.get("changes", []) if c.get("kind") == "record_added")
            seen["cw"].append(
                f"citywatch: {report.get('checked')} checked, {report.get('changed')} changed, "
                f"{report.get('failed')} failed, {records} records added; {_server_line(stats)}"
            )
            (run, scrapy_stats, error), stats = self._measure(self._scrapy)
            self._take(sc, run, error, rep, "first crawl")
            seen["sc"].append(
                f"Scrapy: {scrapy_stats.get('item_scraped_count')} items from "
                f"{scrapy_stats.get('downloader/response_count')} responses; {_server_line(stats)}"
            )
            self.urlwatch.clear_cache()
            (run, error), stats = self._measure(self._urlwatch)
            self._take(uw, run, error, rep, "first crawl")
            seen["uw"].append(f"urlwatch: {_server_line(stats)}")
        self.pristine = self.workdir / "baseline.db"
        size = checkpoint(db) if db.exists() else 0
        if db.exists():
            shutil.copyfile(db, self.pristine)
        self.first_cw = cw
        scenario = Scenario(
            "first", f"First crawl, N={self.n} (everything new)", series=[cw, sc, uw]
        )
        target = Target(
            "first crawl (parse, extract, store) no slower than Scrapy's fetch + h2 extraction"
        )
        if cw.n and sc.n:
            r = ratio(cw, sc)
            scenario.ratios = [("citywatch / Scrapy", r)]
            if uw.n:
                scenario.ratios.append(("citywatch / urlwatch first run", ratio(cw, uw)))
            target.met = r <= 1.0
            target.detail = (
                f"{r:.2f}× Scrapy's wall time"
                + ("" if r <= 1.0 else f" ({r - 1:.0%} slower)")
                + f"; {_cpu_ratio(cw, sc):.2f}× its CPU time"
            )
        else:
            target.detail = "not measured: " + "; ".join(self.errors[:2])
        scenario.targets.append(target)
        scenario.checks = [line for key in ("cw", "sc", "uw") for line in _agree(seen[key])]
        scenario.checks += [f"FAILED {e}" for e in self.errors]
        scenario.checks.append(f"citywatch database after the first crawl: {size / 1e6:.1f} MB")
        return scenario

    def _baseline_copy(self, name: str) -> Path:
        assert self.pristine is not None, "run the first crawl first"
        db = self.workdir / name
        _fresh(db)
        shutil.copyfile(self.pristine, db)
        return db

    def unchanged(self) -> Scenario:
        """Nothing changed: every request conditional, every answer 304, nothing parsed."""
        cw = Series("citywatch unchanged recrawl (CLI)")
        uw = Series("urlwatch unchanged run")
        seen: dict[str, list[str]] = {"cw": [], "uw": []}
        self.site.restore()
        self.errors = []
        target = Target(
            "unchanged recrawl ≥ 1.5× faster than urlwatch's unchanged run, "
            "100% conditional requests, zero parses"
        )
        verified = True
        for rep in range(self.reps):
            db = self._baseline_copy("unchanged.db")
            (run, report, error), stats = self._measure(lambda: self._citywatch(db))  # noqa: B023
            self._take(cw, run, error, rep, "unchanged")
            page_requests = stats.get("requests", 0) - stats.get("robots", 0)
            verified &= (
                report.get("unchanged") == self.n
                and report.get("changed") == 0
                and stats.get("conditional", 0) == page_requests == self.n
                and stats.get("not_modified", 0) == self.n
            )
            seen["cw"].append(
                f"citywatch: {report.get('unchanged')} unchanged, {report.get('changed')} "
                f"changed (parsed), {report.get('failed')} failed; {_server_line(stats)}"
            )
            (run, error), stats = self._measure(self._urlwatch)
            self._take(uw, run, error, rep, "unchanged")
            seen["uw"].append(f"urlwatch: {_server_line(stats)}")
        scenario = Scenario("unchanged", f"Unchanged recrawl, N={self.n}", series=[cw, uw])
        if cw.n and uw.n:
            speedup = ratio(uw, cw)
            target.met = speedup >= 1.5 and verified
            target.detail = (
                f"urlwatch / citywatch wall time = {speedup:.2f}× "
                f"(CPU time {_cpu_ratio(uw, cw):.2f}×)"
                + ("" if speedup >= 1.5 else f"; needs {1.5 / speedup:.2f}× less time")
                + ("" if verified else "; NOT all requests were conditional 304s / pages parsed")
            )
            scenario.ratios = [("urlwatch / citywatch (speed-up)", speedup)]
        else:
            target.detail = "not measured: " + "; ".join(self.errors[:2])
        scenario.targets.append(target)
        scenario.checks = [line for key in ("cw", "uw") for line in _agree(seen[key])]
        scenario.checks += [f"FAILED {e}" for e in self.errors]
        return scenario

    def changed(self, fraction: float = 0.1) -> Scenario:
        """A share of the pages changed since the baseline: only those are fetched whole and
        parsed."""
        cw = Series(f"citywatch recrawl, {fraction:.0%} changed (CLI)")
        seen: list[str] = []
        verified = True
        self.errors = []
        for rep in range(self.reps):
            self.site.restore()
            changed = self.site.mutate(fraction, rep + 1)
            db = self._baseline_copy("changed.db")
            (run, report, error), stats = self._measure(lambda: self._citywatch(db))  # noqa: B023
            self._take(cw, run, error, rep, f"{fraction:.0%} changed")
            kinds = Counter(c.get("kind") for c in report.get("changes", []))
            verified &= (
                report.get("changed") == len(changed)
                and report.get("unchanged") == self.n - len(changed)
                and stats.get("ok", 0) == len(changed)
            )
            seen.append(
                f"{len(changed)} pages changed on the server; citywatch: {report.get('changed')} "
                f"changed, {report.get('unchanged')} unchanged, events {dict(kinds)}; "
                f"{_server_line(stats)}"
            )
        self.site.restore()
        title = f"Recrawl with {fraction:.0%} of pages changed, N={self.n}"
        scenario = Scenario("changed", title, series=[cw])
        target = Target("10%-changed recrawl costs ≤ 0.2× the first crawl")
        first = self.first_cw
        if first is not None and first.n and cw.n:
            scenario.series.append(first)
            r = ratio(cw, first)
            scenario.ratios = [("changed recrawl / first crawl", r)]
            target.met = r <= 0.2 and verified
            target.detail = (
                f"{r:.3f}× the first crawl's wall time ({_cpu_ratio(cw, first):.3f}× its CPU time)"
                + ("" if verified else "; the changed pages were not exactly the ones parsed")
            )
        else:
            target.detail = "not measured: " + ("; ".join(self.errors[:2]) or "no first crawl")
        scenario.targets.append(target)
        scenario.checks = _agree(seen) + [f"FAILED {e}" for e in self.errors]
        return scenario
