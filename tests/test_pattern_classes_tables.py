"""Pattern classes of tables and lists as text copies give them, on sentences composed for them.

A browser's copy of a page sets a table's cells apart by tabs or bars (`｜`, `|`) with or
without spaces; numeric dates are written year first (`R6.5.20(月)`, `2024.5.20`); a news list
heads each item with the day it was posted. These texts are new, with made-up details.
"""

from __future__ import annotations

from parsers.document.stacked import join_range_tails, join_stacked
from parsers.document.text import clean_line, is_date_line
from parsers.extract.people import find_actors
from parsers.extract.places import find_places
from parsers.text.dates import find_dates
from tests.test_pattern_classes import _programmes, _records, _visits


def _span(text: str) -> tuple[str | None, str | None]:
    [span] = find_dates(text)
    return span.start.iso(), span.end.iso()


def test_cells_set_apart_by_bars_or_tabs_are_a_row() -> None:
    assert clean_line("ミナトリア市｜ルーマニア｜姉妹都市｜1970年5月") == (
        "ミナトリア市 | ルーマニア | 姉妹都市 | 1970年5月"
    )
    assert (
        clean_line("ミナトリア市\tルーマニア\t1970年5月") == "ミナトリア市 | ルーマニア | 1970年5月"
    )
    # A row of two cells whose first is a field's label is that field.
    assert clean_line("期間｜令和6年7月1日から7月5日まで") == "期間: 令和6年7月1日から7月5日まで"


def test_a_table_of_linked_cities_copied_with_bars_names_each_partner_by_its_first_cell() -> None:
    text = "\n".join(
        (
            "姉妹都市・友好都市",
            "都市名｜所在地｜種別｜提携日",
            "ミナトリア市｜ルーマニア｜姉妹都市｜平成2年(1990年)5月1日",
            "青葉町｜長野県北安曇郡｜友好都市｜平成15年(2003年)8月8日",
        )
    )
    found = {(p.places[0].name, p.start) for p in _programmes(_records(text, "yonezawa"))}
    assert found == {("ミナトリア市", "1990-05-01"), ("青葉町", "2003-08-08")}


def test_year_first_numeric_dates_and_their_ranges() -> None:
    assert _span("R6.5.15(水)~R6.5.16(木) 要望活動") == ("2024-05-15", "2024-05-16")
    assert _span("R6.5.15~5.16") == ("2024-05-15", "2024-05-16")
    assert _span("2024.5.30~6.2") == ("2024-05-30", "2024-06-02")
    assert is_date_line("R6.5.20(月)")
    assert is_date_line("2010年(平成22年)9月")
    assert is_date_line("2020年(令和2年)~2021年(令和3年)")


def test_a_diary_table_gives_one_visit_per_entry_abroad_or_with_guests() -> None:
    text = "\n".join(
        (
            "町長の動き(令和6年9月)",
            "日付｜主な公務",
            "R6.9.2(月)｜町議会定例会",
            "R6.9.5(木)｜在日ニュージーランド大使館参事官 表敬訪問",
            "R6.9.10(火)~R6.9.11(水)｜総務省、農林水産省への要望活動(東京都)",
            "R6.9.18(水)｜ソウル特別市議会議員団 来町",
            "R6.9.24(火)｜敬老会",
        )
    )
    visits = sorted(_visits(_records(text, "higashikawa")), key=lambda v: v.start or "")
    assert [(v.start, v.end, v.direction) for v in visits] == [
        ("2024-09-05", "2024-09-05", "inbound"),
        ("2024-09-10", "2024-09-11", "outbound"),
        ("2024-09-18", "2024-09-18", "inbound"),
    ]


def test_a_role_ending_in_kan_names_its_holder_but_a_compound_does_not() -> None:
    [guest] = find_actors("米国空軍基地司令官が表敬訪問", city="hachinohe")
    assert guest.text == "米国空軍基地司令官"
    [minister] = find_actors("青木内閣官房長官と会談", city="hachinohe")
    assert minister.text == "青木内閣官房長官"


def test_the_itinerary_days_of_a_weeks_trip_stay_that_trip() -> None:
    text = "\n".join(
        (
            "令和6年度 議員派遣の報告",
            "■派遣期間",
            "R6.10.7～R6.10.12",
            "■派遣先",
            "デンマーク王国 コペンハーゲン市",
            "■日程",
            "R6.10.7 成田空港発、コペンハーゲン着",
            "R6.10.8 コペンハーゲン市役所訪問",
            "R6.10.10 風力発電施設視察",
            "R6.10.12 成田空港着",
        )
    )
    [trip] = _visits(_records(text, "gifu"))
    assert (trip.start, trip.end, trip.direction) == ("2024-10-07", "2024-10-12", "outbound")


def test_a_chronology_table_is_steps_not_linked_cities() -> None:
    text = "\n".join(
        (
            "ミナトリア市との交流のあゆみ",
            "提携日\t2012年(平成24年)10月5日",
            "年月\t内容",
            "2014年(平成26年)7月\t高校生をミナトリア市へ派遣",
            "2016年(平成28年)6月\tミナトリア市の演劇祭に市民劇団が出演",
            "2019年(令和元年)11月\tミナトリア市副市長が来市",
        )
    )
    starts = {p.start for p in _programmes(_records(text, "takayama"))}
    assert "2014-07" not in starts and "2016-06" not in starts


def test_a_news_items_posting_date_gives_way_to_the_days_its_story_tells() -> None:
    text = "\n".join(
        (
            "Home > News > Prefectural news",
            "Prefectural news",
            "2025.03.10",
            "Delegation from Gangwon State visits the Prefecture",
            "A delegation led by Kim Min-jun, Vice Governor of Gangwon State, Korea, visited the "
            "Prefectural Government Office on February 25 and 26, 2025, and met the Governor.",
        )
    )
    [visit] = _visits(_records(text, "tottori-pref"))
    assert (visit.direction, visit.start, visit.end) == ("inbound", "2025-02-25", "2025-02-26")


def test_a_letters_closing_date_over_its_signer_heads_nothing() -> None:
    text = "\n".join(
        (
            "ミナトリア市長の来訪",
            "令和5年11月30日、ルーマニア・ミナトリア市のイオン・ポペスク市長が本区を訪問しました。",
            "区長として心から歓迎いたします。",
            "令和5年(2023年)12月22日",
            "青葉区長 山田太郎",
        )
    )
    [visit] = _visits(_records(text, "setagaya"))
    assert visit.start == "2023-11-30"
    assert any("山田" in p for p in visit.participants)


def test_calls_of_a_month_under_headings_of_their_own_days_are_visits_each() -> None:
    text = "\n".join(
        (
            "知事への表敬訪問(令和6年9月)",
            "9月に知事への表敬訪問があった方々を紹介します。",
            "9/3(火) 駐日ペルー共和国特命全権大使 ホセ・ガルシア閣下",
            "着任あいさつのため来庁されました。",
            "9/17(火) タイ王国チェンマイ県 副知事ほか代表団",
            "観光交流の拡大について意見交換しました。",
        )
    )
    visits = sorted(_visits(_records(text, "shizuoka-pref")), key=lambda v: v.start or "")
    assert [(v.start, v.direction) for v in visits] == [
        ("2024-09-03", "inbound"),
        ("2024-09-17", "inbound"),
    ]


def test_a_state_before_a_bracketed_list_of_cities_gives_their_country() -> None:
    found = find_places("アメリカ合衆国 オレゴン州(ポートランド市、セーラム市)を訪問")
    assert [(m.place.name, m.place.country) for m in found] == [
        ("オレゴン州", "US"),
        ("ポートランド市", "US"),
        ("セーラム市", "US"),
    ]


def test_an_entry_naming_an_unlisted_town_with_where_it_lies_in_brackets() -> None:
    text = "\n".join(
        (
            "友好都市・交流自治体",
            "本区は、次の都市と交流の関係を結んでいます。",
            "青雲区(大韓民国ソウル特別市)",
            "交流協定締結日:平成27年(2015年)6月3日",
            "歴史地区の保存で連携しています。",
            "白浜町(和歌山県)",
            "交流協定締結日:平成30年(2018年)4月",
            "区民の自然体験の場です。",
        )
    )
    found = {
        (p.places[0].name, p.places[0].country, p.start)
        for p in _programmes(_records(text, "bunkyo"))
    }
    assert ("青雲区", "KR", "2015-06-03") in found
    assert ("白浜町", "JP", "2018-04") in found


def test_a_trip_report_is_not_turned_around_by_a_visit_it_only_plans() -> None:
    text = "\n".join(
        (
            "第5回市民友好訪問団の報告",
            "市民友好訪問団が、令和5年8月1日(火)~8月6日(日)の日程でカナダ・アルバータ州"
            "レスブリッジ市を訪問しました。",
            "主な活動",
            "・レスブリッジ市役所表敬訪問",
            "・カルガリー市内での州政府関係者との懇談",
            "令和6年度には、レスブリッジ市から市民訪問団を受け入れる予定です。",
        )
    )
    [trip] = _visits(_records(text, "soka"))
    assert (trip.direction, trip.start, trip.end) == ("outbound", "2023-08-01", "2023-08-06")
    names = " ".join(p.name for p in trip.places)
    assert "レスブリッジ" in names and "カルガリー" in names  # the meeting's city is a stop


def test_staff_sent_abroad_in_a_programmes_history_is_a_visit() -> None:
    text = "\n".join(
        (
            "セブ市水道支援事業(JICA草の根技術協力事業)",
            "本市は、令和4年度からフィリピン共和国セブ市において技術協力を行っています。",
            "これまでの主な活動",
            "令和4年度",
            "・令和4年10月 市職員3名をセブ市に派遣し、浄水場の現地調査を実施",
        )
    )
    visits = _visits(_records(text, "hiratsuka"))
    assert [(v.direction, v.start) for v in visits] == [("outbound", "2022-10")]


def test_moving_on_to_a_city_names_it_as_a_stop_not_a_tour_at_home() -> None:
    text = "\n".join(
        (
            "副市長がスリランカを訪問しました",
            "副市長を団長とする訪問団が、10月14日(月)から10月18日(金)まで、スリランカを訪問しました。",
            "10月14日(月) コロンボ着",
            "10月15日(火) キャンディ市へ移動、市内の茶園を視察",
            "10月18日(金) コロンボ発、帰国",
            "更新日:2024年10月25日",
        )
    )
    visits = _visits(_records(text, "kakegawa"))
    assert {v.direction for v in visits} == {"outbound"}
    assert any("キャンディ" in p.name for v in visits for p in v.places)


def test_a_table_of_the_heads_trips_is_the_heads_and_its_rows_are_no_links() -> None:
    text = "\n".join(
        (
            "知事の海外出張(令和6年度)",
            "期間｜訪問先｜主な目的｜随行者",
            "令和6年6月3日(月)～6月6日(木)｜ドイツ連邦共和国(ハンブルク市)｜友好提携締結30周年記念式典への出席｜国際課長ほか2名",
            "令和6年10月7日(月)～10月9日(水)｜台湾(台中市)｜観光プロモーション｜観光課長ほか1名",
            "ハンブルク市訪問の概要",
            "山川一郎知事は、6月4日に記念式典に出席しました。",
        )
    )
    records = _records(text, "toyama-pref")
    visits = sorted(_visits(records), key=lambda v: v.start or "")
    assert [(v.start, v.end) for v in visits] == [
        ("2024-06-03", "2024-06-06"),
        ("2024-10-07", "2024-10-09"),
    ]
    assert all(any("山川" in p for p in v.participants) for v in visits)
    assert not [p for p in _programmes(records) if p.start == "2024-06-03"]


def test_a_quoted_joint_statement_is_signed_on_the_day_its_sentence_names() -> None:
    text = "\n".join(
        (
            "知事がアルバータ州を訪問しました",
            "知事は、令和6年8月26日(月)から29日(木)までアルバータ州を訪問しました。"
            "27日、州都エドモントン市において州首相と会談し、「友好交流の深化に関する共同声明」"
            "に署名しました。",
        )
    )
    starts = {p.start for p in _programmes(_records(text, "hokkaido-pref"))}
    assert "2024-08-27" in starts and "2024-08-26" not in starts


def test_cells_set_apart_by_spaced_slashes_are_a_row() -> None:
    assert clean_line("ミナトリア市 ／ ルーマニア ／ 1970年 ／ 姉妹都市") == (
        "ミナトリア市 | ルーマニア | 1970年 | 姉妹都市"
    )
    assert clean_line("2024/06/12 来庁") == "2024/06/12 来庁"  # a date's slashes stay


def test_a_news_item_whose_headline_has_no_days_is_dated_by_its_story() -> None:
    text = "\n".join(
        (
            "国際交流ニュース一覧",
            "最終更新日:2025年3月19日",
            "2025年2月28日",
            "知事がルーマニア・ミナトリア県を訪問しました",
            "2月24日から26日まで、知事がルーマニア・ミナトリア県を訪問し、県議会議長と会談しました。",
            "2025年2月14日",
            "防災講座の受講者を募集しています",
            "3月2日に県内で防災講座を開催します。",
        )
    )
    [visit] = _visits(_records(text, "tottori-pref"))
    assert (visit.direction, visit.start, visit.end) == ("outbound", "2025-02-24", "2025-02-26")


_STACKED = "\n".join(
    (
        "海外からの表敬訪問(令和6年度)",
        "令和6年度に市長が対応した主な表敬訪問は次のとおりです。",
        "訪問日 / 訪問者 / 対応者 / 概要",
        "5月14日(火曜日)",
        "オーストリア共和国グラーツ市 副市長 ほか3名",
        "市長 田中 太郎",
        "音楽分野での交流について懇談",
        "",
        "9月2日(月曜日)~3日(火曜日)",
        "大韓民国大田広域市 市議会議員団 6名",
        "副市長 鈴木 花子",
        "科学技術分野の交流について意見交換",
        "",
        "1月20日(月曜日)",
        "駐日カナダ大使館 公使",
        "市長 田中 太郎",
        "",
        "※上記のほか、多数の視察を受け入れています。",
    )
)


def test_a_table_copied_one_cell_a_line_is_read_row_by_row() -> None:
    lines = join_stacked(_STACKED.splitlines())
    rows = [line.split("\t") for line in lines if "\t" in line]
    assert rows == [
        [
            "5月14日(火曜日)",
            "オーストリア共和国グラーツ市 副市長 ほか3名",
            "市長 田中 太郎",
            "音楽分野での交流について懇談",
        ],
        [
            "9月2日(月曜日)~3日(火曜日)",
            "大韓民国大田広域市 市議会議員団 6名",
            "副市長 鈴木 花子",
            "科学技術分野の交流について意見交換",
        ],
        ["1月20日(月曜日)", "駐日カナダ大使館 公使", "市長 田中 太郎"],
    ]
    assert lines[-1] == "※上記のほか、多数の視察を受け入れています。"
    # lines under no header of labels stay as they are
    plain = [
        "5月14日(火曜日)",
        "グラーツ市の副市長が来訪",
        "",
        "9月2日(月曜日)",
        "大田広域市の議員団が来訪",
    ]
    assert join_stacked(plain) == plain


def test_each_row_of_a_stacked_table_of_calls_is_a_visit_received() -> None:
    visits = _visits(_records(_STACKED, "matsumoto"))
    got = sorted((v.direction, v.start, v.end, v.places[0].country) for v in visits)
    assert got == [
        ("inbound", "2024-05-14", "2024-05-14", "JP"),
        ("inbound", "2024-09-02", "2024-09-03", "JP"),
        ("inbound", "2025-01-20", "2025-01-20", "JP"),
    ]


_SENT = "\n".join(
    (
        "副知事等の海外派遣実績",
        "令和6年4月",
        "派遣期間",
        "派遣先",
        "派遣者",
        "令和4年11月7日",
        "～11月10日",
        "ベトナム社会主義共和国",
        "(ハノイ市)",
        "副知事",
        "ほか3名",
        "・人民委員会との会談",
        "令和5年9月3日",
        "～9月9日",
        "カナダ",
        "(トロント市)",
        "副知事",
        "・州政府との会談",
    )
)


def test_a_range_a_narrow_cell_broke_after_its_first_date_is_one_range() -> None:
    assert join_range_tails(["令和4年11月7日", "～11月10日", "副知事"]) == [
        "令和4年11月7日～11月10日",
        "副知事",
    ]
    assert join_range_tails(["団長", "～以上"]) == ["団長", "～以上"]


def test_entries_under_a_title_of_trips_sent_are_trips_out() -> None:
    visits = _visits(_records(_SENT, "shizuoka-pref"))
    got = sorted((v.direction, v.start, v.end, v.places[0].country) for v in visits)
    assert got == [
        ("outbound", "2022-11-07", "2022-11-10", "VN"),
        ("outbound", "2023-09-03", "2023-09-09", "CA"),
    ]


_RECEIVED = "\n".join(
    (
        "令和5年度 海外からの研修員の受入れ実績",
        "No.\t受入れ日\t国・地域\t受入れ団体・研修名\t人数",
        "1\t5月16日\tタイ\tチェンマイ県 水道局\t4",
        "2\t9月4日～8日\tモンゴル\tウランバートル市 環境局\t6",
        "3\t11月20日\tラオス\tビエンチャン都 職員(オンライン研修)\t12",
        "4\t2月―\tネパール\tカトマンズ市 視察団(先方都合により中止)\t―",
        "5\t3月12日\t韓国\t大田広域市 環境局\t3",
    )
)


def test_a_table_of_groups_received_gives_a_visit_per_row_but_not_online_or_called_off() -> None:
    visits = _visits(_records(_RECEIVED, "matsumoto"))
    got = sorted((v.direction, v.start, v.end) for v in visits)
    assert got == [
        ("inbound", "2023-05-16", "2023-05-16"),
        ("inbound", "2023-09-04", "2023-09-08"),
        ("inbound", "2024-03-12", "2024-03-12"),
    ]


_DIARY = "\n".join(
    (
        "市長の動き(令和6年11月)",
        "更新日:2024年12月2日",
        "11月5日(火曜日)",
        "庁議(市役所)",
        "11月6日(水曜日)から11月9日(土曜日)",
        "ドイツ・オーストリア出張",
        "(姉妹都市フライブルク市における記念式典への出席、ウィーン市における環境視察)",
        "11月11日(月曜日)",
        "出張報告(庁議)(市役所)",
        "11月12日(火曜日)",
        "台湾・台南市青少年交流団による表敬訪問(市役所)",
    )
)


def test_a_diarys_trip_told_by_its_countries_went_to_the_cities_it_names() -> None:
    visits = _visits(_records(_DIARY, "matsumoto"))
    trip = next(v for v in visits if v.direction == "outbound")
    assert (trip.start, trip.end) == ("2024-11-06", "2024-11-09")
    assert sorted(p.name for p in trip.places) == ["ウィーン市", "フライブルク市"]


def test_a_diarys_report_of_a_trip_is_no_trip_and_a_groups_call_is_received() -> None:
    visits = _visits(_records(_DIARY, "matsumoto"))
    assert not any(v.start == "2024-11-11" for v in visits)
    call = next(v for v in visits if v.start == "2024-11-12")
    assert call.direction == "inbound"


def test_a_months_diary_table_with_days_alone_dates_each_entry_in_that_month() -> None:
    text = "\n".join(
        (
            "知事日程(令和6年5月)",
            "令和6年5月",
            "日付\t時間\t内容\t場所",
            "7日(火)\t10:00\t庁議\t県庁",
            "9日(木)\t14:00\tタイ・チェンマイ県知事 表敬訪問\t県庁",
            "13日(月)\t11:00\t定例記者会見\t県庁",
            "27日(月)~6月1日(土)\t\t海外出張(フランス・リヨン市)\t",
        )
    )
    visits = _visits(_records(text, "nagano-pref"))
    got = sorted((v.direction, v.start, v.end) for v in visits)
    assert got == [
        ("inbound", "2024-05-09", "2024-05-09"),
        ("outbound", "2024-05-27", "2024-06-01"),
    ]
