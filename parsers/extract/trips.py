"""The one visit of a trip page: a page whose headline says someone went or came
(`…市長がX市を訪問しました`, `海外出張`) is one visit however many sections tell its days, with
the headline's direction and every stop its itinerary names.
"""

from __future__ import annotations

import re

from citywatch.model import Place
from parsers.document.segment import Section
from parsers.extract.abroad import Home, foreign_places, international, sentence_texts
from parsers.extract.drafts import (
    BACKGROUND,
    PLACE_FIELDS,
    PLAN,
    PLANNED,
    VISITOR_FIELDS,
    Draft,
    add_places,
    capital_for_government,
    date_field,
    field_value,
    named_among,
    names_elsewhere,
    own_visitors,
)
from parsers.extract.mentions import Mention, read_mention
from parsers.extract.places import country_code, resolve_place
from parsers.extract.spans import (
    best,
    first_event_date,
    heading_days,
    stay_end,
    trip_dates,
    widen,
)
from parsers.extract.when import DateContext, dates_in
from parsers.text.cues import GOVERNMENT
from parsers.text.dates import find_dates

__all__ = ["itinerary_places", "trip_draft"]


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
        if value := date_field(fields):
            date_values.append(value)
        if value := field_value(fields, PLACE_FIELDS):
            place_values.append(value)
        if (guests := field_value(fields, VISITOR_FIELDS)) and not own_visitors(guests, home):
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
    elif _ABROAD.search(headline) or any(names_elsewhere(v, home) for v in place_values):
        draft.direction = "out"  # `海外出張`, or a destination field naming a place away
    else:
        # the legs of an itinerary (`8月24日 X発、本市着`) are the trip's own, not visits
        # (a visit a closing line only plans, `…を受け入れる予定です`, is no vote)
        kinds = [
            m.kind
            for m in mentions
            if m.kind in ("in", "out") and not _leg(m.text) and not PLANNED.search(m.text)
        ]
        draft.direction = "out" if kinds.count("out") > kinds.count("in") or head.dests else "in"
    if draft.direction == "out":
        add_places(draft.dests, head.dests)
        for value in place_values:
            add_places(draft.dests, [p for p in foreign_places(value, home)])
            if GOVERNMENT.search(value) and not foreign_places(value, home):
                add_places(draft.dests, capital_for_government(value, home))  # `訪問先: 財務省`
        for mention in mentions:
            if mention.kind == "out" and not BACKGROUND.search(mention.text):
                if PLAN.search(mention.text) and not PLANNED.search(headline):
                    continue  # `来年度は…への派遣を検討`: a trip still to come, not a stop of this
                add_places(draft.dests, mention.dests)
        if not draft.dests:
            draft.dests = foreign_places(headline, home) or foreign_places(
                "\n".join(texts[:1]), home
            )
        # A meeting the trip held in another city of a country it went to is one of its stops
        # (`・Y市内での州政府関係者との懇談` under a trip to X市).
        countries = {p.country for p in draft.dests}
        for mention in mentions:
            if mention.kind == "meet" and not BACKGROUND.search(mention.text):
                stops = [p for p in mention.places if p.country in countries]
                add_places(draft.dests, [p for p in stops if not named_among(p, draft.dests)])
    for mention in mentions:
        add_places(draft.places, mention.places)
    chosen = None
    for value in date_values:
        chosen = chosen or best(dates_in(value, ctx))
    # (a closing plan, `10月に訪問団を派遣する予定です`, dates a trip still to come)
    # (a visit the other way, `6月にはX市長が本市を訪問`, is a visit of its own, not this one's day)
    other_way = {"in": "out", "out": "in"}.get(draft.direction or "")
    reported = [m for m in mentions if not PLANNED.search(m.text) and m.kind != other_way]
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
        add_places(draft.dests, itinerary_places(sections, home, ctx, draft))
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


def itinerary_places(
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
                add_places(found, stops[:1] or foreign_places(line, home))
    return [p for p in found if country_code(p.name) != p.country]


# A day's stop in brackets after its date (`October 16 (Olympia)`, `10月16日(オリンピア)`).
_DAY_STOP = re.compile(r"^[^()（）]{3,24}[(（]([^()（）\d]{2,30})[)）]\s*$")


# A headline's word for going abroad (`市長の海外出張`, `海外視察団の派遣`), or a report of the
# city's own people sent (`議員派遣報告書`).
_ABROAD = re.compile(
    r"海外|外国|訪欧|訪米|訪中|訪韓|訪豪|訪台|渡航|議員派遣|派遣報告|出張報告|団の派遣|団を派遣|\boverseas\b|\babroad\b",
    re.I,
)
