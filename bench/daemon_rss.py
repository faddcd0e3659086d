"""Daemon memory: `citywatch daemon` holding K watches, its RSS sampled once a second.

The database is seeded first with one recent unchanged check per watch, and the interval is
24 h, so the daemon holds its schedule instead of crawling: what is measured is the cost of
holding K watches. The daemon's own site (separate from the crawl benchmarks' site) counts any
request it makes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, partial
from pathlib import Path
from typing import Any

from bench.pages import page_path
from bench.results import Scenario, Target
from bench.runner import BIN, ROOT

__all__ = [
    "TARGET_MIB",
    "DaemonRun",
    "daemon_available",
    "daemon_command",
    "daemon_scenario",
    "seed_database",
    "write_daemon_sources",
]

TARGET_MIB = 150.0

INTERVAL = "24h"


def daemon_available() -> bool:
    return (Path(__file__).resolve().parent.parent / "scheduler" / "daemon.py").exists()


@cache
def daemon_command() -> list[str]:
    """`citywatch daemon` itself when the CLI offers it (so the parse worker, which the spawn
    context starts by re-importing the main script, is what users get); else the shim."""
    probe = subprocess.run(
        [str(BIN / "citywatch"), "daemon", "--help"], capture_output=True, check=False
    )
    if probe.returncode == 0:
        return [str(BIN / "citywatch"), "daemon"]
    return [str(BIN / "python"), "-m", "bench.daemon_launch", "daemon"]


def write_daemon_sources(path: Path, base: str, watches: int, site_pages: int) -> None:
    lines = [
        "[defaults]",
        f'interval = "{INTERVAL}"',
        'per_host_delay = "0s"',
        "per_host_concurrency = 10",
        "allow_private = true",
        "",
    ]
    for i in range(watches):
        url = f"{base}{page_path(i % site_pages)}?w={i}"
        lines += ["[[watch]]", f'id = "w{i:05d}"', f'url = "{url}"', 'site = "saitama"']
        lines += ['city = "saitama"', ""]
    path.write_text("\n".join(lines))


def seed_database(db_url: str, base: str, watches: int, site_pages: int) -> float:
    """One recent unchanged check per watch; returns the seconds it took.

    Rows go in with two bulk inserts through the store's own tables (a check per transaction
    would take minutes); if the schema has moved on, each check goes through the store's own
    `write_check` instead, a thousand per transaction."""
    from snapshots import CheckInput, Store

    started = time.perf_counter()
    now = datetime.now(UTC)
    checks = [
        CheckInput(
            watch_id=f"w{i:05d}",
            url=f"{base}{page_path(i % site_pages)}?w={i}",
            site="saitama",
            started_at=now,
            finished_at=now,
            outcome="unchanged",
            http_status=304,
            etag=f'"seed-{i}"',
            last_modified="Mon, 01 Apr 2024 09:00:00 GMT",
        )
        for i in range(watches)
    ]
    with Store(db_url) as store:
        try:
            store._write("bench seed", partial(_bulk, checks))
        except Exception:
            for start in range(0, watches, 1000):
                store._write("bench seed", partial(_write_all, checks[start : start + 1000]))
        if len(store.status()) != watches:
            raise RuntimeError("seeding the daemon database went wrong")
    return time.perf_counter() - started


def _bulk(checks: list[Any], connection: Any) -> None:
    from snapshots.schema import checks as checks_table
    from snapshots.schema import pages

    connection.execute(
        pages.insert(),
        [
            {
                "id": n,
                "watch_id": c.watch_id,
                "url": c.url,
                "site": c.site,
                "etag": c.etag,
                "last_modified": c.last_modified,
                "last_check_id": n,
                "last_checked_at": c.finished_at,
                "last_outcome": c.outcome,
                "consecutive_failures": 0,
            }
            for n, c in enumerate(checks, start=1)
        ],
    )
    connection.execute(
        checks_table.insert(),
        [
            {
                "id": n,
                "page_id": n,
                "started_at": c.started_at,
                "finished_at": c.finished_at,
                "outcome": c.outcome,
                "http_status": c.http_status,
                "attempts": 1,
                "etag": c.etag,
                "last_modified": c.last_modified,
                "baseline": False,
            }
            for n, c in enumerate(checks, start=1)
        ],
    )


def _write_all(chunk: list[Any], connection: Any) -> None:
    from snapshots.recording import write_check

    for check in chunk:
        write_check(connection, check)


@dataclass
class DaemonRun:
    """One daemon in the background, sampled by a thread until `stop()`."""

    watches: int
    sources: Path
    db_url: str
    workdir: Path
    hold: float = 300.0
    proc: subprocess.Popen[bytes] | None = None
    samples: list[tuple[float, int, int, int, float]] = field(default_factory=list)
    # (perf_counter, daemon RSS, RSS of its children, PSS of the tree, CPU seconds of the tree)
    error: str = ""
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _log: Any = None
    started: float = 0.0

    def start(self) -> None:
        env = {
            **os.environ,
            "CITYWATCH_FEED": str(self.workdir / "feed.atom"),
            "PYTHONPATH": str(ROOT),
        }
        command = daemon_command()
        self._log = open(self.workdir / "daemon.log", "wb")  # noqa: SIM115 (closed in _terminate)
        self.proc = subprocess.Popen(
            [*command, "--sources", str(self.sources), "--db", self.db_url],
            cwd=self.workdir,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )
        self.started = time.perf_counter()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psutil

        assert self.proc is not None
        try:
            root = psutil.Process(self.proc.pid)
        except psutil.Error as exc:
            self.error = f"cannot watch the daemon: {exc}"
            return
        while (
            not self._stop.is_set()
            and self.proc.poll() is None
            and time.perf_counter() - self.started < self.hold
        ):
            try:
                kids = root.children(recursive=True)
                full = root.memory_full_info()
                own, pss = full.rss, full.pss
                kid_rss = 0
                cpu = sum(root.cpu_times()[:2])
                for kid in kids:
                    try:
                        kid_full = kid.memory_full_info()
                        kid_rss += kid_full.rss
                        pss += kid_full.pss
                        cpu += sum(kid.cpu_times()[:2])
                    except psutil.Error:
                        pass
                self.samples.append((time.perf_counter(), own, kid_rss, pss, cpu))
            except psutil.Error:
                break
            self._stop.wait(1.0)
        self._terminate()

    def cpu_now(self) -> float:
        return self.samples[-1][4] if self.samples else 0.0

    def cpu_between(self, start: float, end: float) -> tuple[float, float]:
        """CPU seconds the tree used between two perf_counter times, and the seconds of that
        window the samples cover."""
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2:
            return 0.0, 0.0
        return inside[-1][4] - inside[0][4], inside[-1][0] - inside[0][0]

    def settled(self, within: float = 30.0, quiet: float = 0.1) -> float:
        """Wait until the daemon uses under `quiet` of a core over 2 s; seconds waited."""
        started = time.perf_counter()
        while time.perf_counter() - started < within:
            before = self.cpu_now()
            time.sleep(2.0)
            if self.proc is None or self.proc.poll() is not None:
                break
            if len(self.samples) > 3 and (self.cpu_now() - before) / 2.0 < quiet:
                break
        return time.perf_counter() - started

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def stop(self) -> int | None:
        """End the hold now (if it is not over) and wait for the daemon to exit."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)
        self._terminate()
        return self.returncode()

    def wait(self) -> int | None:
        """Wait for the hold to end; the sampler stops the daemon then."""
        if self._thread is not None:
            self._thread.join()
        return self.stop()

    def _terminate(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def returncode(self) -> int | None:
        if self.proc is None:
            return None
        code = self.proc.returncode
        if code not in (0, -signal.SIGTERM) and not self.error:
            log = (self.workdir / "daemon.log").read_text(errors="replace").strip().splitlines()
            self.error = f"exit {code}: {log[-1] if log else 'no log'}"
        return code

    def summary(self) -> dict[str, float]:
        """Peaks and the last sample, in MiB; CPU seconds over the hold."""
        if not self.samples:
            return {}
        mib = 1024 * 1024
        last = self.samples[-1]
        return {
            "held_s": last[0] - self.started,
            "daemon_peak": max(s[1] for s in self.samples) / mib,
            "daemon_last": last[1] / mib,
            "children_peak": max(s[2] for s in self.samples) / mib,
            "total_peak": max(s[1] + s[2] for s in self.samples) / mib,
            "total_last": (last[1] + last[2]) / mib,
            "pss_peak": max(s[3] for s in self.samples) / mib,
            "cpu_s": last[4],
        }


def daemon_scenario(runs: list[DaemonRun], requests: int, seed_seconds: float) -> Scenario:
    """The RSS table: per watch count, the daemon process, its parse workers, and both."""
    scenario = Scenario("daemon", "Daemon memory (RSS) holding its schedule")
    lines = [
        "| watches | held s | daemon RSS peak MiB | parse worker RSS peak MiB | "
        "RSS total peak MiB | RSS total at end MiB | PSS total peak MiB | CPU s over the hold |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    verdict: Target | None = None
    for run in runs:
        info = run.summary()
        if not info:
            scenario.notes.append(f"{run.watches} watches: no samples ({run.error or 'no error'})")
            continue
        lines.append(
            f"| {run.watches:,} | {info['held_s']:.0f} | {info['daemon_peak']:.1f} | "
            f"{info['children_peak']:.1f} | {info['total_peak']:.1f} | {info['total_last']:.1f} | "
            f"{info['pss_peak']:.1f} | {info['cpu_s']:.1f} |"
        )
        if run.error:
            scenario.notes.append(f"{run.watches} watches: {run.error}")
        if run.watches == max(r.watches for r in runs):
            total, own, pss = info["total_peak"], info["daemon_peak"], info["pss_peak"]
            verdict = Target(
                f"daemon RSS < {TARGET_MIB:g} MB with {run.watches:,} watches",
                met=total < TARGET_MIB,
                detail=(
                    f"RSS: daemon process {own:.0f} MiB + parse worker {info['children_peak']:.0f}"
                    f" MiB = {total:.0f} MiB peak"
                    + ("" if total < TARGET_MIB else f", {total - TARGET_MIB:.0f} MiB over")
                    + f"; proportional (PSS, shared pages counted once) {pss:.0f} MiB"
                ),
            )
    scenario.lead += lines
    if verdict is not None:
        scenario.targets.append(verdict)
    command = daemon_command()
    shown = " ".join([Path(command[0]).name, *command[1:]])
    scenario.checks.append(f"daemon command: `{shown} --sources … --db sqlite:///…`")
    scenario.checks.append(
        f"the daemons' site received {requests} page requests during the hold (seeded with a "
        f"recent check per watch and a {INTERVAL} interval, nothing was due); seeding took "
        f"{seed_seconds:.0f} s"
    )
    scenario.notes.append(
        "The verdict uses the RSS sum of the daemon and its parse worker, which counts the "
        "pages they share (interpreter, shared libraries) twice; PSS is the tree's actual "
        'footprint. Every watch has `city = "saitama"`, so the worker builds the gazetteer '
        "at start-up (for alert texts) as it would on its first parse."
    )
    return scenario
