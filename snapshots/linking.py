"""The rules that decide which records tell of one real-world event, written once and pure.

Records become `Facts` (what linking looks at); `compatible` says whether two records may tell
of one event; `cluster` turns any set of facts into events, as a function of the set alone, so
the order in which pages arrive cannot change the result; `consolidate` makes an event's fields
from its sources, the more precise source winning and every disagreement kept.

`cluster` only ever relates compatible records, so its answer for one connected group of
compatible records does not depend on any other record: the store recomputes just the group a
change touches (see `snapshots/events.py`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from citywatch import defaults
from citywatch.model import Programme, Record, Visit

__all__ = [
    "DAY",
    "MONTH",
    "NONE",
    "YEAR",
    "Facts",
    "Member",
    "block_of",
    "by_partner",
    "cluster",
    "compatible",
    "consolidate",
    "day_number",
    "facts_of",
    "partner_name",
    "span_of",
]

NONE, YEAR, MONTH, DAY = 0, 1, 2, 3
_WINDOW = defaults.EVENT_PUBLISHED_WITHIN_DAYS
_MAX_SPAN = defaults.EVENT_MAX_SPAN_DAYS


def span_of(value: str | None) -> tuple[int, int, int] | None:
    """An ISO date (YYYY, YYYY-MM or YYYY-MM-DD) as (first day, last day, precision), days as
    ordinals; None when absent or not a date."""
    if not value:
        return None
    parts = value.split("-")
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) == 1:
            return date(numbers[0], 1, 1).toordinal(), date(numbers[0], 12, 31).toordinal(), YEAR
        if len(numbers) == 2:
            first = date(numbers[0], numbers[1], 1)
            after = date(numbers[0] + numbers[1] // 12, numbers[1] % 12 + 1, 1)
            return first.toordinal(), after.toordinal() - 1, MONTH
        if len(numbers) == 3:
            day = date(*numbers).toordinal()
            return day, day, DAY
    except ValueError:
        return None
    return None


def day_number(value: str | None) -> int | None:
    """The first day of an ISO date as an ordinal (a page's publication date)."""
    span = span_of(value)
    return None if span is None else span[0]


def _name(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split()).casefold()


# A partner's kind, which one source writes and another leaves out (クアラルンプール市 in a
# city's page, クアラルンプール in the register): compared without it.
_KINDS = frozenset("市都州省県府町村区郡")


def partner_name(value: str) -> str:
    """A programme partner as linking compares it: spacing, width and a trailing kind (市, 州,
    都, ...) left out, but never down to one character (京都 stays)."""
    name = _name(value)
    return name[:-1] if len(name) > 2 and name[-1] in _KINDS else name


def block_of(type_: str, direction: str, city: str) -> str:
    """Only records of one block can link: same type, direction and point-of-view city."""
    return f"{type_}|{direction}|{city}"


def by_partner(facts: Facts) -> bool:
    """Whether these facts link on partner and city alone, whatever their dates: a programme
    that names its partners (sources often disagree on when a programme began, and that
    disagreement is what reconciliation shows; a visit's dates stay strict)."""
    return facts.block.startswith("programme|") and bool(facts.names)


@dataclass(frozen=True, slots=True)
class Facts:
    """What linking knows of one record. Days are ordinals; `lo`/`hi` None means undated,
    and then `published` (the page's publication day) is what places it in time."""

    key: str
    block: str
    countries: frozenset[str]
    names: frozenset[str]
    lo: int | None
    hi: int | None
    precision: int
    published: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "block": self.block,
            "countries": sorted(self.countries),
            "names": sorted(self.names),
            "lo": self.lo,
            "hi": self.hi,
            "precision": self.precision,
            "published": self.published,
        }

    @classmethod
    def from_dict(cls, key: str, data: Mapping[str, Any]) -> Facts:
        return cls(
            key=key,
            block=data["block"],
            countries=frozenset(data["countries"]),
            names=frozenset(data["names"]),
            lo=data["lo"],
            hi=data["hi"],
            precision=data["precision"],
            published=data["published"],
        )


def facts_of(record: Record, *, city: str | None, published: str | None) -> Facts:
    """A visit is placed in time by its start and end, a programme by its start (its end may be
    years later and added afterwards).

    The point of view is the record's own `city` when its page named one (a register page
    names its local government), else the watch's `city`. A programme's own government is no
    partner to link on: the register lists both sides, and every programme of 横浜市 names it."""
    start = span_of(record.start)
    end = span_of(record.end) if isinstance(record, Visit) else None
    lo = hi = None
    precision = NONE
    if start is not None:
        lo, hi, precision = start
        if end is not None and end[1] >= lo:
            hi = end[1]
        hi = min(hi, lo + _MAX_SPAN)
    own: set[str] = set()
    if isinstance(record, Programme):
        names, direction, fold = record.partners, "", partner_name
        own = {partner_name(record.city_name)} if record.city_name else set()
    else:
        names, direction, fold = record.counterparts, record.direction, _name
    return Facts(
        key=record.key,
        block=block_of(record.type, direction, record.city or city or ""),
        countries=frozenset(p.country for p in record.places if p.country),
        names=frozenset(n for n in (fold(x) for x in names) if n and n not in own),
        lo=lo,
        hi=hi,
        precision=precision,
        published=day_number(published) if lo is None else None,
    )


def compatible(a: Facts, b: Facts) -> bool:
    """Whether two records may tell of one event (symmetric).

    Same block, a shared country, and counterparts that agree where both name them. Programmes
    that name partners in common are one programme whatever their dates (`by_partner`). Other
    dated records must overlap in time (a month holds its days). A record without dates needs named
    counterparts in common and a publication date: it fits a dated record whose event its page
    came out during or within the window after, and another undated record whose page came out
    within the window of its own."""
    if a.block != b.block or not (a.countries & b.countries):
        return False
    if a.names and b.names and not (a.names & b.names):
        return False
    if by_partner(a) and by_partner(b):
        return True  # the same block, so both programmes; they share a partner
    if a.lo is not None and b.lo is not None:
        assert a.hi is not None and b.hi is not None
        return a.lo <= b.hi and b.lo <= a.hi
    if not (a.names & b.names):
        return False
    if a.lo is None and b.lo is None:
        if a.published is None or b.published is None:
            return False
        return abs(a.published - b.published) <= _WINDOW
    dated, undated = (a, b) if a.lo is not None else (b, a)
    assert dated.lo is not None and dated.hi is not None
    return undated.published is not None and dated.lo <= undated.published <= dated.hi + _WINDOW


def _order(f: Facts) -> tuple[int, int, str]:
    when = f.lo if f.lo is not None else (f.published if f.published is not None else 0)
    return (-f.precision, when, f.key)


def cluster(facts: Iterable[Facts]) -> list[tuple[str, ...]]:
    """The events of a set of records, as sorted tuples of keys, sorted.

    Day-precise records that are compatible are one event (their days overlap). The less
    precise then join, most precise first: a record joins the one event it is compatible with;
    compatible with none it starts its own, and compatible with several (a month that holds
    two trips) it stays apart rather than guess."""
    groups: list[list[Facts]] = []
    for f in sorted(facts, key=_order):
        hits = [g for g in groups if any(compatible(f, m) for m in g)]
        if f.precision == DAY and hits:
            merged = [m for g in hits for m in g] + [f]
            groups = [g for g in groups if all(g is not h for h in hits)] + [merged]
        elif len(hits) == 1:
            hits[0].append(f)
        else:
            groups.append([f])
    return sorted(tuple(sorted(m.key for m in g)) for g in groups)


@dataclass(frozen=True, slots=True)
class Member:
    """One source as consolidation sees it: its facts and its record as stored (to_dict)."""

    facts: Facts
    record: Mapping[str, Any]


def _union(lists: Iterable[Sequence[Any]]) -> list[Any]:
    seen: dict[str, Any] = {}
    for values in lists:
        for value in values:
            seen.setdefault(repr(value), value)
    return list(seen.values())


def consolidate(members: Sequence[Member], *, city: str | None) -> dict[str, Any]:
    """An event's fields from its sources. The most precise dated source gives the dates and
    the title (ties: the more precise end, then the smallest key); lists are the union, best
    source first; every other date a source gives is kept under `disagreements`."""

    def rank(m: Member) -> tuple[int, int, str]:
        end = span_of(m.record.get("end"))
        return (-m.facts.precision, -(end[2] if end else 0), m.facts.key)

    ranked = sorted(members, key=rank)
    best = ranked[0].record
    event_type = best["type"]
    data: dict[str, Any] = {
        "type": event_type,
        "direction": best.get("direction"),
        "city": city,
        "start": best.get("start"),
        "end": best.get("end"),
        "places": _union(m.record.get("places") or () for m in ranked),
    }
    if event_type == "visit":
        data["participants"] = _union(m.record.get("participants") or () for m in ranked)
        data["counterparts"] = _union(m.record.get("counterparts") or () for m in ranked)
    else:
        data["partners"] = _union(m.record.get("partners") or () for m in ranked)
        data["milestones"] = _union(m.record.get("milestones") or () for m in ranked)
    data["title"] = best.get("title") or ""
    data["summary"] = best.get("summary") or ""
    disagreements: dict[str, list[dict[str, Any]]] = {}
    for name in ("start", "end"):
        others = [
            {"key": m.facts.key, "value": m.record.get(name)}
            for m in ranked[1:]
            if m.record.get(name) and m.record.get(name) != data[name]
        ]
        if others:
            disagreements[name] = others
    data["disagreements"] = disagreements
    return data
