"""The fleet at a glance, for `citywatch status`: workers seen, queue depth and lag.

Read with plain SQL from procrastinate's tables (and, given the watch list, from the store),
so it works from any machine that can reach the database, whether or not a fleet process runs
there. Ages are measured by the database clock, so a skewed client clock cannot make a live
worker look dead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from citywatch import defaults
from citywatch.sources import Sources
from scheduler.fleet.queue import CHECK_TASK, QUEUE, connect
from scheduler.fleet.slots import slot_length, slot_start

__all__ = ["FleetStatus", "WatchLag", "WorkerSeen", "fleet_status"]

#: A worker silent this long is shown as gone (the scheduler's default --stalled-after).
ALIVE_WITHIN = defaults.FLEET_STALLED_AFTER


@dataclass(frozen=True, slots=True)
class WorkerSeen:
    """One worker as its heartbeat row shows it."""

    id: int
    last_heartbeat: datetime
    silent_seconds: float
    alive: bool
    running: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "last_heartbeat": self.last_heartbeat.isoformat(),
            "silent_seconds": round(self.silent_seconds, 1),
            "alive": self.alive,
            "running": self.running,
        }


@dataclass(frozen=True, slots=True)
class WatchLag:
    """Due versus done over the watch list, slot by slot.

    `waiting`: watches whose current slot began and which were not checked since;
    `missed`: of those, the ones not checked in the previous slot either (a whole interval
    without a check: the fleet is behind or a watch is stuck); `max_lag_seconds`: the longest
    wait among the waiting."""

    watches: int
    checked: int
    waiting: int
    missed: int
    max_lag_seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "watches": self.watches,
            "checked_this_interval": self.checked,
            "waiting": self.waiting,
            "missed": self.missed,
            "max_lag_seconds": round(self.max_lag_seconds, 1),
        }


@dataclass(frozen=True, slots=True)
class FleetStatus:
    """Workers, queue depth (`todo` waiting, `doing` running, `stalled` running on a silent
    worker), failed jobs kept, and lag: how long the oldest waiting check has been due."""

    at: datetime
    workers: tuple[WorkerSeen, ...]
    todo: int
    doing: int
    stalled: int
    failed: int
    oldest_due: datetime | None
    lag_seconds: float
    watches: WatchLag | None = None

    @property
    def alive_workers(self) -> int:
        return sum(w.alive for w in self.workers)

    def lines(self) -> list[str]:
        """The fleet in a few lines, for `status --format table`."""
        shown = [
            f"fleet: {self.alive_workers} of {len(self.workers)} workers alive; "
            f"queue {self.todo} waiting, {self.doing} running ({self.stalled} stalled), "
            f"{self.failed} failed; lag {self.lag_seconds:.0f}s",
        ]
        shown += [
            f"  worker {w.id}: {'alive' if w.alive else 'silent'}, last heard "
            f"{w.silent_seconds:.0f}s ago, {w.running} running"
            for w in self.workers
        ]
        if self.watches is not None:
            lag = self.watches
            shown.append(
                f"  watches: {lag.checked} of {lag.watches} checked this interval, "
                f"{lag.waiting} waiting (longest {lag.max_lag_seconds:.0f}s), {lag.missed} missed"
            )
        return shown

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "workers": [w.to_dict() for w in self.workers],
            "alive_workers": self.alive_workers,
            "queue": {
                "todo": self.todo,
                "doing": self.doing,
                "stalled": self.stalled,
                "failed": self.failed,
            },
            "oldest_due": None if self.oldest_due is None else self.oldest_due.isoformat(),
            "lag_seconds": round(self.lag_seconds, 1),
            "watches": None if self.watches is None else self.watches.to_dict(),
        }


_WORKERS = """
SELECT w.id, w.last_heartbeat, EXTRACT(EPOCH FROM now() - w.last_heartbeat) AS silent,
       (SELECT count(*) FROM procrastinate_jobs j
         WHERE j.worker_id = w.id AND j.status = 'doing') AS running
  FROM procrastinate_workers w ORDER BY w.id
"""
_DEPTH = """
SELECT status::text, count(*) FROM procrastinate_jobs WHERE queue_name = %s GROUP BY status
"""
_STALLED = """
SELECT count(*) FROM procrastinate_jobs j
  LEFT JOIN procrastinate_workers w ON w.id = j.worker_id
 WHERE j.queue_name = %s AND j.status = 'doing'
   AND (w.id IS NULL OR w.last_heartbeat < now() - make_interval(secs => %s))
"""
_OLDEST = """
SELECT min((args->>'timestamp')::bigint), now() FROM procrastinate_jobs
 WHERE queue_name = %s AND task_name = %s AND status IN ('todo', 'doing')
"""


def _watch_lag(db_url: str, sources: Sources, now: datetime) -> WatchLag:
    from snapshots import Store

    with Store(db_url, migrate=False) as store:
        last = {s.watch: s.last_check_at for s in store.status()}
    checked = waiting = missed = 0
    worst = 0.0
    for watch in sources.watches:
        start = slot_start(watch.id, watch.interval, now)
        seen = last.get(watch.id)
        if seen is not None and seen.timestamp() >= start:
            checked += 1
            continue
        waiting += 1
        worst = max(worst, now.timestamp() - start)
        if seen is None or seen.timestamp() < start - slot_length(watch.interval):
            missed += 1
    return WatchLag(len(sources.watches), checked, waiting, missed, max(0.0, worst))


def fleet_status(
    db_url: str, sources: Sources | None = None, *, alive_within: float = ALIVE_WITHIN
) -> FleetStatus:
    """The fleet as the database shows it now. With `sources`, also due versus done per watch.

    Raises StorageError when the database cannot be read (or holds no fleet tables)."""
    with connect(db_url) as conn:
        workers = tuple(
            WorkerSeen(
                id=row[0],
                last_heartbeat=row[1],
                silent_seconds=float(row[2]),
                alive=float(row[2]) < alive_within,
                running=int(row[3]),
            )
            for row in conn.execute(_WORKERS).fetchall()
        )
        depth = {status: int(n) for status, n in conn.execute(_DEPTH, (QUEUE,)).fetchall()}
        stalled_row = conn.execute(_STALLED, (QUEUE, alive_within)).fetchone()
        oldest_row = conn.execute(_OLDEST, (QUEUE, CHECK_TASK)).fetchone()
    assert oldest_row is not None
    db_now: datetime = oldest_row[1].astimezone(UTC)
    oldest = None if oldest_row[0] is None else datetime.fromtimestamp(oldest_row[0], UTC)
    lag = 0.0 if oldest is None else max(0.0, (db_now - oldest).total_seconds())
    return FleetStatus(
        at=db_now,
        workers=workers,
        todo=depth.get("todo", 0),
        doing=depth.get("doing", 0),
        stalled=int(stalled_row[0]) if stalled_row else 0,
        failed=depth.get("failed", 0),
        oldest_due=oldest,
        lag_seconds=lag,
        watches=None if sources is None else _watch_lag(db_url, sources, db_now),
    )
