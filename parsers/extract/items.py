"""Items a page lists under dated headings.

A page whose headline reads like one trip (`市長の海外訪問`) may still be a list: a section under
a heading with a full date of its own (`令和6年5月10日 X市を訪問`), outside the trip's days, is
another visit, and visits of different days are never one trip. A diary of one trip heads its
entries with days inside the trip, often without a year (`10月27日(火曜)`); those stay the
trip's.
"""

from __future__ import annotations

from collections.abc import Sequence

from parsers.document.segment import Section
from parsers.extract.drafts import Draft
from parsers.text.dates import DateSpan, find_dates

__all__ = ["heading_days", "lists_items"]


def heading_days(section: Section) -> list[DateSpan]:
    """The full dates (year, month and day) the section's heading carries."""
    if not section.heading:
        return []
    return [s for s in find_dates(section.heading) if s.start.year and s.start.day]


def lists_items(trip: Draft, drafts: Sequence[Draft], sections: Sequence[Section]) -> bool:
    """Whether the page's visits are items: each under a heading naming it with a full date,
    or one under a heading dated outside the trip. A page read as items reads the same when
    it gains an item, so its first visit does not change when a second is added."""
    if not trip.dated():
        return False
    if trip.start is not None and trip.start.day is None and _days_apart(drafts, sections):
        return True  # `表敬訪問(令和6年5月)` over calls on days of their own: a month's list
    if drafts and all(_under_dated_heading(d, sections) for d in drafts):
        return not _days_of(trip, drafts)
    for draft in drafts:
        if not 0 <= draft.head < len(sections) or trip.contains_draft(draft):
            continue
        days = heading_days(sections[draft.head])
        if days and not any(trip.contains(day) for day in days):
            return True
    return False


def _days_apart(drafts: Sequence[Draft], sections: Sequence[Section]) -> bool:
    """Whether two or more visits stand under headings that name different days."""
    days: set[tuple[int | None, int | None]] = set()
    for draft in drafts:
        if 0 <= draft.head < len(sections) and sections[draft.head].heading:
            found = [s for s in find_dates(sections[draft.head].heading) if s.start.day]
            days.update((s.start.month, s.start.day) for s in found[:1])
    return len(days) >= 2


def _days_of(trip: Draft, drafts: Sequence[Draft]) -> bool:
    """Whether dated entries are the days of the trip: several, each inside its days and
    shorter than it (an itinerary `R6.6.21 X市役所訪問` under a trip of a week)."""
    return len(drafts) >= 2 and all(
        trip.contains_draft(d) and (d.start, d.end) != (trip.start, trip.end) for d in drafts
    )


def _under_dated_heading(draft: Draft, sections: Sequence[Section]) -> bool:
    """Under a heading that names an item and its day (a heading that is only a date, such as a
    trip's `日程` written as a heading, is no item of its own)."""
    if not 0 <= draft.head < len(sections):
        return False
    section = sections[draft.head]
    return not section.date_only and bool(heading_days(section))
