"""Each extraction pattern class on sentences composed for it, never copied from a page.

A class is a way pages tell a record (a list line of a sister city, a fiscal-year start, a
labelled block, a conference abroad, a delegation from abroad, a gallery entry dated at its
end, an English report of an event hosted with the city). A rule that reads the class must
read any page written that way, so these texts are new, with made-up details where the class
allows.
"""

from __future__ import annotations

import parsers
from citywatch.model import Page, Place, Programme, Record, Visit
from parsers.extract.places import find_places
from parsers.text.dates import find_dates


def _records(text: str, city: str, site: str = "generic") -> list[Record]:
    page = Page(text.encode(), content_type="text/plain", city=city)
    return list(parsers.get_parser(site).parse(page))


def _visits(records: list[Record]) -> list[Visit]:
    return [r for r in records if isinstance(r, Visit)]


def _programmes(records: list[Record]) -> list[Programme]:
    return [r for r in records if isinstance(r, Programme)]


def test_lines_of_a_list_of_sister_cities_are_programmes() -> None:
    text = "\n".join(
        (
            "本市の国際交流",
            "姉妹都市(3都市)",
            "本市は3つの姉妹都市と交流しています。",
            "- リヨン市(フランス)-1961(昭和36)年9月締結",
            "- ミナトリア市(ルーマニア)-1970(昭和45)年5月締結",
            "- バンクーバー市(カナダ)-1988(昭和63)年11月締結",
        )
    )
    found = {(p.places[0].country, p.start) for p in _programmes(_records(text, "kobe"))}
    assert found == {("FR", "1961-09"), ("RO", "1970-05"), ("CA", "1988-11")}


def test_a_town_no_gazetteer_lists_is_placed_by_the_country_beside_it() -> None:
    [bracketed] = find_places("ミナトリア市(ルーマニア)と提携")
    assert (bracketed.place.name, bracketed.place.country) == ("ミナトリア市", "RO")
    [prefixed] = find_places("ルーマニア・ミナトリア市を訪問")
    assert (prefixed.place.name, prefixed.place.country) == ("ミナトリア市", "RO")
    [state] = find_places("シリコンバレー(カリフォルニア州)を視察")
    assert state.place.country == "US"
    assert find_places("アイウエ(ドイツ)") == []  # a bare unknown word with a country is no town
    [town] = find_places("ニュージーランド・テマタ町を訪問")  # a town, too
    assert (town.place.name, town.place.country) == ("テマタ町", "NZ")
    [kanji] = find_places("大韓民国・東華市を訪問")  # a kanji town no gazetteer lists
    assert (kanji.place.name, kanji.place.country) == ("東華市", "KR")
    latin = find_places("東華市(Busan)と提携")  # placed by its name in Latin letters
    assert ("東華市", "KR") in [(m.place.name, m.place.country) for m in latin]


def test_cooperation_running_from_a_fiscal_year_is_a_programme_from_that_april() -> None:
    text = (
        "技術協力のお知らせ\n"
        "本市は平成30年度からフィリピン共和国セブ市への上下水道分野の技術協力を行っています。\n"
        "今年度も職員を派遣する予定です。"
    )
    [programme] = _programmes(_records(text, "kitakyushu"))
    assert programme.start == "2018-04"
    assert [p.country for p in programme.places] == ["PH"]


def test_a_labelled_block_with_its_value_on_the_next_line_dates_and_places_the_trip() -> None:
    text = "\n".join(
        (
            "市長が国際会議に参加しました",
            "このたび、フランス共和国(首都パリ)にて令和5年6月1日に開幕した国際会議に 市長が参加し、"
            "本市の取組を発表しました。",
            "1 会議開催場所",
            "フランス共和国/首都パリ",
            "2 現地活動期間",
            "令和5年6月1日(木曜日)から6月3日(土曜日)まで",
        )
    )
    [visit] = _visits(_records(text, "sapporo"))
    assert (visit.direction, visit.start, visit.end) == ("outbound", "2023-06-01", "2023-06-03")
    assert [p.country for p in visit.places] == ["FR"]


def test_every_place_of_a_listed_itinerary_is_a_destination() -> None:
    text = (
        "市長の海外出張について\n"
        "このたび、市長が、ドイツ連邦共和国ボン市、フランス共和国リヨン市及びイタリア共和国"
        "ミラノ市に出張することになりましたので、お知らせします。\n"
        "1 期間: 令和7年5月10日(土曜日)から5月16日(金曜日)まで"
    )
    [visit] = _visits(_records(text, "sendai"))
    assert visit.direction == "outbound"
    assert {p.country for p in visit.places} == {"DE", "FR", "IT"}


def test_a_group_named_after_a_place_abroad_came_to_the_city() -> None:
    text = "\n".join(
        (
            "知事の日程",
            "2025年4月8日(火曜日)",
            "ベトナム・ダナン市訪問団による表敬",
            "本県と交流のあるベトナム・ダナン市からの訪問団が知事を表敬。",
        )
    )
    [visit] = _visits(_records(text, "hyogo-pref"))
    assert (visit.direction, visit.start) == ("inbound", "2025-04-08")
    assert {p.country for p in visit.places} == {"JP"}


def test_a_gallery_entry_is_dated_by_the_date_at_the_end_of_its_title() -> None:
    text = "\n".join(
        (
            "フォトギャラリー 2025年1月",
            "令和6年度の技術協力事業の相手都市から表敬訪問を受ける市長【2025年1月21日】",
            "写真:表敬訪問の様子",
            "タイ王国チェンマイ市の副市長らが市長を表敬訪問し、今後の協力について意見を交わしました。",
        )
    )
    [visit] = _visits(_records(text, "toyama"))
    assert (visit.direction, visit.start, visit.end) == ("inbound", "2025-01-21", "2025-01-21")


def test_an_event_a_city_abroad_hosts_with_the_page_city_is_a_trip_there() -> None:
    text = (
        "Newsletter\n"
        "Cebu City hosted the 3rd Cebu Water Forum at Cebu City Hall from 4th to 6th March 2025, "
        "in cooperation with the City of Kitakyushu. Engineers from both cities shared plans."
    )
    [visit] = _visits(_records(text, "kitakyushu"))
    assert (visit.direction, visit.start, visit.end) == ("outbound", "2025-03-04", "2025-03-06")
    assert [p.country for p in visit.places] == ["PH"]


def test_english_month_of_year_and_short_forms_with_a_stop() -> None:
    [span] = find_dates("In May of 2019, a delegation arrived.")
    assert (span.start.iso(), span.end.iso()) == ("2019-05", "2019-05")
    names = [m.place.name for m in find_places("a choir from St. Petersburg sang")]
    assert names == ["St. Petersburg"]


def test_the_cities_a_links_page_describes_are_its_links() -> None:
    text = "\n".join(
        (
            "本市は海外の2つの都市と姉妹・友好都市提携を結び、交流を行っています。",
            "リヨン市はフランス南東部の都市で、美食の街として知られています。",
            "リヨン市との交流は、市民訪問団の相互派遣を中心に続いています。",
            "青島市は山東省の港湾都市です。",
            "本市と青島市は、経済分野での協力を深めています。",
        )
    )
    found = {p.places[0].country for p in _programmes(_records(text, "kobe"))}
    assert found == {"FR", "CN"}


def test_a_later_document_that_renews_a_link_is_its_milestone() -> None:
    text = (
        "パートナー都市協定の更新\n"
        "ミラノ市と本市は2015年のパートナー都市協定締結以来、交流を深めてきました。\n"
        "令和6年5月、両市はパートナー都市協定を更新しました。"
    )
    [programme] = _programmes(_records(text, "sendai"))
    assert programme.start == "2015"
    assert [m.date for m in programme.milestones] == ["2024-05"]


def test_a_call_on_the_public_is_no_trip() -> None:
    text = (
        "海外派遣研修生の募集と申込方法\n"
        "本市はドイツ・ボン市へ派遣する高校生を募集します。\n"
        "申込は市民協働課まで。"
    )
    assert _visits(_records(text, "sendai")) == []


def test_the_citys_own_residents_calling_on_its_mayor_are_no_visit_from_abroad() -> None:
    text = (
        "News\n"
        "On August 2, high school students from Sendai City, who will join a summer camp in "
        "Canada, visited the mayor's office."
    )
    assert _visits(_records(text, "sendai")) == []


def test_a_visit_told_as_background_is_no_second_visit() -> None:
    text = (
        "市長がリヨン市を訪問しました\n"
        "令和6年10月8日、市長がフランス・リヨン市を訪問し、市長と会談しました。"
        "これまでに平成28年には副市長がドイツ・ボン市を訪問しています。"
    )
    [visit] = _visits(_records(text, "sendai"))
    assert visit.start == "2024-10-08"
    assert [p.country for p in visit.places] == ["FR"]


def test_a_label_a_pdf_broke_over_two_lines_is_one_field() -> None:
    from parsers.document.model import Block
    from parsers.document.segment import join_labels

    blocks = [Block("paragraph", 0, "日"), Block("paragraph", 0, "時:令和6年5月9日(木)10:00~")]
    assert [b.text for b in join_labels(blocks)] == ["日時: 令和6年5月9日(木)10:00~"]


def test_a_press_releases_own_date_does_not_date_the_event() -> None:
    text = "\n".join(
        (
            "記者発表資料",
            "令和6年4月2日",
            "国際課",
            "本市の取組を韓国・釜山広域市の国際会議で紹介します",
            "市長は、5月20日~22日に釜山広域市で開かれる国際会議に出席します。",
        )
    )
    [visit] = _visits(_records(text, "fukuoka"))
    assert (visit.start, visit.end) == ("2024-05-20", "2024-05-22")


def test_each_dated_row_of_a_visitors_table_is_a_visit_that_came() -> None:
    text = "\n".join(
        (
            "海外からの来訪者(令和6年度)",
            "日付 | 来訪者 | 内容",
            "2024年6月3日 | 大韓民国 光陽市 市長ほか6名 | 市長表敬訪問",
            "2024年10月21日 | アメリカ合衆国 サクラメント市 議員団 | 姉妹都市交流",
        )
    )
    visits = _visits(_records(text, "matsumoto"))
    assert [(v.direction, v.start) for v in visits] == [
        ("inbound", "2024-06-03"),
        ("inbound", "2024-10-21"),
    ]
    assert _programmes(_records(text, "matsumoto")) == []  # an exchange is no signing


def test_each_dated_row_of_a_destinations_table_is_a_trip() -> None:
    text = "\n".join(
        (
            "職員の海外派遣実績",
            "期間 | 派遣先 | 目的",
            "2024年8月5日~8月9日 | タイ王国 バンコク都 | 廃棄物管理の技術指導",
        )
    )
    [visit] = _visits(_records(text, "kitakyushu"))
    assert (visit.direction, visit.start, visit.end) == ("outbound", "2024-08-05", "2024-08-09")
    assert [p.country for p in visit.places] == ["TH"]


def test_a_date_followed_by_a_publication_word_only_dates_the_page() -> None:
    text = (
        "友好都市の市長が来訪\n"
        "2021年3月9日登録\n"
        "米国オレゴン州ポートランド市のグリーン市長らが2月22日~25日の期間に来日し、"
        "市役所を訪問しました。"
    )
    [visit] = _visits(_records(text, "zama"))
    assert (visit.direction, visit.start, visit.end) == ("inbound", "2021-02-22", "2021-02-25")


def test_another_anniversary_in_a_signing_sentence_does_not_hide_the_signing() -> None:
    text = (
        "姉妹都市との交流\n"
        "本市とフランス・リヨン市は、昭和40年に交流が始まり、"
        "昭和45年6月2日に市制80周年を機に姉妹都市提携をしました。"
    )
    [programme] = _programmes(_records(text, "matsuyama"))
    assert (programme.start, programme.places[0].country) == ("1970-06-02", "FR")


def test_one_link_signed_in_both_cities_starts_at_the_first_signing() -> None:
    text = (
        "姉妹都市との交流\n"
        "本市とドイツ・ボン市は、平成2年5月10日にボン市で、翌 平成3年4月1日に本市で"
        "姉妹都市提携をしました。"
    )
    [programme] = _programmes(_records(text, "matsuyama"))
    assert programme.start == "1990-05-10"


def test_a_document_signed_during_a_visit_starts_on_the_visits_day() -> None:
    text = (
        "友好都市の訪問団が来訪\n"
        "2019年(令和元年)10月3日、友好都市である中国・大連市の李副市長と訪問団が本市を訪問されました。\n"
        "歓迎のあいさつの後、友好都市提携20周年に係る共同宣言書への署名が行われました。"
    )
    [programme] = _programmes(_records(text, "chiba"))
    assert (programme.start, programme.places[0].name) == ("2019-10-03", "大連市")


def test_a_head_named_by_surname_and_title_is_on_the_side_the_page_gives_them() -> None:
    from parsers.extract.people import split_actors

    text = (
        "アルファ市の李大成副市長が来訪しました。歓迎式では、熊谷市長、李副市長があいさつしました。"
    )
    own, other = split_actors(text, city="chiba")
    assert "熊谷市長" in own  # no 熊谷市 is named: 熊谷 is the page city's mayor's surname
    assert "李副市長" in other  # the visiting vice mayor named in full before
    _, other = split_actors("熊谷市を訪れ、熊谷市長と会談しました。", city="chiba")
    assert "熊谷市長" in other  # the head of the town just named


def test_a_name_spelled_another_way_takes_the_country_the_page_names_for_it() -> None:
    text = (
        "姉妹都市訪問のお知らせ\n"
        "本市訪問団がドイツ・ハノーバー市を訪問します。\n"
        "本市とハノーバー市は昭和58年(1983年)に姉妹都市提携を結びました。"
    )
    [programme] = _programmes(_records(text, "hiroshima"))
    assert (programme.start, programme.places[0].country) == ("1983", "DE")


def test_a_katakana_word_made_a_modifier_is_no_place() -> None:
    assert find_places("コロナ禍の中で交流を続けました") == []
    assert [m.place.country for m in find_places("米国コロナ市を訪問")] == ["US"]


def _one_visit(text: str, city: str = "kobe") -> Visit:
    [visit] = _visits(_records(text, city))
    return visit


def test_entries_of_linked_cities_each_dated_by_a_line_under_them() -> None:
    labelled = (
        "姉妹都市・友好都市\n本市は次の都市と提携しています。\n"
        "ダラス市(アメリカ合衆国テキサス州)\n提携日:1961年3月2日\n人口:約130万人\n"
        "リヨン市(フランス共和国)\n提携日:1970年5月20日\n"
    )
    headed = (
        "国際交流\n姉妹都市\nアメリカ合衆国 ダラス市\n1961年(昭和36年)3月2日 姉妹都市提携\n"
        "フランス リヨン市\n1970年(昭和45年)5月20日 姉妹都市提携\n"
    )
    told = (
        "姉妹都市\nダラス市(アメリカ)\n昭和36年3月2日に姉妹都市提携を結びました。テキサス州の都市です。\n"
        "リヨン市(フランス)\n昭和45年5月20日に姉妹都市となりました。\n"
    )
    cells = (
        "姉妹都市\n都市名\n国名\n提携日\n"
        "ダラス市\nアメリカ合衆国\n1961年3月2日\nリヨン市\nフランス\n1970年5月20日\n"
    )
    named = (
        "姉妹都市の紹介\n提携都市名:ダラス市(アメリカ合衆国)\n提携年月日:昭和36年3月2日\n"
        "提携都市名:リヨン市(フランス)\n提携年月日:昭和45年5月20日\n"
    )
    english = (
        "Sister Cities\nDallas, Texas, U.S.A.\nDate of affiliation: March 2, 1961\n"
        "Lyon, France\nDate of affiliation: May 20, 1970\n"
    )
    for text in (labelled, headed, told, cells, named, english):
        found = {(p.places[0].country, p.start) for p in _programmes(_records(text, "kobe"))}
        assert found == {("US", "1961-03-02"), ("FR", "1970-05-20")}, text


def test_a_trip_abroad_told_in_labelled_fields_is_outbound() -> None:
    numbered = (
        "市長の海外出張について\n1 目的\n友好都市提携記念式典への出席\n2 期間\n"
        "令和6年9月8日(日曜日)から9月12日(木曜日)まで\n3 訪問先\n"
        "アメリカ合衆国 テキサス州 ダラス市\n"
    )
    colons = (
        "市長の海外出張について\n目的:友好都市提携記念式典への出席\n"
        "期間:令和6年9月8日(日曜日)~9月12日(木曜日)\n訪問先:アメリカ合衆国 テキサス州 ダラス市\n"
    )
    for text in (numbered, colons):
        visit = _one_visit(text)
        assert (visit.direction, visit.start, visit.end) == ("outbound", "2024-09-08", "2024-09-12")
        assert ("ダラス市", "US") in [(p.name, p.country) for p in visit.places]
        assert {p.country for p in visit.places} == {"US"}


def test_a_publication_line_is_no_heading_over_the_story() -> None:
    text = (
        "市長が南米を訪問しました\n掲載日:2014年6月3日\n"
        "市長は、5月12日から20日まで、チリ・サンティアゴ市及びペルー・リマ市を訪問しました。\n"
    )
    visit = _one_visit(text)
    assert (visit.start, visit.end) == ("2014-05-12", "2014-05-20")
    assert {p.country for p in visit.places} == {"CL", "PE"}


def test_an_anniversary_written_before_the_link_in_english_is_no_new_link() -> None:
    text = (
        "Mayor visits sister city Dallas\nThe mayor visited Dallas, Texas, from September 8 to 12,"
        " 2024, for the 60th anniversary ceremony of the sister city affiliation.\n"
    )
    records = _records(text, "kobe")
    assert _programmes(records) == []
    assert (_one_visit(text).start, _one_visit(text).end) == ("2024-09-08", "2024-09-12")


def test_people_named_in_a_visitors_field_are_guests() -> None:
    text = (
        "リヨン市代表団の来訪について\n日時:令和6年2月5日(月曜日)午前10時から\n"
        "場所:市役所本庁舎\n来訪者:フランス・リヨン市 デュボワ副市長ほか4名\n内容:市長表敬\n"
    )
    visit = _one_visit(text)
    assert visit.direction == "inbound"
    assert "デュボワ副市長" in " ".join(visit.counterparts)
    assert "デュボワ副市長" not in " ".join(visit.participants)


def test_a_group_sent_to_a_city_abroad_is_an_outbound_trip() -> None:
    text = (
        "リヨン市への青少年使節団の派遣について\n令和6年6月1日\n"
        "本市は、姉妹都市であるフランス・リヨン市へ青少年使節団を派遣します。\n"
        "派遣期間 令和6年7月20日から7月27日まで(8日間)\n"
    )
    visit = _one_visit(text)
    assert (visit.direction, visit.start, visit.end) == ("outbound", "2024-07-20", "2024-07-27")
    assert [p.country for p in visit.places] == ["FR"]


def test_a_dateline_under_the_title_does_not_date_the_trip_the_story_dates() -> None:
    text = (
        "市長がタイを訪問しました\n令和6年3月25日\n"
        "市長は、3月11日から14日まで、タイ王国を訪問し、チェンマイ県知事と会談しました。\n"
    )
    visit = _one_visit(text)
    assert (visit.direction, visit.start, visit.end) == ("outbound", "2024-03-11", "2024-03-14")


def test_the_one_leading_a_group_from_abroad_is_a_guest() -> None:
    from parsers.extract.people import split_actors

    own, other = split_actors(
        "A delegation from Lyon, France, led by Deputy Mayor Claire Martin visited the City"
        " and met Mayor Tanaka.",
        city="kobe",
    )
    assert "Deputy Mayor Claire Martin" in other and "Mayor Tanaka" in own
    own, other = split_actors(
        "Mayor Martin and her delegation from Lyon met Mayor Tanaka.", city="kobe"
    )
    assert "Mayor Martin" in other and "Mayor Tanaka" in own
    own, other = split_actors(
        "Mayor Claire Martin led a group of Lyon citizens to Kobe.", city="kobe"
    )
    assert "Mayor Claire Martin" in other
    own, _ = split_actors("A delegation from Kobe, led by Mayor Tanaka, visited Lyon.", city="kobe")
    assert "Mayor Tanaka" in own


def test_an_english_entry_of_a_town_no_gazetteer_lists_is_placed_by_its_state() -> None:
    text = (
        "International Sister Cities\nSmallbrook\nSister City\n"
        "Smallbrook, Vermont(United States of America)\n"
        "Partnership Established:June 2nd, 1977(old Minato Town)\nPopulation:approx. 8,000\n"
    )
    [programme] = _programmes(_records(text, "shizuoka"))
    assert (programme.start, programme.places[0].name, programme.places[0].country) == (
        "1977-06-02",
        "Smallbrook",
        "US",
    )


def test_a_diary_day_written_with_a_bare_weekday_dates_the_entry_under_it() -> None:
    text = (
        "市長の動静\n更新日:2019年10月9日\n10月5日土曜日\n姉妹都市フランス・リヨン市訪問3日目\n"
        "市内の美術館を視察しました。\n"
    )
    visit = _one_visit(text, "sakai")
    assert (visit.direction, visit.start) == ("outbound", "2019-10-05")


def test_a_trip_to_a_part_of_the_world_is_outbound_without_a_country() -> None:
    text = (
        "市長記者会見\n更新日:2016年6月2日\n市長発表\n"
        "市長は、5月9日から20日まで国際会議への参加などを目的として南米に出張しました。\n"
    )
    visit = _one_visit(text, "nagasaki")
    assert (visit.direction, visit.start, visit.end) == ("outbound", "2016-05-09", "2016-05-20")


def test_a_link_signed_during_a_trip_of_several_days_is_dated_by_their_month() -> None:
    text = (
        "市長の海外出張報告\n更新日:2016年6月2日\n"
        "6月8日から9日にかけて友好都市提携の調印のためにイタリアのシエナ市を訪問しました。\n"
    )
    [programme] = _programmes(_records(text, "nagasaki"))
    assert (programme.start, programme.places[0].country) == ("2016-06", "IT")


def test_an_agreement_a_clause_gives_to_a_body_is_not_the_citys() -> None:
    text = (
        "市長の海外出張報告\n更新日:2016年6月2日\n"
        "6月8日にシエナ大学を訪問し、2001年に学術交流協定を締結している市内の大学との交流について"
        "意見交換しました。\n"
    )
    assert _programmes(_records(text, "nagasaki")) == []


def test_a_later_document_on_a_programme_page_is_a_step_of_that_programme() -> None:
    text = (
        "マレーシア・ペナン州との都市間連携事業\n"
        "本市は令和3年度からマレーシア・ペナン州との都市間連携事業を実施しています。\n"
        "令和6年9月、マレーシア・ペナン州と協力の拡大を目指す覚書を締結しました。\n"
    )
    [programme] = _programmes(_records(text, "saitama"))
    assert programme.start == "2021-04"
    assert "2024-09" in [m.date for m in programme.milestones]


def test_a_new_agreement_in_place_of_an_ended_one_is_a_programme_of_its_own() -> None:
    text = (
        "さいたま市とタイ国との覚書を締結しました\n"
        "平成24年5月に、本市とタイ国チェンマイ市との間で締結した覚書が期限を迎えたことから、"
        "平成29年5月10日に、協力に関する覚書を新たに締結しました。\n"
    )
    starts = sorted(p.start or "" for p in _programmes(_records(text, "saitama")))
    assert starts == ["2012-05", "2017-05-10"]


def test_two_days_joined_as_a_pair_are_one_stay() -> None:
    [span] = find_dates("10月3日(火曜日)と10月4日(水曜日)の2日間")
    assert (span.start.month, span.start.day, span.end.day) == (10, 3, 4)
    assert len(find_dates("10月3日と10月9日に開催")) == 2  # two days, no stay


def test_an_english_update_line_dates_the_page_not_the_visit() -> None:
    text = (
        "Students from Lyon visit the City\nUpdated: April 2, 2012\n"
        "On March 20, 2012, twelve students from Lyon, France, visited City Hall"
        " and met the mayor.\n"
    )
    visit = _one_visit(text, "ueda")
    assert (visit.direction, visit.start) == ("inbound", "2012-03-20")


def test_two_following_days_joined_by_a_middle_dot_are_one_stay() -> None:
    [span] = find_dates("10月31日・11月1日、")
    assert (span.start.month, span.start.day, span.end.month, span.end.day) == (10, 31, 11, 1)
    assert len(find_dates("10月3日・10月9日")) == 2  # not following: two days


def test_a_visit_to_the_city_and_the_link_its_page_dates() -> None:
    text = (
        "姉妹都市であるカナダ・ウィニペグ市の市長を顕彰しました\n最終更新日 令和5年6月2日\n"
        "5月10日・11日、姉妹都市であるカナダ・ウィニペグ市のスミス市長が区を来訪されました。\n"
        "ウィニペグ市とは、1970年の姉妹都市連携から53年を迎えます。\n"
    )
    records = _records(text, "setagaya")
    [visit] = _visits(records)
    assert (visit.direction, visit.start, visit.end) == ("inbound", "2023-05-10", "2023-05-11")
    assert [p.start for p in _programmes(records)] == ["1970"]


def test_a_chinese_province_is_a_place_and_a_ministry_is_not() -> None:
    assert [(m.text, m.place.country) for m in find_places("湖南省の視察団")] == [("湖南省", "CN")]
    assert find_places("外務省を訪問") == []


def test_seconded_staff_and_a_programme_named_after_sending_are_no_trip() -> None:
    text = (
        "令和2年度の記録\n●小学校で出前講座\n1月20日\n"
        "姉妹都市・中国大連市からの派遣職員が講師となり、小学生海外派遣研修についての説明を"
        "行いました。\n"
    )
    assert _visits(_records(text, "shimonoseki")) == []


def test_a_january_under_a_fiscal_years_heading_is_in_the_next_calendar_year() -> None:
    text = (
        "令和2年度の記録\n●湖南省の視察団が来訪\n1月20日\n"
        "湖南省の教育関係者らが本市を訪れ、市内の学校を視察しました。\n"
    )
    visit = _one_visit(text, "shimonoseki")
    assert (visit.direction, visit.start) == ("inbound", "2021-01-20")


def test_the_places_of_a_trips_dated_itinerary_are_its_destinations() -> None:
    text = (
        "市長からのメッセージ\n掲載日:2019年6月1日\n"
        "5月13日~5月17日の5日間、訪問団の団長として中国を訪問してまいりました。\n"
        "・5月13日:北京の日本大使館を表敬\n・5月15日:浙江省杭州市訪問\n"
        "・5月16日:上海市・友好協会 表敬\n"
        "・5月17日:帰国\n"
    )
    visit = _one_visit(text, "hofu")
    names = " ".join(p.name for p in visit.places)
    assert "杭州市" in names and "上海市" in names and "北京" in names


def test_a_country_that_only_names_a_team_is_no_destination() -> None:
    text = (
        "市長活動記録\n令和元年6月3日(月曜日)~7日(金曜日)\nフランス訪問\n"
        "フランス代表チームとカナダ代表チームの試合を観戦しました。\n"
    )
    visit = _one_visit(text, "ueda")
    assert {p.country for p in visit.places} == {"FR"}


def test_the_mayors_trip_to_a_country_is_not_a_visit_to_the_mayor() -> None:
    text = (
        "市長のカナダ出張について\n令和6年5月1日\n"
        "1 期間 令和6年5月20日(月曜日)から5月24日(金曜日)まで\n"
    )
    visit = _one_visit(text, "okayama")
    assert (visit.direction, {p.country for p in visit.places}) == ("outbound", {"CA"})


def test_a_town_abroad_written_after_its_country_or_beside_a_listed_town() -> None:
    assert [(m.text, m.place.country) for m in find_places("ベルギー王国ブルージュ市")] == [
        ("ブルージュ市", "BE")
    ]
    listed = find_places("アメリカ合衆国オハイオ州デイトン市及びケタリング町")
    assert ("ケタリング町", "US") in [(m.text, m.place.country) for m in listed]


def test_a_diary_line_naming_a_caller_then_a_courtesy_call_is_inbound() -> None:
    text = (
        "市長の動き(令和6年3月4日~3月10日)\n最終更新日:2024年3月12日\n3月5日(火曜日)\n"
        "・11時00分 駐日スペイン王国大使 ホセ・ガルシア氏 表敬訪問\n"
        "3月6日(水曜日)\n・10時00分 定例庁議\n"
    )
    visit = _one_visit(text, "kumamoto")
    assert (visit.direction, visit.start) == ("inbound", "2024-03-05")


def test_a_registration_line_is_page_furniture() -> None:
    text = (
        "スペイン・サラマンカ市長が来庁しました\n登録日:2023年6月12日\n"
        "令和5年6月9日(金曜日)、姉妹都市であるスペイン・サラマンカ市から市長が来庁し、"
        "市長を表敬訪問しました。\n"
    )
    assert _one_visit(text, "toyama").start == "2023-06-09"


def test_a_city_heading_its_entry_and_a_link_date_that_dates_no_trip() -> None:
    text = (
        "本市の姉妹都市\nページ番号 1000 更新日:2022年3月1日\n"
        "■サラマンカ市(スペイン)\n提携日:昭和60年4月2日\n"
        "カスティーリャ・イ・レオン州の古都です。平成27年には市民訪問団を派遣しました。\n"
        "■ダラス市(アメリカ合衆国テキサス州)\n提携日:昭和63年9月8日\n南部の中心都市です。\n"
    )
    records = _records(text, "kurashiki")
    found = {(p.places[0].country, p.start) for p in _programmes(records)}
    assert found == {("ES", "1985-04-02"), ("US", "1988-09-08")}
    assert all(v.start != "1985-04-02" for v in _visits(records))


def test_a_town_writes_its_own_arrival_word() -> None:
    text = (
        "カナダ・バンフ町長が来町しました\n更新日:2024年6月28日\n"
        "6月20日~22日、姉妹都市であるカナダ・アルバータ州バンフ町から、町長夫妻ら4名が来町しました。\n"
    )
    visit = _one_visit(text, "karuizawa")
    assert (visit.direction, visit.start, visit.end) == ("inbound", "2024-06-20", "2024-06-22")


def test_several_links_told_in_one_sentence_are_one_programme_per_country() -> None:
    text = (
        "本市の姉妹都市\n"
        "本市は、昭和45年にフランスのリヨン市、昭和50年にはドイツのボン市及びメキシコの"
        "グアダラハラ市と姉妹都市の提携を行いました。\n"
    )
    found = {(p.places[0].country, p.start) for p in _programmes(_records(text, "sendai"))}
    assert found == {("FR", "1970"), ("DE", "1975"), ("MX", "1975")}


def test_numbered_headings_each_tell_their_own_visit() -> None:
    text = (
        "令和5年度 姉妹都市交流の主な取組\n更新日:2024年4月10日\n"
        "1 フランス・リヨン市長一行の来訪\n"
        "6月5日(月曜日)、フランス共和国リヨン市の市長をはじめとする訪問団8名が来庁し、"
        "市長を表敬訪問しました。\n"
        "2 市長のドイツ・ボン市訪問\n"
        "9月11日(月曜日)から15日(金曜日)まで、市長がドイツ連邦共和国のボン市を訪問しました。\n"
        "・訪問者:奈良市長 山田 太郎、国際課職員2名\n"
    )
    found = {(v.direction, v.start, v.end) for v in _visits(_records(text, "nara"))}
    assert found == {
        ("inbound", "2023-06-05", "2023-06-05"),
        ("outbound", "2023-09-11", "2023-09-15"),
    }


def test_a_field_value_may_go_on_over_a_short_line() -> None:
    text = (
        "市長のアメリカ合衆国出張について\n令和5年7月21日\n"
        "1 期間: 令和5年8月2日(水)~8月6日(日)\n2 訪問先: アメリカ合衆国テキサス州\n"
        "ダラス市、ヒューストン市\n3 目的: 姉妹都市との交流\n"
    )
    names = {p.name for p in _one_visit(text, "okayama").places}
    assert {"ダラス市", "ヒューストン市"} <= names


def test_a_state_written_before_a_city_says_its_country() -> None:
    assert ("セーラム市", "US") in [
        (m.text, m.place.country) for m in find_places("米国オレゴン州セーラム市を訪問")
    ]
    # a city that is also a district (パリ) lends nothing to the next city in a list
    listed = find_places("パリ市・ロンドン市")
    assert [m.place.country for m in listed] == ["FR", "GB"]


def test_a_prefectures_own_towns_and_a_wards_full_name_are_home() -> None:
    from parsers.extract.abroad import Home
    from parsers.extract.places import home

    pref = Home(home("kanagawa-pref"), "kanagawa-pref")
    assert pref.is_home(Place("横浜市", "JP")) and not pref.is_home(Place("千葉市", "JP"))
    ward = Home(home("ota"), "ota")
    assert ward.is_home(Place("大田区", "KR"))  # the gazetteer's other 大田 is not this page's


def test_english_and_tabled_lists_of_a_prefectures_partner_regions() -> None:
    english = (
        "Sister States\nOregon State (U.S.A.)\nSister state agreement signed: May 3, 1965\n"
        "Republic of Fiji\nFriendship agreement signed: June 9, 1999\n"
    )
    found = {(p.places[0].country, p.start) for p in _programmes(_records(english, "mie-pref"))}
    assert found == {("US", "1965-05-03"), ("FJ", "1999-06-09")}
    tabled = (
        "本県の姉妹・友好提携\n提携先 | 国名 | 提携年月日\n"
        "カムチャツカ地方州 | ロシア連邦 | 1995年(平成7年)4月2日\n"
    )
    [programme] = _programmes(_records(tabled, "hokkaido-pref"))
    assert (programme.places[0].country, programme.start) == ("RU", "1995-04-02")


def test_a_name_the_page_places_once_keeps_that_place_everywhere() -> None:
    text = (
        "姉妹都市への訪問\n更新日:2023年10月20日\n本区は米国オレゴン州セーラム市と姉妹都市です。\n"
        "令和5年10月2日から10月6日まで、区長を団長とする訪問団がセーラム市を訪問しました。\n"
    )
    visit = _one_visit(text, "ota")
    assert [(p.name, p.country) for p in visit.places] == [("セーラム市", "US")]


def test_a_town_written_after_its_state_and_students_who_travel() -> None:
    assert ("テラス町", "CA") in [
        (m.text, m.place.country)
        for m in find_places("カナダ・ブリティッシュコロンビア州 テラス町")
    ]
    text = (
        "高校生の派遣\n令和5年9月1日\n"
        "令和5年7月24日から8月3日まで、本県の高校生10名を米国ジョージア州へ派遣しました。\n"
        "ジョージアでは、ホームステイを体験しました。\n"
    )
    visit = _one_visit(text, "kagoshima-pref")
    assert visit.direction == "outbound" and "高校生" in visit.participants
    assert {p.country for p in visit.places} == {"US"}  # ジョージア here is the state


def test_an_english_posted_line_dates_the_page_only() -> None:
    text = (
        "Delegation from Lyon visits the City\nPosted: April 9, 2024\n"
        "On April 4, 2024, a delegation from Lyon, France, visited City Hall and met the mayor.\n"
    )
    assert _one_visit(text, "kanazawa").start == "2024-04-04"


def test_an_event_at_home_naming_no_one_from_elsewhere_is_no_visit() -> None:
    text = (
        "「国際交流フェスタ」を開催します\n更新日:2023年10月16日\n"
        "外国人住民と日本人住民がふれあう催しを開催します。\n日時\n令和5年11月12日(日曜日)10時00分~15時00分\n"
        "会場\n市民会館\n内容\n・世界の料理コーナー(ブラジル、フィリピン、ベトナムほか)\n"
    )
    assert _visits(_records(text, "tsu")) == []


def test_english_days_joined_by_and_that_follow_are_one_stay() -> None:
    [span] = find_dates("On March 4 and 5, 2024, the mayor")
    assert (span.start.day, span.end.day, span.end.year) == (4, 5, 2024)


def test_the_return_leg_of_an_itinerary_does_not_turn_the_trip_around() -> None:
    text = (
        "Governor Visits Oregon\nPublished: May 20, 2024\n"
        "The Governor of Hyogo Prefecture visited the State of Oregon, United States, from May 6"
        " to 10, 2024.\nItinerary\nMay 6 (Mon): Depart Kobe, arrive Portland\n"
        "May 10 (Fri): Depart Portland, arrive Kobe\n"
    )
    visit = _one_visit(text, "hyogo-pref")
    assert (visit.direction, visit.start, visit.end) == ("outbound", "2024-05-06", "2024-05-10")


def test_a_table_a_text_copy_spaced_out_under_its_header() -> None:
    text = (
        "本市の姉妹都市\n姉妹・友好都市一覧\n都市名 国・州など 区分 提携年月日\n"
        "ダラス市 アメリカ合衆国 テキサス州 姉妹都市 昭和36年(1961年)3月2日\n"
        "リヨン市 フランス共和国 姉妹都市 昭和45年(1970年)5月20日\n"
    )
    found = {(p.places[0].country, p.start) for p in _programmes(_records(text, "fujisawa"))}
    assert found == {("US", "1961-03-02"), ("FR", "1970-05-20")}


def test_a_courtesy_call_by_a_named_caller_in_a_diary() -> None:
    text = (
        "知事の動静(令和6年2月)\n更新日:2024年3月1日\n2月8日(木曜日)\n"
        "13時30分 駐日オーストリア共和国大使による表敬訪問(県庁)\n"
    )
    visit = _one_visit(text, "nagano-pref")
    assert (visit.direction, visit.start) == ("inbound", "2024-02-08")


def test_dated_items_under_a_fiscal_years_heading_are_visits_of_their_own() -> None:
    text = (
        "シェムリアップ州との技術協力\n更新日:2024年4月1日\nこれまでの活動\n■令和5年度\n"
        "・令和5年8月21日から8月30日まで、職員3名をカンボジア・シェムリアップ州へ派遣しました。\n"
        "・令和6年1月、シェムリアップ州の職員4名を研修員として本市に受け入れました。\n"
    )
    found = {(v.direction, v.start) for v in _visits(_records(text, "saga"))}
    assert found == {("outbound", "2023-08-21"), ("inbound", "2024-01")}


def test_a_dotted_katakana_name_is_one_place_not_its_last_word() -> None:
    found = [(m.text, m.place.country) for m in find_places("オーストリア・ザンクト・ギルゲン村")]
    assert found == [("ザンクト・ギルゲン村", "AT")]
    assert [m.place.country for m in find_places("パリ・ロンドン")] == ["FR", "GB"]


def test_an_entry_line_that_says_its_kind_and_english_since_lines() -> None:
    text = (
        "姉妹都市・友好都市\n姉妹都市・友好都市一覧\n"
        "・アメリカ合衆国 テキサス州 ダラス市(姉妹都市)\n"
        "提携日:昭和36年(1961年)3月2日\nテキサス州北部の都市です。\n"
    )
    [programme] = _programmes(_records(text, "kawagoe"))
    assert (programme.places[0].country, programme.start) == ("US", "1961-03-02")
    english = "Sister Cities\nLyon, France\nSister city since May 20, 1970\n"
    records = _records(english, "takaoka")
    assert [(p.start, p.places[0].country) for p in _programmes(records)] == [("1970-05-20", "FR")]
    assert _visits(records) == []


def test_the_days_of_a_trip_listed_on_a_sister_city_page_are_no_links() -> None:
    text = (
        "Mayor Visits Sister City Lyon\nPublished: May 20, 2024\n"
        "The mayor visited our sister city, Lyon, France, from May 6 to 9, 2024.\n"
        "- May 6: Departed Kansai Airport; arrived in Lyon\n"
        "- May 7: Courtesy call on the Mayor of Lyon at City Hall\n"
    )
    records = _records(text, "kagoshima")
    assert _programmes(records) == []
    assert _one_visit(text, "kagoshima").start == "2024-05-06"


def test_a_diary_day_written_month_slash_day() -> None:
    text = (
        "市長の一週間(令和6年5月20日~5月26日)\n更新日:2024年5月27日\n5/20(月)\n09:00 庁議\n"
        "5/21(火)\n10:30 駐日ポーランド共和国大使 表敬訪問(市役所)\n"
    )
    visit = _one_visit(text, "toyota")
    assert (visit.direction, visit.start) == ("inbound", "2024-05-21")


def test_trainees_who_call_are_named_as_the_guests() -> None:
    text = (
        "海外技術研修員が知事を表敬訪問しました\n更新日:2024年6月7日\n"
        "令和6年6月5日(水)、中国山東省からの研修員3名が県庁を訪れ、知事を表敬訪問しました。\n"
    )
    visit = _one_visit(text, "yamaguchi-pref")
    assert visit.direction == "inbound" and "研修員" in visit.counterparts


def test_a_table_of_one_trips_days_is_that_trip() -> None:
    text = (
        "令和6年度 市議会 海外行政視察(カナダ)\n掲載日:2024年12月10日\n"
        "市議会では、姉妹都市との交流のため、議員による海外行政視察を実施しました。\n"
        "■日程: 月日 | 訪問先 | 内容\n"
        "11月5日(火) | 成田空港 → バンクーバー | 移動\n"
        "11月6日(水) | バンクーバー市 | 総領事館表敬\n"
        "11月7日(木) | バンクーバー市 → トロント市 | 移動、州議会との意見交換\n"
        "11月8日(金) | トロント → 成田空港 | 帰国\n"
    )
    visit = _one_visit(text, "kurashiki")
    assert (visit.direction, visit.start, visit.end) == ("outbound", "2024-11-05", "2024-11-08")
    assert {p.country for p in visit.places} == {"CA"}
