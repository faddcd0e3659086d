"""Pattern classes of where a visit went, on texts composed for them.

A small town abroad that no gazetteer lists is placed by what the page writes beside it: the
state it lies in (`X州のY`), its country in a bracket after a ward (`Y区(オーストリア)`), the city
it is a district of (`ウィーン市Y区`). A ministry is visited in the capital. A sentence telling
what a city does as a rule is no visit of its own. These texts are new, with made-up details.
"""

from __future__ import annotations

from parsers.extract.abroad import Home, page_places
from parsers.extract.mentions import read_mention
from parsers.extract.places import find_places
from parsers.extract.places import home as home_city
from parsers.extract.when import DateContext, dates_in
from tests.test_pattern_classes import _records, _visits


def _placed(text: str) -> list[tuple[str, str | None]]:
    return [(m.place.name, m.place.country) for m in find_places(text)]


def test_a_bare_town_right_after_its_state_is_placed_in_the_states_country() -> None:
    assert ("ヘイリーベリー", "CA") in _placed("カナダ・オンタリオ州のヘイリーベリーを訪れた")
    assert ("サンドポイント", "US") in _placed("アメリカ合衆国アイダホ州・サンドポイントから")
    # written straight after the state, a bare word may be the state's own event
    assert _placed("アイダホ州プロモーション") == [("アイダホ州", "US")]
    # a bare word after a country alone is as often a person or a dish
    assert _placed("カナダのヘイリーベリーさん") == []


def test_a_ward_abroad_is_placed_by_its_bracket_or_its_city() -> None:
    assert ("ヘルナルス区", "AT") in _placed("友好都市ヘルナルス区(オーストリア)")
    assert ("ヘルナルス区", "AT") in _placed("ウィーン市ヘルナルス区との交流")
    assert ("ヘルナルス区", "AT") in _placed("ウィーン市のヘルナルス区と")


def test_a_ministry_is_visited_in_the_capital() -> None:
    text = "町長が霞が関の総務省を訪問しました。"
    home = Home(home_city("karuizawa"), "karuizawa", page_places(text))
    mention = read_mention(text, home, DateContext(published="2024-06-01"))
    assert mention is not None and mention.kind == "out"
    assert [p.country for p in mention.dests] == ["JP"]
    # a ministry abroad stays abroad
    text = "市長がベトナム社会主義共和国の天然資源環境省を訪問しました。"
    mention = read_mention(text, home, DateContext(published="2024-06-01"))
    assert mention is not None and [p.country for p in mention.dests] == ["VN"]


def test_a_standing_practice_is_no_visit_beside_a_dated_one() -> None:
    text = (
        "姉妹都市 ヘイリーベリー町(カナダ)\n"
        "これまでの主な交流\n"
        "・青少年の受入れ:ヘイリーベリー町の高校生を毎年受け入れています。\n"
        "・提携20周年:令和2年(2020年)2月、町長を団長とする訪問団がヘイリーベリー町を訪問し、"
        "記念式典に出席しました。\n"
    )
    visits = _visits(_records(text, "karuizawa"))
    assert [(v.direction, v.start) for v in visits] == [("outbound", "2020-02")]


def test_a_group_sent_to_a_city_abroad_is_not_its_guests() -> None:
    text = "ハミルトン市姉妹都市提携40周年記念 市民訪問団の派遣について"
    home = Home(home_city("tsuchiura"), "tsuchiura", page_places(text))
    mention = read_mention(text, home, DateContext(published="2024-06-01"))
    assert mention is None or mention.kind != "in"
    text = "ハミルトン市青少年訪問団 表敬訪問(市長応接室)"
    mention = read_mention(text, home, DateContext(published="2024-06-01"))
    assert mention is not None and mention.kind == "in"


_EXCHANGES = """\
野沢温泉村の国際交流
■姉妹村
○スイス連邦 サン・モリッツ・バート・ドルフ村(グラウビュンデン州)
 平成5年(1993年)2月10日、姉妹村協定を締結しました。
○カナダ ウィスラー・ブラッコム地区
 2018年3月5日、観光交流協定を締結しました。
■令和6年度の主な交流
・中学生海外派遣
 7月22日から7月29日まで、村内の中学生8名と引率者2名がサン・モリッツ村を訪問しました。
・ウィスラー観光局訪問団の来村
 10月8日・9日の2日間、ウィスラー・ブラッコム地区の観光局長ら3名が来村し、村長を表敬訪問しました。
"""


def test_bulleted_titles_over_dated_stories_are_a_years_visits() -> None:
    visits = sorted(_visits(_records(_EXCHANGES, "nozawaonsen")), key=lambda v: v.start or "")
    assert [(v.direction, v.start, v.end) for v in visits] == [
        ("outbound", "2024-07-22", "2024-07-29"),
        ("inbound", "2024-10-08", "2024-10-09"),
    ]
    assert {p.country for p in visits[0].places} == {"CH"}


def test_a_long_dotted_name_is_known_by_its_first_words_and_a_district_by_its_country() -> None:
    known = page_places("○スイス連邦 サン・モリッツ・バート・ドルフ村(グラウビュンデン州)")
    assert ("サン・モリッツ村", "CH") in [(p.name, p.country) for p in known]
    assert ("ウィスラー・ブラッコム地区", "CA") in _placed("○カナダ ウィスラー・ブラッコム地区")


def test_a_province_abroad_written_with_do_is_placed_by_its_country() -> None:
    assert ("慶尚北道", "KR") in _placed("大韓民国慶尚北道の知事一行")
    assert ("江原特別自治道", "KR") in _placed("韓国・江原特別自治道を訪問")
    assert ("慶尚北道", "KR") in _placed("慶尚北道(韓国)")
    # a road is no province, and 道 with no country beside it names nothing abroad
    assert _placed("韓国の国道を走行") == []


def test_a_town_right_after_its_province_abroad_is_in_its_country() -> None:
    assert ("金海市", "KR") in _placed("大韓民国慶尚南道金海市と")
    # a name Japan has too is the province's town when written after it
    assert ("府中市", "KR") in _placed("大韓民国 慶尚南道 府中市を訪問")
    known = page_places("本市と大韓民国慶尚南道金海(キメ)市は、姉妹都市です。")
    assert ("金海市", "KR") in [(p.name, p.country) for p in known]


def test_a_group_sent_to_a_town_is_a_trip_there() -> None:
    text = "姉妹都市キャンモア町(カナダ)への中学生訪問団派遣について"
    home = Home(home_city("karuizawa"), "karuizawa", page_places(text))
    mention = read_mention(text, home, DateContext(published="2024-06-01"))
    assert mention is not None and mention.kind == "out"
    assert [p.country for p in mention.dests] == ["CA"]


def test_a_stay_runs_to_the_next_day_it_tells() -> None:
    text = (
        "■金海市訪問団の来庁\n"
        "10月5日(木曜日)、大韓民国慶尚南道金海市の副市長を団長とする訪問団6名が来庁し、"
        "市長を表敬訪問しました。\n"
        "一行は翌6日、市内の福祉施設を視察し、同日夕方に帰国しました。\n"
    )
    visits = _visits(_records("市政ニュース(2023年10月)\n" + text, "karuizawa"))
    assert [(v.start, v.end) for v in visits] == [("2023-10-05", "2023-10-06")]


def test_days_without_their_month_are_in_the_month_a_release_was_written() -> None:
    text = (
        "報道発表資料\n"
        "令和5年9月8日\n"
        "市長がタイ・チェンマイ市を訪問しました\n"
        "市長は、4日から6日までの3日間、友好都市であるタイ王国チェンマイ市を訪問しました。\n"
    )
    visits = _visits(_records(text, "karuizawa"))
    assert [(v.direction, v.start, v.end) for v in visits] == [
        ("outbound", "2023-09-04", "2023-09-06")
    ]


def test_days_after_the_writing_day_are_last_months() -> None:
    spans = dates_in("28日から30日まで訪問しました。", DateContext(published="2023-09-02"))
    assert [(s.start.iso(), s.end.iso()) for s in spans] == [("2023-08-28", "2023-08-30")]


def test_a_stop_on_the_way_home_is_a_stop_of_the_trip() -> None:
    text = (
        "市長コラム\n"
        "9月15日から20日まで、姉妹都市であるアメリカ・ルイジアナ州のバトンルージュ市を訪問しました。\n"
        "帰路には、テネシー州メンフィス市にも立ち寄り、市立図書館を見学しました。\n"
        "バトンルージュで、松江の伝統芸能を披露した市民の姿に胸が熱くなりました。\n"
    )
    visits = _visits(_records("広報まつえ 2024年11月号\n" + text, "matsue"))
    assert len(visits) == 1
    names = {p.name for p in visits[0].places}
    assert "メンフィス市" in names
    assert {p.country for p in visits[0].places} == {"US"}  # the bare home name is home


def test_a_trip_still_being_planned_adds_no_stop_to_the_trip_reported() -> None:
    text = (
        "市経済ミッション(ベトナム・タイ)を派遣しました\n"
        "令和7年1月20日から24日まで、市内企業8社とともにベトナムのハイフォン市とタイのバンコク都を"
        "訪問しました。\n"
        "令和7年度は、インドネシア及びフィリピンへの派遣を検討しています。\n"
    )
    visits = _visits(_records(text, "kitakyushu"))
    assert [(v.direction, v.start) for v in visits] == [("outbound", "2025-01-20")]
    assert {p.country for p in visits[0].places} == {"VN", "TH"}
