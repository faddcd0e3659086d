"""People, organisations and their sides, on short texts written for these tests."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.extract import people
from parsers.extract import people_vocab as pv
from parsers.extract.people import Actor, find_actors, find_organisations, split_actors
from parsers.text import memo


def actors(text: str, city: str | None) -> list[tuple[str, str, str]]:
    return [(a.text, a.kind, a.side) for a in find_actors(text, city=city)]


def sides(text: str, city: str | None) -> dict[str, str]:
    return {a.text: a.side for a in find_actors(text, city=city)}


@pytest.mark.parametrize(
    ("text", "city", "expected"),
    [
        ("出席者 清水勇人 さいたま市長", "saitama", ("清水勇人 さいたま市長", "own")),
        ("山中 竹春 横浜市長がタイを訪問", "yokohama", ("山中 竹春 横浜市長", "own")),
        ("出席者 本間和義 副市長", "saitama", ("本間和義 副市長", "own")),
        ("関山 国際局長が紹介した", "yokohama", ("関山 国際局長", "own")),
        ("清水市長が訪問した", "saitama", ("清水市長", "own")),
        ("バンコク都知事との会談", "yokohama", ("バンコク都知事", "other")),
        ("ESCAP事務局長との会談", "yokohama", ("ESCAP事務局長", "other")),
        ("在タイ日本国特命全権大使との面会", "yokohama", ("在タイ日本国特命全権大使", "other")),
        ("原田環境大臣への要望", "saitama", ("原田環境大臣", "other")),
        ("ペナン市のラジェンドラン市長", "saitama", ("ペナン市のラジェンドラン市長", "other")),
        ("カマルザマン市長が来訪", "saitama", ("カマルザマン市長", "other")),
        ("神奈川県の黒岩知事も出席", "yokohama", ("神奈川県の黒岩知事", "other")),
        ("舛添知事が視察した", "tokyo", ("舛添知事", "own")),
        ("パリ市長と会談", "tokyo", ("パリ市長", "other")),
        ("議長が挨拶した", "fukuoka", ("議長", "own")),
        ("赤間市議会議長らが参加", "sendai", ("赤間市議会議長", "own")),
        ("北九州市長の北橋です。", "kitakyushu", ("北九州市長の北橋", "own")),
        ("ジェトロ所長 山田太郎 氏(右)", "saitama", ("ジェトロ所長 山田太郎 氏", "other")),
    ],
)
def test_titled_people(text: str, city: str, expected: tuple[str, str]) -> None:
    found = [(a.text, a.side) for a in find_actors(text, city=city) if a.kind == "person"]
    assert expected in found


@pytest.mark.parametrize(
    ("text", "city", "expected"),
    [
        ("Deputy Mayor Mr. Hirotoshi Shiro met them", "yokohama", "own"),
        ("Director General Mr. Toru Hashimoto", "yokohama", "own"),
        ("CEO Jeong-kee Kim spoke", "yokohama", "other"),
        ("Governor Chachart received the MOU", "yokohama", "other"),
        ("Mayor Nakada will attend", "yokohama", "own"),
    ],
)
def test_english_titled_people(text: str, city: str, expected: str) -> None:
    found = find_actors(text, city=city)
    person = next(a for a in found if a.kind == "person")
    assert person.side == expected
    assert text.startswith(person.text)


def test_english_apposition_and_of_phrases() -> None:
    text = (
        "I met Jane Doe, Ambassador of U.K. to Japan. "
        "Later Taro Yamada, the mayor of Yokohama, spoke."
    )
    found = sides(text, "yokohama")
    assert found["Jane Doe, Ambassador of U.K. to Japan"] == "other"
    assert found["Taro Yamada, the mayor of Yokohama"] == "own"


def test_names_with_honorifics() -> None:
    found = sides("イクレイ世界事務局長のヤン・ファン氏と面会し、片岡氏が司会", "saitama")
    assert found["イクレイ世界事務局長のヤン・ファン氏"] == "other"
    assert found["片岡氏"] == "other"


def test_bare_name_takes_side_of_earlier_titled_mention() -> None:
    text = "We met Deputy Mayor Mr. Ken Tanaka. Later Mr. Tanaka spoke with Ms. Lee."
    found = sides(text, "yokohama")
    assert found["Mr. Tanaka"] == "own"
    assert found["Ms. Lee"] == "other"


def test_roles_joined_by_dots_stay_apart() -> None:
    found = [a.text for a in find_actors("久元市長・菅野議長の海外出張", city="kobe")]
    assert found[:2] == ["久元市長", "菅野議長"]


def test_organisations_and_sides() -> None:
    text = (
        "さいたま市未来都市推進部が外務省国際協力局を訪問し、JICA、独日産業協会、"
        "首都ビエンチャン水道公社と会議。市の水道局も参加。"
    )
    found = sides(text, "saitama")
    assert found["さいたま市未来都市推進部"] == "own"
    assert found["外務省国際協力局"] == "other"
    assert found["JICA"] == "other"
    assert found["独日産業協会"] == "other"
    assert found["首都ビエンチャン水道公社"] == "other"
    assert found["水道局"] == "own"


def test_legal_forms_are_private_bodies() -> None:
    found = sides("一般社団法人福岡市西部建設協力会の懇親会に議長が出席", "fukuoka")
    assert found == {"一般社団法人福岡市西部建設協力会": "other", "議長": "own"}


def test_municipalities_act_as_bodies() -> None:
    own, other = split_actors(
        "横浜市とバンコク都は協力を確認し、東京都と共に進める", city="yokohama"
    )
    assert own == ("横浜市",)
    assert other == ("バンコク都", "東京都")


def test_words_that_only_look_like_roles_or_bodies() -> None:
    assert actors("都市課題の解決と省エネの推進、議長都市を務める", "yokohama") == []
    assert actors("国際首長フォーラムに参加", "saitama") == []
    assert actors("同委員会と関係機関", "saitama") == []


def test_quoted_body_names() -> None:
    found = find_organisations("「アジアのきれいな街プラットフォーム」の会合")
    assert found == ["アジアのきれいな街プラットフォーム"]


def test_english_organisations() -> None:
    text = (
        "The Secretariat visited the City of Yokohama, the International Affairs Bureau and the "
        "Consulate General of Republic of Korea to Yokohama, with the World Bank."
    )
    assert find_organisations(text) == [
        "Secretariat",
        "City of Yokohama",
        "International Affairs Bureau",
        "Consulate General of Republic of Korea",
        "World Bank",
    ]
    found = sides(text, "yokohama")
    assert found["City of Yokohama"] == "own"
    assert found["International Affairs Bureau"] == "own"
    assert found["Secretariat"] == "other"


def test_split_actors_deduplicates_in_order() -> None:
    text = "清水市長がESCAP事務局長と会談。清水市長はJICAとESCAP事務局長を訪問した。"
    own, other = split_actors(text, city="saitama")
    assert own == ("清水市長",)
    assert other == ("ESCAP事務局長", "JICA")


def test_without_a_city_sides_are_unknown_unless_plainly_foreign() -> None:
    found = sides("市長とバンコク都知事、環境大臣", None)
    assert found == {"市長": "unknown", "バンコク都知事": "other", "環境大臣": "other"}
    own, other = split_actors("市長とバンコク都知事", city=None)
    assert own == ()
    assert other == ("市長", "バンコク都知事")


def test_actor_spans_point_into_the_input() -> None:
    text = "ＥＳＣＡＰ事務局長と　清水勇人　さいたま市長"
    for a in find_actors(text, city="saitama"):
        assert isinstance(a, Actor)
        assert text[a.begin : a.stop] == a.text


_text = st.text(
    alphabet=st.sampled_from(
        list(
            "市長副議局部課省大臣使館氏さんのと・ 清水横浜バンコク都知事ESCAPMr.DeputyMayorofCity("
        )
    )
    | st.characters(codec="utf-8"),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(_text, st.sampled_from([None, "yokohama", "saitama", "tokyo"]))
def test_find_actors_never_raises_and_returns_substrings(text: str, city: str | None) -> None:
    for a in find_actors(text, city=city):
        assert a.text and a.text in text
        assert text[a.begin : a.stop] == a.text
        assert a.kind in ("person", "organisation")
        assert a.side in ("own", "other", "unknown")
    own, other = split_actors(text, city=city)
    assert not set(own) & set(other) or city is None
    for name in find_organisations(text):
        assert name in text


# The fast scanners must find exactly what the plain patterns, lookbehind and all, find.
_PIECES = [*"Mr.Ms Dr-ofandxXyY'’、。市長国連", "the ", "Mayor", "mayor", "Chair", "chair"]
_PIECES += ["UN", "JICA", "ESCAP", "Deputy", "Secretary General", "UN-Habitat", "-UN"]
_english_text = st.lists(st.sampled_from(_PIECES), max_size=16).map("".join)
_HONORED = re.compile(
    r"(?<![A-Za-z])(?:Mr|Ms|Mrs|Dr)\. ([A-Z][a-zA-Z\-]*)(?: [A-Z][a-zA-Z\-]*){0,3}"
)


def _spans(matches: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


def _check_scanners(text: str) -> None:
    vocab = pv.vocab()
    assert _spans(pv.known_in(text, vocab)) == _spans(vocab.known_re.finditer(text))
    assert _spans(pv.titles_en_in(text, vocab)) == _spans(vocab.title_en_re.finditer(text))
    assert _spans(pv.caps_in(text)) == _spans(pv.RE_EN_CAPS.finditer(text))
    assert _spans(pv.honored_in(text)) == _spans(_HONORED.finditer(text))


@settings(max_examples=300, deadline=None)
@given(_english_text)
def test_fast_scanners_find_what_the_patterns_find(text: str) -> None:
    _check_scanners(text)


@pytest.mark.parametrize(
    "text",
    ["the mayor met the Mayor", "xMayor and Mayors", "UN-Habitat and -UN, UN", "Mr. Shiro, xDr. A"],
)
def test_fast_scanners_on_boundaries(text: str) -> None:
    _check_scanners(text)
    assert _spans(pv.known_in(text, pv.vocab())) or "UN" not in text


def test_remembered_actors_come_back_as_fresh_lists() -> None:
    text = "山中 竹春 横浜市長がバンコク都知事と会談"
    first = find_actors(text, city="yokohama")
    first.clear()
    assert actors(text, "yokohama") == [
        ("山中 竹春 横浜市長", "person", "own"),
        ("バンコク都知事", "person", "other"),
    ]


def _scan_left_char_by_char(text: str, i: int, limit: int = 40) -> int:
    """Reference for `_scan_left`: the qualifier run walked one character at a time."""
    j = i
    while j > 0 and i - j < limit:
        ch = text[j - 1]
        if ch in ")）":
            opening = max(text.rfind("(", max(0, j - 24), j), text.rfind("（", max(0, j - 24), j))
            if opening < 0:
                break
            j = opening
        elif re.match(r"[\u3400-\u4dbf\u4e00-\u9fff々〆ヶァ-ヺーヽヾA-Za-z0-9・&\-]", ch):
            j -= 1
        else:
            break
    trimmed = re.compile(r"[・&\-0-9]+").match(text, j, i)
    return trimmed.end() if trimmed else j


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"市長局ア・&-1x ()（）\n、の", "横浜市国際局"]), max_size=30))
def test_scan_left_reads_the_run_as_char_by_char(pieces: list[str]) -> None:
    text = "".join(pieces)
    for i in range(len(text) + 1):
        for limit in (3, 40):
            assert people._scan_left(text, i, limit) == _scan_left_char_by_char(text, i, limit)


# A long text's actors are put together from its sentences and lines; they must be what a
# reading of the whole text finds.
_ACTOR_WORDS = [
    *("さいたま市長", "清水勇人", " ", "クアラルンプール市", "の", "カマルザマン", "市長", "氏"),
    *("片岡", "ESCAP", "事務局長", "駐日", "大使", "外務省", "協会", "「", "」", "(", ")"),
    *("中略", "。", "\n", "が", "と会談", "Mayor", "Mr. Shiro", "Ambassador", "の皆様"),
]
_actor_text = st.lists(st.sampled_from(_ACTOR_WORDS), max_size=18).map("".join)


def _pieced_and_whole(
    text: str, city: str | None, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[Actor], list[Actor]]:
    memo.clear()
    pieced = find_actors(text, city=city)
    memo.clear()
    with monkeypatch.context() as patch:
        patch.setattr(people, "_pieces", lambda text: [])
        whole = find_actors(text, city=city)
    memo.clear()
    return pieced, whole


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_actor_text)
def test_actors_by_pieces_are_the_whole_texts(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    pieced, whole = _pieced_and_whole(text, "saitama", monkeypatch)
    assert pieced == whole


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Brackets and quotes left open at a cut, or closed after it, are read across it.
        ("理事会(中略。)事務局長が来訪", "理事会(中略。)事務局長"),
        ("「アジア\n都市協会」と会談", "アジア\n都市協会"),
        ("カマルザマン市長と会談。\n片岡氏が出席", "カマルザマン市長"),
    ],
)
def test_actors_by_pieces_on_cuts(
    monkeypatch: pytest.MonkeyPatch, text: str, expected: str
) -> None:
    pieced, whole = _pieced_and_whole(text, "saitama", monkeypatch)
    assert pieced == whole
    assert expected in [a.text for a in pieced]


@settings(max_examples=300, deadline=None)
@given(_actor_text)
def test_texts_without_cues_have_no_actors(text: str) -> None:
    """The quick test for a title, an ending, a known body ... never passes over an actor."""
    every = re.compile("")
    assert every.search(text)
    found = people._sided(text, "saitama")
    cues = people._cues
    try:
        people._cues = lambda: every  # type: ignore[assignment]
        assert people._sided(text, "saitama") == found
    finally:
        people._cues = cues  # type: ignore[assignment]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the holder's name after the role: spaced, bracketed, or after の in two parts
        ("八代市長 岩下健吾は、令和6年4月に台湾を訪問しました。", "八代市長 岩下健吾"),
        ("代表団が来訪しました。副市長(野中 弘明)が対応しました。", "副市長(野中 弘明)"),
        ("答礼として来訪。副市長の野中 弘明 が対応しました。", "副市長の野中 弘明"),
    ],
)
def test_a_roles_holder_is_read_after_it(text: str, expected: str) -> None:
    own, _ = split_actors(text, city="yatsushiro")
    assert expected in own


def test_words_after_a_role_that_are_no_name() -> None:
    for text in ("副市長(総務担当)が出席", "市長(当時)が訪問", "市長の公務は", "市長 挨拶は"):
        own, other = split_actors(text, city="yatsushiro")
        assert not any("(" in a or "の" in a or " " in a for a in (*own, *other)), text
    # a bracket at the end of a photo's caption is where, not who
    own, other = split_actors("(写真)訪問団と市長(市役所別館)", city="yatsushiro")
    assert "市長(市役所別館)" not in (*own, *other)


def test_the_head_of_the_citys_own_body_is_its_own() -> None:
    own, _ = split_actors("団長:土浦市国際交流協会 会長 野口 恵美", city="tsuchiura")
    assert "会長 野口 恵美" in own
    # the head of a body abroad, or of a friendship society there, is not
    own, _ = split_actors("ハミルトン土浦友好協会 会長 ジョン・リード氏", city="tsuchiura")
    assert not any("リード" in a for a in own)


def test_a_role_written_after_a_name_in_brackets() -> None:
    _, other = split_actors("岡田 誠司(団長)、浜野 和也(副団長)、山本 美佐子", city="kochi")
    assert "岡田 誠司(団長)" in other and "浜野 和也(副団長)" in other
    # a bracket that is no role is no person's
    own, other = split_actors("市長 山田 一郎(当時)が訪問", city="kochi")
    assert not any("(当時)" in a for a in (*own, *other))
