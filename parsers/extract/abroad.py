"""The page's own government as mentions see it, and the places a text names away from it.

Every reading of a sentence asks the same two things: is this place the page's city (or, for
a prefecture, one of its municipalities), and which places does this text name abroad. The
answers are remembered per text, since mentions, events and programmes read the same
sentences many times over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from citywatch.model import Place
from parsers.extract.places import HomeCity, find_countries, find_places
from parsers.text.cues import GOVERNMENT, INTERNATIONAL, movement, sentences
from parsers.text.memo import text_memo

__all__ = [
    "OWN_PREMISES",
    "OWN_WORDS",
    "REGION",
    "SELF",
    "Home",
    "countries_named",
    "foreign_places",
    "international",
    "page_places",
    "places_named",
    "sentence_texts",
]

# How any local government's pages name themselves and their own office, whatever its kind
# (市, 都, 道, 府, 県, 区, 町, 村): 本県, 当町, 知事, 区長, 県庁, 町役場, 議会.
OWN_WORDS = re.compile(
    r"^(?:[本当][市都道府県区町村]|(?:[市区町村]|副[市区町村])長|(?:副)?知事|"
    r"[市都道府県]庁(?:舎)?|[市区]役所|[町村]役場|[市都道府県区町村]議会|議長|[市都]|[道府県区町村](?![\u4e00-\u9fff]))"
)
SELF = re.compile(r"[本当][市都道府県区町村]")
# The same, as the place at the end of a phrase where something was held (`…を本市で`).
OWN_PREMISES = re.compile(
    r"(?:[本当][市都道府県区町村]|[市区]役所|[町村]役場|[都道府県市]庁(?:舎)?|本庁舎|[市区町村]内)$"
)

# Agreement names that embed a place (`パリ協定`, `横浜宣言`) name no place.
_PLACE_IN_NAME = re.compile(r"^(?:協定|宣言|条約|議定書|方式|モデル|会議所)")
# A place a journey only passes through (`パリ経由`, `X空港で乗り継ぎ`, `via Doha`): no stop.
_TRANSIT_AFTER = re.compile(r"^(?:国際)?(?:空港)?(?:経由|で乗り?継|乗り?継ぎ|トランジット)")
_TRANSIT_BEFORE = re.compile(r"\b(?:via|transit(?:ing)? (?:in|at|through))\s+(?:the\s+)?$", re.I)


@cache
def _members(slug: str) -> frozenset[str]:
    """For a prefecture, the names of its municipalities (a visit to one is a visit home);
    for any other government, none."""
    from parsers.extract.localgov import localgovs, resolve

    gov = resolve(slug)
    if not gov.is_prefecture:
        return frozenset()
    found = [g for g in localgovs() if g.prefecture == gov.name and g.slug != gov.slug]
    return frozenset(n for g in found for n in (g.name, g.stem) if len(n) > 1)


@dataclass(frozen=True, slots=True)
class Home:
    """The page city, in the forms mentions are compared with."""

    city: HomeCity
    slug: str
    # Towns abroad the page names once beside their country (`大韓民国富川市`) and bare
    # elsewhere: no gazetteer lists them, the page itself says where they are.
    known: tuple[Place, ...] = ()

    def __hash__(self) -> int:
        # Memo keys hold a Home: its slug decides it, and a field-by-field hash is slow.
        return hash(self.slug)

    def is_home(self, place: Place) -> bool:
        if place.name in self.city.names and place.name.endswith(self.city.office):
            return True  # `大田区` written in full is the home ward, whatever else shares 大田
        if place.name in self.city.names and not place.name.isascii():
            return True  # bare `府中` on Fuchu's own page is Fuchu, whatever else shares it
        if place.country != "JP":
            return False
        name = place.name.removesuffix(self.city.office).removesuffix("市")
        return (
            name in self.city.names
            or place.name in self.city.names
            or any(name.lower() == n.lower() for n in self.city.names)
            or name in _members(self.slug)
            or place.name in _members(self.slug)
        )

    def own_phrase(self, phrase: str) -> bool:
        """Whether a phrase names the page city or its own office (本市, 市長, 横浜市役所)."""
        phrase = phrase.strip(" ・")
        if OWN_WORDS.match(phrase):
            return True
        return any(phrase.startswith(n) for n in self.city.names if len(n) > 1)


def places_named(text: str, home: Home) -> list[Place]:
    """Places named in `text` (not the page city, not inside an agreement's name)."""
    return list(_places_of(text, home))


# A page asks these about the same sentences, clauses and sections many times over (mentions,
# events and programmes each read them), so answers are remembered for a page's worth of texts.
@text_memo(512)
def _places_of(text: str, home: Home) -> tuple[Place, ...]:
    out: list[Place] = []
    matches = find_places(text)
    for match in matches:
        if _PLACE_IN_NAME.match(text[match.stop : match.stop + 4]):
            continue
        if _TRANSIT_AFTER.match(text[match.stop : match.stop + 8]) or _TRANSIT_BEFORE.search(
            text[max(0, match.begin - 20) : match.begin]
        ):
            continue
        if not home.is_home(match.place) and match.place not in out:
            out.append(match.place)
    for place in home.known:
        if place.name in text and not any(place.name in m.text for m in matches):
            out.append(place)
    return tuple(out)


def page_places(text: str) -> tuple[Place, ...]:
    """The towns abroad a page places only by the country written beside them: `Home.known`.
    A long dotted name is known by its first words too (`A・B・C・D村` is `A・B村` further down)."""
    out: list[Place] = []
    for match in find_places(text):
        place = match.place
        if place.country not in (None, "JP") and place not in out and not find_places(place.name):
            out.append(place)
            if read := _READING.search(place.name):  # `Y(ワイ)市` is `Y市` further down
                out.append(
                    Place(place.name[: read.start()] + place.name[read.end() :], place.country)
                )
            words = place.name.split("・")
            if len(words) >= 3 and (suffix := _UNLISTED_END.search(words[-1])):
                out.append(Place(f"{words[0]}・{words[1]}{suffix.group()}", place.country))
    return tuple(out)


_UNLISTED_END = re.compile(r"(?:市|町|村|区|郡|地区)$")
_READING = re.compile(r"[(（][\u30a1-\u30fa\u30fc]{2,10}[)）]")


@text_memo(256)
def sentence_texts(text: str) -> tuple[str, ...]:
    """A section's sentences, remembered: events and programmes both read every one."""
    return tuple(s.text for s in sentences(text))


def countries_named(text: str) -> list[Place]:
    """Countries named as places, not as the modifier of a team, a people or a language
    (`イタリア代表チーム`, `タイ料理`, `フランス語`), nor the name of a hall or a theme park at
    home (`フランス館`, `オランダ村`) or an embassy (`タイ大使館`)."""
    return [
        Place(c.text, c.code) for c in find_countries(text) if not _ATTRIBUTIVE.match(text, c.stop)
    ]


_ATTRIBUTIVE = re.compile(
    r"代表|チーム|料理|語(?!る|り|っ)|人(?!民)|製|産(?!業)|大使館|館|村|風(?!土)"
)


def foreign_places(text: str, home: Home) -> list[Place]:
    """Places outside Japan named in `text`, cities first, then bare countries."""
    return list(_foreign_places(text, home))


@text_memo(512)
def _foreign_places(text: str, home: Home) -> tuple[Place, ...]:
    found = [p for p in _places_of(text, home) if p.country not in (None, "JP")]
    found += [c for c in countries_named(text) if c.country != "JP"]
    return tuple(found)


# Parts of the world a trip may be told by (`ヨーロッパに出張`): abroad, in no one country.
REGION = re.compile(
    r"ヨーロッパ|欧州|北米|南米|中南米|中東|アフリカ|東南アジア|南アジア|中央アジア|オセアニア|"
    r"北欧|東欧|西欧|南欧|\b(?:Europe|North America|South America|Latin America|Middle East|"
    r"Africa|Southeast Asia|Oceania)\b"
)


@text_memo(512)
def international(text: str, home: Home) -> bool:
    """Whether a passage concerns another country, an international body or the state."""
    if INTERNATIONAL.search(text) or GOVERNMENT.search(text):
        return True
    if REGION.search(text) and movement(text):
        return True  # a trip to a part of the world
    return bool(foreign_places(text, home))
