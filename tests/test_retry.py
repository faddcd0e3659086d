"""Failed checks are retried sooner than their interval (5 min, 15 min, 1 h, capped by the
interval), and `alert_after_failures` / `respect_robots` are settings of the watch list."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from citywatch.sources import sources_from_dict
from scheduler.retry import Retries, retry_delay
from snapshots.types import WatchStatus


@dataclass
class Outcome:
    outcome: str


def test_retry_delays_back_off_and_are_capped_by_the_interval() -> None:
    hours6 = 6 * 3600.0
    assert [retry_delay(n, hours6) for n in range(0, 6)] == [None, 300, 900, 3600, 3600, 3600]
    assert retry_delay(1, 600) == 300 and retry_delay(2, 600) is None
    assert retry_delay(1, 300) is None  # the interval comes as soon


def test_retries_schedule_a_one_off_job_and_a_success_clears_it() -> None:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    async def job(watch_id: str) -> None:
        return None

    async def scenario() -> None:
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.start(paused=True)
        try:
            later = datetime.now(UTC) + timedelta(hours=6)
            from apscheduler.triggers.date import DateTrigger

            scheduler.add_job(job, DateTrigger(run_date=later), args=("w",), id="w")
            retries = Retries(scheduler, job)
            first = retries.after("w", 6 * 3600.0, [Outcome("failed")])
            assert first is not None
            assert timedelta(minutes=4) < first - datetime.now(UTC) <= timedelta(minutes=5)
            assert scheduler.get_job("w#retry") is not None
            second = retries.after("w", 6 * 3600.0, [Outcome("failed")])
            assert second is not None and second - first > timedelta(minutes=9)
            assert retries.after("w", 6 * 3600.0, [Outcome("unchanged")]) is None
            assert scheduler.get_job("w#retry") is None and retries.failures["w"] == 0
        finally:
            scheduler.shutdown(wait=False)

    asyncio.run(scenario())


def test_alert_after_failures_and_respect_robots_are_settings() -> None:
    watch = {"id": "a", "url": "https://example.org/", "site": "generic"}
    plain = sources_from_dict({"watch": [watch]}).watches[0]
    assert plain.alert_after_failures == 3 and plain.respect_robots is True
    tuned = sources_from_dict(
        {
            "defaults": {"alert_after_failures": 5, "respect_robots": False},
            "watch": [watch, {**watch, "id": "b", "alert_after_failures": 1}],
        }
    ).watches
    assert [w.alert_after_failures for w in tuned] == [5, 1]
    assert not tuned[0].respect_robots


def test_piped_progress_is_a_line_every_ten_seconds() -> None:
    import io

    from scheduler.cli.progress import LineProgress

    now = [0.0]
    out = io.StringIO()
    progress = LineProgress(3, stream=out, clock=lambda: now[0])
    for step, outcome in enumerate(["changed", "failed", "unchanged", "changed"]):
        now[0] = 6.0 * (step + 1)
        progress(Outcome(outcome))
    assert out.getvalue().splitlines() == [
        "citywatch: checked 2 of 3 pages (1 failed)",
        "citywatch: checked 4 of 4 pages (1 failed)",
    ]


def _status(watch: str, at: datetime | None, failures: int) -> WatchStatus:
    outcome = "failed" if failures else "unchanged"
    return WatchStatus(watch, 1, 3, at, outcome, failures, None, None)


def test_the_fleet_retries_a_failing_watch_on_the_same_backoff() -> None:
    from scheduler.fleet.slots import retries_due

    page = {"url": "https://example.org/", "site": "generic"}
    watches = {
        w.id: w
        for w in sources_from_dict(
            {
                "watch": [
                    {**page, "id": "daily", "interval": "1d"},
                    {**page, "id": "short", "interval": "10m"},
                    {**page, "id": "gone", "interval": "1d"},
                ]
            }
        ).watches
        if w.id != "gone"
    }
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    ago = lambda minutes: now - timedelta(minutes=minutes)  # noqa: E731
    statuses = [
        _status("daily", ago(6), 1),  # 5 min after one failure: due
        _status("short", ago(6), 1),  # 5 min is within its 10 min interval: due
        _status("gone", ago(60), 1),  # not in the watch list any more
    ]
    due = retries_due(statuses, watches, now)
    assert due == [
        ("daily", int(ago(1).timestamp())),
        ("short", int(ago(1).timestamp())),
    ]
    # Not yet, capped by the interval, healthy, never checked: nothing to enqueue.
    assert retries_due([_status("daily", ago(4), 1)], watches, now) == []
    assert retries_due([_status("daily", ago(14), 2)], watches, now) == []
    assert retries_due([_status("daily", ago(16), 2)], watches, now) == [
        ("daily", int(ago(1).timestamp()))
    ]
    assert retries_due([_status("daily", ago(59), 5)], watches, now) == []
    assert retries_due([_status("short", ago(9), 2)], watches, now) == []  # 15 min > 10 min
    assert retries_due([_status("daily", ago(600), 0)], watches, now) == []
    assert retries_due([_status("daily", None, 1)], watches, now) == []
