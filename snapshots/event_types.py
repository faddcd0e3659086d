"""Frozen values for real-world events: what the store gives back about an event, its versions
and its sources. An event's consolidated fields are the JSON shape `linking.consolidate` makes
(the same field names as a record, plus `city` and `disagreements`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from snapshots.reconcile import Reconciliation

__all__ = ["EventDetail", "EventSource", "EventVersion", "StoredEvent"]


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


@dataclass(frozen=True, slots=True)
class EventSource:
    """One record telling of an event: where it is, and when it was seen. `left_at` is set
    once it no longer tells of this event (gone from its page, or moved to another event)."""

    key: str
    url: str
    watch: str
    first_seen: datetime
    last_seen: datetime
    joined_at: datetime
    left_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "url": self.url,
            "watch": self.watch,
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "joined_at": self.joined_at.isoformat(),
            "left_at": _iso(self.left_at),
        }


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as it stood (now, or at an as-of time): its fields and its sources then."""

    id: int
    type: str
    version: int
    data: dict[str, Any]
    sources: tuple[EventSource, ...]
    created_at: datetime
    updated_at: datetime
    removed_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            **self.data,
            "version": self.version,
            "sources": [s.to_dict() for s in self.sources],
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "removed_at": _iso(self.removed_at),
        }


@dataclass(frozen=True, slots=True)
class EventVersion:
    """One link in an event's chain of consolidated fields."""

    version: int
    data: dict[str, Any]
    valid_from: datetime
    valid_to: datetime | None
    check_id: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "data": self.data,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": _iso(self.valid_to),
            "check_id": self.check_id,
        }


@dataclass(frozen=True, slots=True)
class EventDetail:
    """Everything about one event: the current state, every version and every source stay,
    and for a programme the register or a city's pages tell of, how the two compare."""

    event: StoredEvent
    versions: tuple[EventVersion, ...]
    sources: tuple[EventSource, ...]
    reconciliation: Reconciliation | None = None

    def to_dict(self) -> dict[str, Any]:
        reconciled = self.reconciliation
        return {
            "event": self.event.to_dict(),
            "versions": [v.to_dict() for v in self.versions],
            "sources": [s.to_dict() for s in self.sources],
            "reconciliation": None if reconciled is None else reconciled.to_dict(),
        }
