"""Frozen values the store takes and gives. Rows never leave `snapshots/` as dicts or Row objects;
callers get these, and JSON only through `to_dict()`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from citywatch import defaults
from citywatch.model import ParseResult, Record

__all__ = [
    "EVENT_KINDS",
    "OUTCOMES",
    "ChangeEvent",
    "CheckInput",
    "CheckOutcome",
    "CheckRow",
    "Delivery",
    "EventKind",
    "GcReport",
    "Outcome",
    "PageIndex",
    "PageState",
    "RecordVersion",
    "StoredRecord",
    "WatchStatus",
]

Outcome = Literal["changed", "unchanged", "failed"]
OUTCOMES: tuple[Outcome, ...] = ("changed", "unchanged", "failed")

EventKind = Literal[
    "record_added",
    "record_changed",
    "record_removed",
    "page_changed",
    "page_failed",
    "layout_changed",
    "page_recovered",
    "event_added",
    "event_changed",
    "event_source_added",
    "event_removed",
]
EVENT_KINDS: tuple[EventKind, ...] = (
    "record_added",
    "record_changed",
    "record_removed",
    "page_changed",
    "page_failed",
    "layout_changed",
    "page_recovered",
    "event_added",
    "event_changed",
    "event_source_added",
    "event_removed",
)


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


@dataclass(frozen=True, slots=True)
class PageState:
    """What the fetcher needs to know about a page before fetching it again."""

    watch_id: str
    url: str
    site: str
    found_on: str | None
    etag: str | None
    last_modified: str | None
    sha256: str | None
    last_checked_at: datetime | None
    last_outcome: Outcome | None
    consecutive_failures: int
    last_error: str | None
    last_check_id: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "watch": self.watch_id,
            "url": self.url,
            "site": self.site,
            "found_on": self.found_on,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "sha256": self.sha256,
            "last_checked_at": _iso(self.last_checked_at),
            "last_outcome": self.last_outcome,
            "consecutive_failures": self.consecutive_failures,
            "last_error": self.last_error,
            "last_check_id": self.last_check_id,
        }


@dataclass(frozen=True, slots=True)
class PageIndex:
    """Every page's state and which watches have a baseline, read in one transaction at the
    start of a crawl instead of two reads per page."""

    states: Mapping[tuple[str, str], PageState] = field(default_factory=dict)
    baselines: frozenset[str] = frozenset()

    def state(self, watch_id: str, url: str) -> PageState | None:
        return self.states.get((watch_id, url))

    def has_baseline(self, watch_id: str) -> bool:
        return watch_id in self.baselines


@dataclass(frozen=True, slots=True)
class CheckInput:
    """Everything one check of one page produced; `Store.record_check` writes it in one go.

    `outcome` 'changed' means a new body was fetched and parsed (even if no record changed), so it
    comes with `body` and `result`. 'unchanged' and 'failed' usually carry no body; a failed parse
    may carry the body that could not be parsed, with `result` None and `error` set.
    """

    watch_id: str
    url: str
    site: str
    started_at: datetime
    finished_at: datetime
    outcome: Outcome
    found_on: str | None = None
    http_status: int | None = None
    error: str | None = None
    attempts: int = 1
    body: bytes | None = None
    content_type: str | None = None
    encoding: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    result: ParseResult | None = None
    baseline: bool = False
    alert_initial: bool = False
    channels: tuple[str, ...] = ()
    failing_after: int = defaults.FAILING_AFTER
    city: str | None = None  # the watch's city: whose point of view its records take
    alert_on: tuple[str, ...] = defaults.ALERT_ON  # which news kinds alert (health always does)


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """One thing that happened to a page or a record, as recorded by one check."""

    id: int
    at: datetime
    kind: EventKind
    watch: str
    url: str
    record: dict[str, Any] | None
    before: dict[str, Any] | None
    fields: tuple[str, ...]
    baseline: bool
    check_id: int
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "kind": self.kind,
            "watch": self.watch,
            "url": self.url,
            "record": self.record,
            "before": self.before,
            "fields": list(self.fields),
            "baseline": self.baseline,
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """What `record_check` wrote: the check's id and the events it produced, in order."""

    check_id: int
    events: list[ChangeEvent] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record as it stood in one version, with where it lives and how long it held."""

    key: str
    record: Record
    watch: str
    url: str
    valid_from: datetime
    valid_to: datetime | None
    version: int

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.record.to_dict(),
            "watch": self.watch,
            "url": self.url,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": _iso(self.valid_to),
            "version": self.version,
        }


@dataclass(frozen=True, slots=True)
class RecordVersion:
    """One link in a record's chain: valid from the check that saw it until the one that did not."""

    key: str
    version: int
    record: Record
    valid_from: datetime
    valid_to: datetime | None
    check_id: int
    watch: str
    url: str
    valid_to_check: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "version": self.version,
            "record": self.record.to_dict(),
            "valid_from": self.valid_from.isoformat(),
            "valid_to": _iso(self.valid_to),
            "check_id": self.check_id,
            "valid_to_check": self.valid_to_check,
            "watch": self.watch,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class CheckRow:
    """One stored check of one page. `body_sha256` is None when the check stored no body."""

    id: int
    watch: str
    url: str
    started_at: datetime
    finished_at: datetime
    outcome: Outcome
    http_status: int | None
    error: str | None
    attempts: int
    sha256: str | None
    body_sha256: str | None
    text_sha256: str | None
    content_type: str | None
    encoding: str | None
    etag: str | None
    last_modified: str | None
    baseline: bool
    record_count: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "watch": self.watch,
            "url": self.url,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "outcome": self.outcome,
            "http_status": self.http_status,
            "error": self.error,
            "attempts": self.attempts,
            "sha256": self.sha256,
            "body_sha256": self.body_sha256,
            "text_sha256": self.text_sha256,
            "content_type": self.content_type,
            "encoding": self.encoding,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "baseline": self.baseline,
            "record_count": self.record_count,
        }


@dataclass(frozen=True, slots=True)
class GcReport:
    """What `gc` dropped: body count and their uncompressed and stored sizes in bytes."""

    bodies_dropped: int
    bytes_dropped: int
    stored_bytes_dropped: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "bodies_dropped": self.bodies_dropped,
            "bytes_dropped": self.bytes_dropped,
            "stored_bytes_dropped": self.stored_bytes_dropped,
        }


@dataclass(frozen=True, slots=True)
class WatchStatus:
    """A watch at a glance: its latest check over all its pages and whether any page is failing."""

    watch: str
    pages: int
    checks: int
    last_check_at: datetime | None
    last_outcome: Outcome | None
    consecutive_failures: int
    last_error: str | None
    tries: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "watch": self.watch,
            "pages": self.pages,
            "checks": self.checks,
            "last_check_at": _iso(self.last_check_at),
            "last_outcome": self.last_outcome,
            "consecutive_failures": self.consecutive_failures,
            "last_error": self.last_error,
            "tries": self.tries,
        }


@dataclass(frozen=True, slots=True)
class Delivery:
    """One queued alert: the alertable events of one check, for one channel."""

    id: int
    channel: str
    check_id: int
    watch: str
    url: str
    events: list[ChangeEvent]
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    delivered_at: datetime | None = None
    last_error: str | None = None
    claimed_by: str | None = None  # the process holding its lease (`host:pid:start`)
