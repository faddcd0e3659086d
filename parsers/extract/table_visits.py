"""Visits read from a table whose columns say who came or where the city's people went.

Municipal pages list receptions and trips as tables (`日付 | 来訪者 | 内容`, `期間 | 訪問先 |
目的`). The header names the column; each dated row below it is one visit, inbound when the
column holds visitors, outbound when it holds destinations. A row never merges with another:
each has its own date.
"""

from __future__ import annotations

import re
from datetime import date

from parsers.document.segment import Section
from parsers.document.text import is_date_line
from parsers.extract.abroad import Home, foreign_places, international
from parsers.extract.drafts import Draft
from parsers.extract.when import DateContext, dates_in
from parsers.text.cues import NO_TRAVEL

__all__ = ["diary_rows", "is_visit_header", "table_drafts"]

_VISITORS = re.compile(
    r"来訪者|来訪団|訪問者|来庁者|来日者|来賓|訪問団体|受け?入れ?(?:団体|者)|研修員|視察者|"
    r"Visitors?\b|Delegations?\b",
    re.I,
)
_DESTINATIONS = re.compile(
    r"訪問先|出張先|派遣先|渡航先|用務先|用務地|行き?先|訪問(?:都市|地|国)|出張地|派遣国|Destinations?\b",
    re.I,
)
_CELL = " | "


def table_drafts(section: Section, home: Home, ctx: DateContext) -> list[Draft] | None:
    """The visits of a visitors' or destinations' table in `section`, or None when it holds
    no such table (then its text is read as sentences)."""
    sctx = ctx.with_headings(section.heading, *section.context)
    found: list[Draft] = []
    column: tuple[int, str] | None = None
    for line, kind in zip(section.lines, section.kinds, strict=False):
        if kind != "row":
            # `■日程: 月日 | 訪問先 | 内容`: a header a label took into its line
            header = line.rsplit(":", 1)[-1] if _CELL in line else ""
            column = _column([c.strip() for c in header.split(_CELL)]) if header else None
            continue
        cells = [c.strip() for c in line.split(_CELL)]
        if column is None:
            column = _column(cells)
            continue
        draft = _row(cells, column, line, home, sctx)
        if draft is not None:
            found.append(draft)
    if found and all(d.direction == "out" for d in found) and _one_journey(found):
        journey = _journey(found)
        journey.texts.append(section.text)  # (who went: the party the section lists)
        return [journey]
    return found if column is not None or found else None


# A row that moves the party on (`X → Y`, `移動`, `帰国`): the table is one trip's days.
_LEG = re.compile(r"→|⇒|移動|帰国|出発|\b(?:depart|arrive|travel)", re.I)


def _one_journey(rows: list[Draft]) -> bool:
    """Whether a destinations table lists the days of one trip (it has legs between them),
    not trips of their own."""
    return len(rows) >= 3 and sum(1 for r in rows if _LEG.search(r.title)) >= 2


def _journey(rows: list[Draft]) -> Draft:
    """The one trip a table of its days describes: from its first day to its last, every
    place abroad its rows name."""
    dated = [r for r in rows if r.start is not None]
    first = min(dated, key=lambda r: r.start.first_day() or date.max)  # type: ignore[union-attr]
    last = max(dated, key=lambda r: (r.end or r.start).last_day() or date.min)  # type: ignore[union-attr]
    trip = Draft(direction="out", title=rows[0].title)
    trip.start, trip.end = first.start, last.end or last.start
    for row in rows:
        trip.texts.extend(row.texts)
        trip.dests.extend(p for p in row.dests if p not in trip.dests)
    trip.international = any(r.international for r in rows)
    return trip


def is_visit_header(row: str) -> bool:
    """Whether a table's header row names visitors or destinations: a table of visits."""
    return _column([c.strip() for c in row.split(_CELL)]) is not None


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
    if not spans or NO_TRAVEL.search(line):
        return None  # undated, or held online or called off: no visit
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


# A day alone, as a month's diary writes it under the month (`8日(火)`, `28日(月)~11月1日(金)`).
_DAY_CELL = re.compile(r"^\d{1,2}日\s*(?:\([月火水木金土日](?:曜日?)?\))?(?:\s*~\s*\S.*)?$")


def _date_cell(cell: str) -> bool:
    return is_date_line(cell) or bool(_DAY_CELL.match(cell))


def diary_rows(section: Section) -> list[Section] | None:
    """A table whose rows each open with a date cell and whose header names neither visitors
    nor destinations (`日付 | 主な公務`) is a diary: each row an entry of its own, read as a
    dated heading would be. None when the section holds no such table."""
    rows = [line for line, kind in zip(section.lines, section.kinds, strict=False) if kind == "row"]
    dated = [r for r in rows if _date_cell(r.split(_CELL, 1)[0].strip())]
    if len(dated) < 2:
        return None
    context = (*section.context, section.heading) if section.heading else section.context
    entries = [Section(" ".join(c.strip() for c in row.split(_CELL)), context, ()) for row in dated]
    rest = [
        (line, kind)
        for line, kind in zip(section.lines, section.kinds, strict=False)
        if line not in dated and not (kind == "row" and line is rows[0])
    ]
    if rest:
        lines = tuple(line for line, _ in rest)
        kinds = tuple(kind for _, kind in rest)
        entries.insert(0, Section(section.heading, section.context, lines, kinds=kinds))
    return entries
