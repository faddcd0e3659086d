"""Visit mentions: one sentence that says someone travelled, met or hosted, read for its facts.

A mention says which way it points (`in`: others came to the page's city; `out`: its people
went elsewhere; `move`, `meet`, `host`: travel, a meeting or an event whose direction the rest
of the section decides), where it went (the place written before `を訪問`, `へ行って`, `に到着`,
after `visit`, `trip to` ...), which places it names, and its dates. Sections and pages turn
mentions into events (`parsers.extract.events`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from citywatch.model import Place
from parsers.extract.places import (
    HomeCity,
    country_code,
    find_countries,
    find_places,
    resolve_place,
)
from parsers.extract.when import DateContext, dates_in
from parsers.text.cues import GOVERNMENT, INTERNATIONAL, MEETING, inbound_words, movement, sentences
from parsers.text.dates import DateSpan
from parsers.text.memo import text_memo

__all__ = [
    "CAPITAL_JP",
    "Home",
    "Kind",
    "Mention",
    "foreign_places",
    "international",
    "page_places",
    "read_mention",
    "sentence_texts",
]

Kind = Literal["in", "out", "move", "meet", "host"]

# Japanese: the phrase before these is where someone went. (`市訪問` is checked behind the word,
# `訪問(?<=[市…]訪問)`: a branch opening with a lookbehind would stop re skipping ahead.)
_DEST_JA = re.compile(
    r"(?:を|への?)(?:表敬)?訪問(?!団|者|先)|を訪れ|を訪ね|を歴訪|を視察|へ(?:の)?(?:出張|派遣|渡航)|"
    r"[をの]派遣(?!先|期間|者)|"
    r"へ(?:行|赴|向か|出向|移動)|に(?:出張|派遣|到着|赴|出向|渡航|移動)|"
    r"訪問(?<=[市都国州県区町村]訪問)(?!団|者|先|後|前|時|の際)|"
    r"出張(?<=[市都国州県区町村]出張)(?![者先])|着(?<=[市都国州県区]着)(?![者先])|"
    r"(?:出張|訪問)(?<=[\u30a1-\u30fa\u30fc](?:出張|訪問))(?!団|者|先|後|前|時|の際)"
)
# `海外出張(カナダ・トロント市)`: the destination follows in brackets.
_DEST_INSIDE = re.compile(r"(?:出張|訪問|視察)\((?P<inner>[^)]{2,40})\)")
# The place an event happened at: `…で開催`, `…において`, `(大阪市)`.
_VENUE_JA = re.compile(r"(?:で|において|にて)(?:開催|開かれ|行われ|実施|行い|催され)")
_VENUE_EN = re.compile(
    r"\b(?:held|hosted|took place|organi[sz]ed|convened)\s+(?:in|at)\s+|"
    r"\b(?:joined|attended|took part in|participated in)\b[^.;]{0,60}?\bin\s+(?=[A-Z])"
)
_ATTEND = re.compile(
    r"出席|参加|登壇|講演|participat(?:ed|es|ing) in|attend(?:ed|s|ing)?|joined|took part", re.I
)
_HOST_JA = re.compile(r"開催|開かれ|行われ|催され")
_HOST_EN = re.compile(r"\b(?:held|hosted|took place|organi[sz]ed)\b")
# English cues need Latin letters; most Japanese sentences have none, and patterns opening with
# \b cannot skip ahead, so they are not tried there.
_RE_LATIN = re.compile("[A-Za-z]")
_DEST_EN = re.compile(
    r"\b(?:visit(?:s|ed|ing)?|(?:courtesy )?(?:call|visit|trip|travel(?:l?ed)?|mission|"
    r"delegation|tour) to|(?:trip|tour) of|arrived in|went to|came to|toured)\s+",
    re.I,
)
_EN_DEST_END = re.compile(
    r"\s(?:between|from|on|to (?:meet|attend|deliver|discuss|sign|promote|celebrate|strengthen)|"
    r"for|in order|and (?:met|meet)|where|which|with|during|as|after|before|by)\b|[.;:()]|"
    r",\s+(?!and\b|or\b)(?=[a-z])"
)
# Every branch opens with a literal (`が(?<=\Sが)` is `(?<=\S)が`), so re can skip ahead.
_CLAUSE_START = re.compile(
    r"、|。|「|」|『|』|,|が(?<=[^\s]が)(?=[^\s])|は(?<=[^\s]は)(?=[^\s])|後に|前に|際に|ために"
)
_SUBJECT = re.compile(r"(?P<subject>[^、。「」]{1,40}?)(?:が|は)")
# How any local government's pages name themselves and their own office, whatever its kind
# (市, 都, 道, 府, 県, 区, 町, 村): 本県, 当町, 知事, 区長, 県庁, 町役場, 議会.
_OWN_WORDS = re.compile(
    r"^(?:[本当][市都道府県区町村]|(?:[市区町村]|副[市区町村])長|(?:副)?知事|"
    r"[市都道府県]庁(?:舎)?|[市区]役所|[町村]役場|[市都道府県区町村]議会|議長|[市都]|[道府県区町村](?![\u4e00-\u9fff]))"
)
_SELF = re.compile(r"[本当][市都道府県区町村]")
_IN_JAPAN = re.compile(r"(?:駐日|在日|在京)\S*(?:大使館|領事館|代表部|事務所)")
CAPITAL_JP = "東京"
"""Where Japan's ministries and foreign missions are: calls on them are visits to it."""
_LOCAL = re.compile(r"(?:市|区)内(?:の|を)?(?:視察|見学|訪問|案内)|市内視察")
# Agreement names that embed a place (`パリ協定`, `横浜宣言`) name no place.
_PLACE_IN_NAME = re.compile(r"^(?:協定|宣言|条約|議定書|方式|モデル|会議所)")
# A place a journey only passes through (`パリ経由`, `X空港で乗り継ぎ`, `via Doha`): no stop.
_TRANSIT_AFTER = re.compile(r"^(?:国際)?(?:空港)?(?:経由|で乗り?継|乗り?継ぎ|トランジット)")
_TRANSIT_BEFORE = re.compile(r"\b(?:via|transit(?:ing)? (?:in|at|through))\s+(?:the\s+)?$", re.I)


@cache
def _members(slug: str) -> frozenset[str]:
    """For a prefecture, the names of its municipalities (a visit to one is a visit home);
    for any other government, none."""
    from parsers.extract.localgov import localgovs, resolve

    gov = resolve(slug)
    if not gov.is_prefecture:
        return frozenset()
    found = [g for g in localgovs() if g.prefecture == gov.name and g.slug != gov.slug]
    return frozenset(n for g in found for n in (g.name, g.stem) if len(n) > 1)


@dataclass(frozen=True, slots=True)
class Home:
    """The page city, in the forms mentions are compared with."""

    city: HomeCity
    slug: str
    # Towns abroad the page names once beside their country (`大韓民国富川市`) and bare
    # elsewhere: no gazetteer lists them, the page itself says where they are.
    known: tuple[Place, ...] = ()

    def __hash__(self) -> int:
        # Memo keys hold a Home: its slug decides it, and a field-by-field hash is slow.
        return hash(self.slug)

    def is_home(self, place: Place) -> bool:
        if place.name in self.city.names and place.name.endswith(self.city.office):
            return True  # `大田区` written in full is the home ward, whatever else shares 大田
        if place.country != "JP":
            return False
        name = place.name.removesuffix(self.city.office).removesuffix("市")
        return (
            name in self.city.names
            or place.name in self.city.names
            or any(name.lower() == n.lower() for n in self.city.names)
            or name in _members(self.slug)
            or place.name in _members(self.slug)
        )

    def own_phrase(self, phrase: str) -> bool:
        """Whether a phrase names the page city or its own office (本市, 市長, 横浜市役所)."""
        phrase = phrase.strip(" ・")
        if _OWN_WORDS.match(phrase):
            return True
        return any(phrase.startswith(n) for n in self.city.names if len(n) > 1)


@dataclass(frozen=True, slots=True)
class Mention:
    """What one sentence says about a visit."""

    kind: Kind
    text: str
    dests: tuple[Place, ...]
    places: tuple[Place, ...]
    dates: tuple[DateSpan, ...]
    international: bool


def _places(text: str, home: Home) -> list[Place]:
    """Places named in `text` (not the page city, not inside an agreement's name)."""
    return list(_places_of(text, home))


# A page asks these about the same sentences, clauses and sections many times over (mentions,
# events and programmes each read them), so answers are remembered for a page's worth of texts.
@text_memo(512)
def _places_of(text: str, home: Home) -> tuple[Place, ...]:
    out: list[Place] = []
    matches = find_places(text)
    for match in matches:
        if _PLACE_IN_NAME.match(text[match.stop : match.stop + 4]):
            continue
        if _TRANSIT_AFTER.match(text[match.stop : match.stop + 8]) or _TRANSIT_BEFORE.search(
            text[max(0, match.begin - 20) : match.begin]
        ):
            continue
        if not home.is_home(match.place) and match.place not in out:
            out.append(match.place)
    for place in home.known:
        if place.name in text and not any(place.name in m.text for m in matches):
            out.append(place)
    return tuple(out)


def page_places(text: str) -> tuple[Place, ...]:
    """The towns abroad a page places only by the country written beside them: `Home.known`."""
    out: list[Place] = []
    for match in find_places(text):
        place = match.place
        if place.country not in (None, "JP") and place not in out and not find_places(place.name):
            out.append(place)
    return tuple(out)


@text_memo(256)
def sentence_texts(text: str) -> tuple[str, ...]:
    """A section's sentences, remembered: events and programmes both read every one."""
    return tuple(s.text for s in sentences(text))


def _countries(text: str) -> list[Place]:
    """Countries named as places, not as the modifier of a team, a people or a language
    (`イタリア代表チーム`, `タイ料理`, `フランス語`)."""
    return [
        Place(c.text, c.code) for c in find_countries(text) if not _ATTRIBUTIVE.match(text, c.stop)
    ]


_ATTRIBUTIVE = re.compile(r"代表|チーム|料理|語(?!る|り|っ)|人(?!民)|製|産(?!業)")


def foreign_places(text: str, home: Home) -> list[Place]:
    """Places outside Japan named in `text`, cities first, then bare countries."""
    return list(_foreign_places(text, home))


@text_memo(512)
def _foreign_places(text: str, home: Home) -> tuple[Place, ...]:
    found = [p for p in _places_of(text, home) if p.country not in (None, "JP")]
    found += [c for c in _countries(text) if c.country != "JP"]
    return tuple(found)


# Parts of the world a trip may be told by (`ヨーロッパに出張`): abroad, in no one country.
REGION = re.compile(
    r"ヨーロッパ|欧州|北米|南米|中南米|中東|アフリカ|東南アジア|南アジア|中央アジア|オセアニア|"
    r"北欧|東欧|西欧|南欧|\b(?:Europe|North America|South America|Latin America|Middle East|"
    r"Africa|Southeast Asia|Oceania)\b"
)


@text_memo(512)
def international(text: str, home: Home) -> bool:
    """Whether a passage concerns another country, an international body or the state."""
    if INTERNATIONAL.search(text) or GOVERNMENT.search(text):
        return True
    if REGION.search(text) and movement(text):
        return True  # a trip to a part of the world
    return bool(foreign_places(text, home))


def _clause_before(sentence: str, stop: int, *, lists: bool = False) -> str:
    """The clause ending at `stop`; with `lists`, a list of places written with `、` before it
    (`A市、B市及びC市を訪問`) stays whole."""
    starts = [0, *(m.end() for m in _CLAUSE_START.finditer(sentence, 0, stop))]
    start = starts[-1]
    if lists:
        for earlier in reversed(starts[:-1]):
            if sentence[start - 1 : start] != "、":
                break
            item = sentence[earlier : start - 1]
            if not _ends_with_place(item):
                break
            start = earlier
    return sentence[start:stop]


def _ends_with_place(text: str) -> bool:
    """Whether a list item is a place (`フランス共和国リヨン市`), not a clause."""
    ends = [m.stop for m in find_places(text)] + [c.stop for c in find_countries(text)]
    return bool(text) and max(ends, default=-1) >= len(text.rstrip()) - 0


def _english_dests(sentence: str, home: Home) -> tuple[list[Place], bool]:
    """Places after `visit …`, and whether one of them is the page city (then it is inbound)."""
    dests: list[Place] = []
    to_home = False
    for match in _DEST_EN.finditer(sentence) if _RE_LATIN.search(sentence) else ():
        tail = sentence[match.end() : match.end() + 120]
        end = _EN_DEST_END.search(tail)
        phrase = tail[: end.start()] if end else tail
        if _EN_SELF.search(phrase) or any(n in phrase for n in home.city.names if n[:1].isupper()):
            to_home = True
        named = _places(phrase, home) or [c for c in _countries(phrase) if c.country != "JP"]
        dests += [p for p in named if p not in dests]  # `visit Taiwan`: a country will do
    return dests, to_home


# How an English page calls its own government without naming it (`visited the Prefectural
# Government Office`, `paid a courtesy call on the Mayor`).
_EN_SELF = re.compile(
    r"^(?:the )?(?:Prefectural (?:Government|Office|Assembly|Capitol)|City Hall|Town Hall|"
    r"Village Office|Ward Office|Prefecture|the Governor|the Mayor)\b"
)


# The particle marking where a group was sent (`X市へ訪問団を派遣`, `X市への代表団の派遣`).
_SENT_TO = re.compile(r"(?:への|へ|に)(?=[^へに]*$)")


def _japanese_dests(sentence: str, home: Home) -> tuple[list[Place], bool, bool]:
    """Places before `を訪問` and friends; whether one is the page city or its own office;
    whether an object was written at all."""
    dests: list[Place] = []
    to_home = False
    seen_object = False
    for match in _DEST_INSIDE.finditer(sentence) if "(" in sentence else ():
        dests += [p for p in _places(match.group("inner"), home) if p not in dests]
    for match in _DEST_JA.finditer(sentence):
        phrase = _clause_before(sentence, match.start(), lists=True)
        if match.group().startswith(("に", "へ")) and "を" in phrase:
            # 代表団をXに派遣: who was sent comes before を, where to after it.
            phrase = phrase.rsplit("を", 1)[1]
        elif match.group().endswith("派遣") and match.group()[0] in "をの":
            # Xへ訪問団を派遣, Xへの訪問団の派遣: where to is what へ marks, if anything.
            to = _SENT_TO.search(phrase)
            phrase = phrase[: to.start()] if to else ""
        if not phrase.strip():
            continue
        seen_object = True
        if _IN_JAPAN.search(phrase):
            # 駐日…大使館を訪問: a foreign mission in Japan is visited in Tokyo, not abroad.
            capital = resolve_place(CAPITAL_JP)
            dests += [capital] if capital and capital not in dests else []
            continue
        found = _places(phrase, home)
        if not found:
            found = [c for c in _countries(phrase) if c.country != "JP"]
        if not found and (region := REGION.search(phrase)):
            found = [Place(region.group(), None)]  # abroad, country unknown
        # `本市を訪問`, `市長を表敬`: the city visited; but `市長のX国出張` is the mayor's trip.
        if (home.own_phrase(phrase) and not found) or (not found and _mentions_home(phrase, home)):
            to_home = True
            continue
        dests += [p for p in found if p not in dests]
    return dests, to_home, seen_object


# After a place, the particle that makes it where something happened (`バクーにて`,
# `パリ(フランス)において`, `ロンドンで`), not a topic (`では`) or a copula (`です`).
_AT_JA = re.compile(r"\)?(?:\([^()]{1,24}\))?(?:にて|において|で(?![はもすあきしょ]))")


def _located(sentence: str, home: Home) -> list[Place]:
    """Places abroad a sentence says something happened at (`Xにて開幕した国際会議に参加`)."""
    cities = [m.place for m in find_places(sentence) if _AT_JA.match(sentence, m.stop)]
    cities = [p for p in cities if p.country not in (None, "JP") and not home.is_home(p)]
    countries = [
        Place(c.text, c.code)
        for c in find_countries(sentence)
        if c.code != "JP" and _AT_JA.match(sentence, c.stop)
    ]
    countries = [c for c in countries if c.country not in {p.country for p in cities}]
    return list(dict.fromkeys((*cities, *countries)))


def _venue(sentence: str, home: Home) -> list[Place]:
    """Where a sentence says an event was held (`…で開催`, `held in …`), the page city aside."""
    venue = _VENUE_JA.search(sentence)
    if venue and (found := _places(_clause_before(sentence, venue.start()), home)):
        return found
    if located := _located(sentence, home):
        return located
    if venue:
        return []
    venue = _VENUE_EN.search(sentence)
    if venue:
        tail = sentence[venue.end() : venue.end() + 120]
        end = _EN_DEST_END.search(tail)
        found = _places(tail[: end.start()] if end else tail, home)
        return found or _places(tail[:60], home)
    return []


def _mentions_home(text: str, home: Home) -> bool:
    return any(home.is_home(m.place) for m in find_places(text))


def _foreign_subject(sentence: str, cue_at: int, home: Home) -> bool:
    match = _SUBJECT.search(sentence, 0, cue_at)
    if match is None:
        return False
    subject = match.group("subject")
    if home.own_phrase(subject) or _SELF.search(subject):
        return False
    return bool(foreign_places(subject, home))


_ACTOR_JA = re.compile(r"(?P<actor>[^、。「」()\s]{1,24})(?<![でにと])(?:が|は)")


def _foreign_actor(sentence: str, cue_at: int, home: Home) -> bool:
    """Whether the one who does what the cue says (the nearest `Xが` or `Xは` before it) is
    from abroad: `X市長が…に参加` is a guest, `市長が…に参加` the city's own."""
    actors = list(_ACTOR_JA.finditer(sentence, 0, cue_at))
    if not actors:
        return False
    actor = actors[-1].group("actor")
    if home.own_phrase(actor) or _SELF.search(actor):
        return False
    return bool(foreign_places(actor, home))


# The page city takes part in what another hosts (`… in cooperation with the City of X`).
_WITH_EN = re.compile(
    r"\b(?:in (?:cooperation|collaboration|partnership) with|co-?(?:organi[sz]ed|hosted) "
    r"(?:with|by)|jointly with|together with|with the (?:support|participation) of)\s+(?:the )?",
    re.I,
)


_RE_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _from_home(sentence: str, home: Home) -> bool:
    """Whether an English sentence's visitors are the page city's own (`… from X City`)."""
    if _RE_CJK.search(sentence) or " from " not in sentence:
        return False
    verb = _VISITORS_VERB.search(sentence)
    subject = sentence[: verb.start()] if verb else ""
    names = [n for n in home.city.names if n[:1].isupper()]
    return any(re.search(rf"\bfrom (?:the )?{re.escape(n)}\b", subject) for n in names)


# English arrival words whose subject is the host, not the guest (`X City welcomed …`).
_RECEIVES = re.compile(r"welcomed|received|hosted", re.I)

_VISITORS_VERB = re.compile(r"\b(?:visited|came|paid|made|called on|arrived)\b")


def _foreign_host(sentence: str, cue_at: int, home: Home) -> bool:
    """Whether an English sentence's subject, before its receiving verb, is a place abroad."""
    subject = sentence[:cue_at]
    if _RE_CJK.search(sentence) or any(n in subject for n in home.city.names):
        return False
    return bool(foreign_places(subject, home))


def _hosted_abroad_with_home(sentence: str, home: Home) -> list[Place]:
    """Places abroad where an event was held together with the page city: its people went."""
    if not _RE_LATIN.search(sentence):
        return []
    for match in _WITH_EN.finditer(sentence):
        partner = sentence[match.end() : match.end() + 60]
        if any(n in partner for n in home.city.names if n[:1].isupper()):
            return [p for p in foreign_places(sentence, home) if country_code(p.name) != p.country]
    return []


# A person or a group, then `表敬(訪問)` with no place it went to: they paid the call.
# Who pays a call: a person by title or honorific, or a group.
_CALLERS = (
    r"氏|様|大使|公使|総領事|領事|[\u4e00-\u9fff]官|代表団|訪問団|視察団|使節団|一行|市長|知事|"
    r"議長|団長|会長|理事長|総裁"
)
_CALLER = re.compile(rf"(?:{_CALLERS}|[)）])\s*(?:の|による|から)?表敬(?:訪問)?(?!先)")


# A diary's note of a call with its caller in brackets (`表敬訪問(駐日X国大使)`); a call the
# city's people paid is written with its object first (`X大使館を表敬訪問`).
_CALL_NOTE = re.compile(
    r"(?<![をへに])表敬(?:訪問)?(?:\s*[(（](?P<who>[^()（）|]{2,40})[)）]"
    r"|\s+(?P<named>[^()（）|]{2,40}?)(?=\s*[|(（]|\s*$))"
)
# (inside the note a group may go unnamed as such: `X高校生`, `Xチーム`, `X代表`)
_CALLER_WORD = re.compile(rf"{_CALLERS}|団|代表|生|チーム")


def _noted_caller(sentence: str, home: Home) -> bool:
    call = _CALL_NOTE.search(sentence)
    who = (call.group("who") or call.group("named")) if call else None
    if not who or home.own_phrase(who):
        return False
    return bool(_CALLER_WORD.search(who) or foreign_places(who, home))


def _foreign_subject_is_home(sentence: str, home: Home) -> bool:
    """Whether the caller is the city's own (`市長 表敬訪問` of its own mayor is no call)."""
    match = _CALLER.search(sentence)
    return match is not None and home.own_phrase(_clause_before(sentence, match.start() + 1))


_GROUP = re.compile(
    r"(?:からの|の)?(?:訪問団|代表団|使節団|視察団|ミッション団|交流団|研修団|議員団|親善団|一行)"
)


def _guests(sentence: str, home: Home) -> bool:
    """Whether a travelling group is named after a place abroad (`X州訪問団`, `X市からの
    代表団`): the group came from there, so it visited the page's city."""
    for match in _GROUP.finditer(sentence):
        phrase = _clause_before(sentence, match.start())
        if _SENT_TO.search(phrase):
            continue  # `X市へ訪問団を派遣`: a group sent there, not one from there
        if _named_after_home(phrase, home):
            continue  # `X市提携30周年 本市訪問団`: the group bears the city's own name
        if phrase and not home.own_phrase(phrase) and foreign_places(phrase, home):
            return True
    return False


_FROM_EN = re.compile(r"\bfrom\b")


def _guests_from_abroad(sentence: str, verb_at: int, home: Home) -> bool:
    """Whether an English sentence's subject comes `from` a place abroad and what it did
    happened in the page city (`officials from X … took part in a course in <city>`)."""
    if _RE_CJK.search(sentence):
        return False
    subject = sentence[:verb_at]
    origin = _FROM_EN.search(subject)
    if origin is None or not foreign_places(subject[origin.end() :], home):
        return False
    rest = sentence[verb_at:]
    names = [n for n in home.city.names if n[:1].isupper()]
    return any(re.search(rf"\b(?:in|to|at) (?:the City of )?{re.escape(n)}\b", rest) for n in names)


def _named_after_home(phrase: str, home: Home) -> bool:
    """Whether the words right before a group's name are the page city's own (`本市`, `X市`)."""
    tail = phrase.rstrip(" ・")
    names = tuple(n for n in home.city.names if len(n) > 1)
    return tail.endswith(names) or _SELF.fullmatch(tail[-2:]) is not None


# Built once per city rather than once per sentence.
_arrival_words = cache(inbound_words)


def read_mention(sentence: str, home: Home, ctx: DateContext) -> Mention | None:
    """The visit this sentence mentions, or None."""
    reading = _reading(sentence, home)
    if reading is None:
        return None
    kind, dests, places, intl = reading
    spans = tuple(s for s in dates_in(sentence, ctx) if s.start.month is not None)
    return Mention(kind, sentence, dests, places, spans, intl)


@text_memo(512)
def _reading(
    sentence: str, home: Home
) -> tuple[Kind, tuple[Place, ...], tuple[Place, ...], bool] | None:
    """Kind, destinations, places and whether it is international: all of a mention but its
    dates, which alone depend on the section (a heading's year), so a sentence met again
    (a template's stock phrases, the same sentence read by a trip page and a list) is read
    once."""
    arrival = _arrival_words(home.city.short)
    move = movement(sentence)
    meet = MEETING.search(sentence)
    hosted = _HOST_JA.search(sentence) or (_RE_LATIN.search(sentence) and _HOST_EN.search(sentence))
    inbound = arrival.search(sentence)
    if (
        inbound
        and _RECEIVES.match(inbound.group())
        and _foreign_host(sentence, inbound.start(), home)
    ):
        inbound = None  # `X City hosted …`: another city received the guests
    attend = _ATTEND.search(sentence)
    if not (move or meet or inbound or hosted or attend):
        return None
    places = _places(sentence, home)
    intl = international(sentence, home)
    dests_en, home_en = _english_dests(sentence, home)
    dests_ja, home_ja, _ = _japanese_dests(sentence, home)
    dests = dests_en + [p for p in dests_ja if p not in dests_en]
    capital = resolve_place(CAPITAL_JP) if not dests and "上京" in sentence else None
    if capital is not None and not home.is_home(capital):
        dests = [capital]  # `上京し、…省に要望`: its people went up to the capital
    kind: Kind
    if (inbound or ((home_en or home_ja) and not dests)) and _from_home(sentence, home):
        return None  # `students from <the city> visited the mayor`: its own people at home
    if _noted_caller(sentence, home):
        kind, dests = "in", []  # `表敬訪問(X国大使)` in a diary: X called on the city
    elif inbound or ((home_en or home_ja) and not dests):
        kind = "in"
    elif dests:
        kind = "out"
        if move and _foreign_subject(sentence, move.start(), home) and not dests_en:
            kind = "in" if home_ja else "out"
    elif (verb := attend or move or meet) and _guests_from_abroad(sentence, verb.start(), home):
        kind = "in"  # `officials from X took part in a training in <the city>`
    elif (
        attend
        and (at := _venue(sentence, home))
        and not _foreign_actor(sentence, attend.start(), home)
    ):
        kind, dests = "out", at  # 市長が…にて開かれた会議に参加: its people went to the venue
    elif move and _guests(sentence, home):
        kind = "in"  # X州訪問団による表敬, X市からの代表団: a group from abroad came
    elif move and _LOCAL.search(sentence):
        kind = "in"  # 市内視察: a tour inside the page city is its guests' visit
    elif move and _CALLER.search(sentence) and not _foreign_subject_is_home(sentence, home):
        kind = "in"  # `X大使 表敬訪問` in a diary: a person or a group called on the city
    elif move:
        kind = "move"
    elif meet:
        kind = "meet"
    else:
        kind = "host"
        dests = _venue(sentence, home)
        if not dests and (abroad := _hosted_abroad_with_home(sentence, home)):
            return "out", tuple(abroad), tuple(places), intl
        if dests and attend and not _foreign_subject(sentence, attend.start(), home):
            kind = "out"  # 市長が…で開催された会議に出席: its people went to the venue
        elif not hosted:
            return None  # attending something at home, or nowhere said
    return kind, tuple(dests), tuple(places), intl
