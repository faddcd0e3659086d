"""The seam to the consolidated events (one trip told by several pages is one event).

The events layer (`snapshots/events.py`, its migration and `Store.events()`) lands on another
branch. Until it does, `read_events` answers None ("this store has no events") and the
dashboard hides its Events page and `/api/events`. Once the store has it, each event's
`to_dict()` is shown as the CLI's `events --format json` prints it; only this function needs
to follow that API if it differs."""

from __future__ import annotations

from typing import Any

from snapshots import Store

__all__ = ["read_event", "read_events"]


def read_events(store: Store) -> list[dict[str, Any]] | None:
    """Every consolidated event as its JSON shape, or None when the store keeps none."""
    reader = getattr(store, "events", None)
    if reader is None or not callable(reader):
        return None
    return [event.to_dict() for event in reader()]


def read_event(store: Store, key: str) -> dict[str, Any] | None:
    """One event with every version and every source stay, as `event ID --format json`
    prints it; None for an unknown or malformed id."""
    reader = getattr(store, "event", None)
    if reader is None or not (key.isascii() and key.isdigit() and len(key) < 12):
        return None
    detail = reader(int(key))
    return None if detail is None else detail.to_dict()
