"""A visit being assembled from a page (`Draft`), and what both ways of reading a page use to
fill it: the labelled fields of an event, and the words that make a mention background or a
plan rather than the visit itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from citywatch.model import Place
from parsers.extract.abroad import Home, foreign_places
from parsers.extract.mentions import CAPITAL_JP
from parsers.extract.places import find_places, resolve_place
from parsers.text.cues import GOVERNMENT
from parsers.text.dates import DateSpan, PartialDate, find_dates

__all__ = [
    "ATTENDEE_FIELDS",
    "BACKGROUND",
    "DATE_FIELDS",
    "PLACE_FIELDS",
    "PLAN",
    "PLANNED",
    "RECEIVED_LIST",
    "SENT_LIST",
    "VISITOR_FIELDS",
    "Draft",
    "Way",
    "add_places",
    "capital_for_government",
    "date_field",
    "field_value",
    "named_among",
    "names_elsewhere",
    "own_visitors",
]

Way = Literal["in", "out"]

DATE_FIELDS = (
    "期間", "日時", "期日", "開催日", "日程", "主な日程", "授与式", "調印式", "Period", "Dates",
    "Date",
)  # fmt: skip
PLACE_FIELDS = (
    "場所", "会場", "訪問先", "出張先", "派遣先", "渡航先", "視察先", "調査先", "用務先", "訪問地",
    "調査地", "開催地", "Venue", "Place",
)  # fmt: skip
VISITOR_FIELDS = ("訪問者", "来訪者", "来庁者", "研修員", "受入者")
ATTENDEE_FIELDS = ("出席者", "参加者", "出張者", "派遣者", "Participants", "Participant")


@dataclass
class Draft:
    """A visit being assembled; becomes a Visit once its direction is known."""

    direction: Way | None
    start: PartialDate | None = None
    end: PartialDate | None = None
    dests: list[Place] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    title: str = ""
    international: bool = False
    own: str = ""
    guests: str = ""  # a visitors field (`来訪者: …`): whoever it names came from elsewhere
    order: int = 0  # the last section read into it (a joined section moves it on)
    head: int = 0  # the section whose heading opened it
    guessed: bool = False  # places inferred from the section, not written as a destination
    listed: bool = False  # a row of a table of visits: one visit per row, never one trip
    labelled: bool = False  # dated by a labelled field (`日時: …`), the event's own day
    gathering: bool = False  # told as an event held (`…で開催される会議`), not as travel

    def dated(self) -> bool:
        return self.start is not None and self.start.month is not None

    def take_date(self, span: DateSpan) -> None:
        if span.fiscal:
            return  # a fiscal year (`令和5年度`) dates a programme's year, never a trip's days
        self.start, self.end = span.start, span.end

    def contains_draft(self, other: Draft) -> bool:
        """Whether `other`'s days fall within this draft's (a day of this trip)."""
        if not (other.start and other.end):
            return False
        return self.contains(DateSpan(other.start, other.end, 0, 0, ""))

    def contains(self, span: DateSpan) -> bool:
        if not (self.start and self.end):
            return False
        first, last = self.start.first_day(), self.end.last_day()
        a, b = span.start.first_day(), span.end.last_day()
        return None not in (first, last, a, b) and first <= a and b <= last  # type: ignore[operator]


def field_value(fields: dict[str, str], labels: tuple[str, ...]) -> str | None:
    return next((fields[k] for k in labels if fields.get(k)), None)


def date_field(fields: dict[str, str]) -> str | None:
    """The date-labelled field that dates the event: one with a year or a range wins over a
    timetable's first day (`日程` may head a table of days)."""
    loose = None
    for label in DATE_FIELDS:
        value = fields.get(label)
        spans = find_dates(value) if value else []
        if any(s.start.year is not None or s.is_range for s in spans):
            return value
        if spans and loose is None:
            loose = value
    return loose


def add_places(target: list[Place], places: list[Place] | tuple[Place, ...]) -> None:
    for place in places:
        if place not in target:
            target.append(place)


def capital_for_government(text: str, home: Home) -> list[Place]:
    """Calls on a national ministry or minister happen in the capital (Tokyo for Japan)."""
    if foreign_places(text, home):
        return []
    place = resolve_place(CAPITAL_JP)
    return [place] if place else []


def own_visitors(value: str, home: Home) -> bool:
    """Whether a visitors field names the city's own people (`奈良市長 山田太郎、職員2名`)."""
    return home.own_phrase(value.lstrip("・ ")) or any(
        value.lstrip("・ ").startswith(n) for n in home.city.names if len(n) > 1
    )


def names_elsewhere(value: str, home: Home) -> bool:
    """Whether a destination field names somewhere the city's people went (a place outside
    the city, or a ministry), not a room at home."""
    places = [m.place for m in find_places(value) if not home.is_home(m.place)]
    return bool(places or foreign_places(value, home) or GOVERNMENT.search(value))


def named_among(place: Place, places: list[Place]) -> bool:
    """Whether a place is already listed under a longer or shorter spelling (X, X市, X都)."""
    return any(place.name in p.name or p.name in place.name for p in places)


# Words that tell a visit as background to the page's news (`これまでも…訪問し`, `…以来`).
BACKGROUND = re.compile(r"これまで|以来|かつて|過去に|以前|previously|in the past|since", re.I)


# Words that make a visit a plan (`…を計画しています`, `…派遣を検討`).
PLAN = re.compile(r"予定|計画|検討|目指|\bwill\b|\bplan", re.I)


PLANNED = re.compile(
    r"予定(?:です|である|となって|があり|がある)|計画しています|\bwill (?:visit|welcome|host)\b"
)


# What a list's title or group heading says its entries are: trips made, or guests received.
SENT_LIST = re.compile(r"派遣|出張|海外訪問|訪問実績|\b(?:overseas )?(?:trips|missions)\b", re.I)
RECEIVED_LIST = re.compile(
    r"受入|受け入れ|来訪|来日|表敬訪問|\b(?:courtesy calls|visitors)\b", re.I
)
