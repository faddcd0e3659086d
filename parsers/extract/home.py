"""The watched city: how its own pages name it and refer to themselves (本市, 当市, 市長)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from citywatch.errors import ConfigError
from citywatch.model import Place
from parsers.extract.gazetteer import RE_KANJI as _RE_KANJI
from parsers.extract.gazetteer import gazetteer as _gazetteer
from parsers.extract.gazetteer import script as _script

__all__ = ["HomeCity", "home"]


@dataclass(frozen=True, slots=True)
class HomeCity:
    """A watched city's identity: how its own pages name it and refer to themselves."""

    slug: str
    place: Place
    names: tuple[str, ...]
    self_words: tuple[str, ...]
    short: str | None
    office: str

    def __hash__(self) -> int:
        # Its slug decides it; hashing every field anew cost a microsecond per memo look-up.
        return hash(self.slug)


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
