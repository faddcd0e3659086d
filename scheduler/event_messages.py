"""Words for the event level: one line per event change, and the sources it names.

`New visit: 横浜市 → バンコク (TH), 2024-06-20 – 06-22 (3 sources)`. An alert is composed when
it is sent, and by then later pages may have told of the same event, so `current` reads a new
event as it stands then: the one message for a new trip names every source known so far."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # types only: composing words needs no database
    from snapshots import ChangeEvent, Store


__all__ = [
    "current",
    "describe_event_change",
    "event_urls",
    "is_event_kind",
    "programme_line",
    "whose",
]

_WORD = {
    "event_added": "New",
    "event_changed": "Changed",
    "event_source_added": "New source for",
    "event_removed": "Removed",
}


def is_event_kind(kind: str) -> bool:
    return kind in _WORD


def _span(start: str | None, end: str | None) -> str:
    if not start:
        return "date not given"
    if not end or end == start:
        return start
    shown = end[5:] if end[:4] == start[:4] and len(end) > 4 else end
    return f"{start} – {shown}"


def _places(data: dict[str, Any]) -> str:
    return ", ".join(
        f"{p['name']} ({p['country']})" if p.get("country") else p["name"]
        for p in data.get("places") or []
    )


def whose(data: dict[str, Any], home: str | None) -> str | None:
    """Whose record or event it is: its own `city_name` (a register page names its own local
    government, whatever the watch says), else the watch's home; None when neither is known."""
    name = data.get("city_name")
    return name if isinstance(name, str) and name else home


def programme_line(data: dict[str, Any], home: str | None) -> str:
    """`さいたま市 – クアラルンプール, since 2022-04-01`: whose it is, its partners, its start."""
    own = whose(data, home)
    partners = [p for p in data.get("partners") or [] if p != own]
    named = ", ".join(partners) or _places(data) or "?"
    since = f"since {data['start']}" if data.get("start") else "start not given"
    return f"{own} – {named}, {since}" if own else f"{named}, {since}"


def _what(data: dict[str, Any], home: str | None) -> str:
    here = whose(data, home) or "here"
    if data.get("type") == "programme":
        return programme_line(data, home)
    if data.get("direction") == "outbound":
        route = f"{here} → {_places(data) or '?'}"
    else:
        who = ", ".join((data.get("counterparts") or [])[:2]) or _places(data) or "?"
        route = f"{who} → {here}"
    return f"{route}, {_span(data.get('start'), data.get('end'))}"


def _count(data: dict[str, Any]) -> str:
    n = len(data.get("sources") or [])
    return f"{n} source{'s' if n != 1 else ''}"


def describe_event_change(event: ChangeEvent, *, home: str | None = None) -> str:
    """One line for one event change."""
    data = event.record or {}
    head = f"{_WORD.get(event.kind, event.kind)} {data.get('type', 'event')}: {_what(data, home)}"
    if event.kind == "event_removed":
        return f"{head} (no page tells of it any more)"
    line = f"{head} ({_count(data)})"
    if event.kind == "event_changed" and event.before is not None:
        edits = [
            f"{name} {event.before.get(name) or '(none)'} → {data.get(name) or '(none)'}"
            for name in event.fields
            if name in ("start", "end", "direction")
        ]
        if edits:
            line += " — " + "; ".join(edits)
    return line


def event_urls(events: Sequence[ChangeEvent]) -> list[str]:
    """The pages to link: each event's page, and every source an event change names."""
    urls = []
    for e in events:
        urls.append(e.url)
        if is_event_kind(e.kind):
            urls.extend(s["url"] for s in (e.record or {}).get("sources") or [])
    return list(dict.fromkeys(urls))


def current(store: Store, events: Sequence[ChangeEvent]) -> list[ChangeEvent]:
    """The events, a new event (or a new source of one) told as its event stands now, with
    every source known so far; what changed or was removed is told as it was recorded."""
    wanted = ("event_added", "event_source_added")
    ids = sorted(
        {int(e.record["id"]) for e in events if e.kind in wanted and e.record and "id" in e.record}
    )
    if not ids:
        return list(events)
    now = {}
    for stored in store.events_by_id(ids):
        if stored.removed_at is None:
            sources = [{"key": s.key, "url": s.url, "watch": s.watch} for s in stored.sources]
            now[stored.id] = {"id": stored.id, **stored.data, "sources": sources}
    out = []
    for e in events:
        fresh = now.get(int(e.record["id"])) if e.kind in wanted and e.record else None
        if fresh is not None:
            e = dataclasses.replace(e, record=fresh)
        out.append(e)
    return out
