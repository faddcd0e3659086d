"""The watched local government: how its own pages name it and refer to themselves (本市, 本県)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from citywatch.model import Place
from parsers.extract.gazetteer import KANJI
from parsers.extract.gazetteer import gazetteer as _gazetteer
from parsers.extract.localgov import resolve

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


_ENGLISH_FORMS = {
    "市": ("{e}", "{e} City", "City of {e}"),
    "区": ("{e}", "{e} City", "City of {e}", "{e} Ward"),
    "町": ("{e}", "{e} Town", "Town of {e}"),
    "村": ("{e}", "{e} Village", "Village of {e}"),
    "都": ("{e}", "{e} Metropolis", "{e} Metropolitan Government"),
    "道": ("{e}", "{e} Government", "{e} Prefecture"),
    "府": ("{e} Prefecture", "{e}", "{e} Prefectural Government"),
    "県": ("{e} Prefecture", "{e}", "{e} Prefectural Government"),
}


@cache
def home(city: str) -> HomeCity:
    """The watched local government `city`: a slug ('saitama', 'hyogo-pref', 'shinjuku') or its
    Japanese name ('兵庫県', '新宿区'), as parsers/localgov.py resolves it.

    The short kanji used in 来浜-style words comes from the data file, else from the name.
    Raises ConfigError for a name the list does not know or a Japanese name that several
    governments hold."""
    gov = resolve(city)
    office = gov.office
    names = [gov.stem, gov.name]
    for english in dict.fromkeys(e for e in (gov.english_alt, gov.english) if e):
        names += [form.format(e=english) for form in _ENGLISH_FORMS[office]]
    return HomeCity(
        slug=gov.slug,
        place=Place(gov.stem, "JP"),
        names=tuple(dict.fromkeys(names)),
        self_words=(f"本{office}", f"当{office}", office),
        short=_short(gov.stem, gov.office),
        office=office,
    )


# After 来 these make words of time, not arrivals (来月, 来年, 来日 is a visit to Japan).
_NOT_SHORT = frozenset("月年週日春夏秋冬")


def _short(stem: str, office: str) -> str | None:
    """The kanji a city's name shortens to in 来X (a visit to it): the data file's where the
    custom is not the first letter (来浜 for 横浜), else a city's first letter (来松, 来旭)."""
    listed = _gazetteer().home_short.get(stem)
    if listed or office != "市" or len(stem) < 2 or not _KANJI.fullmatch(stem):
        return listed
    return None if stem[0] in _NOT_SHORT else stem[0]


_KANJI = re.compile(f"[{KANJI}]+")
