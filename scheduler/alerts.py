"""Delivering the alert outbox: every queued alert sent once per channel, retried until it goes.

Rows are written by the check that caused them (in the same transaction), so a crash between
a change and its alert loses nothing: the row waits here. Delivery claims a small batch for a
lease, sends each row through apprise, and marks it delivered or failed with a backoff that
doubles from `Backoff.base` to `Backoff.max`, with jitter so a fleet of rows does not retry in
step. A channel that fails defers the rest of its rows in the batch (they keep their order and
do not hammer a dead endpoint); when it answers again, its backlog goes out.

The Atom feed is a channel of its own (`FEED_CHANNEL`): its rows are written into the feed file
in one rewrite per batch, so the feed gets each alerting check exactly once as well.
"""

from __future__ import annotations

import html
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from citywatch import defaults
from citywatch.channels import resolve_refs
from citywatch.errors import CitywatchError, ConfigError
from citywatch.settings import Settings
from citywatch.sources import Sources, merge_alert_urls
from scheduler.event_messages import current, event_urls
from scheduler.feed import FeedEntry, append_entries
from scheduler.messages import describe_event, evidence_html, message_for, title_for
from scheduler.notifier import AppriseNotifier, Message, Notifier, Severity
from scheduler.parse_worker import home_names  # lives there so a parse process can run it
from scheduler.redact import Redactor, mask_url, protect_logs
from snapshots import ChangeEvent, Delivery, Store

__all__ = [
    "FEED_CHANNEL",
    "AppriseNotifier",
    "Backoff",
    "DeliveryReport",
    "Message",
    "Notifier",
    "channel_urls",
    "compose",
    "deliver_pending",
    "feed_path",
    "home_names",
    "message_id",
    "show_channel",
    "watch_cities",
    "with_feed_channel",
]

log = logging.getLogger(__name__)

#: The outbox channel that stands for the Atom feed file (not an apprise URL).
FEED_CHANNEL = "citywatch:atom-feed"

#: Rows claimed at a time; small, so a batch is sent well within its lease.
#: The shortest lease on a claimed batch: longer than one apprise send (4 s connect + 4 s read).

_WARNING_KINDS = frozenset({"page_failed", "layout_changed"})


@dataclass(frozen=True, slots=True)
class Backoff:
    """Retry delays: `base` doubling per failed try up to `max`, moved by ±`jitter` of itself."""

    base: float = defaults.ALERT_RETRY_BASE
    max: float = defaults.ALERT_RETRY_MAX
    jitter: float = defaults.JITTER_FRACTION

    def __post_init__(self) -> None:
        if self.base <= 0 or self.max < self.base:
            raise ConfigError("alert retry: need 0 < base <= max", base=self.base, max=self.max)

    def delay(self, failures: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after the `failures`-th failed try in a row (1 for the first)."""
        raw = min(self.max, self.base * 2.0 ** max(0, min(failures - 1, 60)))
        moved = raw * (1.0 + (rng or random).uniform(-self.jitter, self.jitter))
        return max(0.0, min(self.max, moved))

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=max(self.base, defaults.ALERT_MIN_LEASE))


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What one `deliver_pending` call did. `errors` name channels masked, never raw."""

    delivered: int = 0
    failed: int = 0
    feed_entries: int = 0
    errors: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "delivered": self.delivered,
            "failed": self.failed,
            "feed_entries": self.feed_entries,
            "errors": list(self.errors),
        }


def _severity(events: Sequence[ChangeEvent]) -> Severity:
    kinds = {e.kind for e in events}
    if kinds & _WARNING_KINDS:
        return "warning"
    if kinds == {"page_recovered"}:
        return "success"
    return "info"


def compose(
    events: Sequence[ChangeEvent], *, home: str | None = None, message_id: str | None = None
) -> Message:
    """The alert for one check's events. The HTML form escapes every piece of page text."""
    items = "".join(
        f"<li>{html.escape(describe_event(e, home=home))}{evidence_html(e)}</li>" for e in events
    )
    urls = event_urls(events)
    links = "".join(
        f'<p><a href="{html.escape(u, quote=True)}">{html.escape(u)}</a></p>' for u in urls
    )
    return Message(
        title=title_for(events),
        text=message_for(events, home=home),
        html=f"<ul>{items}</ul>{links}",
        severity=_severity(events),
        id=message_id,
    )


def with_feed_channel(sources: Sources) -> Sources:
    """The watch list with the Atom feed added to every watch's channels, so checks queue a
    feed row in their outbox like any channel."""
    if FEED_CHANNEL in sources.alerts.urls:
        return sources
    alerts = sources.alerts.model_copy(update={"urls": (*sources.alerts.urls, FEED_CHANNEL)})
    return sources.model_copy(update={"alerts": alerts})


def feed_path(sources: Sources, settings: Settings) -> Path:
    """The feed file: `[alerts] feed` in the watch list, else the setting (env or default)."""
    return Path(sources.alerts.feed or settings.feed_path)


def show_channel(channel: str) -> str:
    """A channel as logs and status may show it."""
    return "atom feed" if channel == FEED_CHANNEL else mask_url(channel)


def channel_urls(sources: Sources) -> dict[str, str]:
    """Outbox reference -> apprise URL for every channel the watch list names now."""
    return resolve_refs(
        (*sources.alerts.urls, *(u for w in sources.watches for u in merge_alert_urls(sources, w)))
    )


def watch_cities(sources: Sources) -> list[tuple[str, str | None]]:
    return [(w.id, w.city) for w in sources.watches]


def message_id(delivery: Delivery) -> str:
    """The alert's id, the same for every channel and every try of one check's alert, so a
    receiver can drop a repeat (delivery is at least once). The check's time makes it unique
    across databases (a demo and a real one both have a check 7 of the same watch)."""
    stamp = delivery.created_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{FeedEntry.entry_id(delivery.watch, delivery.check_id)}:{stamp}"


def _entry(delivery: Delivery, message: Message) -> FeedEntry:
    at = max((e.at for e in delivery.events), default=delivery.created_at)
    return FeedEntry(
        id=message.id or message_id(delivery),
        title=message.title,
        updated=at,
        link=delivery.url,
        text=message.text,
        watch=delivery.watch,
    )


@dataclass
class _Round:
    """Book-keeping of one batch (mutable on purpose: it lives for one call)."""

    store: Store
    backoff: Backoff
    redactor: Redactor
    rng: random.Random
    clock: Callable[[], datetime]
    urls: Mapping[str, str] = field(default_factory=dict)
    delivered: int = 0
    failed: int = 0
    feed_entries: int = 0
    errors: list[str] = field(default_factory=list)
    down: dict[str, tuple[str, datetime]] = field(default_factory=dict)

    def shown(self, delivery: Delivery) -> str:
        """The row's channel as logs may show it: the URL masked, or the reference if the
        watch list no longer names it."""
        url = self.urls.get(delivery.channel)
        return delivery.channel if url is None else show_channel(url)

    def ok(self, *sent: Delivery) -> None:
        """Record rows as sent, all in one write, right after the send (nothing in between)."""
        try:
            self.store.mark_delivered(*(d.id for d in sent), at=self.clock())
        except CitywatchError as exc:  # sent, but not marked: it will be sent again
            ids = ", ".join(str(d.id) for d in sent)
            log.error("alert %s was sent but not marked: %s", ids, exc.one_line())
            return
        self.delivered += len(sent)
        for delivery in sent:
            log.info("alert %d (%s) sent to %s", delivery.id, delivery.watch, self.shown(delivery))

    def hand_back(self, delivery: Delivery) -> None:
        """Release a claimed row untried (shutting down): due again at once."""
        try:
            self.store.mark_failed(
                delivery.id, error="not tried: delivery stopped", retry_at=self.clock()
            )
        except CitywatchError as exc:
            log.error("alert %d could not be handed back: %s", delivery.id, exc.one_line())

    def fail(self, delivery: Delivery, error: str, retry_at: datetime | None = None) -> None:
        """Record a failed try; `retry_at` given means the row was deferred, not tried."""
        tried = retry_at is None
        error = self.redactor.scrub(" ".join(error.split()))[:500]
        if retry_at is None:
            wait = self.backoff.delay(delivery.attempts + 1, self.rng)
            retry_at = self.clock() + timedelta(seconds=wait)
        self.down.setdefault(delivery.channel, (error, retry_at))
        try:
            self.store.mark_failed(delivery.id, error=error, retry_at=retry_at)
        except CitywatchError as exc:  # the lease runs out and the row comes back anyway
            log.error("alert %d failed and could not be marked: %s", delivery.id, exc.one_line())
        self.failed += 1
        shown = self.shown(delivery)
        self.errors.append(f"{shown}: {error}")
        log.log(
            logging.WARNING if tried else logging.DEBUG,
            "alert %d (%s) to %s failed (try %d): %s; next try %s",
            delivery.id,
            delivery.watch,
            shown,
            delivery.attempts + 1,
            error,
            retry_at.isoformat(timespec="seconds"),
        )


def _deliver_feed(work: _Round, rows: Sequence[tuple[Delivery, Message]], path: Path) -> None:
    try:
        work.feed_entries += append_entries(path, [_entry(d, m) for d, m in rows])
    except CitywatchError as exc:
        for delivery, _ in rows:
            work.fail(delivery, exc.one_line())
        return
    work.ok(*(delivery for delivery, _ in rows))


def deliver_pending(
    store: Store,
    sources: Sources,
    settings: Settings,
    *,
    now: datetime | None = None,
    notifier: Notifier | None = None,
    backoff: Backoff | None = None,
    rng: random.Random | None = None,
    batches: int | None = None,
    homes: Mapping[str, str | None] | None = None,
    stop: threading.Event | None = None,
) -> DeliveryReport:
    """Send every due outbox row; return what happened.

    Claims batches of `ALERT_BATCH` until none is due (or `batches` batches). Rows are sent
    oldest first; a batch stops sending when half its lease has gone, leaving the rest claimed for
    the lease (another process, or the next call, takes them then). When `stop` is set, rows
    not yet tried are handed back at once, so a restart sends them without waiting for the
    lease. `homes` (watch id -> city name) saves looking the cities up here. Storage errors
    while claiming propagate; everything a channel does is recorded on its row.
    """
    backoff = backoff or Backoff()
    sender = notifier or AppriseNotifier()
    fixed_now = now
    work = _Round(
        store=store,
        backoff=backoff,
        redactor=Redactor(),
        rng=rng or random.Random(),
        clock=(lambda: fixed_now) if fixed_now is not None else (lambda: datetime.now(UTC)),
        urls=channel_urls(sources),
    )
    names = homes
    path = feed_path(sources, settings)
    lease = backoff.lease
    done = 0
    while (batches is None or done < batches) and not (stop is not None and stop.is_set()):
        claimed = store.pending_deliveries(
            now=work.clock(), limit=defaults.ALERT_BATCH, lease=lease
        )
        done += 1
        if not claimed:
            break
        if names is None:  # looked up only when there is something to say
            names = home_names(watch_cities(sources))
        _send_batch(work, sender, claimed, names, path, lease, stop)
        if len(claimed) < defaults.ALERT_BATCH:
            break
    return DeliveryReport(work.delivered, work.failed, work.feed_entries, tuple(work.errors))


def _send_batch(
    work: _Round,
    sender: Notifier,
    claimed: Iterable[Delivery],
    homes: Mapping[str, str | None],
    path: Path,
    lease: timedelta,
    stop: threading.Event | None,
) -> None:
    started = time.monotonic()
    rows = sorted(claimed, key=lambda d: (d.created_at, d.id))
    channels = {work.urls[d.channel] for d in rows if d.channel in work.urls} - {FEED_CHANNEL}
    work.redactor.add(channels)
    protect_logs(channels)
    feed_rows: list[tuple[Delivery, Message]] = []
    for delivery in rows:
        if not delivery.events:  # nothing left to say (cannot happen for rows the store queues)
            work.ok(delivery)
            continue
        # Event changes are told as the events stand now (every source known so far).
        message = compose(
            current(work.store, delivery.events),
            home=homes.get(delivery.watch),
            message_id=message_id(delivery),
        )
        if delivery.channel == FEED_CHANNEL:
            feed_rows.append((delivery, message))
            continue
        if delivery.channel in work.down:
            reason, retry_at = work.down[delivery.channel]
            work.fail(delivery, f"not tried, the channel failed just before: {reason}", retry_at)
            continue
        if stop is not None and stop.is_set():
            work.hand_back(delivery)
            continue
        if time.monotonic() - started > lease.total_seconds() / 2:
            continue  # stays claimed until the lease runs out, then is taken again
        url = work.urls.get(delivery.channel)
        if url is None:  # the channel was taken out of the watch list since the row was queued
            work.fail(delivery, "the channel is no longer in the watch list")
            continue
        error = sender.send(url, message)
        if error is None:
            work.ok(delivery)
        else:
            work.fail(delivery, error)
    if feed_rows:
        _deliver_feed(work, feed_rows, path)
