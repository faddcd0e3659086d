"""Visits read from a table whose columns say who came or where the city's people went.

Municipal pages list receptions and trips as tables (`日付 | 来訪者 | 内容`, `期間 | 訪問先 |
目的`). The header names the column; each dated row below it is one visit, inbound when the
column holds visitors, outbound when it holds destinations. A row never merges with another:
each has its own date.
"""

from __future__ import annotations

import re

from parsers.document.segment import Section
from parsers.extract.events import Draft
from parsers.extract.mentions import Home, foreign_places, international
from parsers.extract.when import DateContext, dates_in

__all__ = ["table_drafts"]

_VISITORS = re.compile(
    r"来訪者|来訪団|訪問者|来庁者|来日者|来賓|訪問団体|Visitors?\b|Delegations?\b", re.I
)
_DESTINATIONS = re.compile(r"訪問先|出張先|派遣先|渡航先|訪問都市|Destinations?\b", re.I)
_CELL = " | "


def table_drafts(section: Section, home: Home, ctx: DateContext) -> list[Draft] | None:
    """The visits of a visitors' or destinations' table in `section`, or None when it holds
    no such table (then its text is read as sentences)."""
    sctx = ctx.with_headings(section.heading, *section.context)
    found: list[Draft] = []
    column: tuple[int, str] | None = None
    for line, kind in zip(section.lines, section.kinds, strict=False):
        if kind != "row":
            column = None
            continue
        cells = [c.strip() for c in line.split(_CELL)]
        if column is None:
            column = _column(cells)
            continue
        draft = _row(cells, column, line, home, sctx)
        if draft is not None:
            found.append(draft)
    return found if column is not None or found else None


def _column(header: list[str]) -> tuple[int, str] | None:
    for i, cell in enumerate(header):
        if len(cell) <= 12 and _VISITORS.search(cell):
            return i, "in"
        if len(cell) <= 12 and _DESTINATIONS.search(cell):
            return i, "out"
    return None


def _row(
    cells: list[str], column: tuple[int, str], line: str, home: Home, ctx: DateContext
) -> Draft | None:
    index, way = column
    if index >= len(cells):
        return None
    spans = [s for s in dates_in(line, ctx) if s.start.month is not None]
    if not spans:
        return None
    places = foreign_places(cells[index], home)
    draft = Draft(direction="in" if way == "in" else "out", title=line, listed=True)
    draft.take_date(spans[0])
    draft.texts.append(line)
    draft.international = bool(places) or international(line, home)
    if way == "out":
        draft.dests.extend(p for p in places if p not in draft.dests)
    else:
        draft.places.extend(p for p in places if p not in draft.places)
    return draft
