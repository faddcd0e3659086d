"""The rewritten mention cues find exactly what their plain forms find."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import mentions

# The patterns as first written, with their branches led by lookbehinds.
_PLAIN_DEST_JA = re.compile(
    r"(?:を|への?)(?:表敬)?訪問(?!団|者|先)|を訪れ|を歴訪|を視察|へ(?:の)?(?:出張|派遣|渡航)|"
    r"へ(?:行|赴|向か|出向)|に(?:出張|派遣|到着|赴|出向|渡航)|"
    r"(?<=[市都国州県区])訪問(?!団|者|先|後|前|時|の際)|(?<=[市都国州県区])(?:出張|着)(?![者先])"
)
_PLAIN_HOST = re.compile(r"開催|開かれ|行われ|催され|\b(?:held|hosted|took place|organi[sz]ed)\b")

_PIECES = [
    *"をへのに市都国州県区団者先後前時際着訪問出張派遣到 .xX",
    "表敬",
    "訪れ",
    "held",
    "hosted",
]
_PIECES += ["visit", "Visited", " to ", "trip of ", "toured", "ſ", "の際", "took place"]
_text = st.lists(st.sampled_from(_PIECES), max_size=14).map("".join)


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def _check(text: str) -> None:
    assert _spans(mentions._DEST_JA, text) == _spans(_PLAIN_DEST_JA, text)
    hosted = mentions._HOST_JA.search(text) or (
        mentions._RE_LATIN.search(text) and mentions._HOST_EN.search(text)
    )
    assert bool(hosted) == bool(_PLAIN_HOST.search(text))
    english = _spans(mentions._DEST_EN, text) if mentions._RE_LATIN.search(text) else []
    assert english == _spans(mentions._DEST_EN, text)


@settings(max_examples=400, deadline=None)
@given(_text)
def test_cues_match_their_plain_forms(text: str) -> None:
    _check(text)


@pytest.mark.parametrize(
    "text",
    [
        "横浜市訪問団が市訪問",
        "ソウル市訪問後",
        "市着",
        "市着者",
        "国出張へ出張",
        "were held in",
        "upheld",
    ],
)
def test_cues_on_boundaries(text: str) -> None:
    _check(text)
