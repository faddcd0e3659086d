"""The vocabulary of `parsers.extract.people` (`data/people.toml`) compiled, and fast scanners
over it.

Python's re skips ahead to a pattern's possible first letters only when the pattern does not
open with an assertion; the English patterns here are guarded by a lookbehind (`Mayor` but not
`xMayor`), so each is searched without it and the guard is checked on the match (`scan`), about
ten times faster on Japanese text and with exactly `finditer`'s results.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = [
    "EN_LEADING",
    "RE_EN_CAPS",
    "Vocab",
    "alternation",
    "caps_in",
    "honored_in",
    "known_in",
    "scan",
    "titles_en_in",
    "vocab",
]

_DATA = Path(__file__).parent / "data" / "people.toml"

_EN_WORD = r"(?:(?:[A-Z]\.){2,}|(?:Inc|Co|Ltd|Corp|Jr|St)\.|[A-Z][A-Za-z'’\-]*(?<!'s)(?<!’s))"
RE_EN_CAPS = re.compile(
    rf"{_EN_WORD}(?: (?:(?:of|for|to)(?: the)?|and(?! the)|de|du|la))?"
    rf"(?: {_EN_WORD}(?: (?:(?:of|for|to)(?: the)?|and(?! the)|de|du|la))?)*(?<=[A-Za-z.])"
)
EN_LEADING = frozenset(
    re.findall(
        r"\S+",
        "The A An In On At From To During Since With For By And Our His Her Its This That These "
        "Those I We He She They It Also Meanwhile Additionally Until When After Before Later "
        "Then Today Yesterday Finally However",
    )
)
_RE_UPPER = re.compile("[A-Z]")
# Led by a lookbehind in spirit: `scan` checks that no letter comes before.
_RE_EN_HONORED = re.compile(r"(?:Mr|Ms|Mrs|Dr)\. ([A-Z][a-zA-Z\-]*)(?: [A-Z][a-zA-Z\-]*){0,3}")


@dataclass(frozen=True, slots=True)
class Vocab:
    """The data file, compiled into lookups and patterns."""

    title_class: dict[str, str]  # Japanese role word -> its class in people.toml
    title_re: re.Pattern[str]
    title_en_class: dict[str, str]
    title_en_re: re.Pattern[str]
    honorific_re: re.Pattern[str]
    org_class: dict[str, str]  # Japanese ending -> own | other
    org_re: re.Pattern[str]
    org_long_re: re.Pattern[str]  # endings of two letters or more
    prefix_re: re.Pattern[str]
    english_head_re: re.Pattern[str]
    english_own: frozenset[str]
    english_of: tuple[str, ...]
    english_alone: frozenset[str]
    standalone: frozenset[str]
    known: frozenset[str]
    known_re: re.Pattern[str]
    known_scan: re.Pattern[str]  # known_re without its lookbehind, for `scan`
    title_en_scan: re.Pattern[str]  # title_en_re likewise; a lower-case title needs "the "
    not_orgs: frozenset[str]
    skip_prefixes: tuple[str, ...]
    generic_stems: frozenset[str]
    title_breakers: tuple[str, ...]
    org_breakers: tuple[str, ...]
    quoted_bodies: tuple[str, ...]  # katakana words ending a quoted body's name


def scan(
    pattern: re.Pattern[str], text: str, ok: Callable[[str, int, re.Match[str]], bool]
) -> Iterator[re.Match[str]]:
    """What `finditer` gives for `pattern` led by the lookbehind that `ok` checks: a match
    the guard refuses is skipped one letter on, as re itself would."""
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        start = m.start()
        if ok(text, start, m):
            yield m
            pos = max(m.end(), start + 1)
        else:
            pos = start + 1


def _after_non_letter(text: str, i: int, m: re.Match[str]) -> bool:
    return i == 0 or not ("A" <= text[i - 1] <= "Z" or "a" <= text[i - 1] <= "z")


def _known_ok(text: str, i: int, m: re.Match[str]) -> bool:
    return _after_non_letter(text, i, m) and (i == 0 or text[i - 1] != "-")


def _title_en_ok(text: str, i: int, m: re.Match[str]) -> bool:
    after_the = not text[i].islower() or (i >= 4 and text.startswith("the ", i - 4))
    return after_the and _after_non_letter(text, i, m)


def known_in(text: str, vocab: Vocab) -> Iterator[re.Match[str]]:
    """`vocab.known_re.finditer(text)`, fast."""
    return scan(vocab.known_scan, text, _known_ok)


def titles_en_in(text: str, vocab: Vocab) -> Iterator[re.Match[str]]:
    """`vocab.title_en_re.finditer(text)`, fast."""
    return scan(vocab.title_en_scan, text, _title_en_ok)


def honored_in(text: str) -> Iterator[re.Match[str]]:
    """`Mr. Hirotoshi Shiro`: an honorific and a capitalised name, not inside a word."""
    return scan(_RE_EN_HONORED, text, _after_non_letter)


def caps_in(text: str) -> Iterator[re.Match[str]]:
    """`RE_EN_CAPS.finditer(text)`, tried only where a capital letter stands."""
    pos = 0
    while (u := _RE_UPPER.search(text, pos)) is not None:
        m = RE_EN_CAPS.match(text, u.start())
        if m is None:
            pos = u.start() + 1
        else:
            yield m
            pos = m.end()


def alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def vocab() -> Vocab:
    with _DATA.open("rb") as fh:
        raw = tomllib.load(fh)
    title_class = {
        w: cls for cls, words in raw["titles"].items() if isinstance(words, list) for w in words
    }
    en = raw["titles_en"]
    title_en_class = {
        w: cls
        for cls, ws in en.items()
        if cls != "honorifics" and isinstance(ws, list)  # a table's `reason` is no word list
        for w in ws
    }
    orgs = raw["organisations"]
    org_class = {w: "other" for w in orgs["other"]} | {w: "own" for w in orgs["own"]}
    known = frozenset(raw["known"]["names"])
    titles_en = alternation(title_en_class)
    lower_titles = alternation(w.lower() for w in title_en_class)
    return Vocab(
        title_class=title_class,
        title_re=re.compile(alternation(title_class)),
        title_en_class=title_en_class,
        title_en_re=re.compile(
            rf"(?<![A-Za-z])(?:{titles_en}|(?<=the )(?:{lower_titles}))(?![A-Za-z'’])"
        ),
        honorific_re=re.compile(rf"(?:{alternation(en['honorifics'])}) "),
        org_class=org_class,
        org_re=re.compile(alternation(org_class)),
        org_long_re=re.compile(alternation(w for w in org_class if len(w) > 1)),
        prefix_re=re.compile(alternation(orgs["prefixes"])),
        english_head_re=re.compile(rf"(?<![A-Za-z])(?:{alternation(orgs['english'])})(?![A-Za-z])"),
        english_own=frozenset(orgs.get("english_own", ())),
        english_of=tuple(orgs["english_heads"]),
        english_alone=frozenset(orgs.get("english_alone", ())),
        standalone=frozenset(orgs.get("standalone", ())),
        known=known,
        known_re=re.compile(rf"(?<![A-Za-z\-])(?:{alternation(known)})(?![A-Za-z\-])"),
        known_scan=re.compile(rf"(?:{alternation(known)})(?![A-Za-z\-])"),
        title_en_scan=re.compile(rf"(?:{titles_en}|{lower_titles})(?![A-Za-z'’])"),
        not_orgs=frozenset(raw["known"]["not_organisations"]),
        skip_prefixes=tuple(raw.get("skip_prefixes", {}).get("words", ())),
        generic_stems=frozenset(orgs.get("generic_stems", ())),
        title_breakers=tuple(raw.get("title_compounds", {}).get("words", ())),
        org_breakers=tuple(orgs.get("breakers", ())),
        quoted_bodies=tuple(orgs.get("quoted", ())),
    )
