"""From a section and its mentions to the visits it describes (drafts of Visit records).

Two shapes of page exist. A trip page (its headline says someone visited) is one visit however
many sections describe its days: `parsers.extract.trips`. Any other page is a list or a story:
each section yields the visit its heading, fields (`日時`, `場所`, `訪問者`) or sentences
describe, sentences in it that point the other way, elsewhere or to other days yield their own,
and neighbouring sections that are days of one trip are joined afterwards
(`parsers.extract.merge`).
"""

from __future__ import annotations

import dataclasses
import re

from citywatch.model import Place
from parsers.document.segment import Section
from parsers.document.text import is_dated_entry
from parsers.extract.abroad import Home, foreign_places, international, sentence_texts
from parsers.extract.drafts import (
    ATTENDEE_FIELDS,
    BACKGROUND,
    PLACE_FIELDS,
    PLAN,
    RECEIVED_LIST,
    SENT_LIST,
    VISITOR_FIELDS,
    Draft,
    Way,
    add_places,
    capital_for_government,
    date_field,
    field_value,
    names_elsewhere,
    own_visitors,
)
from parsers.extract.mentions import Mention, read_mention
from parsers.extract.places import find_places
from parsers.extract.spans import (
    PUBLICATION,
    best,
    posted,
    refine,
    stay_end,
)
from parsers.extract.trips import itinerary_places
from parsers.extract.when import DateContext, dates_in
from parsers.text.cues import AGREEMENT, GOVERNMENT, NO_TRAVEL, RECRUITS
from parsers.text.dates import DateSpan, find_dates

__all__ = ["section_drafts"]


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
    # `派遣報告会を開催`: a trip reported at home, no visit of its own
    mentions = [m for m in mentions if not _REPORT_MEETING.search(m.text)]
    # `毎年3月に高校生を派遣しています`: a practice repeated every year, no one trip
    mentions = [m for m in mentions if not (_RECURRING.search(m.text) and _HABITUAL.search(m.text))]
    date_value = date_field(fields)
    place_value = field_value(fields, PLACE_FIELDS)
    visitors = field_value(fields, VISITOR_FIELDS)
    attendees = field_value(fields, ATTENDEE_FIELDS) or ""
    if visitors and own_visitors(visitors, home):
        attendees, visitors = attendees or visitors, None  # `訪問者:本市長…`: it went
    elsewhere = bool(place_value) and names_elsewhere(place_value or "", home)
    field_event = date_value is not None and bool(visitors or attendees or elsewhere)
    listed = not mentions and not field_event and _listed_entry(section, ctx, home)
    if not mentions and not field_event and not listed:
        return []
    main = _pick_main(mentions)
    draft = Draft(direction=None, title=section.heading or (main.text if main else ""))
    draft.gathering = main is not None and main.kind == "host"  # dated as an event held
    draft.own = attendees
    draft.guests = visitors or ""
    draft.texts.append(section.full_text)
    draft.international = international(section.full_text, home)
    _direction_from_fields(draft, home, visitors, place_value)
    if draft.direction is None and main is not None and main.kind in ("in", "out"):
        draft.direction = main.kind
    if main is not None:
        add_places(draft.dests, main.dests if draft.direction != "in" else ())
    _date_main(draft, section, ctx, date_value, main, mentions)
    draft.end = stay_end(draft.start, draft.end, section.text)
    extra: list[Draft] = []
    for mention in mentions:
        if mention is main:
            continue
        if _separate(draft, mention):
            if not BACKGROUND.search(mention.text) and not _vague_plan(mention):
                extra.append(_from_mention(mention, section))
            continue  # `これまでに…を訪問し`: the story behind this visit, not another one
        if mention.kind == "out" and draft.direction in (None, "out"):
            add_places(draft.dests, mention.dests)
        add_places(draft.places, mention.places)
        travel = main is not None and main.kind in ("in", "out", "move")
        dating = mention.kind != "host" or not travel
        if not draft.dated() and dating and (span := best(mention.dates)):
            draft.take_date(span)
    if draft.direction is None:
        draft.direction = _default_direction(draft, main, (ctx.title, *section.context))
    if draft.direction == "in" and main is not None and _announced_at_home(main, visitors):
        return []
    if draft.direction == "out" and draft.start and draft.end and draft.start != draft.end:
        add_places(draft.dests, itinerary_places([section], home, ctx, draft))
    if draft.direction == "out" and not draft.dests:
        draft.dests = _fallback_dests(section, home, draft)
        draft.guessed = True
    add_places(draft.places, [p for m in mentions for p in m.places])
    return [draft, *extra]


_NOTE_MARKS = ("※", "注")


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
    return bool(PLAN.search(mention.text)) and not any(s.start.day for s in mention.dates)


def _pick_main(mentions: list[Mention]) -> Mention | None:
    """The mention that says what the section's visit was: one with a direction first, but
    not an undated standing practice (`…の高校生を受け入れています`) while another remains."""
    for kinds in (("in", "out"), ("move",), ("meet",), ("host",)):
        found = [m for m in mentions if m.kind in kinds]
        events = [m for m in found if m.dates or not _HABITUAL.search(m.text)]
        if found:
            return (events or found)[0]
    return None


_REPORT_MEETING = re.compile(r"報告会")
_RECURRING = re.compile(r"毎年|例年|毎月|隔年|every year|annually", re.I)

# A sentence that tells what is done as a rule, not what happened (`…を受け入れています`).
_HABITUAL = re.compile(r"(?:てい|てお)(?:ます|る)[。.]?\s*$")


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
        places = capital_for_government(place_value, home)  # `訪問先: 財務省`: in the capital
    if places:
        draft.direction = "out"
        add_places(draft.dests, places)
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
        draft.labelled = True
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
        add_places(draft.dests, mention.dests)
    add_places(draft.places, mention.places)
    if span := best(mention.dates):
        draft.take_date(span)
    return draft


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
    if not any(RECEIVED_LIST.search(h) and not SENT_LIST.search(h) for h in over):
        return False
    return international(section.full_text, home)


def _default_direction(draft: Draft, main: Mention | None, over: tuple[str, ...]) -> Way:
    """A visit's direction when no sentence gives one: where it went, else what the page's
    title or the group heading over it says its entries are (`知事の海外派遣実績`), else a
    move means a trip."""
    if draft.dests:
        return "out"
    for heading in reversed(over):
        sent, received = SENT_LIST.search(heading), RECEIVED_LIST.search(heading)
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
    capital = capital_for_government(section.full_text, home) if draft.international else []
    if capital and GOVERNMENT.search(section.full_text):
        return capital
    return foreign_places(section.full_text, home)
