"""Pattern classes of cooperation-project pages, on texts composed for them.

A project page names its partner once and then writes `同省` or `同市`; it numbers the year's
steps under headings of their own, each story opening with its date; it tells of plans for a
coming fiscal year and of meetings held over the network. These texts are new, with made-up
details.
"""

from __future__ import annotations

from tests.test_pattern_classes import _programmes, _records, _visits

_PROJECT = "\n".join(
    (
        "水と緑の都市間協力(タイ・チェンマイ県)",
        "掲載日:2025年3月10日",
        "本市は、令和6年度から、タイ王国チェンマイ県と連携して、下水汚泥の再生利用に取り組んでいます。",
        "令和6年度の主な取組",
        "(1)現地での技術指導",
        "令和6年7月8日から11日まで、本市上下水道局の職員3名が同県を訪問し、処理場の運転について指導しました。",
        "(2)研修会の開催",
        "令和6年10月、オンラインで同県の技術者向けの研修会を開催しました。",
        "(3)同県訪問団の受入れ",
        "令和7年2月、同県副知事のソムチャイ・ウォンサワット氏ら5名が来訪し、市長を表敬訪問しました。",
        "今後の予定",
        "令和7年度には、市内の高校生を同県に派遣する交流事業を計画しています。",
    )
)


def test_numbered_steps_each_dated_at_their_start_are_visits_of_their_own() -> None:
    visits = _visits(_records(_PROJECT, "matsumoto"))
    spans = sorted((v.direction, v.start, v.end) for v in visits)
    assert spans == [("inbound", "2025-02", "2025-02"), ("outbound", "2024-07-08", "2024-07-11")]


def test_the_same_province_written_as_dokenn_is_the_one_the_page_named_before() -> None:
    visits = _visits(_records(_PROJECT, "matsumoto"))
    out = next(v for v in visits if v.direction == "outbound")
    assert [(p.name, p.country) for p in out.places] == [("チェンマイ県", "TH")]


def test_a_meeting_held_online_is_no_visit() -> None:
    visits = _visits(_records(_PROJECT, "matsumoto"))
    assert not any(v.start == "2024-10" for v in visits)


def test_a_trip_only_planned_for_a_coming_fiscal_year_is_no_visit() -> None:
    text = "\n".join(
        (
            "ダナン市との交流について",
            "2024年10月2日、ベトナム・ダナン市の訪問団が市役所を訪れ、市長と懇談しました。",
            "2025年度には、市内の中学生をダナン市へ派遣する事業を検討しています。",
        )
    )
    visits = _visits(_records(text, "matsumoto"))
    assert [(v.direction, v.start) for v in visits] == [("inbound", "2024-10-02")]


def test_a_fiscal_year_never_dates_a_visit() -> None:
    text = "\n".join(
        (
            "海外都市との交流(令和5年度)",
            "■令和5年度の取組",
            "本市職員がドイツ・フライブルク市を訪問し、環境施策について意見交換しました。",
        )
    )
    visits = _visits(_records(text, "matsumoto"))
    assert all(v.start != "2023-04" for v in visits)


def test_a_place_a_journey_only_passes_through_is_no_stop() -> None:
    text = "\n".join(
        (
            "市長がポルトガル・ポルト市を訪問しました",
            "令和6年5月12日から17日まで、市長がポルトガルのポルト市を訪問しました。",
            "5月12日 成田空港発、ドバイ経由ポルト着",
            "5月15日 ポルト発、リスボン着(マドリード乗り継ぎ)",
            "5月17日 リスボン発、via Doha 成田着",
        )
    )
    (visit,) = _visits(_records(text, "matsumoto"))
    assert {p.country for p in visit.places} == {"PT"}
    assert any(p.name.startswith("リスボン") for p in visit.places)


def test_a_group_bearing_the_citys_own_name_is_sent_not_received() -> None:
    text = "\n".join(
        (
            "ブレスト市姉妹都市提携20周年記念 松本市訪問団の派遣について",
            "掲載日:2019年10月4日",
            "本市とフランス・ブレスト市は、今年で姉妹都市提携20周年を迎えました。",
            "■訪問期間",
            "2019年9月16日(月)~9月20日(金)",
            "■主な行事",
            "9月17日(火)",
            "・ブレスト市役所表敬訪問(市長と会談)",
            "※6月には、ブレスト市の訪問団が来松し、記念植樹を行いました。",
        )
    )
    visits = _visits(_records(text, "matsumoto"))
    trip = next(v for v in visits if v.start == "2019-09-16")
    assert (trip.direction, trip.end) == ("outbound", "2019-09-20")
    assert [p.country for p in trip.places] == ["FR"]


def test_a_call_runs_on_to_the_last_day_its_guests_stayed() -> None:
    text = "\n".join(
        (
            "海外からの表敬訪問(令和7年)",
            "■2025年5月20日(火曜日)",
            "フィンランド・タンペレ市 副市長 ほか3名",
            "市長を表敬訪問。一行は22日にかけて、市内の図書館や浄水場を視察しました。",
            "■2025年6月2日(月曜日)",
            "台湾・台南市 市議会議員団",
            "市長を表敬訪問。6月20日から24日まで開かれる物産展への参加を呼びかけました。",
        )
    )
    spans = sorted((v.start, v.end) for v in _visits(_records(text, "matsumoto")))
    assert spans == [("2025-05-20", "2025-05-22"), ("2025-06-02", "2025-06-02")]


def test_a_labelled_block_sending_the_head_to_ministries_is_a_trip_to_the_capital() -> None:
    text = "\n".join(
        (
            "国の予算に関する要望活動を行いました",
            "最終更新日:2024年11月20日",
            "1 知事による要望活動",
            "日時: 令和6年11月18日(月曜日)",
            "訪問先: 財務省(主計局長)",
            "国土交通省(道路局長)",
            "2 会議の開催",
            "日時: 令和6年11月25日(月曜日)",
            "場所: 県庁本館3階会議室",
        )
    )
    (visit,) = _visits(_records(text, "nagano-pref"))
    assert (visit.direction, visit.start) == ("outbound", "2024-11-18")
    assert [(p.name, p.country) for p in visit.places] == [("東京", "JP")]


def test_a_trip_headed_by_its_month_runs_from_its_first_day_heading_to_its_last() -> None:
    text = "\n".join(
        (
            "知事のベトナム訪問(令和6年3月)",
            "更新日:2024年4月2日",
            "望月知事を団長とする訪問団がベトナムを訪問しました。",
            "■3月18日(月曜日) ハノイ市",
            "ハノイ市人民委員会を訪問し、委員長と会談しました。",
            "■3月19日(火曜日) ハノイ市",
            "県産品のプロモーションを行いました。",
            "■3月21日(木曜日) ダナン市~帰国",
            "ダナン市の港湾施設を視察しました。",
        )
    )
    (visit,) = _visits(_records(text, "nagano-pref"))
    assert (visit.direction, visit.start, visit.end) == ("outbound", "2024-03-18", "2024-03-21")


def test_a_prefectures_sister_state_page_is_one_programme_with_its_dated_history() -> None:
    text = "\n".join(
        (
            "アメリカ合衆国オレゴン州との姉妹提携",
            "提携の経緯",
            "富山県とオレゴン州は、平成3年(1991年)5月10日、オレゴン州セーラム市において"
            "姉妹提携の協定書に調印しました。",
            "主な交流の経過",
            "平成3年(1991年)5月 姉妹提携調印",
            "平成13年(2001年)9月 姉妹提携10周年記念式典(セーラム市)、知事訪問",
            "令和3年(2021年)10月 姉妹提携30周年記念式典(富山市)、オレゴン州副知事来県",
        )
    )
    programmes = _programmes(_records(text, "toyama-pref"))
    assert [(p.start, {pl.country for pl in p.places}) for p in programmes] == [
        ("1991-05-10", {"US"})
    ]
    assert {m.date for m in programmes[0].milestones} >= {"2001-09", "2021-10"}


def test_a_partner_two_countries_share_a_name_for_is_read_in_the_country_the_page_names() -> None:
    text = "\n".join(
        (
            "アメリカ合衆国メリーランド州との姉妹提携",
            "青森県とメリーランド州は、昭和60年(1985年)4月12日に姉妹提携の協定書に調印しました。",
        )
    )
    programmes = _programmes(_records(text, "aomori-pref"))
    assert [(p.start, [pl.country for pl in p.places]) for p in programmes] == [
        ("1985-04-12", ["US"])
    ]


def test_a_dated_note_of_a_link_under_a_city_heading_is_a_programme_with_that_city() -> None:
    text = "\n".join(
        (
            "友好都市との交流",
            "1 友好都市の概要",
            "(1)トゥーンバ市(オーストラリア連邦クイーンズランド州)",
            "平成8年(1996年)5月に友好都市提携。",
            "人口は約17万人で、花の都として知られています。",
            "(2)その他",
            "平成15年 市の合併に伴い、旧町の姉妹都市提携を継承しました。",
        )
    )
    programmes = _programmes(_records(text, "nerima"))
    assert [(p.start, [pl.country for pl in p.places]) for p in programmes] == [("1996-05", ["AU"])]


_HISTORY = """\
姉妹都市 ハミルトン市(カナダ)
ハミルトン市との交流のあゆみ
年月 | 主なできごと
昭和56年6月 | 姉妹都市提携(ハミルトン市庁舎で調印)
平成18年 | 提携25周年。ハミルトン市から贈られたカエデを記念植樹
平成28年9月 | 提携35周年を記念し、市長を団長とする訪問団がハミルトン市を訪問
令和3年 | 提携40周年記念式典をオンラインで開催
"""


def test_a_links_anniversaries_in_a_history_are_no_links_of_their_own() -> None:
    programmes = _programmes(_records(_HISTORY, "tsuchiura"))
    assert [p.start for p in programmes] == ["1981-06"]


def test_a_date_before_the_links_count_of_years_is_the_anniversarys() -> None:
    text = (
        "市議会議長がレンヌ市を訪問しました\n"
        "令和6年10月15日から20日まで、市議会議長がフランス・レンヌ市を訪問しました。\n"
        "レンヌ市長からは、令和9年の姉妹都市提携60周年に向けて記念事業を共同で検討したいとの"
        "提案がありました。\n"
        "今年は、両市が姉妹都市提携を結んでから57周年の節目にあたります。\n"
    )
    starts = [p.start for p in _programmes(_records(text, "tsuchiura"))]
    assert "2027" not in starts
    assert not any(s and s.startswith("2024") for s in starts)


_SIGNED = """\
イタリア・ヴィエトリ市と友好交流協定を締結しました
報道発表
令和5年10月17日
市は、令和5年10月16日(月)、市役所においてイタリア共和国カンパニア州ヴィエトリ市と「陶芸文化を通じた友好交流に関する協定」を締結しました。
■締結の経緯
令和4年11月には、本市の副市長がヴィエトリ市を訪問し、協定締結に向けた協議を行いました。
このたび、ヴィエトリ市の市長を団長とする訪問団一行5名が来日したことから、協定の締結に至りました。
協定に基づき、令和6年度から、研修生をヴィエトリ市に派遣する事業を開始する予定です。
"""


def test_an_agreement_page_starts_on_the_day_it_was_signed_and_once() -> None:
    programmes = _programmes(_records(_SIGNED, "tajimi"))
    assert [p.start for p in programmes] == ["2023-10-16"]


def test_a_programme_page_starts_on_the_dated_heading_over_its_signing() -> None:
    text = (
        "タイ・チェンマイ市との技術協力\n"
        "これまでの経緯\n"
        "平成25年7月\n"
        "本市とチェンマイ市との間で「水道分野における協力に関する覚書」を締結しました。\n"
        "平成26年度から平成28年度まで\n"
        "JICA草の根技術協力事業「チェンマイ市における無収水削減事業」を実施しました。\n"
        "令和4年度から\n"
        "JICA草の根技術協力事業「チェンマイ市における配水管理能力向上事業」を開始しました。"
        "事業期間は令和4年度から令和7年度までです。\n"
    )
    programmes = _programmes(_records(text, "sakai"))
    assert programmes and programmes[0].start == "2013-07"
