"""Dates and date ranges as these city pages write them, found in free text.

One scanner for every site: Japanese era and Western years (`令和6年`, `2008年(平成20年)`,
`令和6(2024)年`), fiscal years (`令和4年度`), month and day with weekdays in brackets (ignored,
since pages get them wrong), numeric forms (`2012/4/25`, `H25.8.31`, `FY2023`) and English
(`Wednesday, October 17, 2007`, `from 13th to 15th November 2023`). Ranges are two dates joined
by `~`, `から`, `to`, `-` ...; the second end borrows what it omits from the first
(`11月7~8日`, `12月28日~1月3日` ends the next year) and vice versa (`13th to 15th November`).

Dates that omit their year take it from the caller's context (`year=`); `years_in` and
`context_year` find that context in headings, event names, titles and URLs. Everything here is
pure and works on `parsers.text.normalize.normalize`d text; offsets refer to it.
"""

from __future__ import annotations

import datetime
import re
from bisect import bisect_right
from dataclasses import dataclass

from parsers.text.date_values import MAX_YEAR, MIN_YEAR, DateSpan, PartialDate, _valid
from parsers.text.dates_en import (
    _EN_BRANCHES,
    _MONTHS_EN,
    _ORD,
    _WD_NAMES,
    _WEEKDAYS,
    _Y4,
    _english_month,
)
from parsers.text.dates_ja import (
    _ERA_ABBREVIATIONS,
    _JA_BRANCHES,
    _WD_JA,
    _era_year,
    _in_era,
    _ja_year,
)
from parsers.text.memo import text_memo
from parsers.text.normalize import normalize

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "DateSpan",
    "PartialDate",
    "context_span",
    "context_year",
    "find_dates",
    "parse_one",
    "parse_span",
    "years_in",
]

# --- the scanner ----------------------------------------------------------------------------

_BRANCHES = dict(
    (branch[4 : branch.index(">")], branch) for branch in (*_JA_BRANCHES, *_EN_BRANCHES)
)


def _alternatives(*names: str) -> re.Pattern[str]:
    return re.compile("|".join(_BRANCHES[name] for name in names))


_ATOM = _alternatives(*_BRANCHES)
# Every date starts with one of these characters. Finding them with a bare character class and
# trying only the branches that can start there is several times faster than `_ATOM.search`.
_TRIGGER = re.compile(r"[0-9令平昭大明同RHSJFMASONDTW][0-9]*")
# A number starts a date only if one of these follows it; each picks the forms worth trying.
_AFTER_NUMBER = {
    "年": _alternatives("ja"),
    "(": _alternatives("ja"),
    " ": _alternatives("ja", "edm", "ed"),
    "/": _alternatives("num", "sl"),
    ".": _alternatives("num"),
    "-": _alternatives("num", "ed"),
    "~": _alternatives("dd", "ed"),
    "月": _alternatives("md"),
    "日": _alternatives("dd"),
    **dict.fromkeys("stnr", _alternatives("edm", "ed")),
}
_KANJI_FIRST = _alternatives("ja", "dd")
_LATIN_FIRST = _alternatives("ab", "emd", "edm", "emy", "fy")
_KANJI_STARTS = frozenset(("令和", "平成", "昭和", "大正", "明治", "同月"))
_LATIN_STARTS = frozenset(name[:3] for name in (*_MONTHS_EN, *_WD_NAMES, *_WEEKDAYS))
_LATIN_STARTS |= {name[:3].upper() for name in _LATIN_STARTS} | {"FY2", "FY1", "FY "}
_LINK = re.compile(
    r" ?(?:~|から|より|[-‐‑‒–—―−]) ?| (?:to|until|till|through|and) |と|及び|、|・"
    # `2017/9/26 from Tuesday to Saturday, September 30`: a range whose days are named between
    r"| from (?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day (?:to|until) "
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,? "
)
# `11月30日と12月1日の2日間`, `…、…の両日`: two days joined by と are a range only when said so.
_TWO_DAYS = re.compile(r"の(?:[2２二]日間|両日)")
_UNTIL = re.compile(r" ?まで")
_EN_DAY = re.compile(rf"(?<![\d.,])(?P<d>\d{{1,2}}){_ORD}\b(?!:\d)(?:,? ?(?P<y>{_Y4})(?!\d))?")
_NUM_TAIL = re.compile(rf"(?:(?P<m>\d{{1,2}})[/.])?(?P<d>\d{{1,2}})(?![\d/]|\.\d){_WD_JA}")
_URL = re.compile(r"[hw](?:ttps?://|ww\.)[^\s<>\"'、。()]+")


@dataclass(frozen=True, slots=True)
class _Context:
    """What the reader knows beyond the date itself: the year and month being talked about."""

    year: int | None = None
    month: int | None = None
    fiscal: bool = False  # `year` is a fiscal year: January to March belong to the next

    def year_of(self, month: int | None) -> int | None:
        if self.year is None or month is None or not self.fiscal:
            return self.year
        return self.year + 1 if month <= 3 else self.year


@dataclass(frozen=True, slots=True)
class _Atom:
    """One date as written, before ranges and context fill in what it omits."""

    year: int | None
    month: int | None
    day: int | None
    begin: int
    stop: int
    fiscal: bool = False  # a whole fiscal year: April of `year` to March of the next
    open_end: bool = False  # `11月7` of `11月7~8日`: only valid as a range's first end
    english: bool = False
    numeric: bool = False  # 2012/4/25: its range may end in `4/27` or `27`


def _atom(m: re.Match[str]) -> _Atom | None:
    """Turn one `_ATOM` match into an `_Atom`, or None when it names no real date."""
    kind = m.lastgroup
    g = m.group
    begin, stop = m.span()
    if kind == "ja":
        year, era = _ja_year(g("ja_y"))
        if year is None:
            return None
        month = int(g("ja_m")) if g("ja_m") else None
        day = int(g("ja_d")) if g("ja_d") else None
        open_end = day is not None and "日" not in m.string[m.start("ja_d") : stop]
        if g("ja_fy"):
            if month is None:
                return _checked(_Atom(year, None, None, begin, stop, fiscal=True), era)
            year = year if month >= 4 else year + 1
            era = None  # 令和元年度の1月 and such straddle the era change; trust the sum
        return _checked(_Atom(year, month, day, begin, stop, open_end=open_end), era)
    if kind == "num":
        year, month, day = int(g("num_y")), int(g("num_m")), int(g("num_d"))
        return _checked(_Atom(year, month, day, begin, stop, numeric=True), None)
    if kind == "ab":
        era = _ERA_ABBREVIATIONS[g("ab_e")]
        year = _era_year(era, g("ab_y"))
        if year is None:
            return None
        atom = _Atom(year, int(g("ab_m")), int(g("ab_d")), begin, stop, numeric=True)
        return _checked(atom, era)
    if kind == "sl":
        atom = _Atom(None, int(g("sl_m")), int(g("sl_d")), begin, stop, numeric=True)
        return _checked(atom, None)
    if kind == "md":
        day = int(g("md_d")) if g("md_d") else None
        open_end = day is not None and "日" not in m.string[m.start("md_d") : stop]
        return _checked(_Atom(None, int(g("md_m")), day, begin, stop, open_end=open_end), None)
    if kind == "dd":
        open_end = "日" not in m.string[m.start("dd_d") : stop]
        return _checked(_Atom(None, None, int(g("dd_d")), begin, stop, open_end=open_end), None)
    if kind == "emd":
        year = int(g("emd_y")) if g("emd_y") else None
        month = _english_month(g("emd_mn"))
        return _checked(_Atom(year, month, int(g("emd_d")), begin, stop, english=True), None)
    if kind == "edm":
        year = int(g("edm_y")) if g("edm_y") else None
        month = _english_month(g("edm_mn"))
        return _checked(_Atom(year, month, int(g("edm_d")), begin, stop, english=True), None)
    if kind == "ed":
        atom = _Atom(None, None, int(g("ed_d")), begin, stop, open_end=True, english=True)
        return _checked(atom, None)
    if kind == "fy":
        return _checked(_Atom(int(g("fy_y")), None, None, begin, stop, fiscal=True), None)
    if kind == "emy":
        month = _english_month(g("emy_mn"))
        return _checked(_Atom(int(g("emy_y")), month, None, begin, stop, english=True), None)
    return None


def _checked(atom: _Atom, era: str | None) -> _Atom | None:
    """The atom if it can be a real date (in its era, if it names one), else None."""
    if atom.year is not None and not MIN_YEAR <= atom.year <= MAX_YEAR:
        return None
    day_without_month = atom.month is None and atom.day is not None
    if not day_without_month and not _valid(atom.year, atom.month, atom.day):
        return None
    if day_without_month and not 1 <= (atom.day or 0) <= 31:
        return None
    if era is not None and not atom.fiscal and not _in_era(era, _as_date(atom)):
        return None
    return atom


def _as_date(atom: _Atom) -> PartialDate:
    return PartialDate(atom.year, atom.month, atom.day)


def _next_day(start: PartialDate, end: PartialDate) -> bool:
    """Whether `end` is the day after `start` (years the page left out read as one year)."""
    if None in (start.month, start.day, end.month, end.day):
        return False
    year = start.year or 2001  # a common year: 2月28日・3月1日 follow
    later = end.year or (year + 1 if (end.month or 0) < (start.month or 0) else year)
    try:
        first = datetime.date(year, start.month, start.day)  # type: ignore[arg-type]
        last = datetime.date(later, end.month, end.day)  # type: ignore[arg-type]
    except ValueError:
        return False
    return (last - first).days == 1


def _join(a: _Atom, b: _Atom, context: _Context) -> tuple[PartialDate, PartialDate] | None:
    """The two ends of a range, each filled in from the other and then from the context."""
    if a.fiscal or b.fiscal:
        if a.year is None or b.year is None:
            return None
        start = PartialDate(a.year, 4) if a.fiscal else PartialDate(a.year, a.month, a.day)
        end = PartialDate(b.year + 1, 3) if b.fiscal else PartialDate(b.year, b.month, b.day)
        return (start, end) if _ordered(start, end) else None
    ay, am, ad = a.year, a.month, a.day
    by, bm, bd = b.year, b.month, b.day
    # The first end borrows from the second: `13th to 15th November 2023`.
    if am is None and ad is not None and bm is not None:
        am = bm if bd is None or ad <= bd else (bm - 2) % 12 + 1
    if ay is None and by is not None and am is not None:
        ay = by - 1 if bm is not None and am > bm else by
    # Then the context fills what the page left to the reader.
    if am is None and ad is not None:
        am = context.month
    if ay is None and am is not None:
        ay = context.year_of(am)
    # The second end borrows from the first: `11月7~8日`, `12月28日~1月3日` (next year).
    if bm is None and bd is not None and am is not None:
        bm = am if ad is None or bd >= ad else am % 12 + 1
    if by is None and bm is not None and ay is not None:
        by = ay + 1 if am is not None and bm < am else ay
    if (am is None and ad is not None) or (bm is None and bd is not None):
        return None
    if not (_valid(ay, am, ad) and _valid(by, bm, bd)):
        return None
    start, end = PartialDate(ay, am, ad), PartialDate(by, bm, bd)
    return (start, end) if _ordered(start, end) else None


def _ordered(start: PartialDate, end: PartialDate) -> bool:
    """Whether `end` can follow `start`; with neither year known the page is trusted."""
    first, last = start.first_day(), end.last_day()
    if first is None and last is None:
        return True
    return first is not None and last is not None and first <= last


def _single(a: _Atom, text: str, context: _Context) -> DateSpan | None:
    """A date standing alone, completed from the context; None for a day without a month."""
    if a.fiscal and a.year is not None:
        start, end = PartialDate(a.year, 4), PartialDate(a.year + 1, 3)
    else:
        m = a.month if a.month is not None or a.day is None else context.month
        if m is None and a.day is not None:
            return None
        y = a.year if a.year is not None or m is None else context.year_of(m)
        if not _valid(y, m, a.day):
            return None
        start = end = PartialDate(y, m, a.day)
    return DateSpan(start, end, a.begin, a.stop, text[a.begin : a.stop], a.fiscal)


def _url_spans(text: str) -> list[tuple[int, int]]:
    if "://" not in text and "www." not in text:
        return []
    return [m.span() for m in _URL.finditer(text)]


def find_dates(
    text: str, *, year: int | None = None, month: int | None = None, fiscal: bool = False
) -> list[DateSpan]:
    """Every date or date range in `text`, in order; offsets index `normalize(text)`.

    `year` and `month` stand in for what a date omits (`6月20日` needs a year, `15日` a month);
    with `fiscal`, `year` is a fiscal year (`令和7年度`), so January to March fall in the next.
    Without them a yearless date keeps `year=None` and a day alone is skipped, unless it
    continues a list (`11月13日、14日`). Dates inside URLs are skipped: they name a page, not
    an event (`years_in` reads them as context).
    """
    return list(_find_dates(text, year, month, fiscal))


@text_memo(1024)
def _find_dates(
    text: str, year: int | None, month: int | None, fiscal: bool
) -> tuple[DateSpan, ...]:
    """`find_dates`, remembered: a page's sentences are dated again as parts of its sections."""
    text = normalize(text)
    urls = _url_spans(text)
    url_starts = [s for s, _ in urls]
    context = _Context(year, month, fiscal)
    found: list[DateSpan] = []
    pos = 0
    for trigger in _TRIGGER.finditer(text):
        i, j = trigger.span()
        if i < pos:
            continue
        m = _match_at(text, i, j)
        if m is None:
            continue
        pos = m.end()
        if urls:
            k = bisect_right(url_starts, i) - 1
            if k >= 0 and urls[k][0] <= i < urls[k][1]:
                pos = max(pos, urls[k][1])
                continue
        a = _atom(m)
        if a is None:
            continue
        here = _continued(text, a, found[-1], context) if found else context
        span = _range_from(text, a, here)
        if span is None and not a.open_end:
            span = _single(a, text, here)
        if span is not None:
            found.append(span)
            pos = max(pos, span.stop)
    return tuple(found)


_LIST_GAP = re.compile(r" ?(?:[、,・]|と|及び|and) ?")


def _continued(text: str, a: _Atom, previous: DateSpan, context: _Context) -> _Context:
    """The context for a day listed right after a date (`11月13日、14日`, `20日(木)・21日`)."""
    if a.month is not None or a.day is None or previous.end.month is None:
        return context
    if _LIST_GAP.fullmatch(text, previous.stop, a.begin) is None:
        return context
    return _Context(previous.end.year, previous.end.month)


def _match_at(text: str, i: int, j: int) -> re.Match[str] | None:
    """The date written at `i` (a trigger ending at `j`), trying only forms that fit there."""
    c = text[i]
    before = text[i - 1] if i else " "
    if "0" <= c <= "9":
        if "0" <= before <= "9":
            return None
        forms = _AFTER_NUMBER.get(text[j : j + 1])
        return None if forms is None else forms.match(text, i)
    if c >= "\u3000":
        return _KANJI_FIRST.match(text, i) if text[i : i + 2] in _KANJI_STARTS else None
    if before.isascii() and before.isalpha():
        return None
    if text[i : i + 3] in _LATIN_STARTS or (c in "RHS" and text[i + 1 : i + 2].isdigit()):
        return _LATIN_FIRST.match(text, i)
    return None


def _range_from(text: str, a: _Atom, context: _Context) -> DateSpan | None:
    """The range that starts with `a`, if a link and a second date follow it."""
    link = _LINK.match(text, a.stop)
    if link is None:
        return None
    word = link.group().strip()
    between = text[max(0, a.begin - 8) : a.begin].lower() == "between "
    loose_and = word == "and" and not (a.open_end or between)  # a range only if the days follow
    b: _Atom | None = None
    m = _ATOM.match(text, link.end())
    if m is not None:
        b = _atom(m)
    if b is None and a.english:
        d = _EN_DAY.match(text, link.end())
        if d is not None:
            y = int(d.group("y")) if d.group("y") else None
            b = _Atom(y, None, int(d.group("d")), d.start(), d.end(), english=True)
    if b is None and a.numeric:
        d = _NUM_TAIL.match(text, link.end())
        if d is not None and (d.group("m") or word in ("~", "から", "・", "、", "と")):
            tail_month = int(d.group("m")) if d.group("m") else None
            b = _Atom(None, tail_month, int(d.group("d")), d.start(), d.end(), numeric=True)
    if b is None or b.open_end:
        return None
    pair = word in ("と", "及び", "、", "・") or loose_and
    if pair and (b.day is None or a.day is None):
        return None
    ends = _join(a, b, context)
    if ends is None:
        return None
    if pair and not (_TWO_DAYS.match(text, b.stop) or _next_day(*ends)):
        return None  # two days named side by side are one stay only when they follow
    stop = b.stop
    until = _UNTIL.match(text, stop)
    if until is not None:
        stop = until.end()
    return DateSpan(ends[0], ends[1], a.begin, stop, text[a.begin : stop], a.fiscal or b.fiscal)


def parse_span(
    text: str, *, year: int | None = None, month: int | None = None, fiscal: bool = False
) -> DateSpan | None:
    """The first date or range in `text`, or None (context as for `find_dates`)."""
    spans = find_dates(text, year=year, month=month, fiscal=fiscal)
    return spans[0] if spans else None


def parse_one(
    text: str, *, year: int | None = None, month: int | None = None, fiscal: bool = False
) -> PartialDate | None:
    """The first date in `text` (a range's start), or None (context as for `find_dates`)."""
    span = parse_span(text, year=year, month=month, fiscal=fiscal)
    return span.start if span else None


# --- year context ---------------------------------------------------------------------------

_BARE_YEAR = re.compile(
    r"(19\d\d|20\d\d)(?<![\d,.$¥#\-/]....)"
    r"(?!\d|[.,]\d|-\d|[人名円件個台万千億回号番点枚本倍%年]| ?(?:km|kg|tCO2|yen|people)\b)"
)
# In a URL path: `/2023/`, `/202308/`, `/20230823-2.html`, `africa-harbor2017.html`.
_URL_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?=(?:0[1-9]|1[0-2])(?:[0-3]\d)?(?!\d)|(?!\d))")
_NOT_THE_YEAR = ("before", "until", "since", "pre", "~")
_PATH = re.compile(r"(?<!\S)/[^\s/]+/\S*")
_URL_ERA = re.compile(r"(?<=/)([hHrR])(\d{1,2})(?=/)")


def years_in(text: str) -> list[int]:
    """Plausible explicit years in `text`, in order of appearance (repeats kept).

    Reads dates (`2023年10月`, `平成25年`, `令和4年度`), bare four-digit years (`Y-SHIP 2023`)
    and years in URL paths (`/2023/08/18/`, `/202411/20241110-1.html`, `harbor2017.html`,
    `/h19/` for 平成19; not `before2016`).
    Callers use the first as the year of dates that omit theirs.
    """
    text = normalize(text)
    hits: list[tuple[int, int]] = []
    taken: list[tuple[int, int]] = []
    for span in find_dates(text):
        taken.append((span.begin, span.stop))
        hits.append((span.begin, span.start.year or 0))
        if span.end.year != span.start.year:
            hits.append((span.begin, span.end.year or 0))
    paths = [m.span() for m in _PATH.finditer(text)] if "/" in text else []
    for url_begin, url_end in sorted({*_url_spans(text), *paths}):
        url = text[url_begin:url_end]
        path = url.find("/", url.find("://") + 3 if "://" in url else 0)
        query = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
        for m in _URL_YEAR.finditer(url, max(path, 0), query):
            if not url[: m.start()].lower().endswith(_NOT_THE_YEAR):
                hits.append((url_begin + m.start(), int(m.group(1))))
        for m in _URL_ERA.finditer(url):
            era = "平成" if m.group(1) in "hH" else "令和"
            y = _era_year(era, m.group(2))
            if y is not None:
                hits.append((url_begin + m.start(), y))
        taken.append((url_begin, url_end))
    taken.sort()
    starts = [b for b, _ in taken]
    for m in _BARE_YEAR.finditer(text):
        k = bisect_right(starts, m.start()) - 1
        if k < 0 or not taken[k][0] <= m.start() < taken[k][1]:
            hits.append((m.start(), int(m.group(1))))
    hits.sort(key=lambda h: h[0])
    return [y for _, y in hits if MIN_YEAR <= y <= MAX_YEAR]


def context_year(*texts: str | None) -> int | None:
    """The first year found in `texts`, given closest first (heading, event, title, URL ...)."""
    for text in texts:
        if text:
            years = years_in(text)
            if years:
                return years[0]
    return None


def context_span(*texts: str | None) -> DateSpan | None:
    """The first date found in `texts`, given closest first, for headings that set the scene.

    Richer than `context_year`: a heading `令和7年度10月` gives the month too, and `令和7年度`
    says the year is fiscal, so callers can pass `year=`, `month=` and `fiscal=` on.
    """
    for text in texts:
        if text:
            span = parse_span(text)
            if span is not None and span.start.year is not None:
                return span
    return None
