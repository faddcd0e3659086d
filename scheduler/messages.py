"""Words people can act on: one line per change event, and one message per check.

`New visit: さいたま市 → クアラルンプール (MY), 2023-08-06–2023-08-09, 清水市長`, and under it
one `Evidence: …` line with the page's own words behind the record, so that whoever reads the
alert can check it without opening the page."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from scheduler.event_messages import (
    describe_event_change,
    event_urls,
    is_event_kind,
    programme_line,
    whose,
)

if TYPE_CHECKING:  # types only: composing words needs no database
    from snapshots import ChangeEvent

__all__ = [
    "EVIDENCE_MAX",
    "describe_event",
    "describe_record",
    "evidence_html",
    "evidence_line",
    "message_for",
    "plural",
    "title_for",
]

EVIDENCE_MAX = 300
"""Characters of an alert's evidence line: the words to check a record by, not the page."""


def plural(count: int, word: str) -> str:
    """'1 record', '2 records'."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


_KIND_WORD = {"record_added": "New", "record_changed": "Changed", "record_removed": "Removed"}


def _places(record: dict[str, Any]) -> str:
    out = []
    for place in record.get("places") or []:
        country = place.get("country")
        out.append(f"{place['name']} ({country})" if country else place["name"])
    return ", ".join(out)


def _dates(record: dict[str, Any]) -> str:
    start, end = record.get("start"), record.get("end")
    if not start:
        return "date not given"
    return start if not end or end == start else f"{start}–{end}"


def describe_record(record: dict[str, Any], *, home: str | None = None) -> str:
    """The record in one line, from the point of view of whose it is (its `city_name`, else the
    watch's home)."""
    here = whose(record, home) or "here"
    if record.get("type") == "visit":
        elsewhere = _places(record) or "?"
        if record.get("direction") == "outbound":
            route = f"{here} → {elsewhere}"
        else:
            who = ", ".join(record.get("counterparts") or []) or elsewhere
            route = f"{who} → {here}"
        people = ", ".join(record.get("participants") or [])
        bits = [route, _dates(record)] + ([people] if people else [])
        return ", ".join(bits)
    return programme_line(record, home)


def _value(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_value(v) for v in value) or "(none)"
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values() if v)
    return "(none)" if value in (None, "") else str(value)


def describe_event(event: ChangeEvent, *, home: str | None = None) -> str:
    """One line for one event."""
    if is_event_kind(event.kind):
        return describe_event_change(event, home=home)
    record = event.record or {}
    kind = record.get("type", "record")
    if event.kind in _KIND_WORD:
        line = f"{_KIND_WORD[event.kind]} {kind}: {describe_record(record, home=home)}"
        if event.kind == "record_changed" and event.before is not None:
            edits = [
                f"{name} {_value(event.before.get(name))} → {_value(record.get(name))}"
                for name in event.fields
            ]
            line += " (" + "; ".join(edits) + ")"
        return line
    if event.kind == "layout_changed":
        return f"Layout changed: {event.url} now yields no records; its records were set aside"
    if event.kind == "page_changed":
        return f"Page text changed (no record changed): {event.url}"
    if event.kind == "page_failed":
        return f"Failing: {event.watch}: {event.error or 'check failed'}"
    if event.kind == "page_recovered":
        return f"Recovered: {event.watch} is being checked again"
    return f"{event.kind}: {event.url}"


def evidence_line(event: ChangeEvent) -> str:
    """`Evidence: …` for a record event whose record carries evidence (each text once), else
    ''. Versions stored before records carried evidence have none."""
    if event.kind not in _KIND_WORD or event.record is None:
        return ""
    evidence = event.record.get("evidence")
    if not isinstance(evidence, dict):
        return ""
    texts = list(dict.fromkeys(str(t) for t in evidence.values() if t))
    if not texts:
        return ""
    line = "Evidence: " + " / ".join(texts)
    return line if len(line) <= EVIDENCE_MAX else line[: EVIDENCE_MAX - 1].rstrip() + "…"


def evidence_html(event: ChangeEvent) -> str:
    """The evidence line for an HTML alert item, escaped (it is the page's text)."""
    line = evidence_line(event)
    return f"<br><small>{html.escape(line)}</small>" if line else ""


def title_for(events: Sequence[ChangeEvent]) -> str:
    news = [e for e in events if e.kind in _KIND_WORD or is_event_kind(e.kind)]
    if not news:
        return f"citywatch: {events[0].watch}: {events[0].kind.replace('_', ' ')}"
    return f"citywatch: {len(news)} change{'s' if len(news) > 1 else ''} on {events[0].watch}"


def message_for(events: Sequence[ChangeEvent], *, home: str | None = None) -> str:
    """One message for the events of one check: a line each, then the page."""
    lines: list[str] = []
    for event in events:
        lines.append(describe_event(event, home=home))
        if evidence := evidence_line(event):
            lines.append(f"  {evidence}")
    return "\n".join([*lines, "", *event_urls(events)])
