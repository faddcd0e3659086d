"""`python -m bench` (or `make bench`): every benchmark of issue 9, in one run, into RESULTS.md.

    python -m bench [--quick] [--only first,unchanged,...] [--n 500[,5000]] [--reps 3]
                    [--budget 600] [--hold 300] [--concurrency 10] [--no-robots] [--keep DIR]

Scenarios: server, first, unchanged, changed, parse, growth, daemon, diagnose, fleet.
`unchanged`, `changed` and `diagnose` start from the first crawl's database, so asking for any
of them runs `first` too. The daemons (1,000 and 10,000 watches) hold their schedule in the
background while the crawl scenarios run; the harness waits for the end of the hold if the
rest finishes first. N=5,000 runs only when the N=500 timings say it fits in the budget
(unless `--n` names it), and the plan says so.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from bench import daemon_rss
from bench.crawls import CrawlBench
from bench.machine import describe, load_average
from bench.peers.urlwatch_run import CONCURRENCY as URLWATCH_CONCURRENCY
from bench.report import render
from bench.results import Scenario
from bench.site import SiteProcess

T = TypeVar("T")

ALL = ("server", "first", "unchanged", "changed", "parse", "growth", "daemon", "diagnose", "fleet")
NEEDS_FIRST = {"unchanged", "changed", "diagnose"}
DEFAULT_OUT = Path(__file__).resolve().parent / "RESULTS.md"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Budget:
    """Seconds left of the run's budget."""

    def __init__(self, total: float) -> None:
        self.total = total
        self.started = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @property
    def left(self) -> float:
        return self.total - self.elapsed


def _timed(scenario_fn: Callable[[], Scenario], name: str = "scenario") -> Scenario:
    """Run one scenario; a crash (a module being edited, a tool missing) becomes a note in
    RESULTS.md instead of ending the run."""
    started = time.perf_counter()
    try:
        scenario = scenario_fn()
    except Exception as exc:
        last = traceback.format_exception_only(exc)[-1].strip()
        _log(f"{name} FAILED: {last}")
        scenario = Scenario(name, f"{name} (failed)")
        scenario.notes.append(f"The scenario failed: `{last[:300]}`")
    scenario.seconds = time.perf_counter() - started
    return scenario


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="N=500 only, short daemon hold (60 s), 20 recrawls for growth, "
        "fewer parse samples, no diagnostics",
    )
    parser.add_argument("--only", default="", help=f"comma-separated subset of {','.join(ALL)}")
    parser.add_argument(
        "--n",
        default="",
        help="site sizes, e.g. 500 or 500,5000 (default: 500 and 5000 when it fits the budget)",
    )
    parser.add_argument("--reps", type=int, default=3, help="repetitions per scenario (min 3)")
    parser.add_argument("--budget", type=float, default=600.0, help="seconds for the whole run")
    parser.add_argument(
        "--hold",
        type=float,
        default=None,
        help="seconds the daemons hold their schedule (default 300, quick 60)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=URLWATCH_CONCURRENCY,
        help="requests in flight for every tool (default: urlwatch's fixed 10)",
    )
    parser.add_argument(
        "--no-robots",
        action="store_true",
        help="robots.txt off for citywatch and Scrapy (default: on for both)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="keep the work files (databases, logs, profiles) in this directory",
    )
    args = parser.parse_args(argv)
    args.only = {s.strip() for s in args.only.split(",") if s.strip()} or set(ALL)
    args.explicit = set(args.only) if len(args.only) < len(ALL) else set()
    unknown = args.only - set(ALL)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    if args.only & NEEDS_FIRST:
        args.only.add("first")
    args.sizes = [int(x) for x in args.n.split(",") if x.strip()] if args.n else []
    if args.hold is None:
        args.hold = 60.0 if args.quick else 300.0
    args.reps = max(3, args.reps)
    return args


def _plan(args: argparse.Namespace) -> list[str]:
    sizes = args.sizes or [500]
    lines = [
        f"time budget {args.budget:.0f} s; {args.reps} repetitions; concurrency "
        f"{args.concurrency}; robots.txt {'off' if args.no_robots else 'on'}"
    ]
    if "daemon" in args.only and daemon_rss.daemon_available():
        lines.append(
            f"  daemons 1,000 + 10,000 watches: seed (~5 s), then hold {args.hold:.0f} s "
            "in the background"
        )
    for n in sizes:
        crawl = [s for s in ("server", "first", "unchanged", "changed") if s in args.only]
        lines.append(
            f"  N={n}: {', '.join(crawl) or 'no crawl scenarios'}"
            + (" (~5 min at today's parse speed)" if n == 500 and "first" in crawl else "")
        )
    for step, estimate in (
        ("parse", "~30 s"),
        ("growth", "~30 s"),
        ("diagnose", "~90 s, if the budget allows"),
        ("fleet", "~3 min (PostgreSQL, 1, 2 and 3 workers)"),
    ):
        if step in args.only and not (args.quick and step == "diagnose"):
            lines.append(f"  {step}: {estimate}")
    if not args.sizes and not args.quick and args.only & {"first", "unchanged"}:
        lines.append(
            "  N=5000: first crawl + unchanged recrawl if the N=500 timings say they "
            "fit in what is left of the budget"
        )
    return lines


def _estimate_large(bench: CrawlBench, scenarios: dict[str, Scenario], n: int) -> dict[str, float]:
    """Seconds N=n would take, scaled from the N=500 medians (crawl time grows with N)."""
    scale = n / bench.n
    first = scenarios.get("first")
    unchanged = scenarios.get("unchanged")
    out: dict[str, float] = {}
    if first is not None and all(s.n for s in first.series):
        one = sum(s.median for s in first.series) * scale
        out["first"] = one * bench.reps
        out["seed"] = first.series[0].median * scale
    if unchanged is not None and all(s.n for s in unchanged.series):
        out["unchanged"] = sum(s.median for s in unchanged.series) * scale * bench.reps
    return out


def _stop_on_sigterm() -> None:
    """SIGTERM ends the run through the `finally` that stops the site, daemons and peers
    (SIGINT may be ignored when the harness was started in the background)."""

    def stop(_signum: int, _frame: object) -> None:
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, stop)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    _stop_on_sigterm()
    budget = Budget(args.budget)
    command = "python -m bench" + (
        ""
        if argv is None and len(sys.argv) == 1
        else " " + shlex.join(sys.argv[1:] if argv is None else argv)
    )
    _log("citywatch benchmarks: plan")
    for line in _plan(args):
        _log(line)
    load_start = load_average()
    cores = os.cpu_count() or 1
    if load_start[0] > cores:
        _log(
            f"warning: load average {load_start[0]:.1f} on {cores} cores; other work on this "
            "machine will inflate wall times (CPU times are reported too)"
        )
    root = args.keep or Path(tempfile.mkdtemp(prefix="citywatch-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    scenarios: list[Scenario] = []
    skipped: list[str] = []
    setup: list[str] = []
    robots = not args.no_robots
    setup.append(
        f"Concurrency {args.concurrency} requests in flight for every tool: urlwatch's thread "
        f"pool is fixed at {URLWATCH_CONCURRENCY}; Scrapy CONCURRENT_REQUESTS = "
        f"CONCURRENT_REQUESTS_PER_DOMAIN = {args.concurrency}, DOWNLOAD_DELAY 0; citywatch "
        f"per_host_concurrency = {args.concurrency}, per_host_delay 0. robots.txt "
        f"{'on for both citywatch and Scrapy' if robots else 'off for both citywatch and Scrapy'}"
        " (one request each); urlwatch never reads it."
    )
    setup.append(
        "citywatch runs as a user would: `citywatch crawl --sources bench.toml --db "
        "sqlite:///… --format json`, a new process each time (start-up included, as for the "
        "peers), a fresh database for first crawls and a fresh copy of the first crawl's "
        "database for each recrawl."
    )
    daemons: list[daemon_rss.DaemonRun] = []
    benches: dict[int, tuple[CrawlBench, dict[str, Scenario]]] = {}
    daemon_site: SiteProcess | None = None
    seed_seconds = 0.0
    try:
        if "daemon" in args.only:
            if daemon_rss.daemon_available():
                daemon_site = SiteProcess(200, seed=3).__enter__()
                for watches in (1000, 10000):
                    work = root / f"daemon-{watches}"
                    work.mkdir(exist_ok=True)
                    sources = work / "sources.toml"
                    daemon_rss.write_daemon_sources(sources, daemon_site.base, watches, 200)
                    db_url = f"sqlite:///{work / 'daemon.db'}"
                    _log(f"daemon: seeding {watches} watches")
                    seed_seconds += daemon_rss.seed_database(db_url, daemon_site.base, watches, 200)
                    daemons.append(
                        daemon_rss.DaemonRun(watches, sources, db_url, work, hold=args.hold)
                    )
                daemon_site.reset_stats()
                for run in daemons:
                    run.start()
                waited = max(run.settled() for run in daemons)
                _log(f"daemon: both holding (settled after {waited:.0f} s)")
            else:
                skipped.append("daemon memory: scheduler/daemon.py does not exist yet")

        crawl_asked = args.only & {"server", "first", "unchanged", "changed"}
        sizes = (args.sizes or [500]) if crawl_asked else []
        crawl_started = time.perf_counter()
        for n in sizes:
            benches[n] = _run_size(n, args, root, robots, scenarios, setup, budget)
        crawl_ended = time.perf_counter()

        if "parse" in args.only:
            from bench.parsetime import parse_scenario

            _log("parse: timing every site parser")
            scenarios.append(
                _timed(lambda: parse_scenario(samples=10 if args.quick else 20, repeat=3), "parse")
            )
            _bench_parse_hook(scenarios[-1])
        if "growth" in args.only:
            from bench.growth import growth_scenario

            checks = 20 if args.quick else 100
            _log(f"growth: 20 watches × {checks} unchanged recrawls")
            scenarios.append(
                _timed(
                    lambda: growth_scenario(
                        root / "growth", pages=20, checks=checks, concurrency=args.concurrency
                    ),
                    "growth",
                )
            )

        if not args.sizes and not args.quick and 500 in benches:
            _maybe_large(benches[500], args, root, robots, scenarios, skipped, budget)

        if "diagnose" in args.only and benches:
            bench, _ = next(iter(benches.values()))
            if args.quick and "diagnose" not in args.explicit:
                skipped.append("diagnostics (skipped by --quick)")
            elif budget.left > 90 or "diagnose" in args.explicit:
                from bench.diagnose import diagnose_scenario

                _log("diagnose: profiling the CLI and the what-ifs")
                scenarios.append(_timed(lambda: diagnose_scenario(bench, subset=60), "diagnose"))
            else:
                skipped.append(
                    f"diagnostics: {max(budget.left, 0):.0f} s left of the budget, they need "
                    "about 90 s; `python -m bench --only diagnose` runs them alone"
                )

        if daemons:
            window = (crawl_started, crawl_ended)
            results = partial(_daemon_results, daemons, daemon_site, seed_seconds, window)
            scenarios.append(_timed(results, "daemon"))
        if "fleet" in args.only:
            from bench.fleet import WATCHES, fleet_scenario

            size = 100 if args.quick else WATCHES
            _log(f"fleet: {size} watches, 1, 2 and 3 workers on PostgreSQL")
            scenarios.append(_timed(lambda: fleet_scenario(watches=size), "fleet"))
    finally:
        for run in daemons:
            run.stop()
        for bench, _ in benches.values():
            bench.site.close()
        if daemon_site is not None:
            daemon_site.close()
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)

    if budget.elapsed > budget.total:
        skipped.insert(
            0,
            f"(the run took {budget.elapsed:.0f} s, over its {budget.total:.0f} s budget: the "
            "required N=500 scenarios always run; the optional steps below were dropped)",
        )
    text = render(
        machine=describe(),
        setup=setup,
        scenarios=scenarios,
        skipped=skipped,
        loads=(load_start, load_average()),
        elapsed=budget.elapsed,
        command=command,
    )
    args.out.write_text(text)
    _log(f"wrote {args.out} after {budget.elapsed:.0f} s")
    for scenario in scenarios:
        for target in scenario.targets:
            _log(f"  {target.mark:>12}  {target.text}: {target.detail}")
    return 0


def _daemon_results(
    daemons: list[daemon_rss.DaemonRun],
    site: SiteProcess | None,
    seed_seconds: float,
    crawl_window: tuple[float, float],
) -> Scenario:
    """Wait for the end of the hold, then the RSS table and how much the daemons disturbed
    the crawl timings they ran beside."""
    left = max(r.hold - r.elapsed() for r in daemons)
    if left > 0:
        _log(f"daemon: waiting {left:.0f} s for the end of the hold")
    for run in daemons:
        run.wait()
    requests = site.stats().get("requests", 0) if site else 0
    scenario = daemon_rss.daemon_scenario(daemons, requests, seed_seconds)
    overlap = [r.cpu_between(*crawl_window) for r in daemons]
    cpu, seconds = sum(c for c, _ in overlap), max(w for _, w in overlap)
    if seconds > 1:
        scenario.notes.append(
            f"During the {seconds:.0f} s of crawl scenarios they overlapped, both daemons "
            f"together used {cpu:.1f} CPU-s ({cpu / seconds:.1%} of one core), so running "
            "them alongside the crawls does not skew the crawl timings."
        )
    return scenario


def _run_size(
    n: int,
    args: argparse.Namespace,
    root: Path,
    robots: bool,
    scenarios: list[Scenario],
    setup: list[str],
    budget: Budget,
) -> tuple[CrawlBench, dict[str, Scenario]]:
    """Every crawl scenario asked for, on a site of n pages. The site stays up (the caller
    closes it) because the diagnostics crawl it again."""
    site = SiteProcess(n).__enter__()
    try:
        return _crawl_scenarios(site, n, args, root, robots, scenarios, setup, budget)
    except BaseException:
        site.close()
        raise


def _crawl_scenarios(
    site: SiteProcess,
    n: int,
    args: argparse.Namespace,
    root: Path,
    robots: bool,
    scenarios: list[Scenario],
    setup: list[str],
    budget: Budget,
) -> tuple[CrawlBench, dict[str, Scenario]]:
    done: dict[str, Scenario] = {}
    info = site.control("describe")
    setup.append(
        f"Site N={n}: {info['pages']} Saitama-template pages of {info['bytes_min'] / 1024:.1f}–"
        f"{info['bytes_max'] / 1024:.1f} KB (median {info['bytes_median'] / 1024:.1f} KB), "
        f"{info['visits']} dated visit sections in all, built in {site.build_seconds:.1f} s; "
        "served from memory by one asyncio process on 127.0.0.1 (keep-alive, ETag, "
        "Last-Modified, 304)."
    )
    bench = CrawlBench(site, root / f"n{n}", args.reps, args.concurrency, robots, _log)
    if "server" in args.only:
        from bench.serverload import server_rates

        _log(f"N={n}: server check")
        rates = server_rates(site, args.concurrency)
        done["server"] = _server_scenario(n, rates)
    for name in ("first", "unchanged", "changed"):
        if name in args.only:
            _log(f"N={n}: {name} ({budget.elapsed:.0f} s elapsed)")
            done[name] = _timed(getattr(bench, name), name)
    if "server" in done:
        _compare_server(done)
    scenarios.extend(done.values())
    return bench, done


def _server_scenario(n: int, rates: dict[str, object]) -> Scenario:
    scenario = Scenario("server", f"Is the site the bottleneck? (N={n})")
    full, cond = float(str(rates["full_rps"])), float(str(rates["conditional_rps"]))
    scenario.extra += [
        "| client | 200 responses/s | 304 responses/s |",
        "| --- | ---: | ---: |",
        f"| {rates['client']} | {full:,.0f} | {cond:,.0f} |",
    ]
    scenario.data = {"n": n, "full": full, "conditional": cond}
    return scenario


def _compare_server(done: dict[str, Scenario]) -> None:
    """Say how much of the server's rate the fastest crawl used."""
    server = done["server"]
    n, full, cond = server.data["n"], server.data["full"], server.data["conditional"]
    rates: list[tuple[str, float, float]] = []
    for key in ("first", "unchanged", "changed"):
        scenario = done.get(key)
        if scenario is None:
            continue
        for series in (s for s in scenario.series if s.n):
            rates.append((series.label, n / series.min, full if key == "first" else cond))
    if not rates:
        server.notes = ["no crawl ran to compare with"]
        return
    label, fastest, capacity = max(rates, key=lambda r: r[1] / r[2])
    server.notes = [
        f"The fastest crawl measured ({label}, best repetition) asked for {fastest:,.0f} pages/s, "
        f"{fastest / capacity:.1%} of what the server answers ({capacity:,.0f}/s) — the server "
        "is not the bottleneck. (The client shares the 2 cores with the server, so the server's "
        "true capacity is higher still.)"
    ]


def _maybe_large(
    small: tuple[CrawlBench, dict[str, Scenario]],
    args: argparse.Namespace,
    root: Path,
    robots: bool,
    scenarios: list[Scenario],
    skipped: list[str],
    budget: Budget,
) -> None:
    """N=5,000 when the N=500 timings say it fits in what is left of the budget."""
    bench, done = small
    est = _estimate_large(bench, done, 5000)
    reserve = 60.0 + (90.0 if "diagnose" in args.only else 0.0)
    left = budget.left - reserve
    if not est:
        return
    full = est.get("first", 0) + est.get("unchanged", 0)
    partial = est.get("seed", 0) + est.get("unchanged", 0)
    if full <= left:
        _log(f"N=5000: first + unchanged, estimated {full:.0f} s of {left:.0f} s left")
        sub = argparse.Namespace(**{**vars(args), "only": {"first", "unchanged"}})
        large, _ = _run_size(5000, sub, root, robots, scenarios, [], budget)
        large.site.close()
        return
    skipped.append(
        f"N=5,000: the first crawl ({args.reps} repetitions of citywatch, Scrapy and urlwatch) "
        f"and the unchanged recrawl would take about {full:.0f} s, and a single seeding crawl "
        f"plus the unchanged recrawls about {partial:.0f} s, against {max(left, 0):.0f} s left "
        "of the budget (scaled from the N=500 medians). Run `python -m bench --n 5000 --only "
        "first,unchanged` to measure it without the budget."
    )
    _log(f"N=5000 skipped: needs ~{full:.0f} s (or {partial:.0f} s), {left:.0f} s left")


def _bench_parse_hook(scenario: Scenario) -> None:
    """Include bench/bench_parse.py's own output when the parser engineer's script exists."""
    script = Path(__file__).resolve().parent / "bench_parse.py"
    if not script.exists():
        scenario.notes.append("bench/bench_parse.py does not exist yet; timed here instead.")
        return
    from bench.runner import BIN, ROOT, run_timed

    try:
        run = run_timed(
            [str(BIN / "python"), "-m", "bench.bench_parse"],
            cwd=ROOT,
            env={"PYTHONPATH": str(ROOT)},
            timeout=180,
        )
    except Exception as exc:  # a hung script must not end the run
        scenario.notes.append(f"bench/bench_parse.py did not finish: {exc}")
        return
    out = run.stdout.strip() or run.stderr.strip()[-500:]
    scenario.extra += ["", "`python -m bench.bench_parse` said:", "", "```", out, "```"]


if __name__ == "__main__":
    sys.exit(main())
