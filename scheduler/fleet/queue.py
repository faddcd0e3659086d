"""The fleet's queue: procrastinate on the PostgreSQL that already holds the history.

Why procrastinate: the history must live in PostgreSQL anyway, so a queue in the same server
adds no broker to run, back up or watch; its jobs, locks and worker heartbeats are rows that
`status` can read with plain SQL.

What the queue guarantees here, and how:
- one check per watch per slot, however many schedulers run: a check is enqueued through
  procrastinate's periodic-defer record, unique on (task, watch id, slot start), which stays
  after the job has run; its queueing lock (watch id + slot) refuses a second waiting copy,
  and its lock (watch id) keeps two checks of one watch from running at once;
- no lost check: a job is finished only after the task returns, that is after the check was
  committed; the jobs of a worker whose heartbeat stopped are put back in the queue by
  `retry_stalled` (the scheduler runs it every few seconds).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import psycopg
import sqlalchemy as sa
from procrastinate import App, PsycopgConnector
from procrastinate import exceptions as queue_errors
from procrastinate import jobs as queue_jobs
from procrastinate.schema import SchemaManager

from citywatch import defaults
from citywatch.errors import ConfigError, StorageError

if TYPE_CHECKING:
    from snapshots import Store

__all__ = [
    "CHECK_TASK",
    "QUEUE",
    "build_app",
    "check_job",
    "connect",
    "enqueue_check",
    "fleet_tables_exist",
    "libpq_url",
    "open_fleet_store",
    "prepare_database",
    "require_postgres",
    "retry_stalled",
]

log = logging.getLogger(__name__)

QUEUE = "citywatch"
CHECK_TASK = "citywatch.check_watch"
#: pg_advisory_lock key held while one process installs the queue (the store has its own).
_PREPARE_LOCK = 0x63777175  # "cwqu"


def require_postgres(db_url: str) -> str:
    """The URL, or a one-line ConfigError: a fleet shares one PostgreSQL history."""
    try:
        backend = sa.make_url(db_url).get_backend_name()
    except sa.exc.ArgumentError:
        raise ConfigError("bad database URL", url=db_url) from None
    if backend != "postgresql":
        raise ConfigError(
            "fleet mode needs a PostgreSQL database: give --db or CITYWATCH_DB as "
            "postgresql+psycopg://user@host/db (SQLite is for `citywatch daemon`)"
        )
    return db_url


def libpq_url(db_url: str) -> str:
    """The SQLAlchemy URL in the form libpq and psycopg take (query options kept)."""
    url = sa.make_url(require_postgres(db_url)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@contextmanager
def connect(db_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A plain autocommit connection; its errors leave as one-line StorageErrors."""
    try:
        with psycopg.connect(
            libpq_url(db_url), autocommit=True, connect_timeout=defaults.FLEET_CONNECT_TIMEOUT
        ) as conn:
            yield conn
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise StorageError(f"fleet database: {first}") from exc


def fleet_tables_exist(db_url: str) -> bool:
    """Whether the queue's tables are installed (a fleet ran, or is running, on this db)."""
    with connect(db_url) as conn:
        row = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
    return bool(row and row[0])


def prepare_database(db_url: str) -> None:
    """Migrate the store and install the queue's schema, one process at a time.

    Every scheduler and worker calls this at start; advisory locks make the first one do the
    work and the others wait for it, so a fleet started all at once does not race on CREATE
    TABLE."""
    from snapshots import Store

    Store(db_url).close()
    with connect(db_url) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_PREPARE_LOCK,))
        try:
            found = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
            if not found or found[0] is None:
                with conn.transaction():
                    conn.execute(SchemaManager.get_schema())
                log.info("installed the queue schema")
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_PREPARE_LOCK,))


async def open_fleet_store(db_url: str) -> Store:
    """The store of a scheduler or worker about to start, with both schemas in place; a
    database it cannot open is a ConfigError, since the process cannot run without it."""
    from snapshots import Store

    try:
        await asyncio.to_thread(prepare_database, db_url)
        return Store(db_url)
    except StorageError as exc:
        raise ConfigError(f"cannot open database: {exc.one_line()}") from None


def build_app(db_url: str, *, pool_size: int = defaults.FLEET_SCHEDULER_POOL) -> App:
    """A procrastinate app on the store's database. Tasks are registered by the worker."""
    connector = PsycopgConnector(conninfo=libpq_url(db_url), min_size=1, max_size=max(2, pool_size))
    return App(connector=connector)


def check_job(watch_id: str, slot: int) -> queue_jobs.Job:
    """The job that checks `watch_id` for the slot starting at `slot` (epoch seconds)."""
    return queue_jobs.Job(
        id=None,
        queue=QUEUE,
        task_name=CHECK_TASK,
        lock=f"watch:{watch_id}",
        queueing_lock=f"check:{watch_id}@{slot}",
        task_kwargs={"watch_id": watch_id, "timestamp": slot},
    )


async def enqueue_check(app: App, watch_id: str, slot: int) -> int | None:
    """Enqueue the watch's check for one slot; None when the slot was enqueued already
    (by this or any other scheduler), whether that job waits, runs or is done."""
    try:
        return await app.job_manager.defer_periodic_job(
            check_job(watch_id, slot), periodic_id=watch_id, defer_timestamp=slot
        )
    except queue_errors.AlreadyEnqueued:
        return None


async def retry_stalled(app: App, *, stalled_after: float, forget_after: float) -> int:
    """Put back in the queue the checks of workers silent for `stalled_after` seconds (killed,
    frozen, cut off); forget workers silent for `forget_after`. Returns the jobs put back.

    Another sweeper may retry the same job first; that is not an error."""
    stalled = await app.job_manager.get_stalled_jobs(
        queue=QUEUE, seconds_since_heartbeat=stalled_after
    )
    retried = 0
    for job in stalled:
        try:
            await app.job_manager.retry_job(job)
        except queue_errors.ConnectorException as exc:
            log.debug("job %s was taken back already: %s", job.id, exc)
            continue
        retried += 1
        log.warning(
            "requeued %s (job %s): its worker %s stopped sending heartbeats",
            job.task_kwargs.get("watch_id"),
            job.id,
            job.worker_id,
        )
    forgotten = await app.job_manager.prune_stalled_workers(forget_after)
    if forgotten:
        log.info("forgot silent workers %s", ", ".join(map(str, forgotten)))
    return retried
