"""Country names in running text, in Japanese and English, and their ISO codes.

Names come from the gazetteer (`parsers.extract.gazetteer`: pycountry's countries in English
and its Japanese catalogue, topped up by `data/places.toml`). `parsers.extract.places` uses the
same scan to read the countries written around a place name.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from parsers.extract.gazetteer import KATA as _KATA
from parsers.extract.gazetteer import fold as _fold
from parsers.extract.gazetteer import gazetteer as _gazetteer
from parsers.extract.gazetteer import kana_key as _kana_key
from parsers.extract.gazetteer import key as _key
from parsers.text.memo import text_memo

__all__ = [
    "RE_KATA_WORD",
    "CountryMatch",
    "country_code",
    "find_countries",
    "find_countries_folded",
    "join",
    "latin_phrases",
    "pieces",
]

_MAX_STATE_TAIL = 7  # 人民民主共和国
RE_KATA_WORD = re.compile(f"[{_KATA}]+")
_RE_CAPITAL = re.compile("[A-Z]")
_RE_PIECE = re.compile("[^\n。]*。|[^\n。]+")
_RE_LATIN_WORD = re.compile(r"(?:[A-Z]\.){2,}|[A-Z][A-Za-z'’.\-]*[A-Za-z]|[A-Z]|[a-z]+")


@dataclass(frozen=True, slots=True)
class CountryMatch:
    """One country mention with its ISO 3166-1 alpha-2 code."""

    code: str
    begin: int
    stop: int
    text: str


def country_code(name: str) -> str | None:
    """ISO alpha-2 code for a country name in Japanese or English, or None."""
    gaz = _gazetteer()
    text = _fold(name).strip().strip("()（）「」")
    if not text:
        return None
    if text in gaz.abbreviations:
        return gaz.abbreviations[text]
    code = gaz.countries.get(_key(text))
    if code:
        return code
    return gaz.lookup.get(text.lower()) if text.isascii() else None


@text_memo()
def find_countries_folded(text: str) -> tuple[CountryMatch, ...]:
    """Country mentions in folded text; cached because find_places needs them too."""
    parts = pieces(text)
    if len(parts) > 1:
        return _piece_by_piece(parts)
    gaz = _gazetteer()
    out: list[CountryMatch] = []
    for part in RE_KATA_WORD.finditer(text):
        b, e = part.start(), part.end()
        code = gaz.countries.get(_kana_key(part.group()))
        # モザンビーク共和国, オーストラリア連邦: a katakana name with a kanji state form.
        if text[e : e + 1] in gaz.state_form_starts:
            for tail in range(min(_MAX_STATE_TAIL, len(text) - e), 0, -1):
                longer = gaz.countries.get(text[b : e + tail])
                if longer and (not code or longer == code):
                    code, e = longer, e + tail
                    break
        if code:
            out.append(CountryMatch(code, b, e, text[b:e]))
    for m in gaz.country_cjk.finditer(text):
        out.append(CountryMatch(gaz.countries[m.group()], m.start(), m.end(), m.group()))
    for _, _, words in latin_phrases(text):
        i = 0
        while i < len(words):
            for n in range(min(5, len(words) - i), 0, -1):
                phrase = join(text, words[i : i + n])
                if phrase is None:
                    continue
                code = gaz.countries.get(phrase) if phrase[:1].isupper() else None
                if code:
                    out.append(CountryMatch(code, words[i][0], words[i + n - 1][1], phrase))
                    i += n - 1
                    break
            i += 1
    out.sort(key=lambda c: c.begin)
    return tuple(out)


def pieces(text: str) -> list[tuple[int, str]]:
    """A text cut after each `。` and at line ends, as (offset, piece): no place or country
    name runs across these cuts, and the pieces are the sentences that mentions are read from,
    so a long text's names can be put together from its sentences' (mostly known already).
    A text of one piece (most texts asked about are sentences) gives [] without a scan."""
    if "\n" not in text and text.find("。", 0, len(text) - 1) < 0:
        return []
    return [(m.start(), m.group()) for m in _RE_PIECE.finditer(text)]


def _piece_by_piece(parts: list[tuple[int, str]]) -> tuple[CountryMatch, ...]:
    out: list[CountryMatch] = []
    for offset, piece in parts:
        out += [
            CountryMatch(c.code, c.begin + offset, c.stop + offset, c.text)
            for c in find_countries_folded(piece)
        ]
    return tuple(out)


def find_countries(text: str) -> list[CountryMatch]:
    """Every country name in a text, in text order (Japanese, English and U.K.-style forms)."""
    return list(_countries_in(text))


@text_memo()
def _countries_in(text: str) -> tuple[CountryMatch, ...]:
    folded = _fold(text)
    if folded == text:
        return find_countries_folded(folded)
    return tuple(
        CountryMatch(c.code, c.begin, c.stop, text[c.begin : c.stop])
        for c in find_countries_folded(folded)
    )


def latin_phrases(text: str) -> tuple[tuple[int, int, list[tuple[int, int]]], ...]:
    """Runs of words that contain capitals, as (begin, stop, [(word begin, word stop)])."""
    if not _RE_CAPITAL.search(text):
        return ()  # most Japanese texts: no capital, so no run worth reading (or remembering)
    return _latin_phrases(text)


# Short forms written with a stop inside place names.
_ABBREVIATED = frozenset({"St", "Ste", "Mt", "Ft", "Pt"})


@text_memo()
def _latin_phrases(text: str) -> tuple[tuple[int, int, list[tuple[int, int]]], ...]:
    out: list[tuple[int, int, list[tuple[int, int]]]] = []
    run: list[tuple[int, int]] = []
    for m in _RE_LATIN_WORD.finditer(text):
        w = (m.start(), m.end())
        gap = text[run[-1][1] : w[0]] if run else ""
        if gap == ". " and text[run[-1][0] : run[-1][1]] in _ABBREVIATED:
            gap = " "  # `St. Petersburg`, `Mt. Fuji`: the stop ends a short form, not a phrase
        if run and gap not in (" ", "-", ", ", " - "):
            if any(text[b].isupper() for b, _ in run):
                out.append((run[0][0], run[-1][1], run))
            run = []
        run.append(w)
    if run and any(text[b].isupper() for b, _ in run):
        out.append((run[0][0], run[-1][1], run))
    return tuple(out)


def join(text: str, words: list[tuple[int, int]]) -> str | None:
    """The phrase the words spell, with single spaces; None when a comma splits it."""
    parts = [text[words[0][0] : words[0][1]]]
    for (_, e), (b, e2) in itertools.pairwise(words):
        if "," in text[e:b]:
            return None
        if text[e:b] == ". ":
            parts[-1] += "."  # `St. Petersburg` keeps its stop
        parts.append(text[b:e2])
    return " ".join(parts)
