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

import calendar
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

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

MIN_YEAR = 1868
"""Earliest year read as a date (the first year of 明治)."""
MAX_YEAR = 2100
"""Latest year read as a date; larger four-digit numbers are ids, prices or phone numbers."""


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date known to year, month or day precision; the year may be unknown.

    Construction rejects what no calendar has (month 13, 31 April, a day without a month,
    29 February of a common year) with ValueError, so every instance is a real date.
    """

    year: int | None
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not _valid(self.year, self.month, self.day):
            raise ValueError(f"not a date: year={self.year} month={self.month} day={self.day}")

    def iso(self) -> str | None:
        """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; None while the year is unknown."""
        if self.year is None:
            return None
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def with_year(self, year: int | None) -> PartialDate:
        """The same month and day in `year` (ValueError for 29 February of a common year)."""
        return PartialDate(year, self.month, self.day)

    def first_day(self) -> date | None:
        """The earliest day this date can mean, or None while the year is unknown."""
        if self.year is None:
            return None
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date | None:
        """The latest day this date can mean, or None while the year is unknown."""
        if self.year is None:
            return None
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])


@dataclass(frozen=True, slots=True)
class DateSpan:
    """One date or range found in a text; `begin:stop` index the normalized text.

    A single date has `end == start`. `fiscal` marks a Japanese fiscal year (`令和4年度`:
    start 2022-04, end 2023-03) or a range of them.
    """

    start: PartialDate
    end: PartialDate
    begin: int
    stop: int
    text: str
    fiscal: bool = False

    @property
    def is_range(self) -> bool:
        """Whether the span covers more than one date as written (`6月20日~22日`)."""
        return self.end != self.start


_MONTH_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _valid(year: int | None, month: int | None, day: int | None) -> bool:
    """Whether the fields name a possible date; a day needs a month, 29 February a leap year."""
    if year is not None and not 1 <= year <= 9999:
        return False
    if month is None:
        return day is None
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    if month == 2 and day == 29 and year is not None:
        return calendar.isleap(year)
    return 1 <= day <= _MONTH_DAYS[month]


# --- Japanese eras ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Era:
    first_year: int  # Gregorian year of 元年
    last: int  # the highest year number the era reached
    begins: date
    ends: date


_ERAS: dict[str, _Era] = {
    "令和": _Era(2019, 99, date(2019, 5, 1), date(9999, 12, 31)),
    "平成": _Era(1989, 31, date(1989, 1, 8), date(2019, 4, 30)),
    "昭和": _Era(1926, 64, date(1926, 12, 25), date(1989, 1, 7)),
    "大正": _Era(1912, 15, date(1912, 7, 30), date(1926, 12, 24)),
    "明治": _Era(1868, 45, date(1868, 1, 1), date(1912, 7, 29)),
}
_ERA_ABBREVIATIONS = {"R": "令和", "H": "平成", "S": "昭和"}


def _era_year(era: str, number: str) -> int | None:
    n = 1 if number == "元" else int(number)
    info = _ERAS[era]
    return info.first_year + n - 1 if 1 <= n <= info.last else None


def _in_era(era: str, when: PartialDate) -> bool:
    """Whether `when` overlaps the era (令和元年4月 and 平成31年5月 never existed)."""
    first, last = when.first_day(), when.last_day()
    info = _ERAS[era]
    return first is not None and last is not None and first <= info.ends and last >= info.begins


# --- the scanner ----------------------------------------------------------------------------

_ERA = "(?:令和|平成|昭和|大正|明治)"
_ERA_NUM = r"(?:元|\d{1,2})"
_Y4 = r"(?:1[89]\d\d|20\d\d|2100)"
_YEAR_JA = (
    rf"(?:{_ERA} ?{_ERA_NUM}(?: ?\(\d{{4}}\))? ?年(?: ?\(\d{{4}} ?年?\))?"
    rf"|\d{{4}}(?: ?\({_ERA} ?{_ERA_NUM}\))? ?年(?: ?\({_ERA} ?{_ERA_NUM} ?年?\))?)"
)
_WD_JA = r"(?: ?\((?:[月火水木金土日祝休・,、]|曜日?){1,6}\))?"
_TILDE_DAY = r"(?=~\d{1,2}日)"
_DAY_END = "(?![間目後前以程分余超未連ぶ時本付曜あ当平毎中])"

_MONTH_NAMES = {
    "January": 1, "February": 2, "March": 3, "April": 4, "May": 5, "June": 6, "July": 7,
    "August": 8, "September": 9, "October": 10, "November": 11, "December": 12,
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9,
    "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip
_MONTHS_EN = {**_MONTH_NAMES, **{k.upper(): v for k, v in _MONTH_NAMES.items()}}
_MONTH_EN = r"\b(?:" + "|".join(sorted(_MONTHS_EN, key=len, reverse=True)) + r")\b\.?"
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WD_NAMES = [*_WEEKDAYS, *(w[:3] for w in _WEEKDAYS), "Tues", "Thur", "Thurs"]
_WD_EN = (
    r"(?:\b(?:"
    + "|".join(sorted({*_WD_NAMES, *(w.upper() for w in _WD_NAMES)}, key=len, reverse=True))
    + r")\b\.?,? )?"
)
_ORD = r"(?:st|nd|rd|th)?"
_EN_LINK = r"(?: ?[-‐‑‒–—―−~] ?| (?:to|and|until|till|through) )"


def _named_month(name: str) -> str:
    return rf"(?P<{name}>{_MONTH_EN})"


_BRANCHES = dict(
    (branch[4 : branch.index(">")], branch)
    for branch in (
        # 令和6年6月20日(木), 2008年(平成20年)10月7日, 令和7年度10月, 令和4年度, 2013年
        rf"(?P<ja>(?<![\d.,/])(?P<ja_y>{_YEAR_JA})(?!代|間|前(?!半)|ぶり)(?P<ja_fy>度)?"
        rf"(?: ?(?P<ja_m>\d{{1,2}})月(?![曜額間目])"
        rf"(?:(?P<ja_d>\d{{1,2}})(?:日|{_TILDE_DAY}))?)?{_WD_JA})",
        # 2012/4/25, 2012/04/15, 2023-10-27, 2023.10.27
        r"(?P<num>(?<![\d/.\-])(?P<num_y>\d{4})(?P<num_s>[/.\-])(?P<num_m>\d{1,2})"
        rf"(?P=num_s)(?P<num_d>\d{{1,2}})(?![\d/]|[.\-]\d){_WD_JA})",
        # H25.8.31, R5.10.27
        r"(?P<ab>(?<![A-Za-z0-9])(?P<ab_e>[RHS])(?P<ab_y>\d{1,2})\.(?P<ab_m>\d{1,2})\."
        r"(?P<ab_d>\d{1,2})(?!\d|\.\d))",
        # 7/27(木): a bare month/day only counts with its weekday beside it
        r"(?P<sl>(?<![\d/.])(?P<sl_m>\d{1,2})/(?P<sl_d>\d{1,2})"
        r"(?= ?\([月火水木金土日])" + _WD_JA + ")",
        # 6月20日(木), 11月7~8日, 3月
        rf"(?P<md>(?<![\d.,/第])(?P<md_m>\d{{1,2}})月(?![曜額間目])"
        rf"(?:(?P<md_d>\d{{1,2}})(?:日|{_TILDE_DAY}))?{_WD_JA})",
        # 15日, 同月の4日: a day alone takes its month from a range or the context
        r"(?P<dd>(?<![\d.,/第約計全延各毎数泊月])(?P<dd_same>同月の?)?(?P<dd_d>\d{1,2})"
        rf"(?:日{_DAY_END}|{_TILDE_DAY}){_WD_JA})",
        # Wednesday, October 17, 2007; July 4; August 23
        rf"(?P<emd>{_WD_EN}{_named_month('emd_mn')} (?P<emd_d>\d{{1,2}}){_ORD}\b(?!:\d)"
        rf"(?:,? ?(?P<emd_y>{_Y4})(?!\d))?)",
        # 17 Oct. 2007; On 7 September; 15th November 2023
        rf"(?P<edm>{_WD_EN}(?<![\d.,])(?P<edm_d>\d{{1,2}}){_ORD}(?: of)? "
        rf"{_named_month('edm_mn')}(?:,? ?(?P<edm_y>{_Y4})(?!\d))?)",
        # the 13th of `13th to 15th November`: a day that starts a range
        rf"(?P<ed>(?<![\d.,])(?P<ed_d>\d{{1,2}}){_ORD}"
        rf"(?={_EN_LINK}(?:the )?\d{{1,2}}{_ORD}(?: of)? {_MONTH_EN}))",
        # November 2023
        rf"(?P<emy>{_named_month('emy_mn')},? (?P<emy_y>{_Y4})(?!\d))",
        # FY2023: the Japanese fiscal year, April 2023 to March 2024
        rf"(?P<fy>FY ?(?P<fy_y>{_Y4})(?!\d))",
    )
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
_LINK = re.compile(r" ?(?:~|から|より|[-‐‑‒–—―−]) ?| (?:to|until|till|through|and) ")
_UNTIL = re.compile(r" ?まで")
_EN_DAY = re.compile(rf"(?<![\d.,])(?P<d>\d{{1,2}}){_ORD}\b(?!:\d)(?:,? ?(?P<y>{_Y4})(?!\d))?")
_NUM_TAIL = re.compile(rf"(?:(?P<m>\d{{1,2}})/)?(?P<d>\d{{1,2}})(?![\d/]|\.\d){_WD_JA}")
_URL = re.compile(r"[hw](?:ttps?://|ww\.)[^\s<>\"'、。()]+")
_YEAR_IN_PARTS = re.compile(rf"({_ERA}) ?({_ERA_NUM})|(\d{{4}})")


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


def _ja_year(text: str) -> tuple[int | None, str | None]:
    """The year in a `_YEAR_JA` match and its era (None for a Western year).

    With both spellings (`2008年(平成20年)`) the Western digits win: they are the ones pages
    rarely get wrong.
    """
    era: str | None = None
    era_year: int | None = None
    western: int | None = None
    for m in _YEAR_IN_PARTS.finditer(text):
        if m.group(3):
            western = int(m.group(3))
        else:
            era = m.group(1)
            era_year = _era_year(m.group(1), m.group(2))
    if western is not None:
        return western, (era if era_year == western else None)
    return era_year, era


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
        return _checked(_Atom(year, int(g("ab_m")), int(g("ab_d")), begin, stop), era)
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


def _english_month(name: str) -> int:
    return _MONTHS_EN[name.rstrip(".")]


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
    if word == "and" and not (a.open_end or between):
        return None
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
        if d is not None and (d.group("m") or word in ("~", "から")):
            tail_month = int(d.group("m")) if d.group("m") else None
            b = _Atom(None, tail_month, int(d.group("d")), d.start(), d.end(), numeric=True)
    if b is None or b.open_end:
        return None
    ends = _join(a, b, context)
    if ends is None:
        return None
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
