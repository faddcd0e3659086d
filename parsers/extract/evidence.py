"""The page's own words behind a record (`Evidence`): for its dates, its places and its direction
or partners, the line that holds them, narrowed to the sentence when the line is a paragraph.

Evidence is found after the fact, from the record's values and the texts its draft was read
from, so it needs no hook in the rules that decided those values: the line that says when is
the first one (headline or heading first) holding a date equal to the record's start, the line
that says where names the record's places, the line that says the direction holds a travel or
arrival word. A bare date line under a short label (`2 日程` over `令和6年5月10日から13日まで`)
takes its label along.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Iterable, Sequence

from citywatch.model import Evidence, Programme, Visit
from parsers.document.text import is_date_line
from parsers.extract.abroad import Home
from parsers.extract.drafts import Draft
from parsers.extract.programmes import ProgrammeDraft
from parsers.text.cues import AGREEMENT, MEETING, inbound_words, movement
from parsers.text.dates import DateSpan, PartialDate, find_dates
from parsers.text.normalize import normalize

__all__ = [
    "FIELD_MAX",
    "explain_programme",
    "explain_visit",
    "programme_evidence",
    "visit_evidence",
    "when_line",
    "where_lines",
]

FIELD_MAX = 200
"""Characters of evidence kept for one field: a sentence or two, never a page."""

_LABEL = re.compile(r"^(?:[(（]?\d{1,2}[)）.．]?|[①-⑳■●◆○・])?\s*[^\s\d。、]{1,8}$")
_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+(?=[A-Z0-9\"“(])")
_ISO = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")


def _spaced(*words: str) -> str:
    """Labels as templates space them out (`訪　問　者`)."""
    return "|".join(r"\s*".join(map(re.escape, word)) for word in words)


_WHO_WHERE_FIELD = re.compile(
    r"^\s*(?:\d{1,2}\s*)?(?:"
    + _spaced(
        "訪問者", "来訪者", "来庁者", "出席者", "参加者", "出張者", "訪問先", "出張先", "場所"
    )
    + r"|会場|開催地|Venue|Place|Participants?)"
)


def _lines(texts: Iterable[str]) -> list[str]:
    """Every distinct non-empty line of the texts, in order."""
    seen: dict[str, None] = {}
    for text in texts:
        for line in text.split("\n"):
            line = normalize(line).strip()
            if line:
                seen.setdefault(line, None)
    return list(seen)


def _ymd(iso: str | None) -> tuple[int, int | None, int | None] | None:
    match = _ISO.match(iso or "")
    if not match:
        return None
    month, day = match.group("m"), match.group("d")
    return int(match.group("y")), int(month) if month else None, int(day) if day else None


def _is(date: PartialDate, wanted: tuple[int, int | None, int | None]) -> bool:
    """Whether a date as written is the record's (a yearless one by its month and day)."""
    year, month, day = wanted
    if date.year is not None and date.year != year:
        return False
    if month is None:
        return date.year == year
    return date.month == month and (day is None or date.day == day)


def _sentence(line: str, at: int) -> str:
    """The sentence of `line` around offset `at`; a window around `at` when that is too long."""
    cuts = [0, *(m.end() for m in _SENTENCE_END.finditer(line)), len(line)]
    for begin, end in itertools.pairwise(cuts):
        if begin <= at < end:
            piece = line[begin:end].strip()
            if len(piece) <= FIELD_MAX:
                return piece
            start = max(begin, min(at - FIELD_MAX // 4, end - FIELD_MAX))
            return line[start : start + FIELD_MAX - 1].strip() + "…"
    return _cap(line)


def _cap(text: str) -> str:
    return text if len(text) <= FIELD_MAX else text[: FIELD_MAX - 1].rstrip() + "…"


def _with_label(lines: Sequence[str], i: int, text: str) -> str:
    """A line that is only a date, under a short label line (`2 日程`), goes with its label."""
    if i > 0 and is_date_line(lines[i]) and _LABEL.match(lines[i - 1]):
        return _cap(f"{lines[i - 1]} {text}")
    return text


def when_line(lines: Sequence[str], start: str | None, end: str | None) -> str:
    """The first line holding the record's start (one holding its whole span first)."""
    first, last = _ymd(start), _ymd(end)
    if first is None:
        return ""
    found: tuple[int, DateSpan] | None = None
    for i, line in enumerate(lines):
        for span in find_dates(line):
            if not _is(span.start, first):
                continue
            if last is None or last == first or _is(span.end, last):
                return _with_label(lines, i, _sentence(normalize(line), span.begin))
            found = found or (i, span)
    if found is None:
        return ""
    i, span = found
    return _with_label(lines, i, _sentence(normalize(lines[i]), span.begin))


def _bare(name: str) -> str:
    """A place as a sentence may name it without its kind (`X市` as `X`)."""
    return name[:-1] if len(name) > 2 and name[-1] in "市州県省都区町村" else name


def where_lines(lines: Sequence[str], names: Sequence[str], limit: int = 3) -> str:
    """The lines naming the places, the first line for each of the first `limit`, joined."""
    out: dict[str, None] = {}
    for name in names[:limit]:
        for candidate in (name, _bare(name)):
            hit = next(((line, line.find(candidate)) for line in lines if candidate in line), None)
            if hit is not None:
                out.setdefault(_sentence(hit[0], hit[1]), None)
                break
    return _cap(" / ".join(out))


Finder = Callable[[str], "re.Match[str] | None"]


def _first(lines: Sequence[str], finders: Sequence[Finder]) -> str:
    """The line the first finder that finds anything finds first."""
    for find in finders:
        for line in lines:
            match = find(line)
            if match:
                return _sentence(line, match.start())
    return ""


def _direction_line(lines: Sequence[str], inbound: bool, home: Home) -> str:
    """The words that say who went where: an arrival for a visit received, else travel; a
    meeting or a labelled visitor or place line when neither is written."""
    travel: list[Finder] = [movement]
    if inbound:
        travel.insert(0, inbound_words(home.city.short).search)
    return _first(lines, [*travel, MEETING.search, _WHO_WHERE_FIELD.search])


def visit_evidence(visit: Visit, draft: Draft, home: Home) -> Evidence:
    """Where the visit's dates, places and direction were read."""
    lines = _lines([draft.title, *draft.texts])
    direction = _direction_line(lines, visit.direction == "inbound", home)
    if visit.direction == "inbound":
        # A visit received happens here: the arrival words say so, else a line naming the city.
        names = [p.name for p in visit.places]
        words = [*names, *(w for w in home.city.self_words if len(w) > 1)]
        here = any(word in direction for word in words)
        where = direction if here else where_lines(lines, names, limit=1)
    else:
        where = where_lines(lines, [p.name for p in visit.places])
    return Evidence(
        when=when_line(lines, visit.start, visit.end),
        where=where or direction,
        direction=direction,
    )


def programme_evidence(programme: Programme, draft: ProgrammeDraft) -> Evidence:
    """Where the programme's start, places and partners were read."""
    lines = _lines([draft.title, draft.text])
    names = [p.name for p in programme.places]
    agreed = [line for line in lines if AGREEMENT.search(line)]
    partners = where_lines(agreed, [*programme.partners, *names], limit=2) or where_lines(
        lines, list(programme.partners), limit=2
    )
    return Evidence(
        when=when_line(lines, programme.start, programme.end),
        where=where_lines(lines, names),
        partners=partners,
    )


def explain_visit(visit: Visit, draft: Draft, home: Home) -> Visit:
    """The visit with its evidence."""
    return dataclasses.replace(visit, evidence=visit_evidence(visit, draft, home))


def explain_programme(programme: Programme, draft: ProgrammeDraft) -> Programme:
    """The programme with its evidence."""
    return dataclasses.replace(programme, evidence=programme_evidence(programme, draft))
