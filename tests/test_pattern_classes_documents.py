"""Pattern classes of report documents and diaries, on texts composed for them.

A report's text (as a PDF gives it) lays tables out in columns of spaces with cells wrapping
onto the next lines; a head's weekly schedule notes each call with its caller after
`表敬訪問`; a town abroad is named once beside its country and bare afterwards. These texts
are new, with made-up details.
"""

from __future__ import annotations

from parsers.document.columns import join_columns
from parsers.extract.gazetteer import key
from parsers.extract.places import find_places
from tests.test_pattern_classes import _records, _visits

_REPORT = """\
                 令和６年度 国際交流事業 実績報告

１ 訪問団等の受入れ実績

 番号  期  日                    訪 問 者                        内  容
  1    令和６年４月１０日        駐日ポーランド共和国             市長表敬訪問
                                 特命全権大使                     （音楽交流について懇談）
  2    令和６年６月３日～         大韓民国清道郡 青少年訪問団      ホームステイ、市内中学校
       ６月６日                  （中学生１０名、引率２名）       での交流授業

２ 派遣実績

 番号  期  日                    派 遣 者                        訪 問 先 ・ 内 容
  1    令和６年８月２０日～       市長ほか２名                     ポーランド
       ８月２４日                                                 ルブリン市
                                                                  記念式典出席
"""


def test_a_table_in_columns_of_spaces_is_read_row_by_row_with_its_wrapped_cells() -> None:
    rows = [line.split("\t") for line in join_columns(_REPORT.splitlines()) if "\t" in line]
    # a line that stopped short of its column's edge ended a phrase
    assert rows[1] == [
        "1",
        "令和６年４月１０日",
        "駐日ポーランド共和国 特命全権大使",
        "市長表敬訪問 （音楽交流について懇談）",
    ]
    assert rows[2][2] == "大韓民国清道郡 青少年訪問団（中学生１０名、引率２名）"
    assert rows[2][1] == "令和６年６月３日～６月６日"
    assert rows[-1][1:] == [
        "令和６年８月２０日～８月２４日",
        "市長ほか２名",
        "ポーランド ルブリン市 記念式典出席",
    ]
    # prose, however indented, is left as it is
    prose = [
        "   令和６年度は、姉妹都市との相互訪問を本格的に再開した。",
        "   受入れ２件、派遣１件。",
    ]
    assert join_columns(prose) == prose


def test_a_reports_tables_give_a_visit_per_row_each_way() -> None:
    visits = sorted(_visits(_records(_REPORT, "tsuyama")), key=lambda v: v.start or "")
    assert [(v.direction, v.start, v.end) for v in visits] == [
        ("inbound", "2024-04-10", "2024-04-10"),
        ("inbound", "2024-06-03", "2024-06-06"),
        ("outbound", "2024-08-20", "2024-08-24"),
    ]


def test_a_schedule_notes_a_call_by_its_caller_and_tells_it_once() -> None:
    text = "\n".join(
        (
            "知事の日程(令和7年3月3日~3月9日)",
            " 日付          時刻          用務                                   場所",
            " 3月3日(月)    9:30          部局長会議                             県庁",
            "               11:00         表敬訪問 駐日チリ共和国大使            県庁",
            "               14:00         表敬訪問(ペルー共和国クスコ州 訪問団)  県庁",
            " 3月4日(火)    10:00         定例記者会見                           県庁",
            "○表敬訪問 駐日チリ共和国大使(3月3日)",
            "大使が就任後初めて本県を訪問され、知事と懇談しました。",
        )
    )
    visits = _visits(_records(text, "nagano-pref"))
    assert sorted((v.direction, v.start) for v in visits) == [
        ("inbound", "2025-03-03"),
        ("inbound", "2025-03-03"),
    ]
    assert all("知事" in " ".join(v.participants) for v in visits)


def test_a_town_named_once_beside_its_country_is_known_bare_on_the_page() -> None:
    assert [m.place for m in find_places("大韓民国清道郡")] == [
        m.place for m in find_places("韓国 清道郡")
    ]
    assert find_places("大韓民国清道郡")[0].place.country == "KR"
    text = "\n".join(
        (
            "清道郡との交流",
            "本市は平成20年に大韓民国清道郡と友好交流協定を結びました。",
            "令和6年7月2日、清道郡の郡守ら一行5名が来市し、市長を表敬訪問しました。",
        )
    )
    [visit] = _visits(_records(text, "tsuyama"))
    assert visit.direction == "inbound" and "清道郡" in " ".join(visit.counterparts)


def test_a_long_e_written_either_way_is_one_key() -> None:
    assert key("ソルトレイクシティ") == key("ソルトレークシティー")
    assert find_places("ソルトレークシティを訪問")[0].place.country == "US"


_COUNCIL_REPORT = """\
                                                        令和６年１１月２０日
 伊達市議会議長 様
                                         議員派遣団
                                           団 長   木下 真一

                      議 員 派 遣 報 告 書

１ 派遣期間
    令和６年９月２日（月）から９月６日（金）まで
２ 派遣先
    デンマーク王国 オーフス市
３ 派遣議員
    団 長   木下 真一         副団長   中村 さくら
    団 員   石井 健           団 員    岡田 実
４ 所感
  オーフス市長から、来年度に同市の視察団が来日する予定があり、本市への立ち寄りを
  検討したいとの意向が示された。
"""


def test_a_report_under_its_letterhead_is_titled_by_its_title_line() -> None:
    from parsers.document.text import text_blocks

    title, _ = text_blocks(_COUNCIL_REPORT)
    assert title == "議員派遣報告書"


def test_a_council_delegations_report_is_its_own_trip_led_by_its_head() -> None:
    [trip] = _visits(_records(_COUNCIL_REPORT, "date"))
    assert (trip.direction, trip.start, trip.end) == ("outbound", "2024-09-02", "2024-09-06")
    assert "木下" in " ".join(trip.participants)
    # a grid of names is a roster, not a table
    assert not any("\t" in line for line in join_columns(_COUNCIL_REPORT.splitlines()))


def test_going_up_to_the_capital_is_a_trip_to_tokyo() -> None:
    text = "\n".join(
        (
            "国道整備の促進に関する要望活動を行いました",
            "2024年11月18日(月曜日)、山田 一郎 伊達市長は上京し、国土交通省に対して要望活動を"
            "行いました。",
        )
    )
    [visit] = _visits(_records(text, "date"))
    assert (visit.direction, visit.start) == ("outbound", "2024-11-18")
    assert [p.name for p in visit.places] == ["東京"]


def test_a_call_paid_and_a_delegation_received_under_headings_of_their_own_are_two() -> None:
    text = "\n".join(
        (
            "駐日チリ大使との会談及びバルパライソ市訪問団の来訪について",
            "更新日:2024年2月9日",
            "■駐日チリ共和国大使と会談しました",
            "2024年2月6日(火曜日)、山田 一郎 伊達市長は東京都港区の駐日チリ共和国大使館を訪れ、"
            "大使と会談しました。",
            "■バルパライソ市の訪問団が来市しました",
            "2月8日(木曜日)には、チリ共和国バルパライソ市から市議会議長を団長とする訪問団6名が"
            "伊達市を訪れました。",
        )
    )
    visits = sorted(_visits(_records(text, "date")), key=lambda v: v.start or "")
    assert [(v.direction, v.start) for v in visits] == [
        ("outbound", "2024-02-06"),
        ("inbound", "2024-02-08"),
    ]


def test_a_heads_diary_names_the_head_written_in_full_before_its_title() -> None:
    text = "\n".join(
        (
            "市長の動き(令和6年7月1日~7月7日)",
            "掲載日:2024年7月8日",
            "山田一郎市長の1週間の主な公務をお知らせします。",
            "7月3日(水曜日)",
            "・10時00分 駐日チリ共和国大使の表敬訪問(市役所)",
        )
    )
    [visit] = _visits(_records(text, "date"))
    assert visit.direction == "inbound" and "山田一郎市長" in visit.participants


def test_calling_on_a_city_abroad_is_a_trip_there() -> None:
    text = "\n".join(
        (
            "市長室から(令和5年11月)姉妹都市ナント市を訪ねて",
            "更新日:2023年11月20日",
            "私は、10月14日から18日まで、フランスの姉妹都市ナント市を訪ねました。",
        )
    )
    [visit] = _visits(_records(text, "date"))
    assert (visit.direction, visit.start, visit.end) == ("outbound", "2023-10-14", "2023-10-18")


def test_bulleted_entries_of_a_history_that_open_with_their_date_are_one_visit_each() -> None:
    text = "\n".join(
        (
            "友好交流のあゆみ",
            "更新日:2024年3月1日",
            "これまでの主な交流",
            "・令和元年(2019年)10月 アルバカーキ市議会議員団が来庁し、市長を表敬訪問",
            "・令和4年(2022年)7月 市長を団長とする市民訪問団がアルバカーキ市を訪問(7月12日~19日)",
            "・令和5年(2023年)11月 ダナン市長一行が来庁し、市長と会談(11月20日)",
        )
    )
    visits = sorted(_visits(_records(text, "kofu")), key=lambda v: v.start or "")
    assert [(v.direction, v.start, v.end) for v in visits] == [
        ("inbound", "2019-10", "2019-10"),
        ("outbound", "2022-07-12", "2022-07-19"),
        ("inbound", "2023-11-20", "2023-11-20"),
    ]


def test_a_dated_entry_with_its_story_below_it_is_a_visit_of_its_own() -> None:
    text = "\n".join(
        (
            "カンボジア・シェムリアップ州との連携事業",
            "更新日:2024年3月15日",
            "■これまでの取組",
            "・2023年6月5日(月曜日) 州政府とのキックオフ会議をオンラインで開催",
            "・2023年9月11日(月曜日)~14日(木曜日) 現地調査",
            "環境課の職員2名が、シェムリアップ州を訪問しました。",
            "・2024年1月22日(月曜日)~25日(木曜日) 州職員の招へい",
            "シェムリアップ州政府の職員など計5名が山形市を訪れました。",
        )
    )
    visits = sorted(_visits(_records(text, "yamagata")), key=lambda v: v.start or "")
    assert [(v.direction, v.start, v.end) for v in visits] == [
        ("outbound", "2023-09-11", "2023-09-14"),
        ("inbound", "2024-01-22", "2024-01-25"),
    ]


def test_a_history_dates_an_entry_by_its_year_alone_and_it_stays_apart() -> None:
    text = "\n".join(
        (
            "友好都市との交流のあゆみ",
            "交流のあゆみ",
            "・平成4年5月20日 ダラット市において友好都市提携書に調印",
            "・平成6年 ダラット市からの研修員の受入れを開始",
            "・平成14年8月 市長を団長とする市民訪問団がダラット市を訪問",
        )
    )
    visits = _visits(_records(text, "kofu"))
    assert [(v.direction, v.start) for v in visits] == [("outbound", "2002-08")]


def test_a_town_no_gazetteer_lists_is_placed_by_the_country_bracketed_after_it() -> None:
    found = find_places("■ヴァルトキルヒ(ドイツ連邦共和国バーデン=ヴュルテンベルク州)")
    assert [(m.place.name, m.place.country) for m in found] == [("ヴァルトキルヒ", "DE")]
    assert find_places("ハンナ・ベルク(ドイツ連邦共和国)") == []  # a person, dotted


def test_a_city_is_visited_in_the_word_made_of_its_first_letter() -> None:
    text = "\n".join(
        (
            "アルバカーキ市との提携30周年",
            "令和5年8月3日(木曜日)、同市のデイビス副市長ほか5名が来甲しました。",
        )
    )
    visits = _visits(_records(text, "kofu"))
    assert [(v.direction, v.start) for v in visits] == [("inbound", "2023-08-03")]


def test_a_ceremony_with_a_partner_held_in_the_city_itself_is_no_trip_to_the_partner() -> None:
    text = "\n".join(
        (
            "提携30周年記念式典",
            "令和5年8月3日(木曜日)、アルバカーキ市との提携30周年記念式典を甲府市で開催しました。",
        )
    )
    assert [v.direction for v in _visits(_records(text, "kofu"))] in ([], ["inbound"])


def test_numbered_day_headings_of_a_trip_report_add_the_cities_of_its_days() -> None:
    text = "\n".join(
        (
            "知事のワシントン州訪問結果の概要",
            "1 訪問期間",
            "令和5年10月2日(月)~10月5日(木)",
            "2 日程及び概要",
            "(1)10月3日(火) シアトル市",
            "・ワシントン州知事と会談",
            "(2)10月4日(水) スポケーン市",
            "・州立大学を訪問し、学長と懇談",
        )
    )
    visits = _visits(_records(text, "hyogo-pref"))
    assert len(visits) == 1
    assert {"シアトル", "スポケーン"} <= {p.name.removesuffix("市") for p in visits[0].places}


def test_a_province_after_kana_is_found_and_a_tie_word_before_a_suffix_is_no_place() -> None:
    found = find_places("友好県省であります遼寧省を訪問しました。")
    assert [(m.place.name, m.place.country) for m in found] == [("遼寧省", "CN")]
    assert find_places("姉妹州") == []


def test_rows_of_a_list_of_calls_received_are_visits_with_the_host_its_note_names() -> None:
    text = "\n".join(
        (
            "令和6年度 市長への表敬訪問の受入れ状況",
            "月日　訪問者　主な内容",
            "令和6年5月14日　在大阪フランス総領事館　総領事　マルタン 氏　着任挨拶",
            "令和6年9月3日　ダナン市人民委員会　副委員長ほか4名　経済交流の協議",
            "※対応者は、いずれも山田市長です。",
        )
    )
    visits = sorted(_visits(_records(text, "kofu")), key=lambda v: v.start or "")
    assert [(v.direction, v.start) for v in visits] == [
        ("inbound", "2024-05-14"),
        ("inbound", "2024-09-03"),
    ]
    assert all("山田" in " ".join(v.participants) for v in visits)


_TRIPS_TABLE = """\
令和６年度 市長等海外出張実績

 本市では、市長等が公務で海外に出張した実績を公表しています。

 No.  出張者        期間                     用務先                     目的

 1    市長          令和6年5月13日～5月17日  ドイツ連邦共和国           記念式典
      （大沢 孝一）                          バイエルン州レーゲンスブルク市  への出席

 2    教育長        令和6年8月5日～8月9日    カナダ                     生徒の引率
      （松井 光代）                          ブリティッシュコロンビア州ケロウナ市

 3    市議会議長    令和7年1月20日～1月23日  大韓民国                   議会交流
      （土屋 信夫）                          全羅南道麗水市
"""


def test_a_table_with_blank_lines_between_its_rows_is_one_table() -> None:
    lines = join_columns(_TRIPS_TABLE.splitlines())
    rows = [line.split("\t") for line in lines if "\t" in line]
    assert len(rows) == 4  # the header and three trips, each with its wrapped second line
    assert rows[1][1] == "市長 （大沢 孝一）"
    assert rows[2][3] == "カナダ ブリティッシュコロンビア州ケロウナ市"


def test_a_table_of_trips_by_where_they_went_gives_a_visit_per_row() -> None:
    visits = sorted(_visits(_records(_TRIPS_TABLE, "kofu")), key=lambda v: v.start or "")
    assert [(v.direction, v.start, v.end) for v in visits] == [
        ("outbound", "2024-05-13", "2024-05-17"),
        ("outbound", "2024-08-05", "2024-08-09"),
        ("outbound", "2025-01-20", "2025-01-23"),
    ]
    assert any("教育長" in p for p in visits[1].participants)


def test_bulleted_dates_alone_title_the_entries_of_a_history() -> None:
    text = (
        "ダナン市との下水道技術協力\n"
        "■これまでの主な取組\n"
        "・令和4年10月3日\n"
        " 市役所において、市長とベトナム・ダナン市人民委員会副主席が覚書に署名\n"
        "・令和5年11月6日~10日\n"
        " 下水道局の職員3名をダナン市に派遣し、現地で技術指導を実施\n"
        "・令和6年2月5日~9日\n"
        " ダナン市の技術者5名を市に受け入れ、浄化センター等で研修を実施\n"
    )
    visits = sorted(_visits(_records(text, "tsuchiura")), key=lambda v: v.start or "")
    assert [(v.direction, v.start, v.end) for v in visits] == [
        ("outbound", "2023-11-06", "2023-11-10"),
        ("inbound", "2024-02-05", "2024-02-09"),
    ]


_SURVEY = """\
令和元年度 市議会 海外行政調査 報告書
令和2年2月
1 調査の概要
(1)調査の目的
姉妹都市との交流を深めるとともに、公共交通を軸としたまちづくりを調査する。
(2)調査期間
令和元年10月21日(月)~10月27日(日) 7日間
(3)調査先
フランス共和国 リヨン市、グルノーブル市
"""


def test_a_surveys_labelled_period_and_places_are_its_trip() -> None:
    visits = _visits(_records(_SURVEY, "kofu"))
    assert [(v.direction, v.start, v.end) for v in visits] == [
        ("outbound", "2019-10-21", "2019-10-27")
    ]
    assert {p.country for p in visits[0].places} == {"FR"}


_PROJECT_REPORT = """\
寒冷地浄水技術協力事業(モンゴル国ダルハン市)
事業概要
6 年度別の取組み
 (2) 令和5年度(2年目)  本邦研修・現地指導
   ア 研修員の受入れ
      期  間  令和5年7月10日～7月21日
      研修員  ダルハン市上下水道公社 技術者5名
      内  容  浄水場における運転管理実習
   イ 専門家の派遣(冬季の現地指導)
      期  間  令和6年2月19日～2月24日
      派遣者  水道局 職員2名
      内  容  ダルハン市浄水場における運転管理の現地指導
"""


def test_a_reports_katakana_items_with_spaced_labels_are_its_visits() -> None:
    visits = sorted(_visits(_records(_PROJECT_REPORT, "obihiro")), key=lambda v: v.start or "")
    assert [(v.direction, v.start, v.end) for v in visits] == [
        ("inbound", "2023-07-10", "2023-07-21"),
        ("outbound", "2024-02-19", "2024-02-24"),
    ]


def test_a_reports_letter_spaced_roles_name_its_party() -> None:
    text = (
        "令和元年度 県議会 海外行政調査報告書\n"
        "1 調査期間\n"
        "令和元年10月21日(月)~10月27日(日) 7日間\n"
        "2 調査先\n"
        "フランス共和国 リヨン市\n"
        "   団 長 森田 正道(県議会議員)\n"
        "   副団長 松井 光代(県議会議員)\n"
        "所感\n"
        "リヨン市では、同市副市長と会談し、路面電車の整備について説明を受けた。鈴木団長は帰国後の報告会で成果を述べた。\n"
    )
    visits = _visits(_records(text, "yamagata-pref"))
    assert len(visits) == 1
    assert any("森田" in p for p in visits[0].participants)
    assert any("鈴木" in p for p in visits[0].participants)


def test_a_call_in_a_trips_itinerary_is_the_trip_not_a_reception() -> None:
    text = (
        "海外出張報告書\n"
        "令和5年12月4日\n"
        "1 出張期間: 令和5年11月13日(月)~11月17日(金)\n"
        "2 出張先: インドネシア共和国 東ジャワ州マラン市\n"
        "3 日程\n"
        "月日\t行程\t用務\n"
        "11/13(月)\t福岡空港発 → ジャカルタ経由 → マラン着\t移動\n"
        "11/15(水)\tマラン市内\tマラン市長表敬、コンポストセンター視察\n"
        "11/17(金)\tマラン発 → 福岡空港着\t移動\n"
    )
    visits = _visits(_records(text, "kitakyushu"))
    assert [(v.direction, v.start, v.end) for v in visits] == [
        ("outbound", "2023-11-13", "2023-11-17")
    ]


_SURVEY_DAYS = """\
県議会海外行政調査団
(2)調査期間
令和元年10月21日(月)から10月25日(金)まで 5日間
(3)調査団員
団 長 森田 正道(県政クラブ)
副団長 松井 光代(県政クラブ)
番号\t月日\t訪問先・調査先\t宿泊地
1\t10/21(月)\t成田空港発 → パリ経由 → リヨン着\tリヨン
2\t10/22(火)\tリヨン市役所、路面電車車庫\tリヨン
3\t10/23(水)\tリヨン → グルノーブルへ移動、グルノーブル市役所\tグルノーブル
4\t10/24(木)\tグルノーブル → パリへ移動\tパリ
5\t10/25(金)\tパリ発 → 成田空港着\t-
"""


def test_a_journey_read_from_a_table_of_days_keeps_its_party() -> None:
    visits = _visits(_records(_SURVEY_DAYS, "yamagata-pref"))
    assert len(visits) == 1
    assert any("森田" in p for p in visits[0].participants)


def test_a_delegation_listed_name_first_with_roles_after_are_its_people() -> None:
    text = (
        "議員派遣結果報告書(令和元年度)\n"
        "1 派遣期間: 令和元年5月20日(月)~5月23日(木)\n"
        "2 派遣先: 中華人民共和国 安徽省合肥市\n"
        "3 派遣議員\n"
        "岡田 誠司(団長)、浜野 和也(副団長)、山本 美佐子\n"
    )
    visits = _visits(_records(text, "kochi"))
    assert len(visits) == 1 and any("岡田" in p for p in visits[0].participants)
