"""People and organisations named on a page, and whose side each is on.

A visit record needs two lists: the page city's own people and bodies (participants) and everyone
else (counterparts). Pages name them as titled people (`清水勇人 さいたま市長`, `バンコク都知事`,
`Deputy Mayor Mr. Hirotoshi Shiro`), people with 氏/さん, and organisations recognised by their
endings (外務省, 水道公社, 〜協会, Bureau, University) or as well-known bodies (ESCAP, JICA).
Role words and endings are data (`data/people.toml`); the home city's names come from the
gazetteer (`parsers.extract.places.home`).

The side of an actor follows what qualifies it: led by the home city (横浜市国際局) it is own;
naming another place, a country or an outside body (ESCAP事務局長, 在タイ日本国特命全権大使) it
is other; unqualified (市長, 国際局長, 清水市長) its role decides.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from parsers.extract.countries import pieces as _pieces
from parsers.extract.localgov import ROLE_OFFICES
from parsers.extract.people_scan import KANJI as _KANJI
from parsers.extract.people_scan import KATA as _KATA
from parsers.extract.people_scan import RE_KATA_NAME as _RE_KATA_NAME
from parsers.extract.people_scan import RE_QCHAR as _RE_QCHAR
from parsers.extract.people_scan import Context as _Context
from parsers.extract.people_scan import context as _context
from parsers.extract.people_scan import extend_over_no as _extend_over_no
from parsers.extract.people_scan import extend_over_places as _extend_over_places
from parsers.extract.people_scan import name_right as _name_right
from parsers.extract.people_scan import name_tokens_left as _name_tokens_left
from parsers.extract.people_scan import scan_left as _scan_left
from parsers.extract.people_vocab import EN_LEADING as _EN_LEADING
from parsers.extract.people_vocab import RE_EN_CAPS as _RE_EN_CAPS
from parsers.extract.people_vocab import Vocab as _Vocab
from parsers.extract.people_vocab import alternation as _alternation
from parsers.extract.people_vocab import caps_in as _caps_in
from parsers.extract.people_vocab import honored_in as _honored_in
from parsers.extract.people_vocab import known_in as _known_in
from parsers.extract.people_vocab import titles_en_in as _titles_en_in
from parsers.extract.people_vocab import vocab as _vocab
from parsers.extract.places import HomeCity, home
from parsers.text.memo import text_memo

__all__ = ["Actor", "Kind", "Side", "find_actors", "find_organisations", "split_actors"]

Kind = Literal["person", "organisation"]
Side = Literal["own", "other", "unknown"]

_HIRA = "ぁ-ゖ"
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_RE_WIDE = re.compile("[\uff01-\uff5e\u3000]+")
# Characters a Japanese name or qualifier is written with (particles and punctuation end it).
_RE_EN_NAME = re.compile(r"[A-Z][a-zA-Z'’\-]*(?: (?:[A-Z][a-zA-Z'’\-]*|[A-Z]\.))*")
_RE_KATA_START = re.compile(f"[{_KATA}]")
_RE_NAME_THEN_ROLE = re.compile(
    f"(?<![{_KANJI}])[{_KANJI}]{{1,3}} [{_KANJI}]{{1,3}}[(（](?P<role>[^()（）]{{1,8}})[)）]"
)
_RE_HONORED_NAME = re.compile(f"(?:[{_KATA}]+(?:・[{_KATA}]+)*|[{_KANJI}]{{2,5}})(?:氏|さん)")
_RE_EN_QUALIFIER = re.compile(r"[A-Z][A-Za-z.\-]*")
_RE_ASCII_LETTER = re.compile("[A-Za-z]")
_RE_APPOSITION = re.compile(r"([A-Z][a-zA-Z\-]+(?: [A-Z][a-zA-Z\-]+){1,3}), (?:[Tt]he )?$")
_RE_LEAD_WORDS = re.compile(r"(?:(?:" + "|".join(_EN_LEADING) + r") )*")
_RE_OF = re.compile(r" (?:of|to|for) (?:the )?")
_RE_TO_AND_FOR = re.compile(r" (?:to|and|for) ")
_RE_QUOTED = re.compile("「([^「」]{2,40})」")
_RE_STATE_BODY = re.compile("(省|庁|大使館|領事館|政府|Ministry|Embassy|Consulate)")
_RE_BARE_NAME = re.compile(r"^(?:Mr|Ms|Mrs|Dr)\.? |(?:氏|さん|様|君)$")
_GOVERNMENT_SUFFIXES = ("市", "都", "県", "州", "区", "府")
_ASSISTANT = ("補佐", "補")  # written after a role word, they make its assistant's role
# A municipality set apart before a role (X市・Y市長, X市副市長, X市の…): the role is that
# place's. X市長 alone stays ambiguous: X may be the mayor's surname.
_RE_MUNICIPALITY = re.compile(
    f"[{_KANJI}]{{1,4}}(?:市|県|省|州)(?=[・の副]|市)"
    f"|[{_KATA}]{{2,}}[{_KANJI}]?(?:市|県|省|州)(?=[・の副]|市|議会)"
)


@dataclass(frozen=True, slots=True)
class Actor:
    """A person or organisation as written (`text` is a substring of the input)."""

    text: str
    kind: Kind
    side: Side
    begin: int = 0
    stop: int = 0


# --------------------------------------------------------------------------- sides


@cache
def _home_words(city: HomeCity) -> tuple[str, ...]:
    office = city.office
    return (
        *city.names,
        *city.self_words[:2],
        *(office + w for w in ("役所", "役場", "議会", "会", "庁", "立", "職員")),
    )


def _starts_with_home(text: str, ctx: _Context) -> bool:
    if ctx.home is None:
        return False
    words = _home_words(ctx.home)
    city_of = text.startswith(("the City of", "The City of"))
    return text.startswith(words) or (city_of and any(n in text for n in ctx.home.names))


def _foreign(b: int, e: int, ctx: _Context, vocab: _Vocab) -> bool:
    """Whether the span names another place, a country, or an outside body."""
    home_names = ctx.home.names if ctx.home else ()
    for k in range(bisect.bisect_left(ctx.place_begins, b), len(ctx.places)):
        pb, pe, country = ctx.places[k]
        if pb >= e:
            break
        is_home = ctx.text[pb:pe] in home_names
        if pe <= e and not is_home and (ctx.home is not None or country != "JP"):
            return True
    k = bisect.bisect_left(ctx.country_begins, b)
    if k < len(ctx.countries) and ctx.countries[k][1] <= e:
        return True
    span = ctx.text[b:e]
    if any(m.group() not in vocab.not_orgs for m in _known_in(span, vocab)):
        return True
    return bool(_RE_STATE_BODY.search(span))


def _side(b: int, e: int, role: str, ctx: _Context, vocab: _Vocab) -> Side:
    """own / other / unknown for the span [b, e) whose role class is `role`."""
    text = ctx.text[b:e]
    if role == "private" or vocab.prefix_re.match(text):
        return "other"  # 一般社団法人...: a private body, even when named after the city
    if ctx.home is None:
        return "other" if role == "other" or _foreign(b, e, ctx, vocab) else "unknown"
    if _starts_with_home(text, ctx):
        return "own"
    if _foreign(b, e, ctx, vocab):
        return "other"
    if _of_home_body(b, ctx):
        return "own"  # `X市国際交流協会 会長 山田 一郎`: the head of the city's own body
    if any(n in text for n in ctx.home.names) or text.startswith(ctx.home.self_words[:2]):
        return "own"
    if _RE_MUNICIPALITY.match(text):
        return "other"  # a municipality the gazetteer lacks, not the home city, leads it
    if text.isascii() and _leads_guests(ctx, b, e):
        return "other"
    if role in ("staff", "own"):
        return "own"
    if role in ROLE_OFFICES:  # 市長, 知事, 町長: own where the home is of that kind
        return "own" if ctx.home.office in ROLE_OFFICES[role] else "other"
    return "other"


_RE_BODY_BEFORE = re.compile(r"(?:^|[\s:、,(（])(?P<body>[^\s:、,(（]{3,24}) $")


def _of_home_body(b: int, ctx: _Context) -> bool:
    """Whether a role is written after a body bearing the home city's name and one space."""
    match = _RE_BODY_BEFORE.search(ctx.text, max(0, b - 26), b)
    return match is not None and _starts_with_home(match.group("body"), ctx)


_EN_LED = re.compile(
    r"\b(?:delegation|group|mission|party|team|visitors)\s+(?:from|of)\s+(?P<where>[^;.]{2,60}?)"
    r",?\s+(?:led|headed)\s+by\s*$"
)
_EN_LEADS = re.compile(
    r"^\s*(?:(?:and|with|,)\s+(?:his|her|their|a|the)|(?:led|headed)\s+(?:a|the|his|her))"
    r"\s+(?:delegation|group|mission|party|team)\s+(?:from|of)\s+(?P<where>[^,;]{2,60})"
)


def _leads_guests(ctx: _Context, b: int, e: int) -> bool:
    """`a delegation from X, led by Mayor A`, `Mayor A and her delegation from X`: the one
    leading a group from elsewhere is a guest."""
    from parsers.extract.places import find_countries, find_places

    match = _EN_LED.search(ctx.text[max(0, b - 100) : b]) or _EN_LEADS.match(ctx.text[e : e + 80])
    if match is None:
        return False
    where = match.group("where")
    home_names = ctx.home.names if ctx.home else ()
    places = [m for m in find_places(where) if m.text not in home_names]
    return bool(places or [c for c in find_countries(where) if c.code != "JP"])


# --------------------------------------------------------------------------- finders


@dataclass(frozen=True, slots=True)
class _Span:
    begin: int
    stop: int
    kind: Kind
    role: str


def _japanese_people(ctx: _Context, vocab: _Vocab) -> list[_Span]:
    text = ctx.text
    out: list[_Span] = []
    last_title_end = -1
    for m in vocab.title_re.finditer(text):
        tb, te, title = m.start(), m.end(), m.group()
        te += next((len(a) for a in _ASSISTANT if text.startswith(a, te)), 0)  # 次官補, 課長補佐
        opening = vocab.org_re.match(text, tb)
        if opening and opening.end() > te:
            continue  # 大使館, 代表団: the role word opens an organisation's name
        if vocab.org_long_re.match(text, te):
            continue  # `…議員連盟`: the role word opens a body
        if text.startswith(vocab.title_breakers, te):
            continue  # `議長国`, `市長選`: a compound about the role, not its holder
        opens = text[max(0, tb - 2) : tb]
        bracketed = opens[-1:] in ("(", "（") or opens in ("(副", "（副")
        if bracketed and text[te : te + 1] in ")）":
            continue  # `山田 一郎(副団長)`: the role of the name before it, read with it
        start = _extend_over_places(ctx, _scan_left(text, tb))
        start = _extend_over_no(ctx, start, vocab)
        start = _name_tokens_left(text, start, vocab)
        if start < last_title_end <= tb:
            start = last_title_end + (1 if text.startswith("・", last_title_end) else 0)
        last_title_end = te
        if text.startswith(vocab.skip_prefixes, start):  # else the loop would change nothing
            for word in vocab.skip_prefixes:
                if text.startswith(word, start) and start + len(word) <= tb:
                    start += len(word)
        if _RE_KATA_START.match(text, te) and _name_right(text, te) == te:
            continue  # `首長会議`-like compounds: the role word opens a katakana compound
        stop = _name_right(text, te)
        role = vocab.title_class[title]
        if _RE_KATA_NAME.fullmatch(text[start:tb]) and not _starts_with_home(text[start:tb], ctx):
            role = "other"  # `カタカナ市長`: a foreign name before a city role
        qualified = start < tb or stop > te
        if not qualified and role == "other":
            continue  # a bare 団長 or 代表 says nothing about who
        out.append(_Span(start, stop, "person", role))
    for m in _RE_NAME_THEN_ROLE.finditer(text):  # `山田 一郎(団長)`: the role after the name
        role = m.group("role")
        role_class = vocab.title_class.get(role) or vocab.title_class.get(role.removeprefix("副"))
        if role_class is not None:
            out.append(_Span(m.start(), m.end(), "person", role_class))
    for m in _RE_HONORED_NAME.finditer(text):
        start = _extend_over_no(ctx, _scan_left(text, m.start()), vocab)
        start = _extend_over_places(ctx, start)
        out.append(_Span(start, m.end(), "person", "name" if start == m.start() else "other"))
    return out


def _english_name_after(text: str, te: int, vocab: _Vocab) -> int:
    """End of `Mr. Hirotoshi Shiro` / `Chachart` written right after a title, else `te`."""
    if not text.startswith(" ", te):
        return te
    hon = vocab.honorific_re.match(text, te + 1)
    name = _RE_EN_NAME.match(text, hon.end() if hon else te + 1)
    if not name or (not hon and name.group().split()[0] in _EN_LEADING):
        return te
    if not hon and vocab.title_en_re.match(name.group()):
        return te
    return name.start() + len(" ".join(name.group().split()[:4]))


def _english_people(ctx: _Context, vocab: _Vocab) -> list[_Span]:
    text = ctx.text
    out: list[_Span] = []
    for m in _titles_en_in(text, vocab):
        tb, te = m.start(), m.end()
        if text.startswith(("'s", "’s"), te) or vocab.english_head_re.match(text, te + 1):
            continue  # Mayor's Room, Representative Office
        role = vocab.title_en_class.get(m.group()) or next(
            cls for w, cls in vocab.title_en_class.items() if w.lower() == m.group()
        )
        start = tb
        # Capitalised qualifiers just before: "British Ambassador", "Yokohama ... Director".
        window = max(0, tb - 60)
        for w in reversed(list(_RE_EN_QUALIFIER.finditer(text[window:tb]))):
            wb, we = window + w.start(), window + w.end()
            if text[we:start] != " " or w.group() in _EN_LEADING:
                break
            start = wb
        stop = _english_name_after(text, te, vocab)
        if stop == te:
            # "Julia Longbottom, Ambassador of ...", "Hiroshi Nakada, the mayor of ..."
            appo = _RE_APPOSITION.search(text[:start])
            if appo and not vocab.title_en_re.search(appo.group(1)):
                lead = _RE_LEAD_WORDS.match(appo.group(1))
                if lead and appo.group(1)[lead.end() :].count(" ") >= 1:
                    start = appo.start(1) + lead.end()
        of = _RE_OF.match(text[stop:])
        while of:
            phrase = _RE_EN_CAPS.match(text, stop + of.end())
            if not phrase:
                break
            stop = stop + of.end() + len(_RE_TO_AND_FOR.split(phrase.group())[0])
            of = _RE_OF.match(text[stop:])
        if start == tb and stop == te and role == "other":
            continue
        out.append(_Span(start, stop, "person", role))
    for m in _honored_in(text):
        out.append(_Span(m.start(), m.end(), "person", "name"))
    return out


def _japanese_orgs(ctx: _Context, vocab: _Vocab) -> list[_Span]:
    text = ctx.text
    out: list[_Span] = []
    for m in vocab.org_re.finditer(text):
        ending = m.group()
        start = _extend_over_places(ctx, _scan_left(text, m.start()))
        shortest = 0 if ending in vocab.standalone else 2 if len(ending) == 1 else 1
        if m.start() - start < shortest:
            continue  # 一部, 反省: a one-letter stem is a word, not a body
        if text[start : m.start()].strip("・") in vocab.generic_stems:
            continue  # 同委員会, 関係機関: a reference, not a name
        if len(ending) == 1 and text.startswith(vocab.org_breakers, m.start()):
            continue  # 課題, 部分, 省エネ: the ending letter starts another word
        stop = m.end()
        if text.startswith(("(", "（"), stop):
            close = text.find(")" if text[stop] == "(" else "）", stop, stop + 16)
            if close > 0 and re.fullmatch(r"[A-Za-z\-]{2,10}", text[stop + 1 : close]):
                stop = close + 1
        out.append(_Span(start, stop, "organisation", vocab.org_class[ending]))
    for m in vocab.prefix_re.finditer(text):
        stop = m.end()
        while stop < len(text) and _RE_QCHAR.match(text[stop]) and stop - m.end() < 30:
            stop += 1
        endings = [e.end() for e in vocab.org_re.finditer(text, m.end(), stop)]
        stop = endings[-1] if endings else stop
        if stop > m.end():
            out.append(_Span(m.start(), stop, "organisation", "private"))
    for m in _known_in(text, vocab):
        if m.group() not in vocab.not_orgs:
            out.append(_Span(m.start(), m.end(), "organisation", "other"))
    # A quoted name with an organisation's ending: 「アジア環境都市プラットフォーム」.
    for m in _RE_QUOTED.finditer(text):
        tail = vocab.org_re.search(m.group(1)[-8:])
        if tail and m.group(1).endswith(tail.group()):
            out.append(_Span(m.start(1), m.end(1), "organisation", vocab.org_class[tail.group()]))
        elif m.group(1).endswith(vocab.quoted_bodies):
            out.append(_Span(m.start(1), m.end(1), "organisation", "other"))
    # A municipality written with its office suffix acts as a body (バンコク都と共催, 東京都と共に).
    for b, e, _ in ctx.places:
        if text.endswith(_GOVERNMENT_SUFFIXES, b, e):
            out.append(_Span(b, e, "organisation", "place"))
    return out


def _english_orgs(ctx: _Context, vocab: _Vocab) -> list[_Span]:
    text = ctx.text
    out: list[_Span] = []
    for m in _caps_in(text):
        phrase, b = m.group(), m.start()
        words = phrase.split(" ")
        while words and words[0] in _EN_LEADING:
            b += len(words[0]) + 1
            words = words[1:]
        phrase = " ".join(words)
        if not phrase:
            continue
        if phrase.startswith(vocab.english_of):
            phrase = _RE_TO_AND_FOR.split(phrase)[0]
            out.append(_Span(b, b + len(phrase), "organisation", "other"))
            continue
        heads = list(vocab.english_head_re.finditer(phrase))
        if not heads:
            continue
        e = heads[-1].end()
        if e == heads[-1].end() - heads[-1].start() and phrase[:e] not in vocab.english_alone:
            continue  # "the Network": a bare head word refers back, it names nothing
        role = "own" if any(phrase[:e].endswith(h) for h in vocab.english_own) else "other"
        out.append(_Span(b, b + e, "organisation", role))
    return out


def _choose(spans: Iterable[_Span], size: int) -> list[_Span]:
    """People first, then longer spans; no overlaps; text order."""
    chosen: list[_Span] = []
    taken = bytearray(size + 1)
    for s in sorted(spans, key=lambda s: (s.kind != "person", s.begin - s.stop, s.begin)):
        if s.stop > s.begin and taken.find(1, s.begin, s.stop) < 0:
            chosen.append(s)
            taken[s.begin : s.stop] = b"\x01" * (s.stop - s.begin)
    return sorted(chosen, key=lambda s: s.begin)


def _fold(text: str) -> str:
    """Full-width ASCII to ASCII, keeping every offset (the gazetteer folds the same way)."""
    return _RE_WIDE.sub(lambda m: m.group().translate(_WIDTH), text)


def find_actors(text: str, *, city: str | None) -> list[Actor]:
    """People and organisations in `text`, in text order, each with the side it is on.

    `city` is the page city's slug (see `parsers.extract.places.home`); None makes every actor
    that is not plainly foreign 'unknown'."""
    return list(_actors(text, city))


@text_memo(256)
def _actors(text: str, city: str | None) -> tuple[Actor, ...]:
    """`find_actors`, remembered: a section's text is read again for each visit drawn from it."""
    parts = _pieces(text)
    if len(parts) > 1 and _apart(_fold(text), parts):
        found = [
            (b + offset, e + offset, kind, side, named)
            for offset, piece in parts
            for b, e, kind, side, named in _piece_actors(piece, city)
        ]
    else:
        found = list(_sided(text, city))
    out: list[Actor] = []
    for b, e, kind, side, named in found:
        words = text[b:e].strip()
        if named:
            side = _side_of_earlier(words, out) or side
        elif kind == "person":
            side = _side_of_short_form(words, out) or _surname_of_head(words, text, city) or side
        out.append(Actor(text[b:e], kind, side, b, e))
    return tuple(out)


_RE_SHORT_FORM = re.compile(
    r"^(?P<surname>[\u4e00-\u9fff]{1,3}?)(?P<title>(?:副)?(?:市長|知事|町長|村長|区長))$"
)


def _side_of_short_form(words: str, earlier: list[Actor]) -> Side | None:
    """`山田副市長` after `アルファ市の山田太郎副市長`: a surname and title stand for the
    person named in full before, on that person's side."""
    match = _RE_SHORT_FORM.match(words)
    if match is None:
        return None
    full = re.compile(
        re.escape(match.group("surname"))
        + r"[\u4e00-\u9fff]{1,3}"
        + re.escape(match.group("title"))
    )
    for actor in reversed(earlier):
        if actor.kind == "person" and full.search(actor.text):
            return actor.side
    return None


def _surname_of_head(words: str, text: str, city: str | None) -> Side | None:
    """`山田市長` where the text never names a 山田市: the page city's own head by surname,
    not the head of a town that shares the name."""
    match = _RE_SHORT_FORM.match(words)
    if match is None or city is None:
        return None
    surname, title = match.group("surname"), match.group("title")
    office = title.removeprefix("副")[0]
    if office != home(city).office:
        return None
    place = surname + office
    return "own" if text.count(place) == text.count(place + "長") else None


_Sided = tuple[tuple[int, int, Kind, Side, bool], ...]


def _sided(text: str, city: str | None) -> _Sided:
    """Each actor's span, kind, side as its own words tell, and whether it is a bare name
    (whose side an earlier mention of the same person may decide)."""
    vocab = _vocab()
    folded = _fold(text)
    if not _cues().search(folded):
        return ()
    ctx = _context(folded, city)
    latin = _RE_ASCII_LETTER.search(ctx.text) is not None  # English names need some
    spans = [
        *_japanese_people(ctx, vocab),
        *(_english_people(ctx, vocab) if latin else ()),
        *_japanese_orgs(ctx, vocab),
        *(_english_orgs(ctx, vocab) if latin else ()),
    ]
    out = []
    for span in _choose(spans, len(text)):
        words = text[span.begin : span.stop].strip()
        if not words or words in vocab.not_orgs:
            continue
        side = _side(span.begin, span.stop, span.role, ctx, vocab)
        out.append((span.begin, span.stop, span.kind, side, span.role == "name"))
    return tuple(out)


@cache
def _cues() -> re.Pattern[str]:
    """Something every actor needs: a title, an organisation's ending or prefix, a known body,
    氏/さん, a quote, Latin letters or a municipality's suffix. Most of a section's sentences
    have none of these and are passed over without reading their places."""
    vocab = _vocab()
    return re.compile(
        "|".join(
            (
                vocab.title_re.pattern,
                vocab.org_re.pattern,
                vocab.prefix_re.pattern,
                _alternation(vocab.known),
                "氏|さん|[A-Za-z「]",
                *_GOVERNMENT_SUFFIXES,
            )
        )
    )


# A section's sentences and lines, read on their own: pages repeat them (stock phrases,
# fields), so a long text is put together from pieces mostly read before.
_piece_actors = text_memo(1024)(_sided)

_PAIRS = (("(", ")"), ("「", "」"))


def _apart(folded: str, parts: list[tuple[int, str]]) -> bool:
    """Whether no actor can reach across the cuts (`。`, line ends). Names and titles hold
    neither; only brackets and quotes are followed across (`…(中略)市長`, `「…」`), so a piece
    that leaves one open, or closes one it did not open, is not read apart."""
    for i, (offset, piece) in enumerate(parts):
        piece = folded[offset : offset + len(piece)]
        for opening, closing in _PAIRS:
            last = piece.rfind(opening)
            if i + 1 < len(parts) and last >= 0 and closing not in piece[last:]:
                return False
            first = piece.find(closing)
            if i and first >= 0 and opening not in piece[:first]:
                return False
    return True


def _side_of_earlier(name: str, earlier: list[Actor]) -> Side | None:
    """A bare name (`Mr. Shiro`, `山田氏`) is on the side of an earlier titled mention of it."""
    core = _RE_BARE_NAME.sub("", name).strip()
    key = core.split()[-1] if core.isascii() and core.split() else core
    if len(key) < 2:
        return None
    for actor in reversed(earlier):
        if actor.kind == "person" and key in actor.text and actor.text != name:
            return actor.side
    return None


def split_actors(text: str, *, city: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(participants, counterparts): own-side actors, then everyone else, deduplicated."""
    own: dict[str, None] = {}
    other: dict[str, None] = {}
    for actor in find_actors(text, city=city):
        (own if actor.side == "own" else other)[actor.text] = None
    return tuple(own), tuple(other)


def find_organisations(text: str) -> list[str]:
    """Organisation names in `text`, in text order, deduplicated."""
    vocab = _vocab()
    ctx = _context(_fold(text), None)
    spans = [*_japanese_orgs(ctx, vocab), *_english_orgs(ctx, vocab)]
    names = (text[s.begin : s.stop] for s in _choose(spans, len(text)))
    return list(dict.fromkeys(n for n in names if n not in vocab.not_orgs))
