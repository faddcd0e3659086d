"""Dates of events, with the year filled in from the closest context.

A page writes `11月13日から15日` and leaves the year to its reader, who finds it in an earlier date
of the same passage, the heading (`国際会議2023`, `令和5年8月`), the page title, the URL
(`/2023/08/18/`) or the page's publication or update date, in that order of closeness. A year
taken from a publication or update date goes back one year when the date would otherwise fall
months after the page was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from parsers.text.dates import DateSpan, PartialDate, find_dates, years_in

__all__ = ["DateContext", "dates_in", "span_iso"]

_AHEAD_DAYS = 100


def _parse_iso(value: str | None) -> date | None:
    if not value or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class DateContext:
    """Where a passage's missing year may come from, closest first."""

    headings: tuple[str, ...] = ()
    title: str = ""
    url: str = ""
    published: str | None = None
    updated: str | None = None
    _cache: dict[str, int | None] = field(default_factory=dict, compare=False, repr=False)

    def with_headings(self, *headings: str) -> DateContext:
        # Built directly: dataclasses.replace is several times slower, and pages ask per section.
        headings = tuple(h for h in headings if h)
        return DateContext(headings, self.title, self.url, self.published, self.updated, {})

    def written(self) -> date | None:
        """When the page was written: its publication date, else its update date."""
        return _parse_iso(self.published) or _parse_iso(self.updated)

    def fiscal(self) -> bool:
        """Whether the context year is a fiscal year (`平成20年度の記録`): its January to March
        fall in the next calendar year."""
        self.year()
        return bool(self._cache.get("fiscal"))

    def year(self) -> tuple[int | None, bool]:
        """The context year and whether it came from the page's own date (not its text)."""
        if "year" not in self._cache:
            found = None
            fiscal = 0
            for text in (*self.headings, self.title, self.url):
                years = years_in(text) if text else []
                if years:
                    found = years[0]
                    first = next((s for s in find_dates(text) if s.start.year), None)
                    fiscal = int(first is not None and first.fiscal and first.start.year == found)
                    break
            self._cache["year"] = found
            self._cache["fiscal"] = fiscal
        year = self._cache["year"]
        if year is not None:
            return year, False
        written = self.written()
        return (written.year, True) if written else (None, False)


_SENTENCE_END = re.compile(r"[。！？\n]|\.\s")


def _year_for(text: str, span: DateSpan, before: list[DateSpan], ctx: DateContext) -> int | None:
    if (shift := _RELATIVE_YEAR.search(text, max(0, span.begin - 4), span.begin)) is not None:
        # `来年4月には`, `昨年10月に`: a year counted from the page's own date
        written = ctx.written()
        if written is not None:
            return written.year + _YEAR_SHIFT[shift.group()]
    for prior in reversed(before):
        if _SENTENCE_END.search(text, prior.stop, span.begin):
            break  # an earlier sentence's year says nothing about this one
        if prior.fiscal and prior.start.year is not None and span.start.month:
            # 令和5年度は、8月に…: April to December belong to the first year of the fiscal year.
            return prior.start.year if span.start.month >= 4 else prior.start.year + 1
        if prior.end.year is not None and prior.end.month is not None:
            return prior.end.year
    year, from_page_date = ctx.year()
    if year is not None and not from_page_date and ctx.fiscal() and span.start.month:
        return year + 1 if span.start.month <= 3 else year
    written = ctx.written()
    if year is not None and from_page_date and written is not None and span.start.month:
        guess = date(year, span.start.month, min(span.start.day or 1, 28))
        if (guess - written).days > _AHEAD_DAYS:
            year -= 1
    return year


# Years counted from the page's own date (`翌年`, `前年` count from a year the text names).
_YEAR_SHIFT = {"来年": 1, "昨年": -1, "去年": -1, "今年": 0, "本年": 0}
_RELATIVE_YEAR = re.compile(r"来年|昨年|去年|今年|本年(?!度)")


def dates_in(text: str, ctx: DateContext) -> list[DateSpan]:
    """Every date in `text`, yearless ones completed from the text before them or `ctx`.

    Dates whose year cannot be found keep `year=None`; callers decide what to do with them.
    """
    spans = find_dates(text)
    if not spans and _DAY_ALONE.match(text) and (month := _heading_month(ctx)) is not None:
        spans = find_dates(text, year=month.year, month=month.month)  # `26日(水)` under `6月`
    elif not spans and _DAYS_ONLY.search(text) and (written := ctx.written()) is not None:
        spans = _days_of_the_month(text, written)
    out: list[DateSpan] = []
    again: dict[int, dict[int, DateSpan]] = {}
    for span in spans:
        if span.start.year is not None:
            out.append(span)
            continue
        year = _year_for(text, span, out, ctx)
        if year is None:
            out.append(span)
            continue
        if year not in again:
            again[year] = {s.begin: s for s in find_dates(text, year=year)}
        out.append(again[year].get(span.begin, span))
    return out


# A day alone opening a text (`26日(水)`, `3日(月)~4日(火)`): a diary's entry under its month.
_DAY_ALONE = re.compile(r"^\s*\d{1,2}日(?:\s*\([^)]{1,4}\))?(?:\s|~|$)")


def _heading_month(ctx: DateContext) -> PartialDate | None:
    """The year and month the nearest heading over a text gives (`令和6年6月`)."""
    for heading in reversed(ctx.headings):
        for span in find_dates(heading):
            if span.start.year and span.start.month and not span.start.day and not span.fiscal:
                return span.start
    return None


# A range of days with no month (`4日から6日までの3日間`), as a release tells its own news.
_DAYS_ONLY = re.compile(r"(?<![\d月])\d{1,2}日(?:\([^)]{1,4}\))?(?:から|~)\d{1,2}日")


def _days_of_the_month(text: str, written: date) -> list[DateSpan]:
    """Days a text gives without their month, in the month it was written in: the news of a
    release or a diary dated on the page (a day after the writing day is last month's)."""
    spans = find_dates(text, year=written.year, month=written.month)
    if any(s.start.day is not None and s.start.day > written.day for s in spans):
        earlier = written.replace(day=1) - timedelta(days=1)
        spans = find_dates(text, year=earlier.year, month=earlier.month)
    return spans


def span_iso(start: PartialDate | None, end: PartialDate | None) -> tuple[str | None, str | None]:
    """ISO strings for a record's start and end (None where the year is unknown)."""
    return (start.iso() if start else None), (end.iso() if end else None)
