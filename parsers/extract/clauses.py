"""Clauses of a Japanese sentence: where the phrase before a cue word begins.

The words right before `を訪問`, `訪問団` or `表敬` say who or where; they run back to the
nearest clause start (a comma, `が`, `は`, a quote), or further over a list of places.
"""

from __future__ import annotations

import re

from parsers.extract.places import find_countries, find_places

__all__ = ["CLAUSE_START", "SENT_TO", "SUBJECT", "clause_before", "ends_with_place"]

# Every branch opens with a literal (`が(?<=\Sが)` is `(?<=\S)が`), so re can skip ahead.
CLAUSE_START = re.compile(
    r"、|。|「|」|『|』|,|が(?<=[^\s]が)(?=[^\s])|は(?<=[^\s]は)(?=[^\s])|後に|前に|際に|ために"
)
SUBJECT = re.compile(r"(?P<subject>[^、。「」]{1,40}?)(?:が|は)")

# The particle marking where a group was sent (`X市へ訪問団を派遣`, `X市への代表団の派遣`).
SENT_TO = re.compile(r"(?:への|へ|に)(?=[^へに]*$)")


def clause_before(sentence: str, stop: int, *, lists: bool = False) -> str:
    """The clause ending at `stop`; with `lists`, a list of places written with `、` before it
    (`A市、B市及びC市を訪問`) stays whole."""
    starts = [0, *(m.end() for m in CLAUSE_START.finditer(sentence, 0, stop))]
    start = starts[-1]
    if lists:
        for earlier in reversed(starts[:-1]):
            if sentence[start - 1 : start] != "、":
                break
            item = sentence[earlier : start - 1]
            if not ends_with_place(item):
                break
            start = earlier
    return sentence[start:stop]


def ends_with_place(text: str) -> bool:
    """Whether a list item is a place (`フランス共和国リヨン市`), not a clause."""
    ends = [m.stop for m in find_places(text)] + [c.stop for c in find_countries(text)]
    return bool(text) and max(ends, default=-1) >= len(text.rstrip()) - 0
