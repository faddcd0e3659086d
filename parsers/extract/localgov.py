"""Every Japanese local government (47 prefectures, 1,718 municipalities, Tokyo's 23 wards).

A watch names its point of view by a slug (`kobe`, `hyogo-pref`, `shinjuku`, `fuchu-hiroshima`)
or a Japanese name (`兵庫県`, `新宿区`, `広島県府中市`). The list is built from a maintained postal
data package by scripts/build_localgov.py into data/localgov.tsv.gz, so resolving needs no extra
runtime dependency. DEVELOPERS.md says how slugs are formed and how collisions are settled.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from citywatch.errors import ConfigError

__all__ = [
    "FORMAT",
    "KIND_WORDS",
    "PREBUILT",
    "PREFECTURE_OFFICES",
    "ROLE_OFFICES",
    "LocalGov",
    "fold",
    "localgovs",
    "resolve",
]

PREBUILT = Path(__file__).parent / "data" / "localgov.tsv.gz"
FORMAT = "citywatch-localgov 1"
PREFECTURE_OFFICES = "都道府県"
# Romanised kind words a slug may carry (`fuchu-shi`, `misato-machi-saitama`), by office.
KIND_WORDS: dict[str, str] = {
    "shi": "市",
    "city": "市",
    "ku": "区",
    "ward": "区",
    "machi": "町",
    "cho": "町",
    "town": "町",
    "mura": "村",
    "son": "村",
    "village": "村",
    "pref": "県",
    "prefecture": "県",
    "ken": "県",
    "fu": "県",
    "to": "県",
    "do": "県",
}
# A head-of-government role class (parsers/extract/data/people.toml) -> the offices whose own it is.
ROLE_OFFICES: dict[str, str] = {
    "city": "市",
    "metropolis": "都",
    "governor": PREFECTURE_OFFICES,
    "ken": "県",
    "fu": "府",
    "do": "道",
    "ward": "区",
    "town": "町",
    "village": "村",
    "mayor": "市区町村",
}
_KIND_RANK = {"市": 0, "区": 1, "町": 2, "村": 3}
_RE_JAPANESE = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")
_RE_QUALIFIED = re.compile(r"(?P<name>.+?)\s*[(（](?P<pref>.+?[都道府県])[)）]")
_RE_FOLD = (
    (re.compile(r"oh(?=[^aeiouy]|$)"), "o"),  # Ohno, Ohta: the long vowel as some hosts spell it
    (re.compile(r"o[ou]"), "o"),
    (re.compile(r"uu"), "u"),
    (re.compile(r"m(?=[bmp])"), "n"),  # Gumma / Gunma, Sambu / Sanbu
)


def fold(romaji: str) -> str:
    """A romanisation with long vowels and n/m variants folded: hyougo, hyogo, hyōgo agree."""
    text = unicodedata.normalize("NFKD", romaji.lower())
    text = "".join(c for c in text if "a" <= c <= "z")
    for pattern, repl in _RE_FOLD:
        text = pattern.sub(repl, text)
    return text


@dataclass(frozen=True, slots=True)
class LocalGov:
    """One local government as the list names it."""

    slug: str  # canonical: `kobe`, `hyogo-pref`, `tokyo`, `fuchu-hiroshima`
    code: str  # 全国地方公共団体コード without its check digit (`28100`; a prefecture `28000`)
    office: str  # 都 道 府 県 市 区 町 村
    prefecture: str  # the prefecture's full name (兵庫県); its own for a prefecture
    name: str  # full name (神戸市, 兵庫県, 新宿区, 北海道)
    stem: str  # the name without its office (神戸, 兵庫, 新宿, 北海道)
    romaji: str  # the stem romanised, lower case, no hyphens (kobe, hyogo)
    kind_word: str  # the office as read: shi, ku, machi, cho, mura, son, ken, fu, to, do
    english: str  # the stem in English (Kobe, Hyogo)
    english_alt: str  # another English spelling from the gazetteer (Ōita), else ""
    population: int  # 0 where the gazetteer has none

    @property
    def is_prefecture(self) -> bool:
        return self.code.endswith("000")


@dataclass(frozen=True, slots=True)
class _Index:
    by_slug: dict[str, LocalGov]
    by_key: dict[str, tuple[LocalGov, ...]]  # folded romaji -> biggest first, prefectures last
    by_name: dict[str, tuple[LocalGov, ...]]  # full kanji name -> all holders
    by_stem: dict[str, tuple[LocalGov, ...]]  # stem -> biggest first, prefectures last
    by_pref_name: dict[str, LocalGov]  # 兵庫県神戸市 -> one
    prefectures: dict[str, LocalGov]  # folded prefecture romaji -> the prefecture


def _priority(g: LocalGov) -> tuple[int, int, int, str]:
    return (int(g.is_prefecture), -g.population, _KIND_RANK.get(g.office, 4), g.code)


def _read(path: Path = PREBUILT) -> list[LocalGov]:
    with gzip.open(path, "rt", encoding="utf-8", newline="\n") as fh:
        if fh.readline() != FORMAT + "\n":
            raise ValueError(f"{path.name}: not a {FORMAT} file; rerun scripts/build_localgov.py")
        fh.readline()  # the sources line
        out = []
        for line in fh:
            slug, code, office, pref, name, stem, romaji, word, english, alt, population = (
                line.rstrip("\n").split("\t")
            )
            row = (slug, code, office, pref, name, stem, romaji, word, english, alt)
            out.append(LocalGov(*row, population=int(population)))
    return out


@cache
def localgovs() -> tuple[LocalGov, ...]:
    """The whole list, in code order."""
    return tuple(_read())


@cache
def _index() -> _Index:
    every = sorted(localgovs(), key=_priority)
    by_key: dict[str, list[LocalGov]] = {}
    by_name: dict[str, list[LocalGov]] = {}
    by_stem: dict[str, list[LocalGov]] = {}
    for g in every:
        by_key.setdefault(fold(g.romaji), []).append(g)
        by_name.setdefault(g.name, []).append(g)
        by_stem.setdefault(g.stem, []).append(g)
    return _Index(
        by_slug={g.slug: g for g in every},
        by_key={k: tuple(v) for k, v in by_key.items()},
        by_name={k: tuple(v) for k, v in by_name.items()},
        by_stem={k: tuple(v) for k, v in by_stem.items()},
        by_pref_name={g.prefecture + g.name: g for g in every if not g.is_prefecture},
        prefectures={fold(g.romaji): g for g in every if g.is_prefecture},
    )


def _resolve_japanese(text: str, idx: _Index) -> LocalGov | None:
    if m := _RE_QUALIFIED.fullmatch(text):  # 府中市（広島県）
        text = m["pref"] + m["name"]
    if found := idx.by_pref_name.get(text):
        return found
    holders = idx.by_name.get(text, ())
    if len(holders) > 1:
        raise ConfigError(
            "ambiguous home city: name its prefecture too",
            city=text,
            candidates=", ".join(g.prefecture + g.name + f" ({g.slug})" for g in holders),
        )
    if holders:
        return holders[0]
    stems = idx.by_stem.get(text, ())  # a bare stem (神戸, 府中) is informal: the biggest
    return stems[0] if stems else None


def _resolve_romaji(text: str, idx: _Index) -> LocalGov | None:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if c.isascii()).replace("_", "-").replace(" ", "-")
    if found := idx.by_slug.get(text):
        return found
    parts = [p for p in text.split("-") if p]
    pref: LocalGov | None = None
    if len(parts) > 1 and (pref := idx.prefectures.get(fold(parts[-1]))) is not None:
        parts.pop()
    office = KIND_WORDS.get(parts[-1]) if len(parts) > 1 else None
    if office:
        parts.pop()
    key = fold("".join(parts))
    tries = [(key, pref, office), (fold(text), None, None)]
    if len(key) > 5 and key.endswith("shi") and office is None:
        tries.append((key[:-3], pref, "市"))  # an old slug written whole: nishitokyoshi
    for k, p, o in tries:
        if found := _pick(idx.by_key.get(k, ()), p, o):
            return found
    return None


def _pick(
    candidates: tuple[LocalGov, ...], pref: LocalGov | None, office: str | None
) -> LocalGov | None:
    """The first (biggest) candidate in `pref` (if given) of the office asked for (if any)."""
    for g in candidates:
        if pref is not None and g.prefecture != pref.name and g is not pref:
            continue
        if office == "県" and not g.is_prefecture:
            continue
        if office not in (None, "県") and g.office != office:
            continue
        return g
    return None


def resolve(city: str) -> LocalGov:
    """The local government `city` names; ConfigError when none does or a name is ambiguous."""
    text = unicodedata.normalize("NFKC", city).strip()
    idx = _index()
    japanese = _RE_JAPANESE.search(text)
    found = _resolve_japanese(text, idx) if japanese else _resolve_romaji(text, idx)
    if found is None:
        raise ConfigError("unknown home city", city=city)
    return found
