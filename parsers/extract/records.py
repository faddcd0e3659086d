"""Records from a document: the one extraction every site parser runs.

The page's shape decides the reading. A trip page (its headline says a visit happened) is one
visit; a programme page (its title names a cooperation programme) is that programme with its
history as milestones; any other page is read section by section. Agreement sentences anywhere
add programmes. Visits are kept only when they concern another country, an international
body or the state (a mayor at a ward festival is not city diplomacy) and, outside trip pages,
when they carry a date.
"""

from __future__ import annotations

import dataclasses
import re

from citywatch.model import Milestone, Place, Programme, Record, Visit
from parsers.document.model import Document
from parsers.document.segment import Section, is_caption, split_sections
from parsers.document.text import is_date_line
from parsers.extract.abroad import Home, page_places
from parsers.extract.anaphora import refers_back, same_place
from parsers.extract.drafts import PLANNED, RECEIVED_LIST, SENT_LIST, Draft
from parsers.extract.events import section_drafts
from parsers.extract.evidence import explain_programme, explain_visit
from parsers.extract.items import lists_items
from parsers.extract.mentions import read_mention
from parsers.extract.merge import absorb_duplicates, merge_neighbours, met_on_trip
from parsers.extract.people import split_actors
from parsers.extract.places import find_countries, find_places, is_country, resolve_place
from parsers.extract.places import home as home_city
from parsers.extract.programme_forms import (
    consolidate,
    entry_programmes,
    fiscal_programmes,
    linked_city_programmes,
    table_programmes,
)
from parsers.extract.programmes import (
    ProgrammeDraft,
    agreement_programmes,
    agreement_title,
    programme_page,
)
from parsers.extract.programmes import (
    dedupe_programmes as _dedupe_programmes,
)
from parsers.extract.programmes import (
    only_countries as _only_countries,
)
from parsers.extract.table_visits import diary_rows, table_drafts
from parsers.extract.trips import trip_draft
from parsers.extract.when import DateContext
from parsers.text.cues import (
    AGREEMENT,
    ANNIVERSARY,
    PROGRAMME_TITLE,
    RECRUITS,
    SIGNING,
    is_english,
    movement,
)
from parsers.text.dates import PartialDate, find_dates

__all__ = ["MAX_BLOCKS", "extract_records"]

MAX_BLOCKS = 3000
"""Blocks of one page read for records."""

# Headlines of pages that are no trip: press conferences, diaries, lists, and calls on the
# public (a request, a call for applicants, how to apply).
_NOT_TRIP = re.compile(
    r"記者会見|定例会見|会見|トピックス|の動き|の部屋|日誌|一覧|Topics|News$|"
    r"依頼|募集|申込|申し込み|受付|要項|要綱"
)
_SUMMARY_LEN = 200


def _headlines(doc: Document, sections: list[Section]) -> list[str]:
    """What the page says it is about: its title and its first heading or line."""
    lines = [doc.title]
    for block in doc.blocks[:6]:
        if block.kind == "heading" and block.text != doc.title and not is_caption(block.text):
            if not _NUMBERED.match(block.text):  # `1 X市長の来訪`: the first item of a list
                lines.append(block.text)
            break
    return [h for h in lines if h]


_NUMBERED = re.compile(r"^(?:\d{1,2}|[(（]\d{1,2}[)）]|[①-⑳])[\s.、)）]")


def _trip_headline(headlines: list[str], home: Home, ctx: DateContext) -> str | None:
    for headline in headlines:
        if _NOT_TRIP.search(headline) or (ANNIVERSARY.search(headline) and not movement(headline)):
            continue
        mention = read_mention(headline, home, ctx)
        if mention is not None and mention.kind in ("in", "out", "move", "meet"):
            return headline
    return None


def _is_programme_title(title: str) -> bool:
    return bool(PROGRAMME_TITLE.search(title)) and not (
        movement(title) or ANNIVERSARY.search(title) or _NOT_TRIP.search(title)
    )


def extract_records(doc: Document, *, city: str, url: str = "") -> list[Record]:
    """Visits and programmes of a page, seen from `city` (a slug known to the gazetteer).

    Only the first `MAX_BLOCKS` blocks are read: no real page holds more records than that, and
    the cap bounds the time a hostile or runaway page can take."""
    if len(doc.blocks) > MAX_BLOCKS:
        doc = dataclasses.replace(doc, blocks=doc.blocks[:MAX_BLOCKS])
    text = doc.text()  # joined once: the page-wide readings below all take it
    home = Home(home_city(city), city, page_places(text))
    english = is_english(text)
    ctx = DateContext(
        title=doc.title,
        url=url or doc.url,
        published=doc.published or _dateline(doc),
        updated=doc.updated,
    )
    sections = split_sections(doc, short=home.city.short)
    page_people = _owner("\n".join((doc.title, *(sections[0].lines[:6] if sections else ()))))
    page_people = page_people or _head_of(doc.title, text) or _received_by(text)
    # (a call for people to join a trip tells of none made yet)
    recruits = RECRUITS.search(doc.title)
    headline = None if recruits else _trip_headline(_headlines(doc, sections), home, ctx)
    programme = None if headline else _programme_of(doc, sections, home, ctx)
    drafts = _list_drafts(sections, home, ctx, history=programme is not None, title=doc.title)
    if headline is not None:
        trip = trip_draft(headline, sections, home, ctx)
        if trip is not None:
            # (a call the trip's people paid abroad, read as received, is a part of the trip)
            drafts = [d for d in drafts if not met_on_trip(d, trip)]
        if trip is not None and lists_items(trip, drafts, sections):
            trip = None  # visits under dated headings of their own: a list, not one trip
        if trip is not None and not _is_list(trip, drafts, sections, home, ctx):
            # a table of the trip's days spans it from its first day to its last
            span = next((d for d in drafts if _spans_trip(d, trip)), None)
            if span is not None:
                trip.start, trip.end = span.start, span.end
                trip.dests += [p for p in span.dests if p not in trip.dests]
            drafts = [trip, *_other_way(trip, drafts)] if trip.international else []
    visits = [explain_visit(_visit(d, home, english, page_people), d, home) for d in drafts]
    # A reception needs someone received: an event at home naming no one from elsewhere (a
    # festival with dishes of many countries) is no visit.
    visits = [v for v in visits if v.direction != "inbound" or v.counterparts]
    programmes = agreement_programmes(sections, home, ctx, doc.title)
    listed = table_programmes(sections, home, ctx, doc.title)
    listed += entry_programmes(sections, home, ctx, doc.title)
    fiscal = fiscal_programmes(sections, home, ctx)
    linked = linked_city_programmes(sections, home, doc.title, _headlines(doc, sections))
    titled = None
    if not any(s.heading == doc.title for s in sections):
        titled = agreement_title(doc.title, home, ctx)
    # Partners are read in the page's countries before programmes are compared.
    _settle_countries([*listed, *programmes, *fiscal, *linked, *(titled or ()), programme], text)
    programmes = _dedupe_programmes([*listed, *programmes, *fiscal, *linked])
    if len(listed) > 1:
        programme = None  # a table of linked cities is many programmes, not one
    if titled is not None:
        programmes = _dedupe_programmes([*titled, *programmes])
    if programme is not None:
        # The cooperation a page is about may have run since a fiscal year it names, or since
        # the link its sentences date (`1992年の姉妹都市提携から31年`).
        earlier = [p for p in fiscal if _same_partner(p, programme) and _before(p, programme)]
        if not earlier and not _announces_agreement(doc.title):
            # (a title announcing a new agreement is that agreement, not the older link)
            earlier = sorted(
                (p for p in programmes if _same_partner(p, programme) and _before(p, programme)),
                key=lambda p: (p.start.iso() or "") if p.start else "",
            )[:1]
        if earlier:
            programme.start = earlier[0].start
        twin = next((p for p in programmes if _same(p, programme)), None)
        if twin is not None and _only_countries(programme.places) and twin.places:
            programme.places = list(twin.places)  # the city the page names, not its country
            programme.partners = [*twin.partners, *programme.partners]
        programmes = [programme, *(p for p in programmes if not _same(p, programme))]
        programmes = [p for p in programmes if p is programme or p not in earlier]
        # A later document with the page's partner is a step of the programme the page is about.
        later = [p for p in programmes if p is not programme and _later_step(p, programme)]
        for step in later:
            assert step.start is not None
            programme.milestones.append(Milestone(step.start.iso(), step.title[:200]))
        programmes = [p for p in programmes if p not in later]
    programmes = consolidate(programmes)
    records: list[Record] = [*visits, *(explain_programme(_programme(p), p) for p in programmes)]
    return _page_countries(records, text)


def _list_drafts(
    sections: list[Section], home: Home, ctx: DateContext, *, history: bool, title: str
) -> list[Draft]:
    """Visits read section by section; on a programme page dated entries are its history."""
    drafts: list[Draft] = []
    for order, section in enumerate(sections):
        if history and section.date_only and not _explicit(section, home):
            continue
        table = table_drafts(section, home, ctx)
        parts = [section] if table is not None else diary_rows(section) or [section]
        for part in parts:
            for draft in section_drafts(part, home, ctx) if table is None else table:
                draft.order = draft.head = order
                if not draft.international:
                    _refer_back(draft, part, sections[:order], title, home)
                if not part.heading and title:
                    draft.title = title  # the text before any heading is the page's own story
                drafts.append(draft)
    drafts = [d for d in merge_neighbours(drafts) if d.international and d.dated()]
    return absorb_duplicates(drafts)


def _refer_back(
    draft: Draft, section: Section, before: list[Section], title: str, home: Home
) -> None:
    """A section that names its place only as `同省` or `同市` is about the place the page
    named before it with that ending."""
    if not refers_back(section.full_text):
        return  # (the page before it is joined only for a section that needs it)
    earlier = "\n".join((title, *(s.full_text for s in before)))
    place = same_place(section.full_text, earlier, home)
    if place is None:
        return
    draft.international = True
    if draft.direction == "out" and not draft.dests:
        draft.dests.append(place)
    elif place not in draft.places:
        draft.places.append(place)


def _other_way(trip: Draft, drafts: list[Draft]) -> list[Draft]:
    """Visits a trip page tells the other way on days of their own (`6月にはX市長が来日し`
    on a page about the mayor's trip there): visits beside the trip, not parts of it."""
    return [
        d
        for d in drafts
        if d.direction not in (None, trip.direction)
        and d.dated()
        and not trip.contains_draft(d)
        and not d.contains_draft(trip)
        and not _in_trip_another_year(d, trip)
        and any(p.country not in (None, "JP") for p in (*d.places, *d.dests))
        and not any(PLANNED.search(t) for t in d.texts)  # (`…を派遣する予定です`: to come)
    ]


def _in_trip_another_year(draft: Draft, trip: Draft) -> bool:
    """Whether a draft falls within the trip's days but for its year (a year guessed for bare
    days, `歓迎レセプション(1月17日)` on a page dated the year after the trip)."""
    if trip.start is None or trip.start.year is None or draft.start is None:
        return False
    if draft.start.year == trip.start.year:
        return False
    year = trip.start.year
    moved = dataclasses.replace(draft, start=_with_year(draft.start, year))
    moved.end = _with_year(draft.end, year) if draft.end else moved.start
    return trip.contains_draft(moved)


def _with_year(day: PartialDate, year: int) -> PartialDate:
    try:
        return PartialDate(year, day.month, day.day)
    except ValueError:
        return day


def _spans_trip(draft: Draft, trip: Draft) -> bool:
    """Whether `draft` is the trip's own days read from a table, longer than the day it has."""
    return (
        draft.direction == trip.direction == "out"
        and draft.start is not None
        and draft.end is not None
        and draft.start != draft.end
        and (trip.start is None or trip.start == trip.end)
        and (trip.start is None or draft.contains_draft(trip))
    )


def _is_list(
    trip: Draft, drafts: list[Draft], sections: list[Section], home: Home, ctx: DateContext
) -> bool:
    """A page whose headline names a visit may still list several (`海外からの表敬訪問`): two
    dated visits outside the headline visit's days make it a list."""
    if any(d.listed for d in drafts):
        return True  # a table of visits, whatever its title says
    if _two_ways(trip.title):
        return True  # `教員派遣研修・生徒受入れの報告`: a trip made and guests received
    if _both_ways(drafts, sections, home, ctx):
        return True  # `X大使との会談及びY市訪問団の来訪`: a call paid, then one received
    outside = [d for d in drafts if not (trip.dated() and trip.contains_draft(d))]
    days = {(d.start, d.end) for d in outside}
    return len(days) >= 2


def _two_ways(title: str) -> bool:
    """Whether a title joins a trip sent and guests received as two things (`X派遣・Y受入れ`)."""
    parts = re.split(r"・|及び|および|並びに", title)
    sent = any(SENT_LIST.search(p) and not RECEIVED_LIST.search(p) for p in parts)
    received = any(RECEIVED_LIST.search(p) and not SENT_LIST.search(p) for p in parts)
    return sent and received


def _both_ways(drafts: list[Draft], sections: list[Section], home: Home, ctx: DateContext) -> bool:
    """Whether a page tells, under headings of their own, a visit out and a visit in on days
    apart (`■X大使と会談しました`, `■Y市の訪問団が来訪しました`): two visits, not one trip."""
    headed: dict[str, list[Draft]] = {"in": [], "out": []}
    for draft in drafts:
        if not (draft.dated() and draft.start and draft.start.day):
            continue
        if not 0 <= draft.head < len(sections) or not sections[draft.head].heading:
            continue
        heading = read_mention(sections[draft.head].heading, home, ctx)
        way = draft.direction or ""
        if heading is not None and way in headed and heading.kind in (way, "meet", "move"):
            headed[way].append(draft)
    return any(
        not (o.contains_draft(i) or i.contains_draft(o))
        for o in headed["out"]
        for i in headed["in"]
    )


_DATELINE = re.compile(r"[(（](?P<date>[^()（）]{6,24}日[^()（）]{0,6})[)）]$")


def _dateline(doc: Document) -> str | None:
    """A letter's or a diary's own date near the top (`市民の皆様へ(平成28年12月27日)`), standing in
    for a publication date the template does not give."""
    for block in doc.blocks[:8]:
        match = _DATELINE.search(block.text)
        text = match.group("date") if match else block.text if is_date_line(block.text) else ""
        spans = [s for s in find_dates(text) if s.start.day and s.start.year] if text else []
        if spans:
            return spans[0].start.iso()
    return None


_OWNER = re.compile(
    r"(?P<role>[\u3041-\u3096\u30a1-\u30fa\u4e00-\u9fff]{0,6}(?:市長|知事|区長|町長|村長))(?:の)?\s?"
    r"(?P<name>[\u4e00-\u9fff]{1,3}(?: ?[\u4e00-\u9fff]{1,3})?)(?=です|\s*[―-]|\s*$|\s)",
    re.M,
)
_NOT_NAME = re.compile(r"部屋|室|動き|日誌|挨拶|あいさつ|日程|会見|談話|コラム")


def _owner(text: str) -> tuple[str, ...]:
    """The official a page belongs to (`松本市長 山田 一郎`, `松本市長の山田です`): the implicit
    actor of its diary entries and messages."""
    for match in _OWNER.finditer(text):
        if not _NOT_NAME.search(match.group("name")):
            return (f"{match.group('role')} {match.group('name')}",)
    return ()


# A title about the head's own doings (`知事の海外出張`, `市長の動き`), and the head named in
# the text, surname first (`山田太郎知事は`).
_HEAD_TITLE = re.compile(r"^(?:[^\s()]{0,8}?)(?P<role>市長|知事|区長|町長|村長)の")
_HEAD_NAMED = (
    r"(?<![\u4e00-\u9fff副])(?:(?P<name>[\u4e00-\u9fff]{{2,5}}){role}(?=は|が|、|と)"
    r"|(?P<full>[\u4e00-\u9fff]{{3,5}}){role}の)"  # `上條正人市長の1週間`: a full name
)


# A list's note of who received every call (`※対応者は、いずれも山田市長です`).
_RECEIVER_NOTE = re.compile(
    r"(?:対応者|応対者)は、?\s?(?:いずれも|全て|すべて|原則として)?\s?"
    r"(?P<who>[\u4e00-\u9fff]{1,5}(?:市長|知事|区長|町長|村長))"
)


def _received_by(text: str) -> tuple[str, ...]:
    """The head a list of calls says received them all: the implicit host of its rows."""
    note = _RECEIVER_NOTE.search(text)
    return (note.group("who"),) if note else ()


def _head_of(title: str, text: str) -> tuple[str, ...]:
    """The head a page of the head's doings names (else the head's title alone): the implicit
    participant of its rows."""
    head = _HEAD_TITLE.match(title)
    if head is None:
        return ()
    role = head.group("role")
    named = re.search(_HEAD_NAMED.format(role=role), text)
    return (f"{named.group('name') or named.group('full')}{role}",) if named else (role,)


def _programme_of(
    doc: Document, sections: list[Section], home: Home, ctx: DateContext
) -> ProgrammeDraft | None:
    if not _is_programme_title(doc.title):
        return None
    return programme_page(doc.title, sections, home, ctx)


_MOVED = re.compile(
    r"来日|来訪|来庁|来市|来県|来町|来村|来区|お越し|を訪問|へ訪問|を訪れ|へ行|出張|"
    r"[にへ]派遣し|を視察|visited|came to"
)


def _explicit(section: Section, home: Home) -> bool:
    """A history entry is a visit only when it says someone came or went (`来松` too, the
    city's own word for coming to it)."""
    text = section.full_text
    short = home.city.short
    return bool(_MOVED.search(text) or (short and f"来{short}" in text))


def _same(a: ProgrammeDraft, b: ProgrammeDraft) -> bool:
    return {p.country for p in a.places} == {p.country for p in b.places} and (
        a.start is None or b.start is None or a.start == b.start or a.start.year == b.start.year
    )


def _same_partner(a: ProgrammeDraft, b: ProgrammeDraft) -> bool:
    """The same country, or a place of the same name (whose country one sentence may have
    read otherwise before the page's own countries settle it)."""
    if {p.country for p in a.places} == {p.country for p in b.places}:
        return True
    return bool({p.name for p in a.places} & {p.name for p in b.places})


def _before(a: ProgrammeDraft, b: ProgrammeDraft) -> bool:
    if a.start is None:
        return False
    if b.start is None:
        return True
    first, second = a.start.iso() or "", b.start.iso() or ""
    # (`1991-05` is no earlier than `1991-05-10`: it holds that day, less precisely)
    return first < second[: len(first)] if len(first) < len(second) else first < second


def _announces_agreement(title: str) -> bool:
    return bool(AGREEMENT.search(title) and SIGNING.search(title))


def _later_step(draft: ProgrammeDraft, programme: ProgrammeDraft) -> bool:
    return (
        _same_partner(draft, programme)
        and draft.start is not None
        and programme.start is not None
        and (draft.start.iso() or "") > (programme.start.iso() or "")
        and draft.start.year != programme.start.year
        and not _NEW_AGREEMENT.search(draft.text)
    )


# `新たに…締結`: a new agreement in place of one that ended, a programme of its own.
_NEW_AGREEMENT = re.compile(r"新たに|新たな|改めて|\bnew\b", re.I)


def _tidy_places(places: list[Place]) -> tuple[Place, ...]:
    """Foreign places without Japanese ones beside them; cities without their bare country.
    A state stays beside its city: keys hash the places, and a state may be the partner."""
    out = [p for p in places if p.country]
    if any(p.country != "JP" for p in out):
        out = [p for p in out if p.country != "JP"]
    cities = {p.country for p in out if not is_country(p)}
    out = [p for p in out if not (is_country(p) and p.country in cities)]
    kept: list[Place] = []
    for place in out:
        # One place written two ways (クアラルンプール, クアラルンプール市): keep the fuller.
        same = next((k for k in kept if k.country == place.country and _one_name(k, place)), None)
        if same is None:
            kept.append(place)
        elif len(place.name) > len(same.name):
            kept[kept.index(same)] = place
    return tuple(kept)


def _cities_within(dests: list[Place], named: list[Place]) -> list[Place]:
    """A trip told by its countries (`X国・Y国出張`) went to the cities its text names in them."""
    if not dests or not all(is_country(p) for p in dests):
        return dests
    countries = [p.country for p in dests]
    within: list[Place] = []
    for place in named:
        if place.country not in countries:
            # a homonym read elsewhere (ハミルトン: Canada) may be the one in a country the
            # trip went to (New Zealand)
            again = [resolve_place(place.name, country=c) for c in countries if c]
            place = next((p for p in again if p is not None and p.country in countries), place)
        if place.country in countries and not is_country(place) and place not in within:
            within.append(place)
    return [*dests, *(p for p in within if p not in dests)]


def _one_name(a: Place, b: Place) -> bool:
    return a.name.startswith(b.name) or b.name.startswith(a.name)


def _visit(draft: Draft, home: Home, english: bool, page_people: tuple[str, ...]) -> Visit:
    text = "\n".join(draft.texts)
    own, other = split_actors(text, city=home.slug)
    if draft.guests:  # named in a visitors field: a guest, whatever the title says
        guests = set(sum(split_actors(draft.guests, city=home.slug), ()))
        other = (*other, *(a for a in own if a in guests))
        own = tuple(a for a in own if a not in guests)
    if draft.own:
        own = tuple(dict.fromkeys((*split_actors(draft.own, city=home.slug)[0], draft.own, *own)))
    own = tuple(dict.fromkeys((*own, *page_people)))
    if draft.direction == "in":
        name = next((n for n in home.city.names if n.isascii()), home.city.place.name)
        places: tuple[Place, ...] = (Place(name if english else home.city.place.name, "JP"),)
        foreign = [p.name for p in draft.places if p.country != "JP"]
    else:
        places = _tidy_places(_cities_within(draft.dests, draft.places))
        foreign = [p.name for p in places] + [p.name for p in draft.places if p.country != "JP"]
    counterparts = tuple(dict.fromkeys(_actor(a) for a in (*other, *foreign) if _actor(a)))
    own = tuple(dict.fromkeys(_actor(a) for a in own if _actor(a)))
    if draft.direction == "out":  # `本県の高校生10名を派遣`: a group of its own people went
        own = tuple(dict.fromkeys((*own, *_OWN_GROUP.findall(text))))
        # the party's roles (`団長 森下洋平`) on a trip out name its own people
        party = tuple(a for a in counterparts if _PARTY_ROLE.match(a))
        own = tuple(dict.fromkeys((*own, *party)))
        counterparts = tuple(a for a in counterparts if a not in party)
    else:  # `研修員3名が県庁を訪れ`: the guests, named by what they came as
        counterparts = tuple(dict.fromkeys((*counterparts, *_GUEST_GROUP.findall(text))))
    start, end = draft.start, draft.end
    return Visit(
        direction="outbound" if draft.direction == "out" else "inbound",
        start=start.iso() if start else None,
        end=end.iso() if end else None,
        places=places,
        participants=tuple(own),
        counterparts=counterparts,
        title=_line(draft.title),
        summary=_summary(text),
    )


# Groups of a city's own people who travel: students, young people, citizens.
_OWN_GROUP = re.compile(
    r"(?:高校生|中学生|小学生|大学生|青少年|児童|生徒)(?:訪問団|派遣団|使節団|代表団)?|"
    r"(?:市民|区民|町民|村民|県民)(?:訪問団|派遣団|使節団|代表団)"
)

_PARTY_ROLE = re.compile(
    r"(?:副?団長|団員|随行)\s|[\u4e00-\u9fff]{1,3}副?団長$|.{2,16}[(（]副?団長[)）]$"
)
_GUEST_GROUP = re.compile(r"研修員|留学生|技能実習生|国際交流員")

_ACTOR_NOISE = re.compile(
    r"^(?:\d{1,4}[年月日]|[月日](?=\d)|[(（][月火水木金土日](?:曜日?)?[)）]|[()（）]|記者発表\s*|\s*[(・])+"
)


def _actor(text: str) -> str:
    """An actor's name without a date or bracket stuck to its front (`月13日(木曜日)…大使`)."""
    return _ACTOR_NOISE.sub("", text).strip()


def _programme(draft: ProgrammeDraft) -> Programme:
    milestones = tuple(sorted(draft.milestones, key=lambda m: m.date or ""))
    return Programme(
        start=draft.start.iso() if draft.start else None,
        end=draft.end.iso() if draft.end else None,
        places=_tidy_places(draft.places),
        partners=tuple(dict.fromkeys(draft.partners)),
        milestones=tuple(Milestone(m.date, m.text) for m in milestones),
        title=_line(draft.title),
        summary=_summary(draft.text),
    )


def _line(text: str) -> str:
    return " ".join(text.split())[:_SUMMARY_LEN]


def _summary(text: str) -> str:
    for line in text.split("\n"):
        if len(line) > 30:
            return _line(line)
    return _line(text)


def _page_countries(records: list[Record], text: str) -> list[Record]:
    """A place name that several countries share takes the one the page itself names
    (a name two countries share takes the country the page names beside it)."""
    named = {c.code for c in find_countries(text)}
    if not named:
        return records
    off = any(p.country not in named and p.country != "JP" for r in records for p in r.places)
    written = _written(text) if off else {}
    out: list[Record] = []
    for record in records:
        places = tuple(_page_country(p, named, written) for p in record.places)
        # `ジョージア` on a page about `ジョージア州` is the state, not the country
        places = tuple(p for p in places if not _state_named(p, text)) or places
        out.append(
            record if places == record.places else dataclasses.replace(record, places=places)
        )
    return out


def _state_named(place: Place, text: str) -> bool:
    return is_country(place) and f"{place.name}州" in text


def _written(text: str) -> dict[str, set[str]]:
    """How the page's own mentions of each place name were placed (the countries read)."""
    written: dict[str, set[str]] = {}
    for match in find_places(text):
        written.setdefault(match.place.name, set()).add(match.place.country or "")
    return written


def _settle_countries(drafts: list[ProgrammeDraft | None], text: str) -> None:
    """Partners read in the countries the page names, as `_page_countries` reads the records
    at the end: one sentence's bare `モンタナ州` is the state the page's title places in the
    U.S., so it is one partner with the title's."""
    named = {c.code for c in find_countries(text)}
    found = [d for d in drafts if d is not None]
    if not named or all(p.country in named or p.country == "JP" for d in found for p in d.places):
        return
    written = _written(text)
    for draft in found:
        draft.places = [_page_country(p, named, written) for p in draft.places]


def _page_country(place: Place, named: set[str], written: dict[str, set[str]]) -> Place:
    if place.country in named or place.country == "JP":
        return place
    # One place per name on one page: where the page placed it itself (`オレゴン州X市`).
    elsewhere = written.get(place.name, set()) & named
    if len(elsewhere) == 1:
        return Place(place.name, elsewhere.pop())
    for code in sorted(named - {"JP"}):
        other = resolve_place(place.name, country=code)
        if other is not None and other.country == code and other.name == place.name:
            return other
    return place
