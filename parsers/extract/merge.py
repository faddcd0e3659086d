"""Joining neighbouring sections that describe one trip.

Diaries give each day of a trip its own entry (`銀行訪問 2020/05/11`, `寺院訪問 2020/05/12` in
Washington), often naming the city only once, and entries without a date of their own
(`大使との面会`) continue the entry before them. Two neighbouring outbound entries
join when their days touch and at most one of them says where it was; entries that both name
their place and date are separate visits even when their days overlap.
"""

from __future__ import annotations

from datetime import date, timedelta

from parsers.extract.countries import find_countries
from parsers.extract.drafts import Draft
from parsers.extract.places import find_places

__all__ = ["absorb_duplicates", "merge_neighbours", "met_on_trip"]

_TOUCH = timedelta(days=1)


def _touch(a: Draft, b: Draft) -> bool:
    if not (a.start and a.end and b.start and b.end):
        return False
    if a.start.day is None or b.start.day is None:
        return False
    a0, a1, b0, b1 = a.start.first_day(), a.end.last_day(), b.start.first_day(), b.end.last_day()
    if a0 is None or a1 is None or b0 is None or b1 is None:
        return False
    return a0 - _TOUCH <= b1 and b0 - _TOUCH <= a1


def _placed(draft: Draft) -> bool:
    return bool(draft.dests) and not draft.guessed


def _compatible(a: Draft, b: Draft) -> bool:
    """No conflict of countries between two drafts (either may name none)."""
    ca, cb = {p.country for p in a.dests}, {p.country for p in b.dests}
    return not ca or not cb or bool(ca & cb)


def _join(into: Draft, other: Draft) -> None:
    if other.start and into.start:
        first = min((into.start, other.start), key=lambda d: d.first_day() or date.max)
        ends = (into.end or into.start, other.end or other.start)
        into.start, into.end = first, max(ends, key=lambda d: d.last_day() or date.min)
    elif other.start and not into.start:
        into.start, into.end = other.start, other.end
    for place in other.dests:
        if place not in into.dests:
            into.dests.append(place)
    for place in other.places:
        if place not in into.places:
            into.places.append(place)
    into.texts += other.texts
    into.international = into.international or other.international
    into.own = into.own or other.own
    into.guessed = into.guessed and other.guessed


def merge_neighbours(drafts: list[Draft]) -> list[Draft]:
    """Drafts with the days of one trip joined, in page order."""
    out: list[Draft] = []
    for draft in drafts:
        prev = out[-1] if out else None
        if prev is not None and not draft.dated() and draft.order == prev.order + 1:
            _join(prev, draft)
            prev.order = draft.order
            continue
        if (
            prev is not None
            and prev.direction == draft.direction == "out"
            and draft.order == prev.order + 1
            and not (_placed(prev) and _placed(draft))
            and _compatible(prev, draft)
            and _touch(prev, draft)
        ):
            _join(prev, draft)
            prev.order = draft.order
            continue
        out.append(draft)
    return out


def _contains(outer: Draft, inner: Draft) -> bool:
    if not (outer.start and outer.end and inner.start and inner.end):
        return False
    a0, a1 = outer.start.first_day(), outer.end.last_day()
    b0, b1 = inner.start.first_day(), inner.end.last_day()
    if a0 is None or a1 is None or b0 is None or b1 is None:
        return False
    return a0 <= b0 and b1 <= a1


def _vague(draft: Draft) -> bool:
    return bool(draft.start and draft.start.day is None)


def _countries(draft: Draft) -> frozenset[str | None]:
    return frozenset(p.country for p in draft.dests)


def _duplicate(a: Draft, b: Draft) -> bool:
    """The same visit told twice: same way, same countries, one's days inside the other's.

    Inbound visits all share the page city, so only a vague one (a month) is absorbed by a
    precise one, or one whose guests come from the same countries (a diary's row and the
    paragraph telling of the same call); two dated events of one conference stay two."""
    if a.direction != b.direction or not (_contains(a, b) or _contains(b, a)):
        return False
    if a.direction == "out":
        return bool(_countries(a)) and _countries(a) == _countries(b)
    return _vague(a) or _vague(b) or (bool(_origins(a)) and _origins(a) == _origins(b))


def _origins(draft: Draft) -> frozenset[str | None]:
    """The countries a reception's guests came from: the foreign places it names, else the
    countries and towns abroad its own lines name (`駐日X国大使`, `出席者:(X市)…`)."""
    found = frozenset(p.country for p in draft.places if p.country != "JP")
    if found or len(draft.texts) != 1:
        return found
    text = draft.texts[0]
    named: set[str | None] = {c.code for c in find_countries(text)}
    named |= {m.place.country for m in find_places(text)}
    return frozenset(named - {"JP", None})


def absorb_duplicates(drafts: list[Draft]) -> list[Draft]:
    """One draft per visit: a duplicate joins the more precise of the two, and a call met
    abroad on a trip's days joins the trip."""
    out: list[Draft] = []
    for draft in drafts:
        trip = next((o for o in drafts if o is not draft and met_on_trip(draft, o)), None)
        if trip is not None:
            _join(trip, draft)  # (the trip keeps its own dates)
            continue
        twin = next((o for o in out if _duplicate(o, draft)), None)
        if twin is None:
            out.append(draft)
            continue
        keep = _keeper(twin, draft)
        keep_start, keep_end, title = keep.start, keep.end, keep.title
        _join(twin, draft)
        twin.start, twin.end, twin.title = keep_start, keep_end, title
    return out


def met_on_trip(call: Draft, trip: Draft) -> bool:
    """Whether a call read as received (`11/15 X市長表敬` in a trip's itinerary) falls on the
    days of a trip out to the place it names: the trip's people met them there."""
    if call.direction != "in" or trip.direction != "out" or call.start != call.end:
        return False  # (a stay of its own is a visit of its own)
    if _vague(trip) or not _contains(trip, call):
        return False  # (a month's heading holds calls received in it, not a trip's days)
    if (call.start, call.end) == (trip.start, trip.end):
        return False
    abroad = {p.name for p in call.places if p.country not in (None, "JP")}
    return bool(abroad) and any(
        p.name in name or name in p.name for p in trip.dests for name in abroad
    )


def _keeper(a: Draft, b: Draft) -> Draft:
    """Whose dates stand: a day over a month; the event's labelled day (`日時: 3月15日`) over
    the span a sentence gives for the gathering it is part of; between two spans, the whole
    trip."""
    if _vague(a) != _vague(b):
        return b if _vague(a) else a
    if a.labelled != b.labelled and (b.gathering if a.labelled else a.gathering):
        return a if a.labelled else b
    return a if _contains(a, b) else b
