"""The fleet and events: two worker processes checking, at the same moment, pages that tell of
one trip still make one event per trip (the advisory lock around linking on PostgreSQL)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scheduler.fleet.queue import build_app, enqueue_check, prepare_database
from scheduler.fleet.slots import slot_start
from snapshots import Store
from tests.support.httpserver import TestServer
from tests.test_fleet import REPO, Site, fleet_db, watch_id  # noqa: F401 - fixture

TRIPS = 8  # pages i and i + 15 tell of one trip (the same day, city and counterpart)


@pytest.mark.postgres
def test_two_workers_storing_two_pages_of_one_trip_at_once_make_one_event(
    fleet_db: str,  # noqa: F811
    server: TestServer,
    tmp_path: Path,
) -> None:
    site = Site(server, 15 + TRIPS, delay=0.3)
    sources_file = tmp_path / "sources.toml"
    sources_file.write_text(site.sources(interval="10m"), encoding="utf-8")
    prepare_database(fleet_db)
    pairs = [(i, i + 15) for i in range(TRIPS)]

    async def enqueue() -> None:
        app = build_app(fleet_db)
        async with app.open_async():
            for pair in pairs:
                for i in pair:
                    wid = watch_id(i)
                    await enqueue_check(app, wid, slot_start(wid, 600, datetime.now(UTC)))

    asyncio.run(enqueue())
    worker = [
        sys.executable,
        "-m",
        "scheduler.cli",
        "worker",
        "--db",
        fleet_db,
        "--sources",
        str(sources_file),
        "--drain",
        "--parse-workers",
        "0",
        "--concurrency",
        "8",
    ]
    procs = [
        subprocess.Popen(worker, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()[-2000:]
    with Store(fleet_db) as store:
        events = store.events(type="visit")
        added = Counter(
            tuple(sorted(s["watch"] for s in (e.record or {}).get("sources", [])))
            for e in store.changes()
            if e.kind == "event_added"
        )
        checked = {p for p in range(15 + TRIPS) if store.checks(watch_id(p))}
    assert checked == {i for pair in pairs for i in pair}
    by_watches = sorted(tuple(sorted(s.watch for s in e.sources)) for e in events)
    assert by_watches == sorted((watch_id(a), watch_id(b)) for a, b in pairs)
    assert sum(added.values()) == TRIPS  # one event_added per trip, none twice
