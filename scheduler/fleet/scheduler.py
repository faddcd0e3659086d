"""`citywatch scheduler`: enqueue each watch's check at the start of each of its slots.

APScheduler 3 keeps the time, one interval job per watch as in the daemon; here a job does not
check the page, it enqueues the check for the slot that just began. The schedule comes from
the database: at start, a watch checked since its current slot began waits for the next slot,
any other is enqueued at once, so a restart neither re-enqueues everything nor loses a slot.
Enqueueing is safe to repeat (see `scheduler.fleet.queue`), which is what makes a second
scheduler started by mistake harmless.

Besides enqueueing, the scheduler enqueues the checks of failing watches sooner, on the daemon's
backoff (`scheduler.retry`, counted from the store's last check), puts back the checks of
workers that stopped sending heartbeats, forgets old finished jobs, and delivers alerts from
the outbox (the daemon's deliverer; the outbox lease keeps each alert to one delivery even
with two schedulers).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from citywatch import defaults
from citywatch.settings import Settings
from citywatch.sources import Sources, Watch, merge_alert_urls
from scheduler import service

if TYPE_CHECKING:
    from procrastinate import App

    from snapshots import Store

__all__ = ["FleetScheduler", "SchedulerOptions", "run_scheduler"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SchedulerOptions:
    """What the command line decides beyond the settings."""

    stalled_after: float = defaults.FLEET_STALLED_AFTER
    sweep_every: float = defaults.FLEET_SWEEP
    retry_poll: float = defaults.FLEET_RETRY_POLL
    alert_poll: float = defaults.ALERT_POLL
    retry_base: float = defaults.ALERT_RETRY_BASE
    alerts: bool = True
    alive_file: str | None = None

    @property
    def forget_after(self) -> float:
        """Silent workers are forgotten well after their jobs were put back."""
        return max(defaults.FLEET_FORGET_AFTER, 10 * self.stalled_after)


def _look_up_homes(cities: list[tuple[str, str | None]]) -> Future[Mapping[str, str | None]]:
    """Home city names for alert messages, looked up in a process of their own that ends when
    done: loading the gazetteer in this process would hold up the loop that keeps time. Like a
    parse process, it ends when this process dies (`parse_worker.spawn_pool`)."""
    from scheduler.alerts import home_names
    from scheduler.parse_worker import spawn_pool

    pool = spawn_pool(1)
    try:
        return pool.submit(home_names, cities)
    finally:
        pool.shutdown(wait=False)


class FleetScheduler:
    """The running scheduler: APScheduler, the queue app, the store and the watch list."""

    def __init__(
        self,
        settings: Settings,
        options: SchedulerOptions,
        sources: Sources,
        store: Store,
        app: App,
        load: Callable[[], Sources],
    ) -> None:
        from scheduler.daemon import DaemonOptions, Deliverer

        self.settings = settings
        self.options = options
        self.sources = sources
        self.store = store
        self.app = app
        self.watches: dict[str, Watch] = {}
        self._stop = asyncio.Event()
        self._file = service.SourcesFile(settings.sources_path, load, log)
        self.deliverer = Deliverer(
            store,
            settings,
            DaemonOptions(alert_poll=options.alert_poll, retry_base=options.retry_base),
        )
        self.enqueued = 0
        self.duplicates = 0

    # --- life cycle -----------------------------------------------------------------------

    async def run(self) -> int:
        from apscheduler.triggers.interval import IntervalTrigger

        from scheduler.fleet.worker import touch_alive

        service.on_signals(self._stop, self._file.reload)
        self.scheduler = service.interval_scheduler()
        due = self._adopt(self.sources, initial=True)
        self.scheduler.add_job(
            self._sweep,
            IntervalTrigger(seconds=self.options.sweep_every, timezone=UTC),
            id="citywatch:retry-stalled",
        )
        self.scheduler.add_job(
            self._retry_failed,
            IntervalTrigger(seconds=self.options.retry_poll, timezone=UTC),
            id="citywatch:retry-failed",
        )
        self.scheduler.add_job(
            self._cleanup,
            IntervalTrigger(seconds=defaults.FLEET_CLEANUP_EVERY, timezone=UTC),
            id="citywatch:cleanup",
        )
        self.scheduler.start()
        if self.options.alerts:
            self.deliverer.start()
        log.info(
            "scheduler started: %d watches from %s, %d due now, database %s",
            len(self.watches),
            self.settings.sources_path,
            len(due),
            self.store.url,
        )
        await asyncio.gather(*(self._enqueue(watch_id, slot) for watch_id, slot in due))
        side = [
            asyncio.create_task(self._file.follow(self._apply)),
            asyncio.create_task(touch_alive(self.options.alive_file)),
        ]
        await self._stop.wait()
        log.info("stopping: %d checks enqueued, %d already there", self.enqueued, self.duplicates)
        for task in side:
            task.cancel()
        self.scheduler.shutdown(wait=False)
        if self.options.alerts:
            self.deliverer.stop(timeout=defaults.STOP_DEADLINE - 2)
        log.info("stopped")
        return 0

    # --- the watch list -------------------------------------------------------------------

    def _adopt(self, sources: Sources, *, initial: bool = False) -> list[tuple[str, int]]:
        """Make `sources` the watch list; return the (watch, slot) pairs due at once."""
        from apscheduler.triggers.interval import IntervalTrigger

        from scheduler.alerts import watch_cities
        from scheduler.fleet.slots import plan_watch, slot_time
        from scheduler.redact import protect_logs

        old = {} if initial else self.watches
        new = {w.id: w for w in sources.watches}
        last = service.last_checks(self.store, log)
        now = datetime.now(UTC)
        due: list[tuple[str, int]] = []

        def trigger(watch: Watch) -> IntervalTrigger:
            plan = plan_watch(watch.id, watch.interval, last.get(watch.id), now)
            if plan.now is not None:
                due.append((watch.id, plan.now))
            start = slot_time(plan.next_start)
            return IntervalTrigger(seconds=plan.length, start_date=start, timezone=UTC)

        service.sync_jobs(self.scheduler, old, new, trigger, self._fire)
        self.sources = sources
        self.watches = new
        protect_logs({url for w in sources.watches for url in merge_alert_urls(sources, w)})
        if self.options.alerts:
            self.deliverer.set_homes(_look_up_homes(watch_cities(sources)))
        self.deliverer.sources = sources
        if not initial:
            log.info("watch list reloaded: %d watches", len(new))
        return due

    async def _apply(self, sources: Sources) -> None:
        due = self._adopt(sources)
        await asyncio.gather(*(self._enqueue(watch_id, slot) for watch_id, slot in due))

    # --- jobs -----------------------------------------------------------------------------

    async def _fire(self, watch_id: str) -> None:
        """A slot began: enqueue its check (named by the slot of now, never an older one)."""
        from scheduler.fleet.slots import slot_start

        watch = self.watches.get(watch_id)
        if watch is None or self._stop.is_set():
            return
        now = time.time() + defaults.FLEET_TIMER_SLACK
        await self._enqueue(watch_id, slot_start(watch_id, watch.interval, now))

    async def _enqueue(self, watch_id: str, slot: int) -> bool:
        """Whether the check was enqueued now (not before, by this or another scheduler)."""
        from scheduler.fleet.queue import enqueue_check

        try:
            job_id = await enqueue_check(self.app, watch_id, slot)
        except Exception as exc:  # the database is away: the next slot tries again
            log.error("could not enqueue the check of %s: %s", watch_id, exc)
            return False
        if job_id is None:
            self.duplicates += 1
            log.debug("%s: slot %s was enqueued already", watch_id, slot)
            return False
        self.enqueued += 1
        return True

    async def _sweep(self) -> None:
        from scheduler.fleet.queue import retry_stalled

        try:
            await retry_stalled(
                self.app,
                stalled_after=self.options.stalled_after,
                forget_after=self.options.forget_after,
            )
        except Exception as exc:
            log.error("could not look for stalled checks: %s", exc)

    async def _retry_failed(self) -> None:
        """Enqueue the checks of failing watches whose backoff has run out (as the daemon's
        `scheduler.retry` does), instead of leaving them to their next slot."""
        from scheduler.fleet.slots import retries_due

        try:
            statuses = await asyncio.to_thread(self.store.status)
        except Exception as exc:
            log.error("could not look for failed checks: %s", exc)
            return
        for watch_id, at in retries_due(statuses, self.watches, datetime.now(UTC)):
            if await self._enqueue(watch_id, at):
                log.info("%s is failing: enqueued a retry of its check", watch_id)

    async def _cleanup(self) -> None:
        from scheduler.fleet.queue import QUEUE

        try:
            await self.app.job_manager.delete_old_jobs(
                nb_hours=defaults.FLEET_KEEP_FINISHED_HOURS,
                queue=QUEUE,
                include_failed=True,
                include_cancelled=True,
                include_aborted=True,
            )
        except Exception as exc:
            log.error("could not delete old jobs: %s", exc)


async def run_scheduler(settings: Settings, options: SchedulerOptions) -> int:
    """Run until SIGTERM or SIGINT. Bad configuration at start raises ConfigError."""
    from scheduler.fleet.queue import build_app, open_fleet_store, require_postgres

    require_postgres(settings.db_url)
    load = service.sources_loader(settings)
    sources = load()
    store = await open_fleet_store(settings.db_url)
    try:
        app = build_app(settings.db_url, pool_size=defaults.FLEET_SCHEDULER_POOL)
        async with app.open_async():
            return await FleetScheduler(settings, options, sources, store, app, load).run()
    finally:
        store.close()
