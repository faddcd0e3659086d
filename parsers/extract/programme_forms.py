"""Programmes read from a page's shape rather than from one agreement sentence: lines of a
table or list of linked cities, cooperation running from a fiscal year, the cities a page about
the city's links describes, and later documents that only renew a link.
"""

from __future__ import annotations

import re

from citywatch.model import Milestone, Place
from parsers.document.segment import Section
from parsers.document.text import is_date_line
from parsers.extract.abroad import Home, foreign_places, sentence_texts
from parsers.extract.places import country_code, find_places
from parsers.extract.programmes import ProgrammeDraft, english_text, new_draft, partner_places
from parsers.extract.table_visits import is_visit_header
from parsers.extract.when import DateContext, dates_in
from parsers.text.cues import AGREEMENT, SIGNING, movement
from parsers.text.dates import PartialDate

__all__ = [
    "consolidate",
    "entry_programmes",
    "fiscal_programmes",
    "linked_city_programmes",
    "table_programmes",
]

_LINKED = re.compile(r"姉妹|友好|パートナー|提携|協定|覚書|sister|friendship|partner", re.I)
# A line that says a link was made (`-1961年9月締結`, `1990年調印`) is one whatever heads it.
_SIGNED = re.compile(
    r"提携|協定|覚書|締結|調印|"
    r"\b(?:signed|agreement|affiliation|affiliated|established|partnership|twinned)\b|"
    r"\b(?:sister|friendship|partner) (?:city|cities|state|province) since\b",
    re.I,
)


def table_programmes(
    sections: list[Section], home: Home, ctx: DateContext, title: str
) -> list[ProgrammeDraft]:
    """Rows of a table, or lines of a list, of linked cities (`X市 | 国名 | 1957年10月29日`,
    `- X市(国名)-1957(昭和32)年10月締結`) under a heading or title about sister, friendship or
    partner cities, or saying so themselves: one programme per dated line."""
    found: list[ProgrammeDraft] = []
    for section in sections:
        about = " ".join((title, section.heading, *section.context))
        header = ""
        visits = False
        # A table whose cells a text copy set apart by spaces: its header became the heading.
        heading = section.heading
        spaced = bool(_TABLE_HEADER.search(heading)) and len(heading.split()) >= 3
        spaced = spaced and not re.search(r"\d", heading)  # column names, not a dated line
        label = ""  # a short line over the list inside the section (`Sister Ports`, `姉妹都市`)
        for line, kind in zip(section.lines, section.kinds, strict=False):
            if kind in ("paragraph", "heading") and len(line) <= _LABEL_MAX and not spaced:
                label = line
            if kind not in ("row", "item") and not (spaced and len(line) <= 80):
                continue
            if kind == "row" and not header:
                header = line
                visits = is_visit_header(header)
            linked = _LINKED.search(about) or _LINKED.search(header) or _LINKED.search(label)
            if not (linked or _signs(line)):
                continue
            if kind == "row" and (visits or _history_row(line)):
                # a table of trips or guests holds visits; a row of a chronology (`2014年7月 |
                # 高校生を派遣`) is a step of the page's link: neither is a link of its own
                continue
            if kind != "row" and not _signs(line) and (movement(line) or _DEPART.search(line)):
                continue  # `- April 9: courtesy call on …`: a day of a trip, not a link
            starts = _link_starts(line, ctx, english_year=True)
            places = [m.place for m in find_places(line) if not home.is_home(m.place)]
            if kind == "row" and starts:
                places = _row_partner(line, places)
            if starts and places:
                found.append(new_draft(starts[0], places[:1], line, line, home))
    return found


_LABEL_MAX = 30

# A year alone in English, as a link's date is often given (`Established in 1965`).
_EN_YEAR = re.compile(r"\b(?:in|since) (?P<year>1[89]\d\d|20\d\d)\b")


def _link_starts(line: str, ctx: DateContext, *, english_year: bool) -> list[PartialDate]:
    """When a line says a link was made: its dates with a year, else (where the line says it
    is a link) an English year alone (`since 1967`)."""
    starts = [s.start for s in dates_in(line, ctx) if s.start.year is not None]
    if not starts and english_year and (year := _EN_YEAR.search(line)):
        starts = [PartialDate(int(year.group("year")))]
    return starts


# What may stand beside a place on a line that only names it (`ボン市(ドイツ連邦共和国)`,
# `アメリカ合衆国 オレゴン州 ポートランド市`, `■ 大連市`).
_PLACE_LINE_REST = re.compile(r"^[\s・･、,()（）【】\[\]■□●○◆◇▼▽\-–—:：州省県道市区]*$")
_PLACE_LINE_MAX = 40
_NOT_A_NAME = re.compile(r"\d|[、。]|ます|ました|です")
_NAME_LABEL = re.compile(r"^[^:：\s]{0,6}(?:都市名?|相手先|提携先|名称|City)\s*[:：]\s*")
_EN_QUALIFIER = re.compile(r",\s*[A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)?")
_LINK_KIND = re.compile(
    r"[(（](?:姉妹|友好|パートナー|交流)[^()（）]{0,8}[)）]|\((?:Sister|Friendship|Partner)[^()]{0,16}\)",
    re.I,
)
_EN_KIND = re.compile(r"\b(?:State|Province|Prefecture|Region|County|City|Republic of)\b")
_SUBDIVISION = re.compile(r"[\u30a0-\u30ff\u4e00-\u9fff]{1,8}?(?:州|省|自治区|県)")


def entry_programmes(
    sections: list[Section], home: Home, ctx: DateContext, title: str
) -> list[ProgrammeDraft]:
    """Entries of linked cities, each a line or heading naming only the city, then lines about
    it, one of which dates the link (`提携日:1959年10月16日`, `1965年4月1日 姉妹都市提携`,
    `昭和40年4月1日に姉妹都市となりました。`): one programme per entry, from that date. A
    date standing alone under an entry may have opened a section of its own."""
    found: list[ProgrammeDraft] = []
    place: Place | None = None
    dated = False
    about_before = ""
    for section in sections:
        sctx = ctx.with_headings(section.heading, *section.context)
        about = " ".join((title, section.heading, *section.context))
        lines = [section.heading, *section.lines] if section.heading else list(section.lines)
        if section.context and _place_line(section.context[-1], home) is not None:
            lines.insert(0, section.context[-1])  # `■X市(国)` made the group heading above
        if place is not None and not dated:
            about = f"{about} {about_before}"  # an entry whose date a heading cut off
        else:
            place, dated = None, False
        about_before = about
        for line in lines:
            named = _place_line(line, home)
            if named is not None:
                place, dated = named, False
                continue
            if place is None or dated:
                continue
            says_link = _signs(line) or (AGREEMENT.search(line) and not _anniversary(line))
            bare_date = _only_a_date(line, sctx) and _LINKED.search(about)
            if not (says_link or bare_date):
                continue  # under a heading about links, a line that is just a date will do
            starts = _link_starts(line, sctx, english_year=bool(says_link))
            others = [m.place for m in find_places(line) if not home.is_home(m.place)]
            if starts and not any(p.country not in ("JP", place.country) for p in others):
                found.append(new_draft(starts[0], [place], line, line, home))
                dated = True
    return found


def _only_a_date(line: str, ctx: DateContext) -> bool:
    """A line that is a date and at most a short label (`1961年3月2日`, `締結 1970/5/20`), not an
    itinerary's day (`April 12: Departed Perth`)."""
    spans = dates_in(line, ctx)
    if not spans:
        return False
    rest = line[: spans[0].begin] + line[spans[-1].stop :]
    return len(rest.strip(" :：()（）・-")) <= _LABEL_MAX and not movement(rest)


_LABEL_MAX = 12


def _place_line(line: str, home: Home) -> Place | None:
    """The foreign city a short line names and nothing else (its country and state aside)."""
    if (
        len(line) > (_PLACE_LINE_MAX * 3 // 2 if line.isascii() else _PLACE_LINE_MAX)
        or "。" in line
        or _NOT_A_NAME.search(line)
    ):
        return None  # a name line holds no sentence end, digit or verb ending
    line = _NAME_LABEL.sub(lambda m: " " * len(m.group()), line)  # `提携都市名:X市(国)`
    places = [m for m in find_places(line) if not home.is_home(m.place)]
    first = [m for m in places if m.begin == 0 and m.place.country != "JP"]
    if not first and (named := _named_before_bracket(line, home)):
        return named  # `X区(大韓民国Y市)`, `X市(新潟県)`: a town placed by its bracket
    cities = [m for m in places if m.place.country != "JP" and country_code(m.place.name) is None]
    town = _town_in_state(line)
    if town is not None and not any(m.begin == 0 for m in cities):
        return town  # `Smallville, Kansas`, whatever else the state's name is
    if not cities:
        return _country_line(line) or _state_line(line)
    rest = line
    for m in sorted(places, key=lambda m: -m.begin):
        rest = rest[: m.begin] + rest[m.stop :]
    for name in _country_names(rest):
        rest = rest.replace(name, "")
    rest = _SUBDIVISION.sub("", rest)
    rest = _EN_QUALIFIER.sub("", rest)  # `Portland, Oregon, U.S.A.`
    rest = _EN_KIND.sub("", rest)  # `Sao Paulo State (Brazil)`
    rest = _LINK_KIND.sub("", rest)  # `X市(姉妹都市)`
    return cities[-1].place if _PLACE_LINE_REST.match(rest) else None


_BRACKETED_TOWN = re.compile(
    r"^[\s■□●○◆◇・]*(?P<name>[\u30a0-\u30ff\u4e00-\u9fff・]{1,12}(?:市|区|町|村|郡))"
    r"\((?P<where>[^()]{2,30})\)$"
)


def _named_before_bracket(line: str, home: Home) -> Place | None:
    """A town no gazetteer lists, named first with where it lies in brackets: its country is
    the one the bracket names (a prefecture there makes it a Japanese town)."""
    from parsers.extract.places import find_countries

    match = _BRACKETED_TOWN.match(line.strip())
    if match is None:
        return None
    where = match.group("where")
    codes = {c.code for c in find_countries(where)}
    codes |= {m.place.country for m in find_places(where) if m.place.country}
    if len(codes) != 1:
        return None
    place = Place(match.group("name"), codes.pop())
    return None if home.is_home(place) else place


def _country_line(line: str) -> Place | None:
    """A line that is a country and nothing more (`Republic of Palau`): a country may be the
    partner of a prefecture's link."""
    from parsers.extract.places import find_countries

    found = find_countries(line)
    if len(found) != 1 or found[0].code == "JP":
        return None
    rest = (line[: found[0].begin] + line[found[0].stop :]).strip(" ■●◆・()")
    return Place(found[0].text, found[0].code) if not rest else None


_EN_STATE_LINE = re.compile(
    r"^\s*(?P<name>[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+){0,2}?)(?: State| Province)?\s*"
    r"(?:\([^()]{2,30}\))?\s*$"
)


def _state_line(line: str) -> Place | None:
    """`Oregon State (U.S.A.)`, `Western Australia`: a state or province standing alone."""
    from parsers.extract.gazetteer import gazetteer

    match = _EN_STATE_LINE.match(line)
    if match is None:
        return None
    countries = gazetteer().admin_en.get(match.group("name"), ())
    return Place(match.group("name"), countries[0]) if len(countries) == 1 else None


_EN_TOWN = re.compile(
    r"^\s*(?P<town>[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?),\s*(?P<state>[A-Z][a-z]+(?: [A-Z][a-z]+)?)"
    r"\s*(?:[(,].{0,30})?$"
)


def _town_in_state(line: str) -> Place | None:
    """`Smallville, Kansas`: a town no gazetteer lists, placed by the state written after it."""
    from parsers.extract.gazetteer import gazetteer

    match = _EN_TOWN.match(line)
    if match is None:
        return None
    countries = gazetteer().admin_en.get(match.group("state"), ())
    return Place(match.group("town"), countries[0]) if len(countries) == 1 else None


def _country_names(text: str) -> list[str]:
    from parsers.extract.places import find_countries

    return sorted((text[c.begin : c.stop] for c in find_countries(text)), key=len, reverse=True)


_PLACE_CELL = re.compile(r"^[\u30a0-\u30ff\u4e00-\u9fff・]{2,16}(?:州|省|道|県|市|町|村|区)$")


# A link word followed by its anniversary (`提携15周年`, `締結5周年記念`): a celebration of
# the link, not its signing.
_ANNIVERSARY_AFTER = re.compile(r"\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*周年|\s*記念")


def _signs(line: str) -> bool:
    """Whether a line tells a link being made, not an anniversary of one."""
    return any(not _ANNIVERSARY_AFTER.match(line, m.end()) for m in _SIGNED.finditer(line))


def _anniversary(line: str) -> bool:
    return bool(_SIGNED.search(line)) and not _signs(line)


def _history_row(row: str) -> bool:
    """A row of a chronology: its first cell a date, its text no signing."""
    first, _, rest = row.partition(" | ")
    return bool(rest) and is_date_line(first) and not _signs(rest)


def _row_partner(row: str, places: list[Place]) -> list[Place]:
    """A row names its partner in its first cell; the places found in the later cells (a
    country, a state, a prefecture) only say where it lies (`X町 | Y県Z郡 | 姉妹都市 | …`)."""
    if not places:
        return _unlisted_in_row(row)
    first = row.split("|", 1)[0].strip()
    if not _PLACE_CELL.match(first) or any(p.name in first for p in places):
        return places
    return [Place(first, places[0].country), *places]


def _unlisted_in_row(row: str) -> list[Place]:
    """`サハリン州 | ロシア連邦 | …`: a row's first cell names a place no gazetteer lists and
    another cell its country."""
    from parsers.extract.places import find_countries

    cells = [c.strip() for c in row.split("|")]
    if not cells or not _PLACE_CELL.match(cells[0]):
        return []
    codes = {c.code for cell in cells[1:] for c in find_countries(cell) if cell == c.text}
    return [Place(cells[0], codes.pop())] if len(codes) == 1 and "JP" not in codes else []


_DEPART = re.compile(r"\bdepart(?:ed|s|ure)?\b|出発|発、|帰国", re.I)
_TABLE_HEADER = re.compile(
    r"(?:提携|締結|調印)(?:年月日|日)|Date of (?:affiliation|agreement)", re.I
)


# Work done with a partner over years: cooperation, support, a joint project.
_COOPERATION = re.compile(r"協力|連携|支援|協働|事業|プロジェクト|交流|共同")
_FROM = re.compile(r"\s*(?:から|より|以降|~)")
_PLANNED = re.compile(r"予定|計画して|目指|見込")


def fiscal_programmes(
    sections: list[Section], home: Home, ctx: DateContext
) -> list[ProgrammeDraft]:
    """Cooperation that runs from a fiscal year (`平成30年度からX市への技術協力を続けています`,
    `令和4年度から令和6年度にかけて…X市における…事業`): a programme starting that April."""
    found: list[ProgrammeDraft] = []
    for section in sections:
        sctx = ctx.with_headings(section.heading, *section.context)
        texts = list(sentence_texts(section.text))
        if section is sections[0] and ctx.title not in section.text:
            texts = [ctx.title, *texts]  # a title that is a sentence of its own
        for sentence in texts:
            if "年度" not in sentence or not _COOPERATION.search(sentence):
                continue
            if AGREEMENT.search(sentence) and SIGNING.search(sentence):
                continue
            spans = [s for s in dates_in(sentence, sctx) if s.fiscal and s.start.year]
            begun = [s for s in spans if _FROM.search(s.text) or _FROM.match(sentence, s.stop)]
            if not begun or _PLANNED.search(sentence[begun[0].stop :]):
                continue
            rest = sentence[begun[0].stop :]
            places = partner_places(rest, home) or foreign_places(rest, home)
            if places:
                found.append(new_draft(begun[0].start, places, rest, sentence, home))
    return found


# A later document that continues a link rather than founding one.
_RENEWAL = re.compile(r"更新|改定|再締結|延長|継続|\b(?:renew|extend|updat)", re.I)


def consolidate(drafts: list[ProgrammeDraft]) -> list[ProgrammeDraft]:
    """One programme per partner: a later renewal (`協定を更新`, `覚書を再締結`) of a link
    the page dates earlier becomes a milestone of it, and a page's programme takes the earliest
    start the page gives for the same partner (a fiscal year it began in)."""
    out: list[ProgrammeDraft] = []
    folded: list[int] = []
    for draft in sorted(drafts, key=lambda d: (d.start.iso() or "") if d.start else "9999"):
        countries = {p.country for p in draft.places}
        first = next(
            (o for o in out if {p.country for p in o.places} == countries and o.start), None
        )
        renewal = draft.start is not None and _RENEWAL.search(draft.text)
        if first is None or not renewal or first.start == draft.start:
            out.append(draft)
            continue
        assert draft.start is not None
        first.milestones.append(Milestone(draft.start.iso(), draft.title[:200]))
        first.partners += [p for p in draft.partners if p not in first.partners]
        folded.append(id(draft))
    return [d for d in drafts if id(d) not in folded]  # the page's order


# A page about the city's links abroad (its sister, friendship and partner cities).
_LINKS_PAGE = re.compile(r"姉妹|友好都市|友好交流都市|パートナー都市|sister|friendship|twin", re.I)
# A sentence that makes a foreign city the topic of the city's exchange with it.
_TOPIC_JA = re.compile(
    r"^(?P<topic>[^、。]{1,24}?)(?:は|との交流は|との(?:交流|関係|協力)(?:が|を))"
)
_TIES_EN = re.compile(
    r"\b(?:ties|relationship|exchanges?|sister|friendship|twin|anniversary|partnership)\b", re.I
)


def linked_city_programmes(
    sections: list[Section], home: Home, title: str, headings: list[str]
) -> list[ProgrammeDraft]:
    """On a page about the city's links abroad, each foreign city it describes as the topic of
    its own sentences (`X市との交流は…`, `本市とX市は…`, `<City> and X have developed ties`) is
    one of those links, dated or not."""
    about = " ".join((title, *headings))
    english = english_text(about) or all(english_text(s.text[:200]) for s in sections[:3])
    found: list[ProgrammeDraft] = []
    seen: set[str] = set()
    for section in sections:
        for sentence in sentence_texts(section.text):
            places = _topic_places(sentence, home, english)
            if not places or not (_LINKS_PAGE.search(about) or _TIES_EN.search(sentence)):
                continue
            for place in places:
                if place.name in seen or place.country in (None, "JP"):
                    continue
                seen.add(place.name)
                found.append(new_draft(None, [place], sentence, sentence, home))
    return found


def _topic_places(sentence: str, home: Home, english: bool) -> list[Place]:
    if english:
        names = [n for n in home.city.names if n.isascii()]
        for name in names:
            pair = re.search(
                rf"\b{re.escape(name)} and (?P<other>.{{2,60}}?) (?:have|has|will|are|were|had)\b",
                sentence,
            )
            if pair and _TIES_EN.search(sentence):
                return foreign_places(pair.group("other"), home)[:1]
        return []
    match = _TOPIC_JA.match(sentence.strip())
    if match is None:
        return []
    topic = match.group("topic")
    topic = re.sub(
        rf"^(?:{'|'.join(map(re.escape, (*home.city.self_words[:2], *home.city.names)))})と",
        "",
        topic,
    )
    places = [m.place for m in find_places(topic) if m.begin == 0 and not home.is_home(m.place)]
    return [p for p in places if country_code(p.name) != p.country]
