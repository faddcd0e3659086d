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
from parsers.extract.abroad import (
    OWN_PREMISES,
    REGION,
    Home,
    countries_named,
    international,
    places_named,
)
from parsers.extract.clauses import SENT_TO, clause_before
from parsers.extract.places import find_countries, find_places, resolve_place
from parsers.extract.sides import (
    CALLER,
    RECEIVES,
    caller_is_home,
    foreign_actor,
    foreign_host,
    foreign_subject,
    from_home,
    guests,
    guests_from_abroad,
    hosted_abroad_with_home,
    noted_caller,
)
from parsers.extract.when import DateContext, dates_in
from parsers.text.cues import GOVERNMENT, MEETING, inbound_words, movement
from parsers.text.dates import DateSpan
from parsers.text.memo import text_memo

__all__ = ["CAPITAL_JP", "Kind", "Mention", "read_mention"]

Kind = Literal["in", "out", "move", "meet", "host"]

# Japanese: the phrase before these is where someone went. (`市訪問` is checked behind the word,
# `訪問(?<=[市…]訪問)`: a branch opening with a lookbehind would stop re skipping ahead.)
_DEST_JA = re.compile(
    r"(?:を|への?)(?:表敬)?訪問(?!団|者|先)|を訪れ|を訪ね|を歴訪|を視察|へ(?:の)?(?:出張|派遣|渡航)|"
    r"への?[^\s、。をへに]{0,8}?団の?派遣|"
    r"[をの]派遣(?!先|期間|者)|"
    r"へ(?:行|赴|向か|出向|移動)|に(?:出張|派遣|到着|赴|出向|渡航|移動)|にも?立ち?寄|"
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
    r"delegation|tour) to|(?:trip|tour) of|arrived in|went to|came to|toured|"
    r"stopped (?:over )?(?:in|at)|(?:moved|travell?ed|headed|flew) (?:on )?to)\s+",
    re.I,
)
_EN_DEST_END = re.compile(
    r"\s(?:between|from|on|to (?:meet|attend|deliver|discuss|sign|promote|celebrate|strengthen)|"
    r"for|in order|and (?:met|meet)|where|which|with|during|as|after|before|by)\b|[.;:()]|"
    r",\s+(?!and\b|or\b)(?=[a-z])"
)
_IN_JAPAN = re.compile(r"(?:駐日|在日|在京)\S*(?:大使館|領事館|代表部|事務所)")
CAPITAL_JP = "東京"
"""Where Japan's ministries and foreign missions are: calls on them are visits to it."""
_LOCAL = re.compile(r"(?:市|区)内(?:の|を)?(?:視察|見学|訪問|案内)|市内視察")


@dataclass(frozen=True, slots=True)
class Mention:
    """What one sentence says about a visit."""

    kind: Kind
    text: str
    dests: tuple[Place, ...]
    places: tuple[Place, ...]
    dates: tuple[DateSpan, ...]
    international: bool


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
        named = places_named(phrase, home) or [
            c for c in countries_named(phrase) if c.country != "JP"
        ]
        dests += [p for p in named if p not in dests]  # `visit Taiwan`: a country will do
    return dests, to_home


# How an English page calls its own government without naming it (`visited the Prefectural
# Government Office`, `paid a courtesy call on the Mayor`).
_EN_SELF = re.compile(
    r"^(?:the )?(?:Prefectural (?:Government|Office|Assembly|Capitol)|City Hall|Town Hall|"
    r"Village Office|Ward Office|Prefecture|the Governor|the Mayor)\b"
)


def _japanese_dests(sentence: str, home: Home) -> tuple[list[Place], bool, bool]:
    """Places before `を訪問` and friends; whether one is the page city or its own office;
    whether an object was written at all."""
    dests: list[Place] = []
    to_home = False
    seen_object = False
    for match in _DEST_INSIDE.finditer(sentence) if "(" in sentence else ():
        dests += [p for p in places_named(match.group("inner"), home) if p not in dests]
    for match in _DEST_JA.finditer(sentence):
        phrase = clause_before(sentence, match.start(), lists=True)
        if match.group().startswith(("に", "へ")) and "を" in phrase:
            # 代表団をXに派遣: who was sent comes before を, where to after it.
            phrase = phrase.rsplit("を", 1)[1]
        elif match.group().endswith("派遣") and match.group()[0] in "をの":
            # Xへ訪問団を派遣, Xへの訪問団の派遣: where to is what へ marks, if anything.
            to = SENT_TO.search(phrase)
            phrase = phrase[: to.start()] if to else ""
        if not phrase.strip():
            continue
        seen_object = True
        if _IN_JAPAN.search(phrase):
            # 駐日…大使館を訪問: a foreign mission in Japan is visited in Tokyo, not abroad.
            capital = resolve_place(CAPITAL_JP)
            dests += [capital] if capital and capital not in dests else []
            continue
        found = places_named(phrase, home)
        if not found:
            found = [c for c in countries_named(phrase) if c.country != "JP"]
        if not found and (region := REGION.search(phrase)):
            found = [Place(region.group(), None)]  # abroad, country unknown
        if not found and GOVERNMENT.search(phrase):
            capital = resolve_place(CAPITAL_JP)  # `外務省を訪問`: the ministries sit in the capital
            found = [capital] if capital is not None and not home.is_home(capital) else []
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
    clause = clause_before(sentence, venue.start()) if venue else ""
    if venue and _held_at_home(clause, home):
        return []  # `X市との記念式典を本市で開催`: held at home, whoever it was with
    if venue and (found := places_named(clause, home)):
        return found
    if located := _located(sentence, home):
        return located
    if venue:
        return []
    venue = _VENUE_EN.search(sentence)
    if venue:
        tail = sentence[venue.end() : venue.end() + 120]
        end = _EN_DEST_END.search(tail)
        found = places_named(tail[: end.start()] if end else tail, home)
        return found or places_named(tail[:60], home)
    return []


def _held_at_home(clause: str, home: Home) -> bool:
    """Whether the place written right before `で開催` is the page city or its own office."""
    last = max(find_places(clause), key=lambda m: m.stop, default=None)
    if last is not None and last.stop >= len(clause.rstrip()) - 1:
        return home.is_home(last.place)
    return bool(OWN_PREMISES.search(clause.rstrip()))


def _mentions_home(text: str, home: Home) -> bool:
    return any(home.is_home(m.place) for m in find_places(text))


# Built once per city rather than once per sentence.
_arrival_words = cache(inbound_words)

# What follows an arrival word that asks the public to come (`お越しください`).
_INVITED = ("ください", "下さい", "をお待ち")

# Words quoted as someone's speech (`「来年は訪問団を送りたい」と述べ`): what they said, not what
# happened; the sentence is read without them.
_SPEECH = re.compile(
    r"「[^「」]{4,}」(?=との|と(?:[^、。「」]{0,8}?)(?:述べ|語|話|あいさつ|挨拶|強調|呼びかけ|"
    r"期待|抱負|意気込|感想|応え|答え|約束|要望))"
)


def _unsaid(sentence: str) -> str:
    """The sentence with quoted speech blanked out, its offsets kept."""
    if "「" not in sentence:
        return sentence
    return _SPEECH.sub(lambda m: "「" + " " * (len(m.group()) - 2) + "」", sentence)


def read_mention(sentence: str, home: Home, ctx: DateContext) -> Mention | None:
    """The visit this sentence mentions, or None."""
    told = _unsaid(sentence)
    reading = _reading(told, home)
    if reading is None:
        return None
    kind, dests, places, intl = reading
    spans = tuple(s for s in dates_in(told, ctx) if s.start.month is not None)
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
    if inbound and sentence.startswith(_INVITED, inbound.end()):
        inbound = None  # `ぜひお越しください`: the public invited, no one received
    if (
        inbound
        and RECEIVES.match(inbound.group())
        and foreign_host(sentence, inbound.start(), home)
    ):
        inbound = None  # `X City hosted …`: another city received the guests
    attend = _ATTEND.search(sentence)
    if not (move or meet or inbound or hosted or attend):
        return None
    places = places_named(sentence, home)
    intl = international(sentence, home)
    dests_en, home_en = _english_dests(sentence, home)
    dests_ja, home_ja, _ = _japanese_dests(sentence, home)
    dests = dests_en + [p for p in dests_ja if p not in dests_en]
    capital = resolve_place(CAPITAL_JP) if not dests and "上京" in sentence else None
    if capital is not None and not home.is_home(capital):
        dests = [capital]  # `上京し、…省に要望`: its people went up to the capital
    kind: Kind
    if (inbound or ((home_en or home_ja) and not dests)) and from_home(sentence, home):
        return None  # `students from <the city> visited the mayor`: its own people at home
    if noted_caller(sentence, home):
        kind, dests = "in", []  # `表敬訪問(X国大使)` in a diary: X called on the city
    elif inbound or ((home_en or home_ja) and not dests):
        kind = "in"
    elif dests:
        kind = "out"
        if move and foreign_subject(sentence, move.start(), home) and not dests_en:
            kind = "in" if home_ja else "out"
    elif (verb := attend or move or meet) and guests_from_abroad(sentence, verb.start(), home):
        kind = "in"  # `officials from X took part in a training in <the city>`
    elif (
        attend
        and (at := _venue(sentence, home))
        and not foreign_actor(sentence, attend.start(), home)
    ):
        kind, dests = "out", at  # 市長が…にて開かれた会議に参加: its people went to the venue
    elif move and guests(sentence, home):
        kind = "in"  # X州訪問団による表敬, X市からの代表団: a group from abroad came
    elif move and _LOCAL.search(sentence):
        kind = "in"  # 市内視察: a tour inside the page city is its guests' visit
    elif move and CALLER.search(sentence) and not caller_is_home(sentence, home):
        kind = "in"  # `X大使 表敬訪問` in a diary: a person or a group called on the city
    elif move:
        kind = "move"
    elif meet:
        kind = "meet"
    else:
        kind = "host"
        dests = _venue(sentence, home)
        if not dests and (abroad := hosted_abroad_with_home(sentence, home)):
            return "out", tuple(abroad), tuple(places), intl
        if dests and attend and not foreign_subject(sentence, attend.start(), home):
            kind = "out"  # 市長が…で開催された会議に出席: its people went to the venue
        elif not hosted:
            return None  # attending something at home, or nowhere said
    return kind, tuple(dests), tuple(places), intl
