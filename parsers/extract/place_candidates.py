"""Where a text may name a place: candidate spans read from katakana runs, kanji runs and
capitalised English words, each with the gazetteer entries it could be. `parsers.extract.places`
chooses among them; keeping the reading apart keeps each module small enough to read at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from parsers.extract.countries import RE_KATA_WORD as _RE_KATA_WORD
from parsers.extract.countries import country_code
from parsers.extract.countries import find_countries_folded as _find_countries
from parsers.extract.countries import join as _join
from parsers.extract.countries import latin_phrases as _latin_phrases
from parsers.extract.gazetteer import EN_SUFFIXES as _EN_SUFFIXES
from parsers.extract.gazetteer import JA_SUFFIXES as _JA_SUFFIXES
from parsers.extract.gazetteer import KANJI as _KANJI
from parsers.extract.gazetteer import KATA as _KATA
from parsers.extract.gazetteer import RE_CJK_RUN as _RE_CJK_RUN
from parsers.extract.gazetteer import Entry as _Entry
from parsers.extract.gazetteer import Gazetteer as _Gazetteer
from parsers.extract.gazetteer import gazetteer as _gazetteer
from parsers.extract.gazetteer import kana_key as _kana_key
from parsers.extract.gazetteer import key as _key
from parsers.extract.gazetteer import strip_ja_suffix as _strip_ja_suffix

__all__ = ["Candidate", "cjk_candidates", "kana_candidates", "latin_candidates", "suffix_at"]

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


# What names a state by its English name alone (`the Governor of Hawaii`, `State of Victoria`).
_STATE_CUE = re.compile(r"\b(?:Governor|Premier|State|Province) of (?:the )?$")
_RE_KATA_RUN = re.compile(f"[{_KATA}]+(?:[・･=＝][{_KATA}]+)*")
_RE_GIVEN_NAME = re.compile(f" [{_KANJI}]{{1,3}}(?=[ \n(（氏]|$)")
_RE_CJK_OR_KANA = re.compile(f"[{_KANJI}{_KATA}]")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible mention: the whole span, and inside it the part that names the place."""

    begin: int
    stop: int
    name_begin: int
    name_stop: int
    entries: tuple[_Entry, ...]
    suffix: str
    weak: bool = False  # too small to stand alone: kept only beside its own country


def suffix_at(text: str, i: int, script: str) -> str:
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


def _inside_a_name(text: str, begin: int, gaz: _Gazetteer) -> bool:
    """Whether the katakana word at `begin` continues a dotted name (`ザンクト・アントン`): some
    word before it in the run, after any country (`ドイツ・`), is no place of its own."""
    if begin < 2 or text[begin - 1] not in "・･=":
        return False
    run = _RE_KATA_TAIL.search(text, 0, begin - 1)
    if run is None:
        return False
    words = re.split("[・･=]", run.group())
    if words and country_code(words[0]) is not None:
        words = words[1:]
    return any(w and _kana_key(w) not in gaz.every for w in words)


_RE_KATA_TAIL = re.compile(r"[\u30a1-\u30fa\u30fc・･=]+$")


def kana_candidates(text: str, gaz: _Gazetteer) -> Iterator[Candidate]:
    for m in _RE_KATA_RUN.finditer(text):
        # Whole dotted run first (クアラ・ルンプール), then each dot-separated part.
        parts = [(m.start(), m.end())]
        if "・" in m.group() or "･" in m.group() or "=" in m.group():
            parts += [
                (m.start() + p.start(), m.start() + p.end())
                for p in _RE_KATA_WORD.finditer(m.group())
            ]
        strong_end = -1
        for b, e in parts:
            if (b, e) != parts[0] and _inside_a_name(text, b, gaz):
                continue  # `ザンクト・アントン`: the last word of an unknown name is no place
            key = _kana_key(text[b:e])
            if key not in gaz.every:
                continue
            suffix = suffix_at(text, e, "kana")
            entries = gaz.places(key) if suffix else gaz.bare_places(key)
            stop = e + len(suffix)
            if entries:
                strong_end = e
                yield Candidate(b, stop, b, stop, entries, suffix)
            elif key in gaz.every and key not in gaz.stop:
                yield Candidate(b, stop, b, stop, gaz.places(key), suffix, weak=True)
        last = max(m.group().rfind("・"), m.group().rfind("･")) + 1
        while last and _inside_a_name(text, m.start() + last, gaz):
            # `A・B村`: the dotted words are one name, back to a country before it
            last = max(m.group().rfind("・", 0, last - 1), m.group().rfind("･", 0, last - 1)) + 1
        # A town the gazetteer lacks, or knows only as too small to stand alone, placed by what
        # the page writes beside it.
        if strong_end != m.end() and (unlisted := _unlisted(text, m.start() + last, m.end())):
            yield unlisted


# Suffixes that make an unknown katakana word a place when its country is written beside it.
_UNLISTED_SUFFIXES = (
    "広域市", "特別市", "特別自治道", "市", "州", "省", "県", "道", "町", "村", "郡", "地区", "区",
)  # fmt: skip


_REGION_AFTER = re.compile(r"..(?:州|省|県|郡|地方|自治区|特別区)$")


def _unlisted(text: str, begin: int, end: int) -> Candidate | None:
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
        if code is None and inner.isascii() and suffix:
            # `X市(Bucheon)`: the name in Latin letters the gazetteer knows places it.
            listed = _gazetteer().places(_key(inner))
            code = listed[0].country if len({e.country for e in listed}) == 1 else None
        if code is None and inner and (suffix or _REGION_AFTER.search(inner)):
            # `X(スイス連邦ベルン州)`: its country, then the region it lies in. (A bare word with
            # a country alone is as often a person's or a dish's: `エマ(カナダ)`.)
            lead = next(iter(_find_countries(inner)), None)
            code = lead.code if lead is not None and lead.begin == 0 else None
        if code is None and inner:
            # `X(カリフォルニア州)`: a state or province the gazetteer knows places it.
            base, admin_suffix = _strip_ja_suffix(inner)
            admins = [e for e in _gazetteer().places(_key(base)) if e.admin] if admin_suffix else []
            code = admins[0].country if admins else None
    elif not suffix:
        # A bare unknown word is a place only with its bracket, or right after the state or
        # province it lies in (`カナダ・X州のY`): a state names no person or dish.
        if begin < 3 or text[begin - 1] not in "の・･" or end - begin < 3:
            return None
        code = _state_before(text, begin - 1)
        if code is None:
            return None
    if code is None and suffix and begin:
        # `ルーマニア・X市`, `ベルギー王国X市`: its country written just before it
        gap = 1 if text[begin - 1] in "・･ " else 0
        code = next((c.code for c in _find_countries(text) if c.stop == begin - gap), None)
        code = code or _state_before(text, begin - gap)
    if code is None and suffix == "区":
        code = _city_before(text, begin)  # `X市Y区`: a district of the city before it
    if code is None and suffix and begin and text[begin - 1] in "・･、":
        code = _listed_after(text, begin - 1)
    if code is None and suffix and text[max(0, begin - 2) : begin] in ("及び", "並び"):
        code = _listed_after(text, begin - 2)
    if code is None or code == "JP":
        return None
    entry = _Entry(text[begin:end], code, 0)
    return Candidate(begin, stop, begin, stop, (entry,), suffix)


_RE_LISTED_BEFORE = re.compile(
    r"((?:[\u30a1-\u30fa\u30fc]{2,12}|[\u4e00-\u9fff]{2,4})(?:市|町|村))$"
)


_RE_STATE_BEFORE = re.compile(r"([\u30a1-\u30fa\u30fc]{2,14}|[\u4e00-\u9fff]{2,4})(州|省)$")


_RE_CITY_BEFORE = re.compile(r"([\u30a1-\u30fa\u30fc]{2,14})(?:特別市|市)(?:の)?$")


def _city_before(text: str, at: int) -> str | None:
    """`ウィーン市X区`: the country of a city abroad written just before a district."""
    match = _RE_CITY_BEFORE.search(text, 0, at)
    if match is None:
        return None
    countries = {e.country for e in _gazetteer().places(_key(match.group(1)))}
    return next(iter(countries)) if len(countries) == 1 and "JP" not in countries else None


def _state_before(text: str, at: int) -> str | None:
    """`ブリティッシュコロンビア州X町`: the state or province written just before a town."""
    match = _RE_STATE_BEFORE.search(text, 0, at)
    if match is None:
        return None
    admins = {e.country for e in _gazetteer().places(_key(match.group(1))) if e.admin}
    if len(admins) == 1 and "JP" not in admins:
        return next(iter(admins))
    # `オーストリア共和国チロル州X村`: a state the gazetteer lacks, after its country
    start = match.start() - (1 if match.start() and text[match.start() - 1] in "・･ " else 0)
    code = next((c.code for c in _find_countries(text) if c.stop == start), None)
    return code if code != "JP" else None


def _listed_after(text: str, at: int) -> str | None:
    """`X市・Y町`: a town listed right after a place abroad shares its country."""
    match = _RE_LISTED_BEFORE.search(text, 0, at)
    if match is None:
        return None
    base, _ = _strip_ja_suffix(match.group(1))
    countries = {e.country for e in _gazetteer().places(_key(base))}
    return next(iter(countries)) if len(countries) == 1 and "JP" not in countries else None


def cjk_candidates(text: str, gaz: _Gazetteer) -> Iterator[Candidate]:
    """Kanji and hiragana names, found run by run (runs repeat, so each is read once)."""
    for m in _RE_CJK_RUN.finditer(text):
        base = m.start()
        for b, e, suffix, bare in _run_hits(m.group()):
            given = _RE_GIVEN_NAME.match(text, base + e) if bare else None
            if given and _strip_ja_suffix(given.group()[1:])[0] not in gaz.every:
                continue  # 千葉 愁子: a surname before a given name
            if e - b == 1 and b == 0 and base and _RE_CJK_OR_KANA.match(text, base - 1):
                continue  # `X北市`: 北 inside a longer name is no place of its own
            surface = m.group()[b:e]
            entries = gaz.bare_places(surface) if bare else gaz.places(surface)
            if suffix in _NOT_IN_JAPAN:
                entries = tuple(x for x in entries if x.country != "JP")  # 湖南省 is no 湖南市
                if not entries:
                    continue
            stop = base + e + len(suffix)
            yield Candidate(base + b, stop, base + b, stop, entries, suffix)
            if ward := _ward_of(text, stop, entries, suffix):
                yield ward
        regions: list[Candidate] = []
        for unlisted in _unlisted_kanji(text, base, m.group()):
            regions.append(unlisted)
            yield unlisted
        for kanji in _RE_KANJI_RUN.finditer(m.group()):  # (a run may open with kana: `の河北省`)
            if province := _province(base + kanji.start(), kanji.group()):
                regions.append(province)
                yield province
        for region in regions:
            if town := _town_in_region(text, region):
                yield town


def _town_in_region(text: str, region: Candidate) -> Candidate | None:
    """`X道Y市`, `Z省 Y市`: a town right after the province or state abroad it lies in is in
    that province's country, when the gazetteer lacks it there (it may know the name only in
    Japan). (A reading may sit inside it: `Y(ワイ)市`.)"""
    countries = {e.country for e in region.entries}
    if region.suffix not in _REGION_SUFFIXES or len(countries) != 1 or "JP" in countries:
        return None
    town = _RE_TOWN_AFTER.match(text, region.stop)
    if town is None:
        return None
    country = next(iter(countries))
    if any(e.country == country for e in _gazetteer().places(town.group("stem"))):
        return None  # a town the gazetteer knows there reads as itself
    suffix = town.group("suffix")
    entry = _Entry(town.group("stem") + suffix, country, 0)
    begin = town.start("stem")
    return Candidate(begin, town.end(), begin, town.end(), (entry,), suffix)


_REGION_SUFFIXES = frozenset(("道", "特別自治道", "省", "州", "自治区"))
_RE_TOWN_AFTER = re.compile(
    r"[ \u3000]?(?P<stem>[\u4e00-\u9fff]{1,4}?)(?:[(（][\u30a1-\u30fa\u30fc]{2,10}[)）])?"
    r"(?P<suffix>市|郡|県|区)"
)


_RE_WARD = re.compile(r"[\u4e00-\u9fff]{1,3}区")
_RE_KANJI_RUN = re.compile(r"[\u4e00-\u9fff]{3,}")


def _ward_of(text: str, at: int, entries: tuple[_Entry, ...], suffix: str) -> Candidate | None:
    """`北京市東城区`, `ソウル特別市瑞草区`: a ward right after a city abroad is in its country."""
    countries = {x.country for x in entries}
    if not suffix.endswith("市") or len(countries) != 1 or "JP" in countries:
        return None
    ward = _RE_WARD.match(text, at)
    if ward is None:
        return None
    entry = _Entry(ward.group(), next(iter(countries)), 0)
    return Candidate(at, ward.end(), at, ward.end(), (entry,), "区")


# Kinds of place Japan has none of: a name with them is abroad.
_NOT_IN_JAPAN = frozenset(("省", "州", "広域市", "特別市", "自治区"))

# A Chinese province (四川省, 中国広東省): a kanji name before 省 that is no Japanese ministry
# (外務省) nor the 省 of 省庁 or 省エネ.
_RE_PROVINCE = re.compile(r"^(?:中国|中華人民共和国)?(?P<name>[\u4e00-\u9fff]{2,3}?)省(?![庁令エ])")
_MINISTRIES = frozenset(
    [
        "外務",
        "財務",
        "環境",
        "防衛",
        "法務",
        "総務",
        "文部",
        "厚生",
        "労働",
        "運輸",
        "建設",
        "郵政",
        "大蔵",
        "農林",
        "自治",
        "内務",
        "通産",
        "文科",
        "経産",
        "国交",
        "厚労",
        "農水",
        "中央",
        "関係",
        "各",
        "本",
        "同",
        "両",
    ]
)


# How the names of ministries end, at home and abroad (工業省, 外交部, 教育省): a field of
# government, never a province's name.
_MINISTRY_ENDINGS = frozenset("業務交政防化生通育境易源設働術学療健安法産輸")


def _province(base: int, run: str) -> Candidate | None:
    match = _RE_PROVINCE.match(run)
    if match is None:
        return None
    name = match.group("name")
    if name in _MINISTRIES or name[-1] in _MINISTRY_ENDINGS:
        return None
    if "県" in name or name.startswith(("友好", "姉妹")):
        return None  # `友好県省`: a prefecture's partner province, named by the tie, not a place
    begin, stop = base + match.start("name"), base + match.end()
    entry = _Entry(run[match.start("name") : match.end()], "CN", 0)
    return Candidate(begin, stop, begin, stop, (entry,), "省")


_RE_KANJI_STEM = re.compile(r"[\u4e00-\u9fff]{2,4}?(?=広域市|特別市|特別自治道|市|州|省|県|郡|道)")


def _unlisted_kanji(text: str, base: int, run: str) -> list[Candidate]:
    """`大韓民国・富川市`, `…年に大韓民国富川市と`, `韓国 富川市`, `富川市(Bucheon)`: kanji towns
    no gazetteer lists, opening their run or right after a country named in it, placed by
    that country or the bracket after them."""
    starts = [c.stop for c in _find_countries(run) if c.code != "JP"]
    if (base and text[base - 1] in "・･ ") or "(" in text[base + len(run) : base + len(run) + 1]:
        starts.insert(0, 0)
    found: list[Candidate] = []
    for offset in starts:
        stem = _RE_KANJI_STEM.match(run, offset)
        if stem is None or stem.group() in _gazetteer().every:
            continue
        if unlisted := _unlisted(text, base + offset, base + stem.end()):
            found.append(unlisted)
    return found


# Words of a tie between places (`友好県`, `姉妹州`): before a suffix they name no place.
_TIE_WORDS = frozenset(("友好", "姉妹", "親善", "交流", "提携", "友好交流"))


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
        suffix = suffix_at(run, p, "kanji")
        after = run[p + len(suffix) : p + len(suffix) + 1]
        if not suffix or (after and after in _PERSON_AFTER):
            continue
        for length in range(1, min(gaz.cjk_max, p) + 1):
            if run[p - length : p] in _TIE_WORDS:
                continue  # `友好県省`, `姉妹州`: named by the tie, no place of that name
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


def latin_candidates(text: str, gaz: _Gazetteer) -> Iterator[Candidate]:
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
                suffix = suffix_at(text, e, "latin")
                of = text[max(0, b - 8) : b] == "City of "
                entries = gaz.places(phrase) if (suffix or of) else gaz.bare_places(phrase)
                if not entries and (
                    _STATE_CUE.search(text, max(0, b - 24), b) or text.startswith(" State", e)
                ):
                    entries = _states(gaz, phrase)  # `the Governor of Hawaii`, `Hawaii State`
                begin = b - 8 if of else b
                if entries:
                    yield Candidate(begin, e + len(suffix), b, e, entries, suffix.strip())
                    break
                if phrase in gaz.every and phrase not in gaz.stop and phrase[1:].islower():
                    weak = gaz.places(phrase)
                    yield Candidate(begin, e + len(suffix), b, e, weak, suffix.strip(), True)


def _states(gaz: _Gazetteer, name: str) -> tuple[_Entry, ...]:
    """The states or provinces an English name denotes where the text says it is one."""
    found = tuple(x for x in gaz.places(name) if x.admin)
    return found or tuple(_Entry(name, c, 0, admin=True) for c in gaz.admin_en.get(name, ())[:1])
