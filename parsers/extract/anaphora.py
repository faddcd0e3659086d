"""Places named again by reference: `同省`, `同市`, `同州`, `同国` (the province, city, state or
country just named).

A report names its partner once (`ベトナム・X省と連携して`) and then writes `同省を訪問し`,
`同省代表団が来訪`: a section that only says `同省` is about the place the page named last with
that ending, before the section.
"""

from __future__ import annotations

import re

from citywatch.model import Place
from parsers.extract.abroad import Home, foreign_places
from parsers.extract.places import is_country

__all__ = ["refers_back", "same_place"]

_SAME = re.compile(r"同(?P<kind>省|州|市|国|県|道|区|郡)(?!士|様|時|年|月|日|内容|趣旨)")


def refers_back(text: str) -> bool:
    """Whether `text` names a place only by reference (`同省`, `同市`)."""
    return _SAME.search(text) is not None


def same_place(text: str, before: str, home: Home) -> Place | None:
    """The place abroad a `同X` in `text` points back to, looked for in `before` (the page up to
    the text); None when the text has no such reference or nothing before fits it."""
    match = _SAME.search(text)
    if match is None:
        return None
    kind = match.group("kind")
    best: tuple[int, Place] | None = None
    for place in foreign_places(before, home):
        fits = is_country(place) if kind == "国" else place.name.endswith(kind)
        at = before.rfind(place.name)
        if fits and at >= 0 and (best is None or at > best[0]):
            best = (at, place)
    return best[1] if best else None
