"""From sections and mentions to visit events (drafts of Visit records).

Two shapes of page exist. A trip page (its headline says someone visited: `…市長がドイツ・X市を
訪問しました`, `海外出張`, `I met with …`) is one visit however many sections describe its days;
its direction is the headline's. Any other page is a list or a story: each section yields the
visit its heading, fields (`日時`, `場所`, `訪問者`) or sentences describe, sentences in it that
point
the other way or elsewhere yield their own, and neighbouring sections that are days of one trip
are joined afterwards (`parsers.extract.merge`).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Literal

from citywatch.model import Place
from parsers.document.segment import Section
from parsers.document.text import is_dated_entry
from parsers.extract.abroad import Home, foreign_places, international, sentence_texts
from parsers.extract.mentions import CAPITAL_JP, Mention, read_mention
from parsers.extract.places import country_code, find_places, resolve_place
from parsers.extract.spans import (
    PUBLICATION,
    best,
    first_event_date,
    heading_days,
    posted,
    refine,
    stay_end,
    trip_dates,
    widen,
)
from parsers.extract.when import DateContext, dates_in
from parsers.text.cues import AGREEMENT, GOVERNMENT, NO_TRAVEL, RECRUITS
from parsers.text.dates import DateSpan, PartialDate, find_dates

__all__ = ["Draft", "Way", "section_drafts", "trip_draft"]

Way = Literal["in", "out"]

_DATE_FIELDS = (
    "期間", "日時", "期日", "開催日", "日程", "主な日程", "授与式", "調印式", "Period", "Dates",
    "Date",
)  # fmt: skip
_PLACE_FIELDS = (
    "場所", "会場", "訪問先", "出張先", "派遣先", "渡航先", "視察先", "調査先", "用務先", "訪問地",
    "調査地", "開催地", "Venue", "Place",
)  # fmt: skip
_VISITOR_FIELDS = ("訪問者", "来訪者", "来庁者")
_ATTENDEE_FIELDS = ("出席者", "参加者", "出張者", "Participants", "Participant")


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


def _field(fields: dict[str, str], labels: tuple[str, ...]) -> str | None:
    return next((fields[k] for k in labels if fields.get(k)), None)


def _date_field(fields: dict[str, str]) -> str | None:
    """The date-labelled field that dates the event: one with a year or a range wins over a
    timetable's first day (`日程` may head a table of days)."""
    loose = None
    for label in _DATE_FIELDS:
        value = fields.get(label)
        spans = find_dates(value) if value else []
        if any(s.start.year is not None or s.is_range for s in spans):
            return value
        if spans and loose is None:
            loose = value
    return loose


def _add(target: list[Place], places: list[Place] | tuple[Place, ...]) -> None:
    for place in places:
        if place not in target:
            target.append(place)


def _capital_for_government(text: str, home: Home) -> list[Place]:
    """Calls on a national ministry or minister happen in the capital (Tokyo for Japan)."""
    if foreign_places(text, home):
        return []
    place = resolve_place(CAPITAL_JP)
    return [place] if place else []


def section_drafts(section: Section, home: Home, ctx: DateContext) -> list[Draft]:
    """The visits one section describes (usually one, sometimes a few, often none)."""
    if any(RECRUITS.search(h) for h in (ctx.title, section.heading, *section.context) if h):
        return []  # `…派遣事業 参加者募集`: a call for the public to join a trip, none made yet
    ctx = ctx.with_headings(section.heading, *section.context)
    fields = section.fields()
    heading = read_mention(section.heading, home, ctx) if section.heading else None
    mentions = [m for s in sentence_texts(section.text) if (m := read_mention(s, home, ctx))]
    # A note (`※9月2日は副市長が対応`) may say what a trip did, but its dates are its own.
    mentions = [
        dataclasses.replace(m, dates=()) if m.text.lstrip().startswith(_NOTE_MARKS) else m
        for m in mentions
    ]
    if heading is not None:
        mentions.insert(0, heading)
    mentions = [m for m in mentions if not AGREEMENT.search(m.text) or m.kind in ("in", "out")]
    mentions = [m for m in mentions if not NO_TRAVEL.search(m.text)]  # no one travelled
    date_value = _date_field(fields)
    place_value = _field(fields, _PLACE_FIELDS)
    visitors = _field(fields, _VISITOR_FIELDS)
    attendees = _field(fields, _ATTENDEE_FIELDS) or ""
    if visitors and _own_visitors(visitors, home):
        attendees, visitors = attendees or visitors, None  # `訪問者:本市長…`: it went
    elsewhere = bool(place_value) and _names_elsewhere(place_value or "", home)
    field_event = date_value is not None and bool(visitors or attendees or elsewhere)
    listed = not mentions and not field_event and _listed_entry(section, ctx, home)
    if not mentions and not field_event and not listed:
        return []
    main = _pick_main(mentions)
    draft = Draft(direction=None, title=section.heading or (main.text if main else ""))
    draft.own = attendees
    draft.guests = visitors or ""
    draft.texts.append(section.full_text)
    draft.international = international(section.full_text, home)
    _direction_from_fields(draft, home, visitors, place_value)
    if draft.direction is None and main is not None and main.kind in ("in", "out"):
        draft.direction = main.kind
    if main is not None:
        _add(draft.dests, main.dests if draft.direction != "in" else ())
    _date_main(draft, section, ctx, date_value, main, mentions)
    draft.end = stay_end(draft.start, draft.end, section.text)
    extra: list[Draft] = []
    for mention in mentions:
        if mention is main:
            continue
        if _separate(draft, mention):
            if not _BACKGROUND.search(mention.text) and not _vague_plan(mention):
                extra.append(_from_mention(mention, section))
            continue  # `これまでに…を訪問し`: the story behind this visit, not another one
        if mention.kind == "out" and draft.direction in (None, "out"):
            _add(draft.dests, mention.dests)
        _add(draft.places, mention.places)
        travel = main is not None and main.kind in ("in", "out", "move")
        dating = mention.kind != "host" or not travel
        if not draft.dated() and dating and (span := best(mention.dates)):
            draft.take_date(span)
    if draft.direction is None:
        draft.direction = _default_direction(draft, main, (ctx.title, *section.context))
    if draft.direction == "in" and main is not None and _announced_at_home(main, visitors):
        return []
    if draft.direction == "out" and draft.start and draft.end and draft.start != draft.end:
        _add(draft.dests, _itinerary_places([section], home, ctx, draft))
    if draft.direction == "out" and not draft.dests:
        draft.dests = _fallback_dests(section, home, draft)
        draft.guessed = True
    _add(draft.places, [p for m in mentions for p in m.places])
    return [draft, *extra]


_NOTE_MARKS = ("※", "注")


# Words that tell a visit as background to the page's news (`これまでも…訪問し`, `…以来`).
_BACKGROUND = re.compile(r"これまで|以来|かつて|過去に|以前|previously|in the past|since", re.I)


# Words that make a visit a plan (`…を計画しています`, `…派遣を検討`).
_PLAN = re.compile(r"予定|計画|検討|目指|\bwill\b|\bplan", re.I)


# An event's announcement to the public (`…を開催します`), not the report of one held.
_ANNOUNCES = re.compile(r"(?:開催|実施|開か|行い)(?:します|いたします|されます|れます|ます)(?!た)")


def _period(span: DateSpan) -> bool:
    """Whether a span is months, not days (`5月~7月`): the time a report covers."""
    start, end = span.start, span.end
    return (
        start.day is None and end.day is None and (start.year, start.month) != (end.year, end.month)
    )


def _announced_at_home(main: Mention, visitors: str | None) -> bool:
    """Whether a section only announces an event at home naming no guest from abroad (a
    festival with its sponsors): no visit, whoever takes part."""
    if main.kind != "host" or visitors or not _ANNOUNCES.search(main.text):
        return False
    return not any(p.country not in (None, "JP") for p in main.places)


def _vague_plan(mention: Mention) -> bool:
    """Whether a mention only plans a visit for a month or a fiscal year, no day fixed yet
    (`来年度に生徒を派遣する計画です`): an intention, not a trip."""
    return bool(_PLAN.search(mention.text)) and not any(s.start.day for s in mention.dates)


def _own_visitors(value: str, home: Home) -> bool:
    """Whether a visitors field names the city's own people (`奈良市長 山田太郎、職員2名`)."""
    return home.own_phrase(value.lstrip("・ ")) or any(
        value.lstrip("・ ").startswith(n) for n in home.city.names if len(n) > 1
    )


def _pick_main(mentions: list[Mention]) -> Mention | None:
    """The mention that says what the section's visit was: one with a direction first, but
    not an undated standing practice (`…の高校生を受け入れています`) while another remains."""
    for kinds in (("in", "out"), ("move",), ("meet",), ("host",)):
        found = [m for m in mentions if m.kind in kinds]
        events = [m for m in found if m.dates or not _HABITUAL.search(m.text)]
        if found:
            return (events or found)[0]
    return None


# A sentence that tells what is done as a rule, not what happened (`…を受け入れています`).
_HABITUAL = re.compile(r"(?:てい|てお)(?:ます|る)[。.]?\s*$")


def _names_elsewhere(value: str, home: Home) -> bool:
    """Whether a destination field names somewhere the city's people went (a place outside
    the city, or a ministry), not a room at home."""
    places = [m.place for m in find_places(value) if not home.is_home(m.place)]
    return bool(places or foreign_places(value, home) or GOVERNMENT.search(value))


def _direction_from_fields(
    draft: Draft, home: Home, visitors: str | None, place_value: str | None
) -> None:
    if visitors:
        draft.direction = "in"
        return
    if not place_value:
        return
    places = [p for p in (m.place for m in find_places(place_value)) if not home.is_home(p)]
    places += [p for p in foreign_places(place_value, home) if p not in places]
    if not places and GOVERNMENT.search(place_value):
        places = _capital_for_government(place_value, home)  # `訪問先: 財務省`: in the capital
    if places:
        draft.direction = "out"
        _add(draft.dests, places)
    elif home.own_phrase(place_value) or any(
        home.is_home(m.place) for m in find_places(place_value)
    ):
        draft.direction = "in"


def _date_main(
    draft: Draft,
    section: Section,
    ctx: DateContext,
    date_value: str | None,
    main: Mention | None,
    mentions: list[Mention],
) -> None:
    in_text = [s for m in mentions for s in m.dates]
    field_spans = dates_in(date_value, ctx) if date_value else []
    heading_span = best(dates_in(section.heading, ctx)) if section.heading else None
    if heading_span is not None and _LINK_DATE.search(section.heading):
        heading_span = None  # `提携日:…`: when a link was made, never when someone travelled
    if heading_span is not None and heading_span.fiscal:
        heading_span = None  # `■令和5年度`: a fiscal year gives the year, never a trip's days
    if section.date_only and any(PUBLICATION.search(c) for c in (*section.context, ctx.title)):
        # `記者発表資料` over a date line: the release's own date, not the event's.
        heading_span = None
    if (
        heading_span is not None
        and section.date_only
        and ctx.published
        and heading_span.start.iso() == ctx.published
        and any(s.start.month is not None for s in in_text)
    ):
        heading_span = None  # the page's own dateline over a story that dates its event
    if heading_span is not None and posted(heading_span, main, in_text):
        heading_span = None  # a news item's posting date over the days its story tells
    if heading_span is not None and _period(heading_span) and any(s.start.day for s in in_text):
        heading_span = None  # `交流(5月~7月)`: the months a report covers, over its own days
    chosen = None
    labelled = best(field_spans)
    if labelled is not None and labelled.start.day is not None:
        chosen = labelled  # `日時: …` says when the event is, beside any heading's date
    if chosen is None and heading_span is not None:
        chosen = refine(heading_span, [*in_text, *field_spans])
    if chosen is None:
        chosen = labelled
    if chosen is None and main is not None:
        chosen = best(main.dates)
    if chosen is None:
        # Other mentions' dates; an event held nearby dates a trip only when no travel is told.
        travel = main is not None and main.kind in ("in", "out", "move")
        kinds = ("in", "out", "move", "meet") if travel else ("in", "out", "move", "meet", "host")
        chosen = best([s for m in mentions if m.kind in kinds for s in m.dates])
    if chosen is None and section.context:
        base = best(dates_in(section.context[0], ctx))
        if base is not None and base.start.day is None and section.heading:
            # `8日(火) …` under `令和元年10月`: the entry's day in the group heading's month
            year, month = base.start.year, base.start.month
            days = [s for s in find_dates(section.heading, year=year, month=month) if s.start.day]
            chosen = best(days)
        chosen = chosen or refine(base, in_text)
    if chosen is not None:
        draft.take_date(chosen)


# A list item that opens with its own date (`・令和5年8月21日から…`).
_DATED_ITEM = re.compile(r"^[・･•\-]\s*(?:令和|平成|昭和|\d{1,4}[年/月])")

_LINK_DATE = re.compile(
    r"(?:提携|締結|調印|協定)(?:年月日|日)|date of (?:affiliation|agreement|signing)|"
    r"(?:agreement|affiliation|partnership) (?:signed|established)|established:|"
    r"(?:sister|friendship|partner) (?:city|cities|state|province) since",
    re.I,
)


def _separate(draft: Draft, mention: Mention) -> bool:
    """Whether a mention is another visit than the section's main one."""
    span = best(mention.dates)
    if (
        mention.kind in ("in", "out")
        and _DATED_ITEM.match(mention.text)
        and span is not None
        and not span.fiscal
        and draft.dated()
        and not draft.contains(span)
    ):
        return True  # `・8月 …を派遣` under `・11月 …を派遣`: a trip on days of its own
    if mention.kind in ("in", "out") and draft.direction and mention.kind != draft.direction:
        return span is not None and not draft.contains(span)
    if (
        mention.kind == draft.direction
        and span is not None
        and span.start.day is not None
        and not span.fiscal
        and draft.dated()
        and draft.start is not None
        and span.start.year == draft.start.year  # (a year guessed for bare days may be off)
        and not draft.contains(span)
        and not _adjacent(draft, span)
        and not AGREEMENT.search(mention.text)  # (a link's date, `…の提携から25周年`)
    ):
        return True  # `5月には…が来市。6月20日には…が来庁`: a report's visits, one by one
    if mention.kind == "out" and draft.direction == "out" and draft.dests and mention.dests:
        mine = {p.country for p in draft.dests}
        return not mine & {p.country for p in mention.dests}
    return False


def _adjacent(draft: Draft, span: DateSpan) -> bool:
    """Whether a span touches the draft's days (the day before or after: one stay told on)."""
    first, last = draft.start, draft.end or draft.start
    if first is None or last is None:
        return False
    a, b = first.first_day(), last.last_day()
    c, d = span.start.first_day(), span.end.last_day()
    if None in (a, b, c, d):
        return False
    return (c - b).days <= 1 and (a - d).days <= 1  # type: ignore[operator]


def _from_mention(mention: Mention, section: Section) -> Draft:
    direction: Way = "in" if mention.kind == "in" else "out"
    draft = Draft(direction=direction, title=section.heading or mention.text)
    draft.texts.append(mention.text)
    draft.international = mention.international
    if direction == "out":
        _add(draft.dests, mention.dests)
    _add(draft.places, mention.places)
    if span := best(mention.dates):
        draft.take_date(span)
    return draft


# What a list's title or group heading says its entries are: trips made, or guests received.
_SENT_LIST = re.compile(r"派遣|出張|海外訪問|訪問実績|\b(?:overseas )?(?:trips|missions)\b", re.I)
_RECEIVED_LIST = re.compile(
    r"受入|受け入れ|来訪|来日|表敬訪問|\b(?:courtesy calls|visitors)\b", re.I
)


def _listed_entry(section: Section, ctx: DateContext, home: Home) -> bool:
    """A dated entry (`令和5年4月18日 X国総領事 着任挨拶`) of a list its page or group heading
    says holds the calls received: a visit, though it writes no verb of travel. (The dated
    lines under a trip's title are the days of its itinerary, not visits of their own.)"""
    if not section.heading or not is_dated_entry(section.heading):
        return False
    first = next(iter(dates_in(section.heading, ctx)), None)
    if first is None or first.start.day is None:
        return False  # `・12月 X`: a month's pointer to a story further down, no entry
    over = (ctx.title, *section.context)
    if not any(_RECEIVED_LIST.search(h) and not _SENT_LIST.search(h) for h in over):
        return False
    return international(section.full_text, home)


def _default_direction(draft: Draft, main: Mention | None, over: tuple[str, ...]) -> Way:
    """A visit's direction when no sentence gives one: where it went, else what the page's
    title or the group heading over it says its entries are (`知事の海外派遣実績`), else a
    move means a trip."""
    if draft.dests:
        return "out"
    for heading in reversed(over):
        sent, received = _SENT_LIST.search(heading), _RECEIVED_LIST.search(heading)
        if bool(sent) != bool(received):
            return "out" if sent else "in"
    if main is not None and main.kind == "move":
        return "out"
    return "in"


def _fallback_dests(section: Section, home: Home, draft: Draft) -> list[Place]:
    """Where an outbound visit went when no sentence says: the heading's places, the capital for
    a call on the state, else the foreign places the section names."""
    heading_places = foreign_places(section.heading, home) if section.heading else []
    if heading_places:
        return heading_places
    capital = _capital_for_government(section.full_text, home) if draft.international else []
    if capital and GOVERNMENT.search(section.full_text):
        return capital
    return foreign_places(section.full_text, home)


def _named_among(place: Place, places: list[Place]) -> bool:
    """Whether a place is already listed under a longer or shorter spelling (X, X市, X都)."""
    return any(place.name in p.name or p.name in place.name for p in places)


_PLANNED = re.compile(
    r"予定(?:です|である|となって|があり|がある)|計画しています|\bwill (?:visit|welcome|host)\b"
)


def trip_draft(
    headline: str, sections: list[Section], home: Home, ctx: DateContext
) -> Draft | None:
    """The one visit of a trip page: the headline's direction and everything the page says."""
    head = read_mention(headline, home, ctx)
    if head is None:
        return None
    texts = [s.full_text for s in sections]
    mentions: list[Mention] = []
    date_values: list[str] = []
    place_values: list[str] = []
    visitors = False
    guest_values: list[str] = []
    for section in sections:
        sctx = ctx.with_headings(section.heading, *section.context)
        fields = section.fields()
        if value := _date_field(fields):
            date_values.append(value)
        if value := _field(fields, _PLACE_FIELDS):
            place_values.append(value)
        if (guests := _field(fields, _VISITOR_FIELDS)) and not _own_visitors(guests, home):
            visitors = True
            guest_values.append(guests)
        for text in (section.heading, *sentence_texts(section.text)):
            if text and (m := read_mention(text, home, sctx)):
                mentions.append(m)
    draft = Draft(direction=None, title=headline)
    draft.guests = "\n".join(guest_values)
    draft.texts = [headline, *texts]
    draft.international = international("\n".join(draft.texts), home)
    if head.kind in ("in", "out"):
        draft.direction = head.kind
    elif visitors:
        draft.direction = "in"
    elif _ABROAD.search(headline) or any(_names_elsewhere(v, home) for v in place_values):
        draft.direction = "out"  # `海外出張`, or a destination field naming a place away
    else:
        # the legs of an itinerary (`8月24日 X発、本市着`) are the trip's own, not visits
        # (a visit a closing line only plans, `…を受け入れる予定です`, is no vote)
        kinds = [
            m.kind
            for m in mentions
            if m.kind in ("in", "out") and not _leg(m.text) and not _PLANNED.search(m.text)
        ]
        draft.direction = "out" if kinds.count("out") > kinds.count("in") or head.dests else "in"
    if draft.direction == "out":
        _add(draft.dests, head.dests)
        for value in place_values:
            _add(draft.dests, [p for p in foreign_places(value, home)])
            if GOVERNMENT.search(value) and not foreign_places(value, home):
                _add(draft.dests, _capital_for_government(value, home))  # `訪問先: 財務省`
        for mention in mentions:
            if mention.kind == "out" and not _BACKGROUND.search(mention.text):
                if _PLAN.search(mention.text) and not _PLANNED.search(headline):
                    continue  # `来年度は…への派遣を検討`: a trip still to come, not a stop of this
                _add(draft.dests, mention.dests)
        if not draft.dests:
            draft.dests = foreign_places(headline, home) or foreign_places(
                "\n".join(texts[:1]), home
            )
        # A meeting the trip held in another city of a country it went to is one of its stops
        # (`・Y市内での州政府関係者との懇談` under a trip to X市).
        countries = {p.country for p in draft.dests}
        for mention in mentions:
            if mention.kind == "meet" and not _BACKGROUND.search(mention.text):
                stops = [p for p in mention.places if p.country in countries]
                _add(draft.dests, [p for p in stops if not _named_among(p, draft.dests)])
    for mention in mentions:
        _add(draft.places, mention.places)
    chosen = None
    for value in date_values:
        chosen = chosen or best(dates_in(value, ctx))
    # (a closing plan, `10月に訪問団を派遣する予定です`, dates a trip still to come)
    reported = [m for m in mentions if not _PLANNED.search(m.text)]
    cue_dates = [s for m in reported or mentions for s in trip_dates(m)]
    head_span = best([s for s in head.dates if not s.fiscal])
    if head_span is not None and head_span.start.day is None:
        # a headline's month (`市長室から(令和5年11月)`) gives way to the days the text tells,
        # or to the first and last of the trip's day headings (`■10月23日(月) X市`)
        told = best([s for s in cue_dates if s.is_range and s.start.day])
        days = heading_days(sections, ctx, head_span) if draft.direction == "out" else None
        head_span = told or days or head_span
    chosen = chosen or head_span
    page_range = first_event_date(sections, ctx, ranges_only=True)
    chosen = chosen or best([s for s in cue_dates if s.is_range]) or page_range
    chosen = chosen or best(cue_dates) or first_event_date(sections, ctx)
    chosen = widen(chosen, cue_dates)
    if chosen is not None:
        draft.take_date(chosen)
    if draft.direction == "in":
        draft.end = stay_end(draft.start, draft.end, "\n".join(texts))  # `一行は翌8日、…`
    if draft.direction == "out" and draft.start and draft.end:
        _add(draft.dests, _itinerary_places(sections, home, ctx, draft))
    return draft


# A line of an itinerary: a day, then what was done (`・4月17日:X市訪問`, `5/2 X市表敬`).
# (a day heading may be numbered: `(2)10月25日(月) X市`, `第3日 10月26日`)
_ITINERARY = re.compile(
    r"^[・･\-\s]*(?:[(]\d{1,2}[)]\s*|\d{1,2}[.)]\s*|第\d{1,2}日\s*)?"
    r"(?:\d{1,2}月\d{1,2}日|\d{1,2}/\d{1,2})"
)


_EN_LEG = re.compile(
    r"^(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+\d{1,2}\b"
)


def _leg(text: str) -> bool:
    """A line of an itinerary: a day, then where the party went or came back."""
    return bool(_ITINERARY.match(text) or _EN_LEG.match(text))


def _itinerary_places(
    sections: list[Section], home: Home, ctx: DateContext, trip: Draft
) -> list[Place]:
    """Places abroad the trip's dated itinerary lines and day headings name, on days within
    the trip. A day's bracket names its stop (`October 16 (Olympia)`) even when the name is
    too small to stand bare, so long as it is a place of a country the trip went to."""
    found: list[Place] = []
    countries = {p.country for p in trip.dests if p.country}
    for section in sections:
        sctx = ctx.with_headings(section.heading, *section.context)
        for line in (section.heading, *section.lines):
            if not _leg(line):
                continue
            spans = [s for s in dates_in(line, sctx) if s.start.year is not None]
            if not spans and trip.start is not None:  # `May 13 (Salem)`: the trip's year
                spans = [s for s in find_dates(line, year=trip.start.year) if s.start.day]
            if spans and trip.contains(spans[0]):
                stops = [
                    stop
                    for name in _DAY_STOP.findall(line)
                    for code in sorted(countries)
                    if (stop := resolve_place(name, country=code)) and stop.country == code
                ]
                _add(found, stops[:1] or foreign_places(line, home))
    return [p for p in found if country_code(p.name) != p.country]


# A day's stop in brackets after its date (`October 16 (Olympia)`, `10月16日(オリンピア)`).
_DAY_STOP = re.compile(r"^[^()（）]{3,24}[(（]([^()（）\d]{2,30})[)）]\s*$")


# A headline's word for going abroad (`市長の海外出張`, `海外視察団の派遣`), or a report of the
# city's own people sent (`議員派遣報告書`).
_ABROAD = re.compile(
    r"海外|外国|訪欧|訪米|訪中|訪韓|訪豪|訪台|渡航|議員派遣|派遣報告|出張報告|団の派遣|団を派遣|\boverseas\b|\babroad\b",
    re.I,
)
