"""Choosing a visit's dates among the spans a page writes.

A section or a trip page writes many dates: a heading's month, a story's days, a range, a
posting date, an agreement's date, a fiscal year. These rules pick the one that dates the
visit: a range over a single day, a day inside a heading's month, a stay's last day told after
its first, the span of a trip's day headings, never a posting date or an agreement's own.
"""

from __future__ import annotations

import re

from parsers.document.segment import Section
from parsers.extract.abroad import sentence_texts
from parsers.extract.mentions import Mention
from parsers.extract.when import DateContext, dates_in
from parsers.text.cues import AGREEMENT
from parsers.text.dates import DateSpan, PartialDate

__all__ = [
    "PUBLICATION",
    "best",
    "first_event_date",
    "heading_days",
    "posted",
    "refine",
    "stay_end",
    "trip_dates",
    "widen",
]


def best(spans: list[DateSpan] | tuple[DateSpan, ...]) -> DateSpan | None:
    """A range over a single date, a day over a fiscal year; the earliest-written otherwise."""
    usable = [s for s in spans if s.start.month is not None and s.start.year is not None]
    plain = [s for s in usable if not s.fiscal]
    ranges = [s for s in plain if s.is_range]
    chosen = ranges or plain or usable
    return chosen[0] if chosen else None


def refine(chosen: DateSpan | None, candidates: list[DateSpan]) -> DateSpan | None:
    """A month from a heading gives way to a day inside it written in the text; a day to a
    range the text says starts on it."""
    if chosen is None or chosen.start.day is not None:
        return widen(chosen, candidates)
    for span in candidates:
        s = span.start
        if s.day and s.year == chosen.start.year and s.month == chosen.start.month:
            return span
    return chosen


def widen(chosen: DateSpan | None, candidates: list[DateSpan]) -> DateSpan | None:
    """A day gives way to a range the text says starts on it (`5月10日` over `5月10日から13日`)."""
    if chosen is None or chosen.start.day is None or chosen.is_range:
        return chosen
    return next((s for s in candidates if s.is_range and s.start == chosen.start), chosen)


def posted(heading: DateSpan, main: Mention | None, told: list[DateSpan]) -> bool:
    """Whether a heading's day is when an item was posted: its story dates its main event to
    days that all end before it (`2025.01.10` over `visited … on December 18 and 19`); a
    headline without days leaves them to the story's sentences (`told`)."""
    if heading.is_range or heading.start.day is None or main is None:
        return False
    days = [s for s in main.dates if s.start.day is not None]
    days = days or [s for s in told if s.start.day is not None]
    posted = heading.start.first_day()
    return (
        bool(days)
        and posted is not None
        and all((last := s.end.last_day()) is not None and last < posted for s in days)
    )


# The last day of a stay told after its first (`一行は13日にかけて市内を視察`, `15日まで滞在`,
# `一行は翌8日、…を視察`).
_STAY_END = re.compile(
    r"(?:(?P<month>\d{1,2})月)?(?P<day>\d{1,2})日(?:まで|にかけて)|翌(?P<next>\d{1,2})日(?:[はに、]|\s)"
)
_RANGE_FROM = re.compile(r"(?P<day>\d{1,2})日?(?:\([^)]{1,4}\))?\s*(?:から|~)\s*$")
_STAY_WORDS = re.compile(r"一行|滞在|視察|研修|訪問団|代表団")


def stay_end(start: PartialDate | None, end: PartialDate | None, text: str) -> PartialDate | None:
    """The last day of a visit dated to one day (`start`), where its text says the guests
    stayed on (`一行は13日にかけて`); `end` unchanged otherwise."""
    if start is None or start.day is None or end != start or start.year is None:
        return end
    for sentence in sentence_texts(text):
        if not _STAY_WORDS.search(sentence):
            continue
        for match in _STAY_END.finditer(sentence):
            opened = _RANGE_FROM.search(sentence[max(0, match.start() - 12) : match.start()])
            if opened and int(opened.group("day")) != start.day:
                continue  # `28日から12月1日まで`: another range of its own, not this stay's end
            month = int(match.group("month") or start.month or 0)
            day = int(match.group("day") or match.group("next"))
            try:
                stay = PartialDate(start.year, month, day)
            except ValueError:
                continue
            first, last = start.first_day(), stay.first_day()
            if first and last and 0 < (last - first).days <= 10:
                return stay
    return end


_TRIP_DAYS = 21


def heading_days(sections: list[Section], ctx: DateContext, month: DateSpan) -> DateSpan | None:
    """From the first to the last day the sections' headings date within `month` and the
    month after (a trip over a month's end), when at least two headings do."""
    first = month.start.first_day()
    days = [
        d
        for section in sections
        if section.heading
        for s in dates_in(section.heading, ctx.with_headings(section.heading))
        if s.begin < 3 and (d := s.start.first_day()) is not None
    ]
    days = [d for d in days if first is not None and 0 <= (d - first).days < 62]
    if len(days) < 2:
        return None
    low, high = min(days), max(days)
    if (high - low).days > _TRIP_DAYS:
        return None  # a month's entries, not one journey's days
    start = PartialDate(low.year, low.month, low.day)
    end = PartialDate(high.year, high.month, high.day)
    return DateSpan(start, end, 0, 0, "")


_AGREEMENT_DATE = re.compile(
    r"^[\s、]*(?:の|に|には)?\s*[^\sがは、。]{0,8}?(?:覚書|協定|合意書|共同声明|提携)"
)


def trip_dates(mention: Mention) -> list[DateSpan]:
    """A mention's dates that can date a trip: not fiscal years, not an agreement's own date
    (`平成5年4月1日の友好都市提携から30周年…訪問団`)."""
    spans = [s for s in mention.dates if not s.fiscal]
    if AGREEMENT.search(mention.text):
        spans = [s for s in spans if not _agreements_date(mention.text, s)]
    return spans


def _agreements_date(text: str, span: DateSpan) -> bool:
    """Whether a date is an agreement's: the words after it lead to the agreement, which they
    do not when they only describe the partner (`6月3日、本市と協定を結んでいるX市の…`)."""
    match = _AGREEMENT_DATE.match(text[span.stop :])
    return match is not None and not _STANDING.match(text, span.stop + match.end())


# A relative clause that says what a partner is, not what happened (`協定を結んでいる`).
_STANDING = re.compile(r"を?(?:結んで|締結して|交わして)(?:いる|おり)|関係にある")


def first_event_date(
    sections: list[Section], ctx: DateContext, *, ranges_only: bool = False
) -> DateSpan | None:
    """A trip page's first range, else its first full date outside agreements and notes."""
    singles: list[DateSpan] = []
    for section in sections:
        sctx = ctx.with_headings(section.heading, *section.context)
        for line in (section.heading, *section.lines):
            if AGREEMENT.search(line) or line.startswith("※") or PUBLICATION.search(line):
                continue
            for span in dates_in(line, sctx):
                if span.start.year is None or span.start.month is None or span.fiscal:
                    continue  # a fiscal year dates a programme, never a trip
                if span.is_range:
                    return span
                if span.start.day is not None:
                    singles.append(span)
    return singles[0] if singles and not ranges_only else None


PUBLICATION = re.compile(
    r"記者(?:資料|発表)|発表資料|資料提供|掲載|公開|更新|作成|Posted|Published|"
    r"\d{1,2}時\d{2}分|\b\d{1,2}:\d{2}\b"
)
