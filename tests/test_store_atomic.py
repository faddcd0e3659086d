"""A crawl killed with SIGKILL leaves a consistent database, and the next crawl completes.

The writer (this module run as a script) records checks of one page in a loop. Check number n
always shows the same page (`_plan(n)`), and the writer resumes at n = the number of checks
stored, so after every kill the verifier can replay the plan and demand that each stored check
is complete: its body, its record versions, its events, in full.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from citywatch.model import Record
from snapshots import Store
from snapshots.schema import versions
from tests.support.db import (  # noqa: F401  (fixtures)
    PageFeed,
    pg_schema_url,
    store_url,
    visit,
)

ROOT = Path(__file__).resolve().parent.parent
KEYS = 40
ROUNDS = 6


def _plan(n: int) -> tuple[str, tuple[Record, ...]]:
    """What check n sees: its outcome and, when changed, the page's records."""
    if n % 5 == 3:
        return "unchanged", ()
    if n % 7 == 4:
        return "failed", ()
    if n % 13 == 12:
        return "changed", ()  # a redesign: no records at all
    records = tuple(
        visit(f"k{j:02d}", f"2023-{(n // 2 + j) % 12 + 1:02d}-01" if j % 4 == 0 else "2022-01")
        for j in range(KEYS)
        if (j * 7 + n) % 9 != 0
    )
    return "changed", records


def _body(n: int) -> bytes:
    return random.Random(n).randbytes(150_000) + f"check {n}".encode()


def _feed(n: int) -> PageFeed:
    feed = PageFeed(channels=("json://127.0.0.1:9/hook",))
    feed.checks = n
    return feed


def _write_forever(url: str) -> None:
    with Store(url) as store:
        n = len(store.checks("w"))
        while True:
            outcome, records = _plan(n)
            feed = _feed(n)
            if outcome == "changed":
                check = feed.changed(*records, text=f"text {n}", body=_body(n), baseline=n == 0)
            elif outcome == "unchanged":
                check = feed.unchanged()
            else:
                check = feed.failed(f"HTTP 503 at {n}")
            store.record_check(check)
            print(n, flush=True)
            n += 1


def _expected_events(before: dict[str, Record], now: dict[str, Record]) -> Counter[str]:
    if before and not now:
        return Counter({"layout_changed": 1})
    kinds: Counter[str] = Counter()
    kinds["record_added"] = sum(1 for key in now if key not in before)
    kinds["record_removed"] = sum(1 for key in before if key not in now)
    kinds["record_changed"] = sum(1 for key in now if key in before and before[key] != now[key])
    return +kinds or Counter({"page_changed": 1})


def _verify(url: str) -> int:
    """Replay the plan against what is stored; return how many checks are stored."""
    with Store(url) as store:
        stored = list(reversed(store.checks("w")))
        events: dict[int, Counter[str]] = {}
        for event in store.changes():
            if event.kind.startswith("event_"):
                continue  # the event level: tests/test_events_store.py
            events.setdefault(event.check_id, Counter())[event.kind] += 1
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            opened = dict(
                connection.execute(
                    sa.select(versions.c.valid_from_check, sa.func.count()).group_by(
                        versions.c.valid_from_check
                    )
                ).all()
            )
        engine.dispose()
        shown: dict[str, Record] = {}
        for n, check in enumerate(stored):
            outcome, records = _plan(n)
            assert check.outcome == outcome, f"check {n} is {check.outcome}, planned {outcome}"
            if outcome == "failed":
                assert events.get(check.id) == Counter({"page_failed": 1})
                continue
            if outcome == "unchanged":
                assert check.id not in events and check.body_sha256 is None
                continue
            now = {r.key: r for r in records}
            assert check.body_sha256 == hashlib.sha256(_body(n)).hexdigest()
            assert check.record_count == len(records)
            assert events.get(check.id) == _expected_events(shown, now), f"check {n}"
            new_versions = sum(1 for k in now if k not in shown or shown[k] != now[k])
            assert opened.get(check.id, 0) == new_versions, f"check {n}"
            shown = now
        assert {r.key: r.record for r in store.current_records()} == shown
        if stored:
            last_body = next((c.body_sha256 for c in stored[::-1] if c.body_sha256), None)
            assert last_body is None or store.body(last_body) is not None
        return len(stored)


def _sqlite_is_sound(url: str) -> None:
    path = sa.make_url(url).database
    assert path is not None
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()


@pytest.mark.slow
def test_sigkill_mid_crawl_leaves_complete_checks_only(
    store_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    Store(store_url).close()
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    stored = 0
    for round_ in range(ROUNDS):
        log = tmp_path / f"writer-{round_}.log"
        with (
            log.open("w") as errors,
            subprocess.Popen(
                [sys.executable, "-m", "tests.test_store_atomic", store_url],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            ) as writer,
        ):
            try:
                assert writer.stdout is not None
                line = writer.stdout.readline()  # one check committed: the writer is looping
                assert line, f"writer died: {log.read_text()}"
                time.sleep(rng.uniform(0.0, 0.6))
            finally:
                writer.send_signal(signal.SIGKILL)
                writer.wait()
        assert writer.returncode == -signal.SIGKILL
        if store_url.startswith("sqlite"):
            _sqlite_is_sound(store_url)
        now = _verify(store_url)
        assert now > stored, f"round {round_} (seed {seed}) stored nothing"
        stored = now

    # the next crawl completes
    with Store(store_url) as store:
        feed = PageFeed(clock=datetime(2030, 1, 1, tzinfo=UTC) + timedelta(days=1))
        done = store.record_check(feed.changed(visit("after"), text="after the kills"))
        assert [r.key for r in store.current_records()] == ["after"]
        assert done.check_id == store.checks("w", limit=1)[0].id
    if store_url.startswith("sqlite"):
        _sqlite_is_sound(store_url)


if __name__ == "__main__":
    _write_forever(sys.argv[1])
