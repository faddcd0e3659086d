"""The fleet's task: check one watch for one slot, through the same `Crawler.check_watch` as the
daemon and `crawl`.

A job is only marked done when this returns, and this returns only after every page check of
the watch was committed; a check that could not be stored raises, and the job is retried. The
task is idempotent per slot: when the watch's page was checked since the slot began (the
worker was killed between the commit and the job's acknowledgement, or a stale scheduler
enqueued the slot again), it does nothing, so retries never make a second check.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from procrastinate import App, BaseRetryStrategy, JobContext, RetryDecision
from procrastinate import exceptions as queue_errors
from procrastinate.jobs import Job

from citywatch import defaults
from citywatch.errors import ConfigError, StorageError
from citywatch.sources import Sources, Watch
from scheduler.crawl import Crawler
from scheduler.fleet.queue import CHECK_TASK, QUEUE
from scheduler.service import file_key, log_outcomes
from scraper import Fetcher
from snapshots import Store

__all__ = [
    "CheckNotStored",
    "RetryCheck",
    "WorkerRuntime",
    "check_watch",
    "register",
]

log = logging.getLogger(__name__)

#: The key under which a worker hands its runtime to the task (procrastinate's context).
RUNTIME = "citywatch"


class CheckNotStored(StorageError):
    """A page check ran but its row could not be written: the job must not be acknowledged."""


@dataclass(frozen=True, slots=True)
class RetryCheck(BaseRetryStrategy):
    """Retry a check that was cut short by a stopping worker (at once) or that the database
    refused (after a pause that grows); anything else is a bug and fails the job."""

    max_attempts: int = defaults.FLEET_CHECK_ATTEMPTS
    storage_wait: int = defaults.FLEET_STORAGE_RETRY_WAIT

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if job.attempts >= self.max_attempts:
            return None
        if isinstance(exception, asyncio.CancelledError | queue_errors.JobAborted):
            return RetryDecision(retry_in={"seconds": 0})
        if isinstance(exception, StorageError):
            return RetryDecision(retry_in={"seconds": self.storage_wait * (job.attempts + 1)})
        return None


@dataclass
class WorkerRuntime:
    """What every check in one worker process shares: the store, the crawler, the one HTTP
    client, and the watch list (re-read when its file changes)."""

    store: Store
    crawler: Crawler
    fetcher: Fetcher
    load: Callable[[], Sources]
    sources_path: str
    _file: tuple[int, int, int] | None = None
    _watches: dict[str, Watch] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._file = file_key(self.sources_path)
        self._watches = {w.id: w for w in self.crawler.sources.watches}

    def adopt(self, sources: Sources) -> None:
        from scheduler.alerts import with_feed_channel

        self.crawler.sources = with_feed_channel(sources)
        self._watches = {w.id: w for w in sources.watches}

    def watch(self, watch_id: str) -> Watch | None:
        """The watch as the file says now; a broken file keeps the previous list."""
        key = file_key(self.sources_path)
        if key != self._file or watch_id not in self._watches:
            self._file = key
            try:
                self.adopt(self.load())
            except ConfigError as exc:
                log.warning("keeping the previous watch list: %s", exc.one_line())
        return self._watches.get(watch_id)

    def checked_since(self, watch: Watch, slot: int) -> bool:
        newest = self.store.checks(watch.id, url=watch.url, limit=1)
        return bool(newest) and newest[0].started_at.timestamp() >= slot

    async def check(self, watch_id: str, slot: int) -> dict[str, Any]:
        watch = self.watch(watch_id)
        if watch is None:
            log.warning("dropped the check of %s: not in the watch list any more", watch_id)
            return {"watch": watch_id, "slot": slot, "skipped": "not in the watch list"}
        if await asyncio.to_thread(self.checked_since, watch, slot):
            log.info("%s was checked in this slot already; nothing to do", watch_id)
            return {"watch": watch_id, "slot": slot, "skipped": "checked in this slot"}
        outcomes = await self.crawler.check_watch(self.fetcher, watch)
        unstored = [o for o in outcomes if (o.error or "").startswith("storage:")]
        if unstored:
            raise CheckNotStored(unstored[0].error or "not stored", watch=watch_id)
        log_outcomes(log, watch_id, outcomes)
        return {
            "watch": watch_id,
            "slot": slot,
            "pages": len(outcomes),
            "failed": sum(o.outcome == "failed" for o in outcomes),
            "events": sum(len(o.events) for o in outcomes),
        }


async def check_watch(context: JobContext, watch_id: str, timestamp: int) -> dict[str, Any]:
    """The task: `timestamp` is the start of the slot (epoch seconds) it was enqueued for."""
    runtime: WorkerRuntime = context.additional_context[RUNTIME]
    return await runtime.check(watch_id, int(timestamp))


def register(app: App) -> None:
    """Give `app` the fleet's task (done per app, not at import, so any app can run it)."""
    app.task(name=CHECK_TASK, queue=QUEUE, pass_context=True, retry=RetryCheck())(check_watch)
