"""Reading the text around a title or an organisation's ending: where a name starts and ends.

`parsers.extract.people` finds the role words and endings; these helpers take in what qualifies
them (a place, a body joined by の, a name written before or after) and hold the places and
countries of the text they are judged against.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from parsers.extract.gazetteer import KANJI, KATA
from parsers.extract.people_vocab import Vocab
from parsers.extract.places import HomeCity, find_countries, find_places, home

__all__ = [
    "KANJI",
    "KATA",
    "PERSON_MARKS",
    "RE_KATA_NAME",
    "RE_QCHAR",
    "Context",
    "context",
    "extend_over_no",
    "extend_over_places",
    "name_right",
    "name_tokens_left",
    "scan_left",
]

RE_QCHAR = re.compile(f"[{KANJI}{KATA}A-Za-z0-9・&\\-]")
RE_QRUN_END = re.compile(f"[{KANJI}{KATA}A-Za-z0-9・&\\-]+\\Z")
RE_KANJI_NAME = re.compile(f"[{KANJI}]{{1,5}}")
RE_KATA_NAME = re.compile(f"[{KATA}]+(?:[・=][{KATA}]+)*")
RE_LEFT_TRIM = re.compile(r"[・&\-0-9]+")
RE_KANJI_SPACE_END = re.compile(f"[{KANJI}] $")
PERSON_MARKS = ("氏", "さん", "様", "君")
# A katakana name with a municipality's suffix is a place by its form, known or not.
RE_KATA_TOWN = re.compile(f"[{KATA}]{{2,}}(?:市|州|県|省)")


@dataclass(frozen=True, slots=True)
class Context:
    """What one text's actors are judged against."""

    text: str
    home: HomeCity | None
    places: tuple[tuple[int, int, str | None], ...]  # begin, stop, country of each place
    place_begins: tuple[int, ...]
    countries: tuple[tuple[int, int, str], ...]
    country_begins: tuple[int, ...]


def context(text: str, city: str | None) -> Context:
    city_home = home(city) if city else None
    places = tuple(
        (m.begin, m.stop, m.place.country)
        for m in find_places(text, country="JP" if city_home else None)
    )
    countries = tuple((c.begin, c.stop, c.code) for c in find_countries(text))
    return Context(
        text,
        city_home,
        places,
        tuple(p[0] for p in places),
        countries,
        tuple(c[0] for c in countries),
    )


# --------------------------------------------------------------------------- scanning


def scan_left(text: str, i: int, limit: int = 40) -> int:
    """Start of the qualifier run ending at `i`: name characters and bracketed asides."""
    j = i
    lo = max(0, i - limit)
    while j > lo:
        if text[j - 1] in ")）":
            opening = max(text.rfind("(", max(0, j - 24), j), text.rfind("（", max(0, j - 24), j))
            if opening < 0:
                break
            j = opening
            continue
        run = RE_QRUN_END.search(text, lo, j)  # the name characters ending at j, in one go
        if run is None:
            break
        j = run.start()
    trimmed = RE_LEFT_TRIM.match(text, j, i)
    return trimmed.end() if trimmed else j


def extend_over_places(ctx: Context, start: int) -> int:
    """Pull the start back over a place name the run began inside (さいたま市 + 長)."""
    k = bisect.bisect_left(ctx.place_begins, start) - 1
    if k >= 0:
        b, e, _ = ctx.places[k]
        if b < start <= e:
            return b
    return start


def extend_over_no(ctx: Context, start: int, vocab: Vocab) -> int:
    """`リヨン市のマルタン市長`: take in a place or body joined by の."""
    if start < 2 or ctx.text[start - 1] != "の":
        return start
    before = extend_over_places(ctx, scan_left(ctx.text, start - 1))
    head = ctx.text[before : start - 1]
    if not head:
        return start
    is_place = any(e == start - 1 for _, e, _ in ctx.places) or bool(RE_KATA_TOWN.fullmatch(head))
    is_org = bool(vocab.org_re.search(head[-4:])) or head in vocab.known
    return before if is_place or is_org else start


def name_tokens_left(text: str, start: int, vocab: Vocab) -> int:
    """A name or body before a title, after a space: `山中 竹春 横浜市長`, `ESCAP 事務局長`."""
    pos = start
    tokens: list[tuple[int, int]] = []
    while len(tokens) < 2 and pos >= 2 and text[pos - 1] == " " and text[pos - 2] != " ":
        end = pos - 1
        b = end
        while b > 0 and RE_QCHAR.match(text[b - 1]) and end - b < 24:
            b -= 1
        while b < end and text[b] in "・-&":
            b += 1
        word = text[b:end]
        if not word:
            break
        tokens.append((b, end))
        pos = b
    if not tokens:
        return start
    first = text[tokens[0][0] : tokens[0][1]]
    if first in vocab.known or (RE_KATA_NAME.fullmatch(first) and "・" in first):
        return tokens[0][0]
    kanji = [text[b:e] for b, e in tokens]
    if not all(RE_KANJI_NAME.fullmatch(w) for w in kanji):
        return start
    spaced = RE_KANJI_SPACE_END.search(text[max(0, tokens[-1][0] - 2) : tokens[-1][0]])
    if len(kanji) == 2 and all(len(w) <= 3 for w in kanji) and len("".join(kanji)) >= 3:
        return start if spaced else tokens[1][0]
    if 2 <= len(kanji[0]) <= 5 and not vocab.org_re.search(kanji[0][-3:]):
        return tokens[0][0]
    return start


def past_mark(text: str, i: int) -> int:
    """The end of the honorific (氏, さん, 様, 君) written at `i`."""
    return i + next((len(m) for m in PERSON_MARKS if text.startswith(m, i)), 0)


def name_right(text: str, stop: int) -> int:
    """A name written after a title: `外務大臣 山田一郎 氏`, `市長のマルタン氏`,
    `副市長(山田 一郎)`, `市長の山田 一郎が`, `市長 山田一郎は`."""
    i = stop
    if i < len(text) and text[i] in "(（":
        close = text.find(")" if text[i] == "(" else "）", i, i + 24)
        if close > 0:
            inner = text[i + 1 : close].strip()
            beyond = text[close + 1 : close + 2]
            spaced = " " in inner or (beyond != "" and beyond in _AFTER_NAME)
            if spaced and _RE_FULL_NAME.fullmatch(inner) and not inner.endswith(_NOT_NAME_ENDS):
                return close + 1  # `副市長(山田 一郎)`: the holder's name in brackets
            i = close + 1
    if text.startswith("の", i):
        m = RE_KATA_NAME.match(text, i + 1) or RE_KANJI_NAME.match(text, i + 1)
        if m and text.startswith(PERSON_MARKS, m.end()):
            return past_mark(text, m.end())
        if m and text.startswith("です", m.end()):
            return m.end()  # `松本市長の山田です`: a self-introduction
        full = _RE_FULL_NAME.match(text, i + 1)
        follows = text[full.end() : full.end() + 2].strip()[:1] if full else ""
        if full and " " in full.group() and follows and follows in _AFTER_NAME:
            return full.end()  # `副市長の山田 一郎 が`: a name in two parts
        return stop
    m = RE_KATA_NAME.match(text, i)
    if m and text.startswith(PERSON_MARKS, m.end()):
        return past_mark(text, m.end())
    if not text.startswith(" ", i):
        return stop
    j = i + 1
    kata = RE_KATA_NAME.match(text, j)
    if kata:
        after = kata.end() + (1 if text.startswith(" ", kata.end()) else 0)
        if text.startswith(PERSON_MARKS, after):
            return past_mark(text, after)
        return kata.end() if "・" in kata.group() else stop
    first = RE_KANJI_NAME.match(text, j)
    if not first:
        return stop
    end = first.end()
    second = RE_KANJI_NAME.match(text, end + 1) if text.startswith(" ", end) else None
    if second and len(first.group()) <= 3 and len(second.group()) <= 3:
        end = second.end()
    after = end + (1 if text.startswith(" ", end) else 0)
    if text.startswith(PERSON_MARKS, after):
        return past_mark(text, after)
    nxt = text[end : end + 1]
    if nxt in ("", " ", "\n", "(", "（", "、", "。", ","):
        return end
    # `市長 山田一郎は`: a name of one run, then the particle that makes it the subject
    return end if 3 <= end - j <= 5 and nxt in _AFTER_NAME and nxt != "、" else stop


# A Japanese name: a surname and a given name, spaced or not (`山田 一郎`, `山田一郎`).
_RE_FULL_NAME = re.compile(f"[{KANJI}]{{1,3}} ?[{KANJI}]{{1,3}}")
# Bracketed words after a role that are its remit or its body, not its holder (`(総務担当)`).
_NOT_NAME_ENDS = (
    "担当",
    "当時",
    "部",
    "課",
    "局",
    "室",
    "会",
    "名",
    "人",
    "等",
    "県",
    "市",
    "国",
    "外",
    "他",
)
# What may follow a name that ends a role's phrase: a subject's particle or a list's comma.
_AFTER_NAME = "はがともら、"
