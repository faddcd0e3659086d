"""What a page says about itself: publication and update dates, page number, title cleanup.

Municipal templates print these facts as text lines (`更新日付：2025年10月30日 /
ページ番号：C036689`,
`最終更新日 2025年10月3日`, `ページID：678-284-374`, `Last update date September 1, 2023`, an old
footer's `平成25年11月15日作成 - 平成25年11月18日更新`); CMSs put them in `time[datetime]`, meta
tags or JSON-LD. Both kinds are read here so that every format fills the same fields.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass

from parsers.text.dates import find_dates

__all__ = ["PageFacts", "clean_title", "facts_from_lines", "is_meta_line", "iso_date"]

_UPDATED = re.compile(r"(?:更新日付|最終更新日|最終更新|更新日)\s*[:]?\s*(?P<date>[^/|]{6,30}?日)")
_UPDATED_AFTER = re.compile(r"(?P<date>(?:令和|平成|昭和|\d{4})[^/|\s]{3,20}?日)\s*更新")
_UPDATED_EN = re.compile(
    r"(?:Last (?:update(?:d)?|modified)(?: date| on)?|^Updated(?: on)?|^Update date)\s*[:]?\s*"
    r"(?P<date>[A-Za-z0-9 ,.]{6,40})",
    re.I,
)
_PUBLISHED = re.compile(
    r"(?:掲載日|公開日|発表日|発行日|発行(?=\s*:)|記者資料提供|記者発表日?|作成日|登録日|"
    r"Posted(?: on)?|Published(?: on)?|Date posted)"
    r"\s*[:(]?\s*(?P<date>[^/|)]{6,30}?(?:日|\d{4}))",
    re.I,
)
_PUBLISHED_AFTER = re.compile(
    r"(?P<date>(?:令和|平成|昭和|\d{4})[^/|\s]{3,20}?日)\s*(?:作成|掲載|発表|登録|公開|公表|発行|配信)"
)
_PRTIMES_TIME = re.compile(r"(?P<date>\d{4}年\d{1,2}月\d{1,2}日)\s*\d{1,2}時\d{2}分")
_PAGE_NUMBER = re.compile(r"(?:ページ(?:番号|ID)|Page ID)\s*[:]?\s*(?P<id>[A-Za-z]?\d[\d-]*)", re.I)
_META_LINE = re.compile(
    r"^(?:(?:更新日付|最終更新日|最終更新|更新日|掲載日|公開日|登録日|作成日|発行日|公表日|配信日|"
    r"ページ番号|ページID|Page ID|"
    r"Last (?:update(?:d)?|modified)(?: date| on)?|Updated(?: on)?\s*:|Update date|"
    r"Posted(?: on)?\s*:|Published(?: on)?\s*:).{0,60}|"
    r".{0,40}(?:作成|更新|掲載|登録|公開|公表|発行|配信)\s*(?:-\s*.{0,30}(?:作成|更新))?)$",
    re.I,
)
_LABEL_ONLY = re.compile(
    r"^(?:更新日付|最終更新日|更新日|掲載日|公開日|登録日|作成日|Last update(?:d)?(?: date| on)?)"
    r"\s*[:]?$",
    re.I,
)
# The words every pattern above needs, and a letter each of them has (under IGNORECASE only
# l, L, p and P match l and p): most lines of a page fail the letters at once.
_FACT_LETTERS = re.compile(r"[更掲公発記作登ペ時配号lLpP]")
_FACT_WORDS = re.compile(
    r"更新|掲載|公開|公表|発表|発行|配信|記者|作成|登録|ページ|\d時\d\d分|月号"
)
_FACT_WORDS_EN = re.compile(r"last |posted on|published|page id|^updated|^update date", re.I)
_SITE_NAME = re.compile(
    r"^(?:.{1,12}(?:市|町|村|都|県|府|区)(?:役所|公式.*)?|.{0,20}(?:City|PR TIMES).*)$"
)


@dataclass(frozen=True, slots=True)
class PageFacts:
    published: str | None = None
    updated: str | None = None
    page_number: str | None = None

    def merged(self, other: PageFacts) -> PageFacts:
        """These facts, gaps filled from `other`."""
        return PageFacts(
            self.published or other.published,
            self.updated or other.updated,
            self.page_number or other.page_number,
        )


def iso_date(text: str) -> str | None:
    """The first full date written in `text` (any era, script or language), as ISO."""
    for span in find_dates(text):
        iso = span.start.iso()
        if iso and len(iso) == 10:
            return iso
    return None


# A newsletter's issue, by its month (`2019年1月発行`, `令和元年7月号`).
_ISSUED = re.compile(r"(?P<date>(?:令和|平成|昭和|\d{4})[^/|\s]{1,10}?月)\s*(?:発行|号)")


def _issued(line: str) -> str | None:
    """A month-dated issue as the last day of its month: what it reports happened by then."""
    match = _ISSUED.search(line)
    if match is None:
        return None
    span = next(iter(find_dates(match.group("date"))), None)
    start = span.start if span is not None else None
    if start is None or start.year is None or start.month is None or start.day is not None:
        return None
    last = calendar.monthrange(start.year, start.month)[1]
    return f"{start.year:04d}-{start.month:02d}-{last:02d}"


def _search(pattern: re.Pattern[str], line: str) -> str | None:
    match = pattern.search(line)
    return iso_date(match.group("date")) if match else None


def _may_state_facts(line: str) -> bool:
    """False for a line no page-fact pattern can match."""
    return bool(
        _FACT_LETTERS.search(line) and (_FACT_WORDS.search(line) or _FACT_WORDS_EN.search(line))
    )


def facts_from_lines(lines: Iterable[str]) -> PageFacts:
    """Publication, update and page number from normalised text lines (first found wins)."""
    published = updated = number = None
    listed = list(lines)
    for i, line in enumerate(listed):
        if _LABEL_ONLY.match(line) and i + 1 < len(listed):
            line = f"{line} {listed[i + 1]}"  # `最終更新日` with its date on the next line
        if len(line) > 200 or not _may_state_facts(line):
            continue
        if updated is None:
            updated = _search(_UPDATED, line) or _search(_UPDATED_EN, line)
            updated = updated or _search(_UPDATED_AFTER, line)
        if published is None:
            published = _search(_PUBLISHED, line) or _search(_PUBLISHED_AFTER, line)
            published = published or _search(_PRTIMES_TIME, line) or _issued(line)
        if number is None and (match := _PAGE_NUMBER.search(line)):
            number = match.group("id")
    return PageFacts(published, updated, number)


def is_meta_line(line: str) -> bool:
    """A line that only states page facts; it is metadata, not an event's date."""
    line = line.strip()
    if _LABEL_ONLY.match(line):
        return True
    if len(line) > 100 or not _META_LINE.match(line):
        return False
    return bool(
        _PAGE_NUMBER.search(line)
        or _UPDATED.search(line)
        or _UPDATED_EN.search(line)
        or _UPDATED_AFTER.search(line)
        or _PUBLISHED.search(line)
        or _PUBLISHED_AFTER.search(line)
    )


def clean_title(title: str) -> str:
    """A `<title>` without the site's name (`さいたま市／…`, `… 横浜市`, `… | PR TIMES`).

    Sites put their name last after `|` or ` - ` and first before `／`; a part that looks like a
    site name (a municipality, `… City`) is dropped wherever it stands."""
    title = " ".join(title.split())
    for separator, site_first in (
        ("／", True),
        ("|", False),
        ("｜", False),
        (" - ", False),
        (" – ", False),
    ):
        parts = [p.strip() for p in title.split(separator) if p.strip()]
        if len(parts) < 2:
            continue
        content = [p for p in parts if not _SITE_NAME.match(p)] or parts
        return content[-1] if site_first else content[0]
    words = title.rsplit(" ", 1)
    if len(words) == 2 and _SITE_NAME.match(words[1]) and len(words[0]) > len(words[1]):
        return words[0]
    return title
