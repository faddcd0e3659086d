"""The dashboard under a large history (issue 17): 100,000 record versions and 10,000 change
events in the store; the records page, the changes page and /api/records must answer in under
200 ms at the median, and the server's RSS must stay under 120 MB.

    python -m bench.bench_web [--db URL] [--requests 30] [--keep DIR]

The history is written straight into the tables (a crawl of that size would take an hour and
measure the crawler, not the dashboard): 200 pages, 25,000 records with 4 versions each, the
last one open, and 10,000 change events. The server is the real `citywatch serve` in its own
process; its RSS (VmRSS, and the peak VmHWM) is read from /proc after the requests."""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from snapshots import Store
from snapshots.schema import checks, events, pages, versions

PAGES = 200
KEYS_PER_PAGE = 125
VERSIONS = 4
EVENTS = 10_000
COUNTRIES = ["MY", "TH", "VN", "KR", "CN", "DE", "AT", "FR", "US", "ID", "PH", "IN", "AU"]
TARGET_MS = 200.0
TARGET_RSS_MB = 120.0


def _record(rng: random.Random, key: str, version: int) -> dict[str, Any]:
    year = rng.randint(2010, 2025)
    start = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    country = rng.choice(COUNTRIES)
    if key.startswith("p-"):
        return {
            "key": key,
            "type": "programme",
            "start": str(year),
            "end": None,
            "places": [{"name": f"都市{country}", "country": country}],
            "partners": ["CITYNET"],
            "milestones": [{"date": start, "text": f"覚書締結 v{version}"}],
            "title": f"都市間連携プログラム {key}",
            "summary": "持続可能な都市づくりに関する協力事業。" * 3,
        }
    return {
        "key": key,
        "type": "visit",
        "direction": rng.choice(["inbound", "outbound"]),
        "start": start,
        "end": start,
        "places": [{"name": f"都市{country}", "country": country}],
        "participants": ["市長"],
        "counterparts": [f"{country}市長"],
        "title": f"表敬訪問 {key} 第{version}版",
        "summary": "市長が訪問し、環境分野での協力について意見交換を行いました。" * 2,
    }


def seed(url: str, seed_value: int = 17) -> dict[str, int]:
    """Write the history straight into the tables; returns the row counts."""
    rng = random.Random(seed_value)
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    with Store(url) as store:
        engine = store._engine
    with engine.begin() as c:
        c.execute(
            pages.insert(),
            [
                {
                    "id": p + 1,
                    "watch_id": f"watch-{p // 10}",
                    "url": f"https://example.org/{p}",
                    "site": "generic",
                    "consecutive_failures": 0,
                }
                for p in range(PAGES)
            ],
        )
        check_rows = []
        for p in range(PAGES):
            for v in range(VERSIONS):
                at = t0 + timedelta(days=v, minutes=p)
                check_rows.append(
                    {
                        "id": p * VERSIONS + v + 1,
                        "page_id": p + 1,
                        "started_at": at,
                        "finished_at": at + timedelta(seconds=2),
                        "outcome": "changed",
                        "attempts": 1,
                        "baseline": v == 0,
                    }
                )
        c.execute(checks.insert(), check_rows)
        batch: list[dict[str, Any]] = []
        for p in range(PAGES):
            for k in range(KEYS_PER_PAGE):
                key = f"{'p' if k % 10 == 0 else 'v'}-{p:03d}-{k:03d}"
                for v in range(VERSIONS):
                    check = p * VERSIONS + v + 1
                    last = v == VERSIONS - 1
                    at = check_rows[check - 1]["finished_at"]
                    batch.append(
                        {
                            "page_id": p + 1,
                            "key": key,
                            "version": v + 1,
                            "type": "programme" if key.startswith("p-") else "visit",
                            "data": _record(rng, key, v + 1),
                            "valid_from_check": check,
                            "valid_from_at": at,
                            "valid_to_check": None if last else check + 1,
                            "valid_to_at": None if last else check_rows[check]["finished_at"],
                        }
                    )
                if len(batch) >= 5000:
                    c.execute(versions.insert(), batch)
                    batch = []
        if batch:
            c.execute(versions.insert(), batch)
        rows = []
        for n in range(EVENTS):
            p, k, v = rng.randrange(PAGES), rng.randrange(KEYS_PER_PAGE), rng.randrange(1, VERSIONS)
            key = f"{'p' if k % 10 == 0 else 'v'}-{p:03d}-{k:03d}"
            check = p * VERSIONS + v + 1
            rows.append(
                {
                    "check_id": check,
                    "page_id": p + 1,
                    "at": check_rows[check - 1]["finished_at"] + timedelta(microseconds=n),
                    "kind": "record_changed",
                    "key": key,
                    "record": _record(rng, key, v + 1),
                    "before": _record(rng, key, v),
                    "fields": ["start", "title"],
                    "baseline": False,
                    "alert": True,
                }
            )
        c.execute(events.insert(), rows)
        counted = {
            "versions": c.execute(sa.select(sa.func.count()).select_from(versions)).scalar_one(),
            "events": c.execute(sa.select(sa.func.count()).select_from(events)).scalar_one(),
        }
    engine.dispose()
    return counted


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _memory(pid: int) -> tuple[float, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def measure(url: str, requests: int) -> dict[str, Any]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "scheduler.cli", "serve", "--db", url, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(200):
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            idle = _memory(server.pid)
            routes = {
                "records page": "/records",
                "records page, filtered (country, text)": "/records?country=TH&q=訪問&type=visit",
                "changes page": "/changes",
                "/api/records": "/api/records",
                "/api/records?limit=1000": "/api/records?limit=1000",
                "/api/changes": "/api/changes?order=desc",
            }
            timings: dict[str, float] = {}
            cold: dict[str, float] = {}
            for name, path in routes.items():
                started = time.perf_counter()
                client.get(path).raise_for_status()  # the first: the view's order is computed
                cold[name] = (time.perf_counter() - started) * 1000
                took = []
                for _ in range(requests):
                    started = time.perf_counter()
                    client.get(path).raise_for_status()
                    took.append((time.perf_counter() - started) * 1000)
                timings[name] = statistics.median(took)
            rss, peak = _memory(server.pid)
    finally:
        server.terminate()
        server.wait(10)
    return {"timings": timings, "cold": cold, "rss_mb": rss, "peak_mb": peak, "idle_mb": idle[0]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an empty database URL (default: a SQLite file)")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", help="keep the SQLite file in this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="citywatch-bench-web-") as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        url = args.db or f"sqlite:///{folder / 'bench.db'}"
        started = time.perf_counter()
        counted = seed(url)
        print(
            f"seeded {counted['versions']:,} versions and {counted['events']:,} events "
            f"in {time.perf_counter() - started:.1f}s ({url.split(':')[0]})"
        )
        result = measure(url, args.requests)
    ok = True
    for name, ms in result["timings"].items():
        gated = name in ("records page", "changes page", "/api/records")
        verdict = ("ok" if ms < TARGET_MS else "OVER") if gated else "(not gated)"
        ok &= not gated or ms < TARGET_MS
        first = result["cold"][name]
        print(f"  {name:<42} median {ms:7.1f} ms  (first {first:6.1f} ms)  {verdict}")
    print(
        f"  server RSS {result['rss_mb']:.1f} MB after the requests (peak {result['peak_mb']:.1f} "
        f"MB, {result['idle_mb']:.1f} MB before them); target < {TARGET_RSS_MB:.0f} MB"
    )
    ok &= result["peak_mb"] < TARGET_RSS_MB
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
