"""Programmes: agreements and city-to-city cooperation, with their partners and milestones.

Two sources. Any sentence that records an agreement being made (`2013年にX市と…覚書を締結`,
`平成9年8月29日の国際友好都市提携`, `Since signing a memorandum … in 2013`) is one programme per
dated partner it names. A page about one programme (its title names one: `…との都市間連携事業`)
is that programme, starting at its first date, with its dated history as milestones.

An agreement needs a partner place other than the page city, and a date or a verb of signing;
an anniversary (`姉妹都市提携40周年`) is not an agreement unless the date of the link is written
beside it; an agreement between two other parties (`アルファ市は…と協力覚書を締結しており`) is not
the page city's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from citywatch.model import Milestone, Place
from parsers.document.segment import Section
from parsers.document.text import is_dated_entry
from parsers.extract.abroad import Home, foreign_places, sentence_texts
from parsers.extract.people import find_actors
from parsers.extract.places import country_code, find_places
from parsers.extract.when import DateContext, dates_in
from parsers.text.cues import AGREEMENT, ANNIVERSARY, RELATIVE_NOW, SIGNED_NOW, SIGNING
from parsers.text.dates import DateSpan, PartialDate, find_dates

__all__ = [
    "ProgrammeDraft",
    "agreement_programmes",
    "agreement_title",
    "dedupe_programmes",
    "english_text",
    "milestones_of",
    "new_draft",
    "only_countries",
    "partner_places",
    "programme_page",
]

_TOPIC = re.compile(
    r"^(?P<topic>[^、。]{1,30}?)(?:は|が)(?=[^、。]{0,60}?(?:覚書|協定|合意書|声明))"
)
_PARTNER_JA = re.compile(r"(?:と|との|とは|とも)(?=[、\s]|[^\u3040-\u309f]|の)")
_EN_YEAR = re.compile(r"\b(?:in|since|from|of)\s+(?P<year>(?:19|20)\d\d)\b")
_EN_WITH = re.compile(r"\bwith\s+(?P<who>[^,.;]{2,80})")
# What may stand between a date and the agreement word it dates
# (`平成9年8月29日の国際友好都市提携`).
_ATTACHED = re.compile(
    r"^[\s、]*(?:の|に|には|より|から)?\s*(?:国際|正式に|正式な|新たに|新たな)?$"
)


@dataclass
class ProgrammeDraft:
    start: PartialDate | None
    end: PartialDate | None = None
    places: list[Place] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    title: str = ""
    text: str = ""


def _page_date(ctx: DateContext) -> PartialDate | None:
    written = ctx.written()
    return PartialDate(written.year, written.month) if written else None


def partner_places(clause: str, home: Home) -> list[Place]:
    """Places marked as the other party (`Xと`, `Xとの`, `with X`); else every place named."""
    found = [m for m in find_places(clause) if not home.is_home(m.place)]
    found = [m for m in found if not re.match(r"協定|宣言|条約", clause[m.stop : m.stop + 2])]
    marked = [
        m.place
        for m in found
        if _PARTNER_JA.match(clause, _name_end(clause, m.stop))
        or any(
            m.begin >= w.start("who") and m.stop <= w.end("who") for w in _EN_WITH.finditer(clause)
        )
    ]
    # `A市及びBのC市と提携`: places listed before a marked one are partners as well.
    for i in range(len(found) - 1, 0, -1):
        if found[i].place in marked and _LISTED.match(clause[found[i - 1].stop : found[i].begin]):
            marked.insert(0, found[i - 1].place)
    # A programme of city diplomacy is with a place abroad: a domestic body working beside
    # the city (`東京都と共に…X市における事業`) is a partner, not the partner place.
    foreign = [p for p in _unique([m.place for m in found]) if p.country != "JP"]
    # Where it was signed is no party when a party is named too (`the Governor of X signed a
    # joint statement in Y`, `Y市でX州と`).
    venues = {
        m.place
        for m in found
        if _VENUE.search(clause, 0, m.begin) or _AT_VENUE.match(clause, m.stop)
    }
    foreign = [p for p in foreign if p not in venues] or foreign
    marked_abroad = [p for p in _unique(marked) if p.country != "JP"]
    return marked_abroad or foreign or _unique(marked) or _unique([m.place for m in found])


_VENUE = re.compile(r"\b(?:in|at) (?:the )?$")
_AT_VENUE = re.compile(r"[市州省都区]?(?:で|にて)")
_LISTED = re.compile(
    r"^(?:及び|および|、|・|並びに)(?:[\u30a0-\u30ff\u4e00-\u9fff]{1,12}?(?:の|・))?$"
)


def _name_end(clause: str, stop: int) -> int:
    """Skip what follows a place inside a partner's name (`バンコク都知事と`, `下水道公社と`)."""
    match = re.match(r"[\u4e00-\u9fff\u30a0-\u30ff・]{0,8}", clause[stop:])
    return stop + (match.end() if match else 0)


def _unique(places: list[Place]) -> list[Place]:
    out: list[Place] = []
    for place in places:
        if place not in out:
            out.append(place)
    return out


# `…と協定を締結している大学`: the agreement belongs to the body the clause describes.
_BODYS_AGREEMENT = re.compile(
    r"(?:締結|結ん|調印|交わ)(?:している|していた|した|しており|で(?:いる|いた))"
    r"[^、。]{0,12}?(?:大学|学校|高校|協会|法人|会社|団体|病院|機構|財団|センター)"
)


def _others_agreement(sentence: str, home: Home) -> bool:
    """`アルファ市は…と協力覚書を締結しており`: another party's agreement, not the page city's."""
    if _BODYS_AGREEMENT.search(sentence) and not home.own_phrase(sentence):
        return True
    match = _TOPIC.match(sentence)
    if match is None:
        return False
    topic = match.group("topic")
    if home.own_phrase(topic) or any(n in sentence for n in home.city.names if len(n) > 1):
        return False
    return "本市" not in sentence and bool(foreign_places(topic, home))


def _partners(text: str, places: list[Place], home: Home) -> list[str]:
    names = [p.name for p in places]
    for actor in find_actors(text, city=home.slug):
        if actor.side != "own" and actor.text not in names:
            names.append(actor.text)
    return names


def _dated_pairs(sentence: str, spans: list[DateSpan], home: Home) -> list[tuple[DateSpan, str]]:
    """(date, the words it dates): each date with the text up to the next date."""
    pairs: list[tuple[DateSpan, str]] = []
    for i, span in enumerate(spans):
        stop = spans[i + 1].begin if i + 1 < len(spans) else len(sentence)
        pairs.append((span, sentence[span.begin : stop]))
    return pairs


def agreement_programmes(
    sections: list[Section], home: Home, ctx: DateContext, title: str = ""
) -> list[ProgrammeDraft]:
    """Programmes recorded by agreement sentences anywhere on the page.

    A sentence that names its partner only as `両市` or `the two cities` takes the foreign
    places last named before it (in its section, else in the page title)."""
    found: list[ProgrammeDraft] = []
    title_places = foreign_places(title, home) if title else []
    for section in sections:
        texts = [section.heading] if section.heading else []
        texts += sentence_texts(section.text)
        for i, sentence in enumerate(texts):
            if (
                AGREEMENT.search(sentence)
                and not _others_agreement(sentence, home)
                and not _TOWARDS.search(sentence)  # `締結に向けた協議`: a signing still to come
            ):
                sctx = ctx.with_headings(section.heading, *section.context)
                recent = _recent_places(texts, i, home) or title_places
                when = _last_day(texts, i, sctx) if SIGNED_NOW.search(sentence) else None
                for clause in _agreement_clauses(sentence):
                    signed = when if SIGNED_NOW.search(clause) else None
                    found += _from_sentence(clause, home, sctx, recent, signed)
    return dedupe_programmes(found)


# A party named beside the document (`アルファ機構と…協定`): the document is with it.
_NAMED_PARTY = re.compile(
    r"[^\s、。]{2,}(?:と|との間で|との)[^、。]{0,30}?(?:覚書|協定|合意書|宣言書|共同声明|共同宣言|議定書)"
)


def _last_day(texts: list[str], i: int, ctx: DateContext) -> PartialDate | None:
    """The last full date written before `texts[i]` in its section: the day of the event a
    document signed there belongs to (`6月1日、…が来訪。…その後、宣言書への署名が行われ`)."""
    for j in range(i, -1, -1):
        days = [s.start for s in dates_in(texts[j], ctx) if s.start.day and s.start.year]
        if days and j < i:
            # the signing sentence may name only its day (`…を訪問。27日、…に署名`)
            last = days[-1]
            own = find_dates(texts[i], year=last.year, month=last.month)
            days = [s.start for s in own if s.start.day] or days
        if days:
            return days[-1]
    return None


def _recent_places(texts: list[str], i: int, home: Home) -> list[Place]:
    """The foreign places last named before `texts[i]`, looked for only when an agreement
    sentence needs them: most sections have none, and reading every sentence for places was
    most of this pass's time."""
    for sentence in reversed(texts[:i]):
        if places := foreign_places(sentence, home):
            return places
    return []


def agreement_title(title: str, home: Home, ctx: DateContext) -> list[ProgrammeDraft]:
    """Agreements a page's title announces (`…リヨン市との交流に関する合意書調印式…`)."""
    if not AGREEMENT.search(title) or _others_agreement(title, home):
        return []
    return [d for c in _agreement_clauses(title) for d in _from_sentence(c, home, ctx)]


_JOINS = re.compile(r"及び|および|並びに|ならびに|、また、|;|; ")


def _agreement_clauses(sentence: str) -> list[str]:
    """A sentence cut where it joins two agreements (`…提携40周年記念事業及び…合意書調印式`);
    a part naming no agreement stays with the next one."""
    parts: list[str] = []
    pending = ""
    start = 0
    for match in _JOINS.finditer(sentence):
        part = sentence[start : match.start()]
        start = match.end()
        if AGREEMENT.search(part):
            parts.append(pending + part)
            pending = ""
        else:
            pending += part + match.group()
    last = pending + sentence[start:]
    if AGREEMENT.search(last) or not parts:
        parts.append(last)
    else:
        parts[-1] += last
    return parts


_BACK_REFERENCE = re.compile(
    r"両市|両都市|同市|\b(?:both cities|the two (?:cities|leaders|sides|mayors))\b", re.I
)


def _from_sentence(
    sentence: str,
    home: Home,
    ctx: DateContext,
    recent: list[Place] | None = None,
    when: PartialDate | None = None,
) -> list[ProgrammeDraft]:
    """The programmes one agreement clause records; `when` dates a document it says was
    signed when no date is written in it."""
    spans = [s for s in dates_in(sentence, ctx) if s.start.year is not None]
    keyword = AGREEMENT.search(sentence)
    assert keyword is not None
    anniversary = _anniversary_of_link(sentence)
    last_keyword = max(m.start() for m in AGREEMENT.finditer(sentence))
    dated = [s for s in spans if s.begin < keyword.start() or english_text(sentence)]
    paired = [s for s in spans if s.begin < last_keyword]
    if anniversary:
        # `平成5年4月1日の友好都市提携から30周年`: the link's date; but a date set before the
        # words by a space or a comma alone dates the anniversary's event (`令和4年10月 提携40周年
        # 式典`), and so does one before the link's count of years (`令和12年の提携50周年`).
        counted = (
            _COUNT_AFTER.match(sentence, keyword.end()) is not None
            and keyword.start() == last_keyword  # (no document signed later in the sentence)
        )
        dated = [
            s
            for s in dated
            if _ATTACHED.match(between := sentence[s.stop : keyword.start()])
            and between.strip(" 、")
            and not counted
        ]
        paired = dated
    drafts: list[ProgrammeDraft] = []
    if len(paired) > 1 and not english_text(sentence):
        previous: list[Place] = []
        acted = False  # whether an earlier dated part made an agreement of its own
        for span, words in _dated_pairs(sentence, paired, home):
            places = partner_places(words, home)
            again = acted and AGREEMENT.search(words) and SIGNING.search(words)
            if not places and previous and again:
                places = previous  # `…と締結した覚書が…、…に新たに覚書を締結`: the same partner
            # (one act written with two dates, `X年にA市で、翌Y年に本市で提携`, starts at the first)
            if places:
                drafts += [
                    new_draft(_when_signed(span), group, words, sentence, home)
                    for group in _by_country(places)
                ]
                previous = places
            acted = acted or bool(AGREEMENT.search(words))
        if drafts:
            return drafts
    relative = RELATIVE_NOW.search(sentence[: keyword.start() + 1])
    if dated:
        start: PartialDate | None = _when_signed(
            dated[-1] if not english_text(sentence) else dated[0]
        )
        clause = sentence[dated[-1].begin :] if not english_text(sentence) else sentence
    elif (year := _EN_YEAR.search(sentence)) and english_text(sentence):
        start, clause = PartialDate(int(year.group("year"))), sentence
    elif relative and SIGNING.search(sentence) and not anniversary:
        start, clause = _page_date(ctx), sentence[relative.start() :]
    elif when is not None:
        start, clause = when, sentence
    elif SIGNING.search(sentence) and not anniversary:
        start, clause = None, sentence
    else:
        return []
    places = partner_places(clause, home) or partner_places(sentence, home)
    abroad = any(p.country != "JP" for p in places)
    if when is not None and recent and not abroad and not _NAMED_PARTY.search(sentence):
        places = list(recent)  # signed with the visitors the section is about
    elif not places and recent and _BACK_REFERENCE.search(sentence):
        places = list(recent)
    elif not places and recent and start is not None and _bare_entry(sentence, spans):
        places = list(recent)  # `(1) X市(国)` / `1994年3月に友好都市提携。`: the heading's city
    elif start is None:
        places = [p for p in places if _marked(sentence, p)]
    if not places:
        return []
    return [new_draft(start, group, clause, sentence, home) for group in _by_country(places)]


def _bare_entry(sentence: str, spans: list[DateSpan]) -> bool:
    """Whether a sentence is only a year and a link (`平成6年(1994年)3月に友好都市提携。`): a
    note on the place written just above it, not a story with parties of its own."""
    if not spans or spans[0].begin > 1 or "年" not in sentence[: spans[0].stop]:
        return False
    link = AGREEMENT.search(sentence, spans[0].stop)
    if link is None or len(sentence[spans[0].stop : link.start()].strip()) > _LINK_TAIL:
        return False
    return len(sentence[link.end() :].rstrip("。 ")) <= _LINK_TAIL


# What may stand between the date and the link's words, and after them (`に`, `を結びました`).
_LINK_TAIL = 8


def _by_country(places: list[Place]) -> list[list[Place]]:
    """One programme per partner country: cities of two countries named in one sentence are
    two links (`A市(国1)及びB市(国2)と提携`); two towns of one country may be one joint link."""
    groups: dict[str | None, list[Place]] = {}
    for place in places:
        groups.setdefault(place.country, []).append(place)
    return list(groups.values())


def _when_signed(span: DateSpan) -> PartialDate:
    """A document signed during days given as a range (`16日から17日にかけて…調印のため訪問`)
    was signed on one of them: only what the days share (their month) is known."""
    first, last = span.start, span.end
    if not span.is_range or first == last or first.year is None:
        return first
    if (first.year, first.month) == (last.year, last.month):
        return PartialDate(first.year, first.month)
    return PartialDate(first.year) if first.year == last.year else first


def _anniversary_of_link(sentence: str) -> bool:
    """Whether the sentence speaks of the link's anniversary (`提携30周年を記念し`,
    `締結10周年`), not of some other one (`市制100周年を契機に…提携`)."""
    for match in AGREEMENT.finditer(sentence):
        following = sentence[match.end() : match.end() + _ANNIVERSARY_REACH]
        if ANNIVERSARY.search(following) or _YEARS_SINCE.match(sentence, match.end()):
            return True
        # `the 60th anniversary of the sister city affiliation`, `40周年を迎える姉妹都市提携`
        if english_text(sentence):
            before = re.split(r"[.,;]", sentence[max(0, match.start() - 40) : match.start()])[-1]
            if ANNIVERSARY.search(before):
                return True
        elif _ANNIVERSARY_BEFORE.search(sentence, 0, match.start()):
            return True
    return bool(ANNIVERSARY.search(sentence)) and not AGREEMENT.search(sentence)


# `提携を結んでから20周年`: the years counted from the link.
_YEARS_SINCE = re.compile(r"[^、。]{0,12}?(?:から|以来)[^、。]{0,4}?\d{1,3}\s*周年")
# `令和12年の提携50周年`: the link's count of years, whose date is the anniversary's.
_COUNT_AFTER = re.compile(r"\s*\d{1,3}\s*周年")

_ANNIVERSARY_BEFORE = re.compile(r"(?:周年|記念)(?:の|を迎える|を迎えた|目の|記念の?)?\s*$")
# How far after the agreement word its anniversary is written (`提携から30周年`, `締結10周年`).
_ANNIVERSARY_REACH = 8


def _marked(clause: str, place: Place) -> bool:
    """Whether some mention of `place` in `clause` is marked as the other party."""
    at = clause.find(place.name)
    while at >= 0:
        if _PARTNER_JA.match(clause, _name_end(clause, at + len(place.name))):
            return True
        at = clause.find(place.name, at + 1)
    return False


def english_text(text: str) -> bool:
    return not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text)


def new_draft(
    start: PartialDate | None, places: list[Place], clause: str, sentence: str, home: Home
) -> ProgrammeDraft:
    return ProgrammeDraft(
        start=start,
        places=places,
        partners=_partners(clause, places, home),
        title=sentence.strip()[:120],
        text=sentence.strip(),
    )


def dedupe_programmes(drafts: list[ProgrammeDraft]) -> list[ProgrammeDraft]:
    """One programme per partner country and start; an undated mention joins a dated one."""
    out: list[ProgrammeDraft] = []
    for draft in drafts:
        countries = {p.country for p in draft.places}
        twins = [
            o
            for o in out
            if {p.country for p in o.places} == countries
            and (o.start is None or draft.start is None or _one_date(o.start, draft.start))
        ]
        if not twins:
            out.append(draft)
            continue
        # An undated mention (a headline's `…を締結しました`) is the latest link the page dates.
        twin = max(twins, key=lambda o: (o.start.iso() or "") if o.start else "")
        if twin.start is None or (draft.start is not None and _finer(draft.start, twin.start)):
            twin.start = draft.start  # (`このたび…締結` in October is the 16th another dates)
        if only_countries(twin.places) and not only_countries(draft.places):
            twin.places = list(draft.places)  # the city, not just its country
        twin.partners += [p for p in draft.partners if p not in twin.partners]
    return out


def _one_date(a: PartialDate, b: PartialDate) -> bool:
    """Whether two starts may be one day told at two precisions (`2023-10`, `2023-10-16`)."""
    if a == b:
        return True
    if a.year != b.year or a.month is None or b.month is None or a.month != b.month:
        return False
    return a.day is None or b.day is None


def _finer(a: PartialDate, b: PartialDate) -> bool:
    return (a.day is not None) > (b.day is not None)


def only_countries(places: list[Place]) -> bool:
    """Whether every place is a bare country (`ラオス`), no city among them."""
    return all(country_code(p.name) == p.country for p in places)


def milestones_of(sections: list[Section], ctx: DateContext) -> list[Milestone]:
    """A programme's dated history: sections headed by a date alone, and dated rows."""
    found: list[Milestone] = []
    for section in sections:
        sctx = ctx.with_headings(section.heading, *section.context)
        if section.date_only:
            spans = [s for s in dates_in(section.heading, sctx) if s.start.year is not None]
            if spans:
                text = " ".join(section.lines).strip()[:200]
                found.append(Milestone(spans[0].start.iso(), text))
        elif is_dated_entry(section.heading):  # `・令和5年1月 協議会を設立`: a history's entry
            spans = dates_in(section.heading, sctx)
            if spans and spans[0].begin <= 2 and spans[0].start.year is not None:
                found.append(Milestone(spans[0].start.iso(), section.heading[:200]))
        for line, kind in zip(section.lines, section.kinds, strict=False):
            if kind not in ("row", "item"):
                continue
            first = line.split(" | ", 1)
            spans = dates_in(first[0], sctx)
            if spans and spans[0].begin <= 1 and spans[0].start.year is not None:
                found.append(Milestone(spans[0].start.iso(), line[:200]))
    return found


def programme_page(
    title: str, sections: list[Section], home: Home, ctx: DateContext
) -> ProgrammeDraft | None:
    """The programme a page is about, when its title names one."""
    places = partner_places(title, home) or foreign_places(title, home)
    if not places:
        return None
    start = _signed_on(sections, ctx)
    for section in sections if start is None else ():
        if section.date_only:
            continue
        sctx = ctx.with_headings(section.heading, *section.context)
        spans = [s for s in dates_in(section.text, sctx) if s.start.year is not None]
        if spans:
            start = spans[0].start
            break
    milestones = milestones_of(sections, ctx)
    if start is None and milestones:
        first = min((m.date for m in milestones if m.date), default=None)
        start = _partial(first)
    intro = sections[0].text if sections else ""
    return ProgrammeDraft(
        start=start,
        places=places,
        partners=_partners(f"{title}\n{intro}", places, home),
        milestones=milestones,
        title=title,
        text=intro,
    )


def _signed_on(sections: list[Section], ctx: DateContext) -> PartialDate | None:
    """The date of the first sentence that tells the link being signed (`…と協定を締結しました`),
    under whatever heading, a release's own date included."""
    for section in sections:
        sctx = ctx.with_headings(section.heading, *section.context)
        for sentence in sentence_texts(section.text):
            if not (AGREEMENT.search(sentence) and SIGNING.search(sentence)):
                continue
            if _anniversary_of_link(sentence) or _TOWARDS.search(sentence):
                continue
            spans = [s for s in dates_in(sentence, sctx) if s.start.year and not s.fiscal]
            if not spans and section.date_only:  # `平成25年7月` / `…覚書を締結しました。`
                spans = [s for s in dates_in(section.heading, sctx) if s.start.year]
            if spans:
                return spans[0].start
    return None


# A signing still to come (`協定締結に向けた協議`, `締結を目指して`): not the link's date.
_TOWARDS = re.compile(r"(?:締結|調印|提携)(?:に向け|を目指|の準備|について協議)")


def _partial(iso: str | None) -> PartialDate | None:
    if not iso:
        return None
    parts = [int(p) for p in iso.split("-")]
    return PartialDate(parts[0], *(parts[1:3]))
