"""The words that make a passage a visit, an agreement, or international at all.

General vocabulary only (no page's names): the verbs of travel and meeting in Japanese and
English, the documents that found a programme, the bodies that make a meeting diplomatic. The
extraction modules ask these questions of sentences; keeping the vocabulary in one place keeps
their answers consistent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "AGREEMENT",
    "ANNIVERSARY",
    "GOVERNMENT",
    "INTERNATIONAL",
    "MEETING",
    "NO_TRAVEL",
    "PROGRAMME_TITLE",
    "RECRUITS",
    "RELATIVE_NOW",
    "SIGNED_NOW",
    "SIGNING",
    "Cue",
    "Sentence",
    "inbound_words",
    "is_english",
    "movement",
    "sentences",
]

# Runs, not single letters: counting letters by the run is several times faster.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]+")
_LATIN = re.compile(r"[A-Za-z]+")


def _letters(pattern: re.Pattern[str], text: str) -> int:
    return sum(map(len, pattern.findall(text)))


def is_english(text: str) -> bool:
    """Whether a passage is written in English (few kana or kanji among its letters)."""
    sample = text[:4000]
    latin = _letters(_LATIN, sample)
    if latin <= 40:
        return False  # a Japanese page: its kana and kanji need no counting
    return _letters(_CJK, sample) < latin * 0.05


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a section with its offset in the section's text."""

    text: str
    begin: int


_JA_END = re.compile(r"[。！？]")
_EN_END = re.compile(r"[.!?](?=\s+[\"“(]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Ms|Mrs|Dr|St|No|Mt|vs|Jr|Sr|Co|Inc|Ltd|Prof|Gen|Gov|Dept|etc|Jan|Feb|Mar|Apr|"
    r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z]|\b[A-Z]\.[A-Z])$"
)


def _english_cuts(line: str) -> list[int]:
    if "." not in line and "!" not in line and "?" not in line:
        return []
    # An abbreviation is at most four letters: look at the few before the stop (`\b` still
    # sees the letter before the window).
    return [
        m.end()
        for m in _EN_END.finditer(line)
        if not _ABBREVIATION.search(line, max(0, m.start() - 8), m.start())
    ]


def sentences(text: str) -> Iterator[Sentence]:
    """Split a section's text at line ends and sentence ends (Japanese and English)."""
    pos = 0
    for line in text.split("\n"):
        start = 0
        cuts = [m.end() for m in _JA_END.finditer(line)]
        if english := _english_cuts(line):
            cuts = sorted({*cuts, *english})
        for cut in cuts:
            piece = line[start:cut]
            if piece.strip():
                yield Sentence(piece, pos + start)
            start = cut
        if line[start:].strip():
            yield Sentence(line[start:], pos + start)
        pos += len(line) + 1


class Cue:
    """Japanese and English words searched as one pattern of both would be, only faster.

    re skips ahead to the next possible start only when every branch opens with a literal letter
    and no branch is case-blind; English words want `\b` and IGNORECASE. So the Japanese words
    are one pattern whose branches open with literals, and the English ones another, tried only
    on texts with a letter they could match. No position can start both, so the earlier match is
    the one the single pattern would give.
    """

    __slots__ = ("en", "ja")

    def __init__(self, ja: str, en: str, flags: int = 0) -> None:
        self.ja = re.compile(ja)
        self.en = re.compile(en, flags)

    def search(self, text: str) -> re.Match[str] | None:
        ja = self.ja.search(text)
        if not _LATIN_LETTER.search(text):
            return ja
        en = self.en.search(text)
        if en is None or (ja is not None and ja.start() < en.start()):
            return ja
        return en


# Letters a case-blind English word can match (ſ is s, K is k, İ and ı are i).
_LATIN_LETTER = re.compile("[A-Za-z\u0130\u0131\u017f\u212a]")

# Travel that takes someone from one city to another, in either direction.
_MOVE = Cue(
    r"訪問(?!者|先)|訪れ|訪ね|歴訪|出張(?!報告)|渡航|派遣(?!職員|社員|元|会社|研修|事業|制度|プログラム)|視察(?:団)?|へ行って(?:まいり|参り|き)|"
    r"に行って(?:まいり|参り|き)|赴(?:き|い)|出向(?:き|い)|到着|訪問団|代表団|使節団|視察団|"
    r"ミッション団|要望活動|政府要望|上京|立ち?寄",
    r"\b(?:visit(?:s|ed|ing)?|trip|travel(?:l?ed|s)?|toured?|mission|delegation|"
    r"arriv(?:e|ed|al)|went to|came to|courtesy (?:call|visit)|stopped (?:over )?(?:in|at))\b",
    re.I,
)
# Meeting someone: a diplomatic act wherever it happens. (`m(?<!\wm)` is `\bm` written behind
# the letter, so every branch opens with a literal and re can skip ahead.)
MEETING = re.compile(
    r"面会|会談|懇談|表敬|意見交換|面談|会見(?<!記者会見)|"
    r"m(?<!\wm)(?:et|eet(?:s|ing)?)\b|t(?<!\wt)alks\b|c(?<!\wc)ourtesy (?:call|visit)\b"
)
# A meeting held over the network, or a visit called off: no one travelled (`オンラインで会談`,
# `先方の都合により中止`, `a video conference`, `postponed`).
NO_TRAVEL = re.compile(
    r"オンライン|ウェブ会議|Web会議|WEB会議|テレビ会議|ビデオ会議|リモートで|"
    r"中止|延期|見送|取りやめ|取り止め|"
    r"\bonline\b|\bvideo ?conference|\bvirtual(?:ly)?\b|\bcancell?ed\b|\bpostponed\b",
    re.I,
)

# Arrival words that say someone came to the writer's city.
_INBOUND_JA = (
    r"来(?<![将以従元由未]来)(?:日|訪|庁|市|県|町|村|区|館)|お越し|受け入れ|受入れ|受入|"
    r"表敬訪問を受け|訪問を受け|"
    r"来場(?=され)|招へいし|招聘し|招待し|出迎え|お迎えし"
)
_INBOUND_EN = r"\b(?:welcomed|received (?:a|the)|hosted|came to|paid a courtesy)\b"


def movement(text: str) -> re.Match[str] | None:
    """The first travel word in `text`."""
    return _MOVE.search(text)


@lru_cache(maxsize=64)
def inbound_words(short: str | None) -> Cue:
    """Arrival words for a city whose one-letter name is `short` (浜 gives 来浜)."""
    extra = f"|来{re.escape(short)}" if short else ""
    return Cue(f"{_INBOUND_JA}{extra}", _INBOUND_EN, re.I)


# The documents and links that found a programme (each branch opens with a literal: see Cue).
AGREEMENT = re.compile(
    r"覚書|協定(?:書)?|合意書|共同声明|共同宣言|宣言書|"
    r"姉妹(?:都市|港|州|省|県|区)?(?:の)?提携|友好(?:都市|港|州|省|県|区)?(?:の)?提携|"
    r"パートナー(?:都市|港)?(?:の)?提携|"
    r"友好交流(?:都市|港)?提携|親善(?:都市|港)?提携|姉妹都市連携|友好都市連携|"
    r"姉妹都市(?:となり|となった|関係を結|の関係を)|友好都市(?:となり|となった|関係を結|の関係を)|"
    r"パートナー都市(?:となり|となった|関係を結|の関係を)|"
    r"友好交流都市(?:となり|となった|関係を結|の関係を)|"
    r"m(?<!\wm)emorand(?:um|a)(?: of understanding)?\b|M(?<!\wM)OUs?\b|M(?<!\wM)oUs?\b|"
    r"a(?<!\wa)greements?\b|j(?<!\wj)oint (?:statement|declaration)\b|"
    r"s(?<!\ws)ister[- ]city (?:agreement|affiliation|relationship)\b|"
    r"f(?<!\wf)riendship cit(?:y|ies) (?:agreement|affiliation)\b|"
    r"p(?<!\wp)artnership cit(?:y|ies) (?:agreement|affiliation)\b|"
    r"s(?<!\ws)ister cit(?:y|ies) (?:agreement|affiliation)\b",
    re.I,  # English titles capitalise (`a Friendship Exchange Agreement`)
)
# Verbs of concluding one.
SIGNING = re.compile(
    r"締結|調印|署名|結ん|交わ|取り交わ|提携し|更新|"
    r"\b(?:sign(?:ed|ing)?|conclud(?:ed|ing)|renew(?:ed|al)?|exchanged|new)\b",
    re.I,
)
# A document said to be signed, in the sentence that tells of it (`宣言書への署名が行われ`).
SIGNED_NOW = re.compile(
    r"(?:覚書|協定書?|合意書|宣言書|共同宣言|共同声明|議定書)[」』]?(?:へ|に|を|の)?の?"
    r"(?:署名|調印|締結|取り交わ|交わ)|"
    r"\bsign(?:ed|ing)? (?:a|an|the) (?:memorandum|agreement|declaration|joint statement)\b",
    re.I,
)
ANNIVERSARY = re.compile(r"周年|記念|\banniversary\b", re.I)
# A call for people to take part (`参加者募集`, `Call for Participants`): a trip not made yet.
RECRUITS = re.compile(r"募集|\b(?:call for (?:participants|applications)|recruit)", re.I)
# Words meaning "now": a programme dated by them takes the page's own date.
RELATIVE_NOW = re.compile(
    r"このたび|この度|今般|今回|本日|this year|今年|本年(?!度)|今年度|本年度|"
    r"\bthis (?:month|week)\b",
    re.I,
)
# Titles of pages about one programme.
PROGRAMME_TITLE = re.compile(
    r"都市間(?:連携|協力)(?:事業)?|技術協力|姉妹都市|友好都市|パートナー都市|協力協定|覚書|"
    r"(?:姉妹|友好)(?:州|省|県|港|提携)|友好交流|"  # a prefecture's links are to states, provinces
    r"\b(?:city-to-city (?:cooperation|collaboration)|sister cit(?:y|ies)|partnership)\b",
    re.I,
)
# Bodies that make a meeting international even without a foreign place (`A(?<!\wA)DB` is
# `\bADB`: see MEETING).
INTERNATIONAL = re.compile(
    r"国際連合|国連|ESCAP|UNDP|UNEP|UNESCO|ユネスコ|UNICEF|ユニセフ|UN-Habitat|ハビタット|OECD|"
    r"世界銀行|World Bank|アジア開発銀行|Asian Development Bank|A(?<!\wA)DB\b|JICA|国際協力機構|"
    r"イクレイ|ICLEI|シティネット|CITYNET|CityNet|C(?<!\wC)40\b|UCLG|ASEAN|APEC|E(?<!\wE)U\b|欧州連合|"
    r"大使館|総領事館|領事館|大使(?!館)|総領事|領事|Ambassador|Embassy|Consul(?:ate)?|"
    r"国際機関|駐日|在日(?:外国|大使)"
)
# National government: a city's calls on ministries are part of its external relations. Only
# ever tested for, never read, so `大臣` stands for any minister (環境大臣, 外務大臣).
GOVERNMENT = re.compile(
    r"外務省|環境省|経済産業省|国土交通省|総務省|文部科学省|厚生労働省|農林水産省|財務省|法務省|"
    r"防衛省|復興省|工業省|商務省|国務省|外交省|産業省|通商省|交通省|内務省|大臣|"
    r"M(?<!\wM)inist(?:ry|er)\b"
)
