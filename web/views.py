"""What the pages show, as values built from what the store gives: changes grouped by check,
a record's versions with the fields each one changed, the timeline's months and spans, and the
map's counts per country. Templates only lay these out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from snapshots import ChangeEvent, RecordVersion, StoredRecord
from snapshots.diffing import changed_fields

__all__ = [
    "ChangeGroup",
    "CityMonths",
    "Span",
    "Timeline",
    "VersionView",
    "country_counts",
    "describe",
    "group_by_check",
    "http_url",
    "month_range",
    "timeline",
    "version_views",
]

#: The most months a timeline draws (the newest ones).
MAX_MONTHS = 360


def http_url(value: Any) -> str | None:
    """`value` when it is an absolute http(s) URL, else None: scraped text never becomes a
    live link of any other scheme (javascript:, data:, ...)."""
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return value.strip()
    return None


def describe(record: Mapping[str, Any] | None) -> str:
    """A record in one line: type, direction, dates, places."""
    if not record:
        return ""
    when = record.get("start") or "?"
    if record.get("end") and record["end"] != record.get("start"):
        when += f"–{record['end']}"
    places = ", ".join(str(p.get("name", "")) for p in record.get("places") or [])
    parts = [record.get("type"), record.get("direction"), when, places]
    return " ".join(str(p) for p in parts if p)


@dataclass(frozen=True, slots=True)
class ChangeGroup:
    """The events one check produced, shown together."""

    check_id: int
    at: datetime
    watch: str
    url: str
    events: list[ChangeEvent] = field(default_factory=list)


def group_by_check(events: Iterable[ChangeEvent]) -> list[ChangeGroup]:
    """Consecutive events of one check become one group, in the order given."""
    groups: list[ChangeGroup] = []
    for event in events:
        if not groups or groups[-1].check_id != event.check_id:
            groups.append(ChangeGroup(event.check_id, event.at, event.watch, event.url))
        groups[-1].events.append(event)
    return groups


@dataclass(frozen=True, slots=True)
class VersionView:
    """One version with what it changed from the one before (all fields for the first)."""

    version: RecordVersion
    fields: list[tuple[str, Any, Any]]  # (name, before, after), in the record's field order
    changed: tuple[str, ...]
    previous_check: int | None


def version_views(history: Sequence[RecordVersion]) -> list[VersionView]:
    views = []
    before: dict[str, Any] = {}
    previous: RecordVersion | None = None
    for version in history:
        after = version.record.to_dict()
        changed = changed_fields(before, after) if previous is not None else ()
        names = list(after) + [n for n in before if n not in after]
        views.append(
            VersionView(
                version=version,
                fields=[
                    (n, before.get(n), after.get(n)) for n in names if n not in ("key", "evidence")
                ],
                changed=changed,
                previous_check=previous.check_id if previous else None,
            )
        )
        before, previous = after, version
    return views


def _month(date: str | None) -> str | None:
    return date[:7] if date and len(date) >= 7 else None


def month_range(first: str, last: str) -> list[str]:
    """Every YYYY-MM from `first` to `last`, the newest MAX_MONTHS at most."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months[-MAX_MONTHS:]


@dataclass(frozen=True, slots=True)
class CityMonths:
    """Visits per month seen from one city (None: watches with no city)."""

    city: str | None
    inbound: Mapping[str, int]
    outbound: Mapping[str, int]

    @property
    def peak(self) -> int:
        return max([1, *self.inbound.values(), *self.outbound.values()])


@dataclass(frozen=True, slots=True)
class Span:
    """A programme drawn from its start month to its end (or to this month)."""

    key: str
    title: str
    start: str
    end: str
    open: bool


@dataclass(frozen=True, slots=True)
class Timeline:
    months: list[str]
    cities: list[CityMonths]
    spans: list[Span]

    def rows(self) -> list[tuple[str, str | None, int, int]]:
        """(month, city, inbound, outbound) for each month with a visit, for the table."""
        return [
            (m, c.city, c.inbound.get(m, 0), c.outbound.get(m, 0))
            for m in reversed(self.months)
            for c in self.cities
            if c.inbound.get(m) or c.outbound.get(m)
        ]


def timeline(
    visits: Iterable[tuple[str, str, str, str | None]],
    programmes: Iterable[StoredRecord],
    cities: Mapping[str, str | None],
    *,
    now: datetime | None = None,
) -> Timeline:
    """`visits` as (watch, type, start, direction) rows; programmes as records."""
    this_month = (now or datetime.now(UTC)).strftime("%Y-%m")
    counts: dict[tuple[str | None, str], Counter[str]] = {}
    seen: list[str] = []
    for watch, kind, day, direction in visits:
        month = _month(day)
        if kind != "visit" or month is None or direction not in ("inbound", "outbound"):
            continue
        city = cities.get(watch)
        counts.setdefault((city, direction), Counter())[month] += 1
        seen.append(month)
    spans = []
    for stored in programmes:
        record = stored.record
        begun = _month(record.start) or (f"{record.start}-01" if record.start else None)
        if begun is None:
            continue
        start: str = begun
        end = _month(record.end) or (f"{record.end}-12" if record.end else None)
        spans.append(Span(stored.key, record.title, start, end or this_month, end is None))
        seen += [start, end or this_month]
    months = month_range(min(seen), max(seen)) if seen else []
    city_names = sorted({c for c, _ in counts}, key=lambda c: (c is None, c or ""))
    rows = [
        CityMonths(c, counts.get((c, "inbound"), Counter()), counts.get((c, "outbound"), Counter()))
        for c in city_names
    ]
    spans.sort(key=lambda s: (s.start, s.key))
    return Timeline(months, rows, spans)


def country_counts(records: Iterable[StoredRecord]) -> Counter[str]:
    """How many records name each country (a record naming one country twice counts once)."""
    counts: Counter[str] = Counter()
    for stored in records:
        codes = {p.country.upper() for p in stored.record.places if p.country}
        counts.update(codes)
    return counts
