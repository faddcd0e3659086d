"""Failed checks come back sooner than a full interval: after 5 min, 15 min, then every hour
(`defaults.FAILED_CHECK_RETRIES`), never later than the watch's own interval, which would come
anyway. One extra one-off job per failing watch; a success ends the series."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from citywatch import defaults

__all__ = ["Retries", "retry_delay", "schedule_retry"]


def retry_delay(
    failures: int, interval: float, steps: Sequence[float] = defaults.FAILED_CHECK_RETRIES
) -> float | None:
    """Seconds until the next try after `failures` failed checks in a row; None when the
    regular interval comes as soon (so no extra check is needed)."""
    if failures < 1:
        return None
    delay = steps[min(failures, len(steps)) - 1]
    return None if delay >= interval else delay


def schedule_retry(
    scheduler: Any,
    watch_id: str,
    interval: float,
    failures: int,
    job: Callable[[str], Awaitable[None]],
    now: datetime | None = None,
) -> datetime | None:
    """Add (or move) the watch's one-off retry job; returns when it runs, or None."""
    delay = retry_delay(failures, interval)
    retry_id = f"{watch_id}#retry"
    if delay is None:
        if scheduler.get_job(retry_id) is not None:
            scheduler.remove_job(retry_id)
        return None
    from apscheduler.triggers.date import DateTrigger

    at = (now or datetime.now(UTC)) + timedelta(seconds=delay)
    scheduler.add_job(
        job,
        DateTrigger(run_date=at, timezone=UTC),
        args=(watch_id,),
        id=retry_id,
        name=retry_id,
        replace_existing=True,
    )
    return at


class Retries:
    """Counts each watch's failed checks in a row and keeps its retry job to match."""

    def __init__(self, scheduler: Any, job: Callable[[str], Awaitable[None]]) -> None:
        self._scheduler = scheduler
        self._job = job
        self.failures: dict[str, int] = {}

    def after(self, watch_id: str, interval: float, outcomes: Sequence[Any]) -> datetime | None:
        """After a check: a failed page means a retry soon; success clears the series."""
        failed = any(o.outcome == "failed" for o in outcomes)
        count = self.failures.get(watch_id, 0) + 1 if failed else 0
        self.failures[watch_id] = count
        regular = self._scheduler.get_job(watch_id)
        at = schedule_retry(self._scheduler, watch_id, interval, count, self._job)
        upcoming = getattr(regular, "next_run_time", None)
        if at is not None and upcoming is not None and upcoming <= at:
            self._scheduler.remove_job(f"{watch_id}#retry")  # the regular check comes first
            return None
        return at
