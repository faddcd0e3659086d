"""The fleet's clock: each watch is due once per interval, at a phase fixed by its id.

Time is cut into slots of the watch's interval (whole seconds), shifted by a phase that is the
same for a watch id on every machine and after every restart. Any number of schedulers
therefore name the same slot for the same watch, which is what lets the queue refuse a second
enqueue for it; and the phases spread thousands of watches over the interval instead of
bringing them due together.

A slot is named by its start, in whole epoch seconds: that is the `timestamp` a check task
carries and the key the queue deduplicates on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from scheduler.retry import retry_delay
from scraper import stable_offset

if TYPE_CHECKING:
    from citywatch.sources import Watch
    from snapshots.types import WatchStatus

__all__ = [
    "SlotPlan",
    "phase",
    "plan_watch",
    "retries_due",
    "slot_length",
    "slot_start",
    "slot_time",
]


def slot_length(interval: float) -> int:
    """The interval in whole seconds, at least one."""
    return max(1, round(interval))


def phase(watch_id: str, interval: float) -> int:
    """Seconds after each multiple of the interval at which the watch's slot starts."""
    length = slot_length(interval)
    return min(length - 1, int(stable_offset(watch_id, length)))


def _epoch(at: datetime | float) -> float:
    return at.timestamp() if isinstance(at, datetime) else float(at)


def slot_start(watch_id: str, interval: float, at: datetime | float) -> int:
    """The start (epoch seconds) of the watch's slot that contains `at`."""
    length = slot_length(interval)
    offset = phase(watch_id, interval)
    index = math.floor((_epoch(at) - offset) / length)
    return index * length + offset


def slot_time(slot: int) -> datetime:
    return datetime.fromtimestamp(slot, UTC)


@dataclass(frozen=True, slots=True)
class SlotPlan:
    """What a scheduler does for one watch when it starts: enqueue `now` (the current slot,
    not yet checked) or nothing, then fire at every slot start from `next_start` on."""

    watch_id: str
    now: int | None
    next_start: int
    length: int


def plan_watch(
    watch_id: str, interval: float, last_check: datetime | None, now: datetime
) -> SlotPlan:
    """Derive a watch's schedule from its last check in the database.

    A watch checked since its current slot began waits for the next slot; one that was not
    (never checked, overdue after downtime, or simply due) is enqueued for the current slot
    at once. So a restart enqueues only what is really due."""
    current = slot_start(watch_id, interval, now)
    length = slot_length(interval)
    done = last_check is not None and last_check.timestamp() >= current
    return SlotPlan(watch_id, None if done else current, current + length, length)


def retries_due(
    statuses: Iterable[WatchStatus], watches: Mapping[str, Watch], now: datetime
) -> list[tuple[str, int]]:
    """The (watch, retry time) pairs of failing watches whose retry has come: the daemon's
    backoff (`scheduler.retry`) counted from the last check. The retry time (epoch seconds)
    names the check in the queue like a slot start, so enqueueing it again is refused; a
    success, or a regular check in between, moves the last check and so the retry."""
    due: list[tuple[str, int]] = []
    for status in statuses:
        watch = watches.get(status.watch)
        if watch is None or status.last_check_at is None or status.consecutive_failures < 1:
            continue
        delay = retry_delay(status.consecutive_failures, watch.interval)
        if delay is None:
            continue
        at = status.last_check_at + timedelta(seconds=delay)
        if at <= now:
            due.append((watch.id, math.ceil(at.timestamp())))
    return due
