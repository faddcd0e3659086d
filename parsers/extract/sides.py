"""Whose side a sentence's actor is on: the page city's own people, or guests from abroad.

A cue word (`参加`, `表敬`, `visited`, `welcomed`) says something happened; these read who did
it from the words around it, so a mention can tell a trip out from a reception.
"""

from __future__ import annotations

import re

from citywatch.model import Place
from parsers.extract.abroad import SELF, Home, foreign_places
from parsers.extract.clauses import SENT_TO, SUBJECT, clause_before
from parsers.extract.places import country_code

__all__ = [
    "CALLER",
    "RECEIVES",
    "caller_is_home",
    "foreign_actor",
    "foreign_host",
    "foreign_subject",
    "from_home",
    "guests",
    "guests_from_abroad",
    "hosted_abroad_with_home",
    "named_after_home",
    "noted_caller",
]

_RE_LATIN = re.compile("[A-Za-z]")


def foreign_subject(sentence: str, cue_at: int, home: Home) -> bool:
    match = SUBJECT.search(sentence, 0, cue_at)
    if match is None:
        return False
    subject = match.group("subject")
    if home.own_phrase(subject) or SELF.search(subject):
        return False
    return bool(foreign_places(subject, home))


_ACTOR_JA = re.compile(r"(?P<actor>[^、。「」()\s]{1,24})(?<![でにと])(?:が|は)")


def foreign_actor(sentence: str, cue_at: int, home: Home) -> bool:
    """Whether the one who does what the cue says (the nearest `Xが` or `Xは` before it) is
    from abroad: `X市長が…に参加` is a guest, `市長が…に参加` the city's own."""
    actors = list(_ACTOR_JA.finditer(sentence, 0, cue_at))
    if not actors:
        return False
    actor = actors[-1].group("actor")
    if home.own_phrase(actor) or SELF.search(actor):
        return False
    return bool(foreign_places(actor, home))


# The page city takes part in what another hosts (`… in cooperation with the City of X`).
_WITH_EN = re.compile(
    r"\b(?:in (?:cooperation|collaboration|partnership) with|co-?(?:organi[sz]ed|hosted) "
    r"(?:with|by)|jointly with|together with|with the (?:support|participation) of)\s+(?:the )?",
    re.I,
)


_RE_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def from_home(sentence: str, home: Home) -> bool:
    """Whether an English sentence's visitors are the page city's own (`… from X City`)."""
    if _RE_CJK.search(sentence) or " from " not in sentence:
        return False
    verb = _VISITORS_VERB.search(sentence)
    subject = sentence[: verb.start()] if verb else ""
    names = [n for n in home.city.names if n[:1].isupper()]
    return any(re.search(rf"\bfrom (?:the )?{re.escape(n)}\b", subject) for n in names)


# English arrival words whose subject is the host, not the guest (`X City welcomed …`).
RECEIVES = re.compile(r"welcomed|received|hosted", re.I)

_VISITORS_VERB = re.compile(r"\b(?:visited|came|paid|made|called on|arrived)\b")


def foreign_host(sentence: str, cue_at: int, home: Home) -> bool:
    """Whether an English sentence's subject, before its receiving verb, is a place abroad."""
    subject = sentence[:cue_at]
    if _RE_CJK.search(sentence) or any(n in subject for n in home.city.names):
        return False
    return bool(foreign_places(subject, home))


def hosted_abroad_with_home(sentence: str, home: Home) -> list[Place]:
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
    r"氏|様|大使|公使|総領事|領事|[\u4e00-\u9fff]官|代表団|訪問団|視察団|使節団|一行|知事|"
    r"[\u4e00-\u9fff]長|主席|首相|大臣|議員|総裁"
)
CALLER = re.compile(rf"(?:{_CALLERS}|[)）])\s*(?:の|による|から)?表敬(?:訪問)?(?!先)")


# A diary's note of a call with its caller in brackets (`表敬訪問(駐日X国大使)`); a call the
# city's people paid is written with its object first (`X大使館を表敬訪問`).
_CALL_NOTE = re.compile(
    r"(?<![をへに])表敬(?:訪問)?(?:\s*[(（](?P<who>[^()（）|]{2,40})[)）]"
    r"|\s+(?P<named>[^()（）|]{2,40}?)(?=\s*[|(（]|\s*$))"
)
# (inside the note a group may go unnamed as such: `X高校生`, `Xチーム`, `X代表`)
_CALLER_WORD = re.compile(rf"{_CALLERS}|団|代表|生|チーム")


def noted_caller(sentence: str, home: Home) -> bool:
    call = _CALL_NOTE.search(sentence)
    who = (call.group("who") or call.group("named")) if call else None
    if not who or home.own_phrase(who):
        return False
    return bool(_CALLER_WORD.search(who) or foreign_places(who, home))


def caller_is_home(sentence: str, home: Home) -> bool:
    """Whether the caller is the city's own (`市長 表敬訪問` of its own mayor is no call)."""
    match = CALLER.search(sentence)
    return match is not None and home.own_phrase(clause_before(sentence, match.start() + 1))


_GROUP = re.compile(
    r"(?:からの|の)?(?:訪問団|代表団|使節団|視察団|ミッション団|交流団|研修団|議員団|親善団|一行)"
)


# What right after a group says it was sent (`訪問団の派遣`, `使節団を派遣`).
_DISPATCHED = re.compile(r"\s*[をの]?派遣(?!団)")


def guests(sentence: str, home: Home) -> bool:
    """Whether a travelling group is named after a place abroad (`X州訪問団`, `X市からの
    代表団`): the group came from there, so it visited the page's city."""
    for match in _GROUP.finditer(sentence):
        phrase = clause_before(sentence, match.start())
        if SENT_TO.search(phrase):
            continue  # `X市へ訪問団を派遣`: a group sent there, not one from there
        if named_after_home(phrase, home):
            continue  # `X市提携30周年 本市訪問団`: the group bears the city's own name
        if _DISPATCHED.match(sentence, match.end()):
            continue  # `X市記念 市民訪問団の派遣`: a group sent there, not one from there
        if phrase and not home.own_phrase(phrase) and foreign_places(phrase, home):
            return True
    return False


_FROM_EN = re.compile(r"\bfrom\b")


def guests_from_abroad(sentence: str, verb_at: int, home: Home) -> bool:
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


def named_after_home(phrase: str, home: Home) -> bool:
    """Whether the words right before a group's name are the page city's own (`本市`, `X市`)."""
    tail = phrase.rstrip(" ・")
    names = tuple(n for n in home.city.names if len(n) > 1)
    return tail.endswith(names) or SELF.fullmatch(tail[-2:]) is not None
