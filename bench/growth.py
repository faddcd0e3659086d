"""Database growth over unchanged recrawls: bytes per watch per check, and no body added.

Two measurements: `bench/bench_store_growth.py` (the storage engineer's, driving `Store`
directly) when it is there, and the real crawl path here: a small site crawled once, then
recrawled `checks` times with nothing changed, through `Crawler` (fetch with validators, 304,
store), with the SQLite file measured after a WAL checkpoint.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
from pathlib import Path

from bench.crawls import checkpoint, write_sources
from bench.results import Scenario, Target
from bench.runner import BIN, ROOT, run_timed
from bench.site import SiteProcess
from bench.stats import Series

__all__ = ["growth_scenario"]

TARGET_BYTES = 1024


def _bodies(db: Path) -> int | None:
    connection = sqlite3.connect(db)
    try:
        row = connection.execute("SELECT count(*) FROM blobs WHERE data IS NOT NULL").fetchone()
        return int(row[0])
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def _real_crawl(workdir: Path, pages: int, checks: int, concurrency: int) -> dict[str, float]:
    from citywatch.sources import load_sources
    from scheduler.crawl import Crawler
    from snapshots import Store

    db = workdir / "growth.db"
    sources_path = workdir / "growth.toml"
    with SiteProcess(pages, seed=7) as site:
        write_sources(sources_path, site.urls(), concurrency=concurrency, robots=True)
        sources = load_sources(sources_path)
        with Store(f"sqlite:///{db}") as store:
            asyncio.run(Crawler(store, sources).run())
            before, bodies_before = checkpoint(db), _bodies(db)
            site.reset_stats()
            started = time.perf_counter()
            unchanged = 0
            for _ in range(checks):
                report = asyncio.run(Crawler(store, sources).run())
                unchanged += sum(1 for o in report.outcomes if o.outcome == "unchanged")
            elapsed = time.perf_counter() - started
        stats = site.stats()
    after, bodies_after = checkpoint(db), _bodies(db)
    return {
        "before": before,
        "after": after,
        "bodies_before": bodies_before or 0,
        "bodies_after": bodies_after or 0,
        "unchanged": unchanged,
        "not_modified": stats.get("not_modified", 0),
        "ok": stats.get("ok", 0),
        "per_check": (after - before) / (pages * checks),
        "ms_per_check": elapsed / (pages * checks) * 1000,
    }


def _store_bench(checks: int) -> tuple[float | None, list[str]]:
    script = ROOT / "bench" / "bench_store_growth.py"
    if not script.exists():
        return None, []
    run = run_timed(
        [str(BIN / "python"), "-m", "bench.bench_store_growth", "--checks", str(checks)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    lines = [line.rstrip() for line in run.stdout.splitlines() if line.strip()]
    match = re.search(r"growth per watch per check=([\d,.]+) B", run.stdout)
    if run.returncode != 0:
        lines.append(f"(exit {run.returncode}: {run.stderr.strip()[-200:]})")
    return (float(match.group(1).replace(",", "")) if match else None), lines


def growth_scenario(workdir: Path, *, pages: int, checks: int, concurrency: int) -> Scenario:
    scenario = Scenario("growth", f"Database growth over {checks} unchanged recrawls")
    workdir.mkdir(parents=True, exist_ok=True)
    real = _real_crawl(workdir, pages, checks, concurrency)
    series = Series(f"real crawl path, {pages} watches × {checks} recrawls", unit="B/check")
    series.add(real["per_check"])
    scenario.series.append(series)
    no_body = real["bodies_after"] == real["bodies_before"]
    scenario.checks.append(
        f"real crawl: {real['unchanged']:.0f} unchanged checks, server answered "
        f"{real['not_modified']:.0f} × 304 and {real['ok']:.0f} × 200; file "
        f"{real['before']:,.0f} → {real['after']:,.0f} B; bodies stored "
        f"{real['bodies_before']:.0f} → {real['bodies_after']:.0f}; "
        f"{real['ms_per_check']:.2f} ms per unchanged check in-process"
    )
    per_store, lines = _store_bench(checks)
    if per_store is not None:
        store_series = Series("bench_store_growth.py (Store directly)", unit="B/check")
        store_series.add(per_store)
        scenario.series.append(store_series)
    if lines:
        scenario.extra += ["`python -m bench.bench_store_growth` said:", "", "```", *lines, "```"]
    worst = max(s.values[0] for s in scenario.series)
    scenario.targets.append(
        Target(
            f"< {TARGET_BYTES} B per watch per unchanged check, and no body added",
            met=worst < TARGET_BYTES and no_body,
            detail=f"{real['per_check']:.0f} B per check on the real crawl path"
            + (f", {per_store:.0f} B in bench_store_growth" if per_store is not None else "")
            + ("" if no_body else "; BODIES WERE ADDED"),
        )
    )
    scenario.notes.append(
        "Single measurement: file size after a WAL checkpoint is deterministic given the same "
        "writes, so repetitions would only repeat it. Every measurement is a whole number of "
        "SQLite pages (4 KiB), so small sites round coarsely."
    )
    return scenario
