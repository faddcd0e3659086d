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
from parsers.extract.events import Draft
from parsers.text.dates import DateSpan, find_dates

__all__ = ["heading_days", "lists_items"]


def heading_days(section: Section) -> list[DateSpan]:
    """The full dates (year, month and day) the section's heading carries."""
    if not section.heading:
        return []
    return [s for s in find_dates(section.heading) if s.start.year and s.start.day]


def lists_items(trip: Draft, drafts: Sequence[Draft], sections: Sequence[Section]) -> bool:
    """Whether a visit read from a section stands under a heading dated outside the trip."""
    if not trip.dated():
        return False
    for draft in drafts:
        if not 0 <= draft.order < len(sections) or trip.contains_draft(draft):
            continue
        days = heading_days(sections[draft.order])
        if days and not any(trip.contains(day) for day in days):
            return True
    return False
