"""The rewritten mention cues find exactly what their plain forms find."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.extract import clauses, mentions
from parsers.text import cues

# The patterns as first written, with their branches led by lookbehinds.
_PLAIN_DEST_JA = re.compile(
    r"(?:を|への?)(?:表敬)?訪問(?!団|者|先)|を訪れ|を歴訪|を視察|へ(?:の)?(?:出張|派遣|渡航)|"
    r"へ(?:行|赴|向か|出向)|に(?:出張|派遣|到着|赴|出向|渡航)|"
    r"(?<=[市都国州県区])訪問(?!団|者|先|後|前|時|の際)|(?<=[市都国州県区])(?:出張|着)(?![者先])"
)
_PLAIN_HOST = re.compile(r"開催|開かれ|行われ|催され|\b(?:held|hosted|took place|organi[sz]ed)\b")

_PLAIN_CLAUSE_START = re.compile(r"[、。「」『』,]|(?<=[^\s])[がは](?=[^\s])|(?:後|前|際|ため)に")

_PIECES = [
    *"をへのに市都国州県区団者先後前時際着訪問出張派遣到 .xX",
    *"がは、。「」『』,\n",
    "ために",
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
    for stop in range(len(text) + 1):  # read as `_clause_before` reads: up to a cue
        clause = [m.span() for m in clauses.CLAUSE_START.finditer(text, 0, stop)]
        assert clause == [m.span() for m in _PLAIN_CLAUSE_START.finditer(text, 0, stop)]
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


# The shared cues as first written (one pattern each, branches led by `\b` or a group).
_PLAIN_MOVE = re.compile(
    r"訪問(?!者|先)|訪れ|歴訪|出張|渡航|派遣|視察(?:団)?|[へに]行って(?:まいり|参り|き)|赴(?:き|い)|"
    r"出向(?:き|い)|到着|訪問団|代表団|使節団|視察団|ミッション団|"
    r"\b(?:visit(?:s|ed|ing)?|trip|travel(?:l?ed|s)?|toured?|mission|delegation|"
    r"arriv(?:e|ed|al)|went to|came to|courtesy (?:call|visit))\b",
    re.I,
)
_PLAIN_MEETING = re.compile(
    r"面会|会談|懇談|表敬|意見交換|面談|会見(?<!記者会見)|"
    r"\b(?:met|meet(?:s|ing)?|talks|courtesy (?:call|visit))\b"
)
_PLAIN_INBOUND = re.compile(
    r"来日|来訪|来庁|来市|来県|来館|お越し|受け入れ|受入れ|受入|表敬訪問を受け|訪問を受け|"
    r"来場(?=され)|招へいし|招聘し|招待し|出迎え|お迎えし|来浜|"
    r"\b(?:welcomed|received (?:a|the)|hosted|came to|paid a courtesy)\b",
    re.I,
)
_PLAIN_AGREEMENT = re.compile(
    r"覚書|協定(?:書)?|合意書|共同声明|(?:姉妹|友好|パートナー|友好交流|親善)(?:都市|港)?提携|"
    r"(?:姉妹|友好|パートナー|友好交流)都市(?:となり|となった|関係を結|の関係を)|"
    r"\b(?:memorand(?:um|a)(?: of understanding)?|MOUs?|MoUs?|agreements?|joint statement|"
    r"sister[- ]city (?:agreement|affiliation|relationship)|"
    r"(?:friendship|partnership|sister) cit(?:y|ies) (?:agreement|affiliation))\b"
)
_PLAIN_GOVERNMENT = re.compile(
    r"(?:外務|環境|経済産業|国土交通|総務|文部科学|厚生労働|農林水産|財務|法務|防衛|復興|工業|"
    r"商務|国務|外交|産業|通商|交通|内務)省|[\u4e00-\u9fff]{0,6}大臣|\bMinist(?:ry|er)\b"
)
# INTERNATIONAL with its `\b` back in front.
_PLAIN_INTERNATIONAL = re.compile(
    cues.INTERNATIONAL.pattern.replace(r"A(?<!\wA)DB\b", r"\bADB\b")
    .replace(r"C(?<!\wC)40\b", r"\bC40\b")
    .replace(r"E(?<!\wE)U\b", r"\bEU\b")
)

_CUE_PIECES = [
    *"訪問者先団へに行っきてまい参り赴い出向到着会見記者面談来日浜場され",
    *"受入れ省大臣臣館使 .,-xXmMs",
    *("visit", "Visited", "trip", "TRAVELLED", "toured", "mission", "arrived", "went to"),
    *("came to", "courtesy call", "met", "meeting", "talks", "welcomed", "received a", "hosted"),
    *("ſ", "K", "İ", "ı", "Minister", "Ministry", "ADB", "C40", "EU", "agreement", "MOU"),
    *("MoUs", "memoranda of understanding", "sister city affiliation", "friendship cities"),
    *("姉妹", "友好", "友好交流", "都市", "港", "提携", "となり", "の関係を", "覚書"),
    *("協定書", "環境"),
]
_cue_text = st.lists(st.sampled_from(_CUE_PIECES), max_size=12).map("".join)


def _span(match: re.Match[str] | None) -> tuple[int, int] | None:
    return match.span() if match else None


def _check_cues(text: str) -> None:
    assert _span(cues.movement(text)) == _span(_PLAIN_MOVE.search(text))
    assert _spans(cues.MEETING, text) == _spans(_PLAIN_MEETING, text)
    assert _span(cues.inbound_words("浜").search(text)) == _span(_PLAIN_INBOUND.search(text))
    assert _spans(cues.AGREEMENT, text) == _spans(_PLAIN_AGREEMENT, text)
    assert _span(cues.AGREEMENT.search(text)) == _span(_PLAIN_AGREEMENT.search(text))
    assert _spans(cues.INTERNATIONAL, text) == _spans(_PLAIN_INTERNATIONAL, text)
    assert bool(cues.GOVERNMENT.search(text)) == bool(_PLAIN_GOVERNMENT.search(text))


@settings(max_examples=400, deadline=None)
@given(_cue_text)
def test_shared_cues_match_their_plain_forms(text: str) -> None:
    _check_cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "市長がVisited Bonn",
        "xvisit",
        "viſit 訪問",
        "訪問者がtrip",
        "記者会見",
        "ameet met",
        "来場された",
        "EU、xEU、EUx",
        "MOUs sister-city relationship",
        "環境大臣",
        "Ministry",
        "aMinister",
        "友好交流都市提携",
        "友好都市となり",
    ],
)
def test_shared_cues_on_boundaries(text: str) -> None:
    _check_cues(text)
