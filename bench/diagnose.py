"""Where citywatch's crawl time goes, and what two candidate fixes would buy.

- The CLI crawl under cProfile (`python -m cProfile -m scheduler.cli crawl ...`), broken down by
  the pipeline's stages: a first crawl of a subset, and an unchanged recrawl of the whole site.
- What-ifs, one run each, in-process (diagnostics, not targets): parsing in a process pool
  (issue 9's own suggestion) and SQLite `synchronous=NORMAL` under WAL.
"""

from __future__ import annotations

import asyncio
import os
import pstats
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bench.crawls import CrawlBench, write_sources
from bench.results import Scenario
from bench.runner import BIN, run_timed

__all__ = ["diagnose_scenario"]

# (label, (file suffix, function name)) whose cumulative time makes one row of the breakdown.
_STAGES = (
    (
        "parse in the CLI's own process (its pool's workers are not profiled)",
        (("scheduler/parse_worker.py", "parse_bytes"),),
    ),
    ("store: write the check (Store.record_check)", (("snapshots/store.py", "record_check"),)),
    (
        "store: reads before fetching (page_state, has_baseline)",
        (("snapshots/store.py", "page_state"), ("snapshots/store.py", "has_baseline")),
    ),
    ("fetch (Fetcher.fetch, on-CPU part)", (("scraper/fetcher.py", "fetch"),)),
    ("alert delivery (deliver_pending)", (("scheduler/alerts.py", "deliver_pending"),)),
    (
        "gazetteer load (parsers.extract.gazetteer.gazetteer)",
        (("parsers/extract/gazetteer.py", "gazetteer"),),
    ),
    ("loading sources.toml (load_watch_list)", (("scheduler/cli/commands.py", "load_watch_list"),)),
    ("SQLite commit (C call)", (("~", "<method 'commit' of 'sqlite3.Connection' objects>"),)),
    ("module imports (outermost)", (("<frozen importlib._bootstrap>", "_find_and_load"),)),
)


def _breakdown(profile: Path, wall: float) -> list[str]:
    stats = pstats.Stats(str(profile))
    total = stats.total_tt  # type: ignore[attr-defined]
    cumulative: dict[tuple[str, str], float] = {}
    for (filename, _line, name), (_cc, _nc, _tt, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        for _label, keys in _STAGES:
            for suffix, function in keys:
                if name == function and filename.replace("\\", "/").endswith(suffix):
                    cumulative[(suffix, function)] = cumulative.get((suffix, function), 0) + cumtime
    lines = [
        f"| stage | profiled s | share of {total:.1f} s profiled ({wall:.1f} s wall) |",
        "| --- | ---: | ---: |",
    ]
    for label, keys in _STAGES:
        seconds = sum(cumulative.get(k, 0.0) for k in keys)
        lines.append(f"| {label} | {seconds:.2f} | {seconds / total:.0%} |")
    return lines


def _profiled_cli(bench: CrawlBench, sources: Path, db: Path, out: Path) -> tuple[float, list[str]]:
    command = [
        str(BIN / "python"),
        "-m",
        "cProfile",
        "-o",
        str(out),
        "-m",
        "scheduler.cli",
        "crawl",
        "--sources",
        str(sources),
        "--db",
        f"sqlite:///{db}",
        "--format",
        "json",
    ]
    run = run_timed(
        command, cwd=bench.workdir, env={"CITYWATCH_FEED": str(bench.workdir / "feed.atom")}
    )
    if run.returncode not in (0, 1) or not out.exists():
        return run.wall, [f"(profiled crawl failed: exit {run.returncode})"]
    return run.wall, _breakdown(out, run.wall)


def _crawl_in_process(bench: CrawlBench, urls: list[str], db: Path, executor: Any = None) -> float:
    from citywatch.sources import load_sources
    from scheduler.crawl import Crawler
    from snapshots import Store

    path = bench.workdir / f"whatif-{len(urls)}.toml"
    write_sources(path, urls, concurrency=bench.concurrency, robots=bench.robots)
    sources = load_sources(path)
    with Store(f"sqlite:///{db}") as store:
        started = time.perf_counter()
        asyncio.run(Crawler(store, sources, executor=executor).run())
        return time.perf_counter() - started


def _synchronous(mode: str | None) -> Any:
    """Override SQLite's synchronous pragma on every new connection (None: as shipped)."""
    import sqlalchemy as sa

    def pragma(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA synchronous = {mode}")
        cursor.close()

    if mode is not None:
        sa.event.listen(sa.pool.Pool, "connect", pragma)
    return pragma


def diagnose_scenario(bench: CrawlBench, *, subset: int) -> Scenario:
    scenario = Scenario("diagnose", f"Where the time goes (N={bench.n}; diagnostics, one run each)")
    urls = bench.urls[:subset]
    subset = len(urls)
    sub_sources = bench.workdir / f"subset-{subset}.toml"
    write_sources(sub_sources, urls, concurrency=bench.concurrency, robots=bench.robots)
    bench.site.restore()

    db = bench.workdir / "profile-first.db"
    db.unlink(missing_ok=True)
    wall, lines = _profiled_cli(bench, sub_sources, db, bench.workdir / "first.prof")
    scenario.extra += [
        f"**First crawl of {subset} pages, CLI under cProfile** "
        f"({wall:.1f} s wall with the profiler):",
        "",
        *lines,
        "",
    ]

    db = bench.workdir / "profile-unchanged.db"
    assert bench.pristine is not None
    shutil.copyfile(bench.pristine, db)
    bench.site.reset_stats()
    wall, lines = _profiled_cli(bench, bench.sources, db, bench.workdir / "unchanged.prof")
    stats = bench.site.stats()
    scenario.extra += [
        f"**Unchanged recrawl of {bench.n} pages, CLI under cProfile** "
        f"({wall:.1f} s wall with the profiler):",
        "",
        *lines,
        "",
        f"The server saw {stats.get('requests', 0)} requests over "
        f"{stats.get('connections', 0)} TCP connections.",
        "",
    ]

    empty = bench.workdir / "empty.toml"
    write_sources(empty, [], concurrency=bench.concurrency, robots=bench.robots)
    db = bench.workdir / "startup.db"
    shutil.copyfile(bench.pristine, db)
    command = [str(BIN / "citywatch"), "crawl", "--sources", str(empty), "--db", f"sqlite:///{db}"]
    startup = min((run_timed(command, cwd=bench.workdir) for _ in range(3)), key=lambda r: r.cpu)

    serial_db, pool_db = bench.workdir / "whatif-serial.db", bench.workdir / "whatif-pool.db"
    for path in (serial_db, pool_db):
        path.unlink(missing_ok=True)
    serial = _crawl_in_process(bench, urls, serial_db)
    workers = max(2, os.cpu_count() or 1)
    with ProcessPoolExecutor(workers) as pool:
        pool.submit(int).result()  # start the workers before the clock
        pooled = _crawl_in_process(bench, urls, pool_db, executor=pool)
    scenario.extra += [
        "**Fixed cost of one `citywatch crawl`** (a watch list with no watches, on the "
        f"N={bench.n} baseline database; best of 3): {startup.wall:.2f} s wall, "
        f"{startup.cpu:.2f} CPU-s (start-up, imports, opening and checking the database, alerts).",
        "",
        "**What-ifs** (in-process `Crawler`, imports already done, one run each):",
        "",
        "| variant | seconds |",
        "| --- | ---: |",
        f"| first crawl of {subset} pages, parsing in one thread (no pool) | {serial:.2f} |",
        f"| first crawl of {subset} pages, parsing in a {workers}-process pool (as the CLI does "
        f"on more than one core) | {pooled:.2f} |",
    ]
    for label, mode in (("as shipped (synchronous=NORMAL)", None), ("synchronous=FULL", "FULL")):
        db = bench.workdir / "whatif-sync.db"
        shutil.copyfile(bench.pristine, db)
        listener = _synchronous(mode)
        try:
            seconds = _crawl_in_process(bench, bench.urls, db)
        finally:
            if mode is not None:
                import sqlalchemy as sa

                sa.event.remove(sa.pool.Pool, "connect", listener)
        scenario.extra.append(
            f"| unchanged recrawl of {bench.n} pages, SQLite {label} | {seconds:.2f} |"
        )
    return scenario
