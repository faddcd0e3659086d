"""Pattern classes of a page's outline and of what its sentences only report, on texts
composed for them.

Reports number their parts in nested styles (`(1)`, `①`) and a part ends where a sibling or a
parent begins; quoted speech tells what someone said, not what happened; a country's name
before `館` names a hall at home. These texts are new, with made-up details.
"""

from __future__ import annotations

from citywatch.model import Place
from parsers.document.model import Document
from parsers.document.outline import numbering
from parsers.document.segment import join_labels, split_sections
from parsers.document.text import heading_level, text_blocks
from parsers.extract.abroad import Home, countries_named
from parsers.extract.drafts import Draft
from parsers.extract.mentions import read_mention
from parsers.extract.merge import absorb_duplicates
from parsers.extract.places import home as home_city
from parsers.extract.when import DateContext, dates_in
from parsers.text.dates import PartialDate
from tests.test_pattern_classes import _records, _visits

_ASSOCIATION_REPORT = """\
令和6年度 国際交流協会 事業報告
(1)青少年交流
① 高校生海外派遣事業
期間 令和6年8月5日(月)~8月12日(月)
派遣先 オーストラリア連邦クイーンズランド州ブリスベン市
参加者 市内高校生10人、引率者2人
② 大連市青少年訪問団受入れ事業
期間 令和6年11月11日(月)~11月14日(木)
来訪者 中華人民共和国遼寧省大連市 青少年訪問団 15人
内容 市長表敬訪問、市内中学校との交流
③ 姉妹都市訪問団受入れ事業
先方の都合により中止となった。
(2)オンライン交流
ブラジル・クリチバ市の学生とオンライン交流会を開催した(令和7年1月18日)。
"""


def test_circled_numbers_head_the_items_of_a_report() -> None:
    visits = sorted(_visits(_records(_ASSOCIATION_REPORT, "hachioji")), key=lambda v: v.start or "")
    assert [(v.direction, v.start, v.end) for v in visits] == [
        ("outbound", "2024-08-05", "2024-08-12"),
        ("inbound", "2024-11-11", "2024-11-14"),
    ]
    assert {p.country for p in visits[0].places} == {"AU"}
    assert any("大連" in c for c in visits[1].counterparts)


def test_numbering_styles() -> None:
    assert numbering("① 高校生派遣") == "circled"
    assert numbering("(2)オンライン交流") == "paren"
    assert numbering("Ⅱ 事業の実施状況") == "roman"
    assert numbering("3 今後の予定") == "digit"
    assert numbering("■締結式の概要") == "mark■"
    assert numbering("2024年の交流") is None
    assert numbering("10月3日 来訪") is None


def _sections(text: str) -> list[tuple[str, tuple[str, ...]]]:
    title, blocks = text_blocks(text)
    doc = Document(title=title, blocks=tuple(blocks))
    return [(s.heading, s.lines) for s in split_sections(doc)]


def test_a_sibling_heading_ends_a_numbered_section() -> None:
    sections = _sections(
        "市の国際交流の取組\n"
        "1 ウランバートル市への訪問団派遣\n"
        "令和6年7月8日から12日まで、市長ほか4名がモンゴル国ウランバートル市を訪問しました。\n"
        "2 今後の交流について\n"
        "ウランバートル市とは、来年度以降も職員の相互派遣を続けていく予定です。\n"
    )
    trip = next(lines for heading, lines in sections if heading.startswith("1 "))
    assert not any("今後" in line or "相互派遣" in line for line in trip)
    assert any(heading == "2 今後の交流について" for heading, _ in sections)


def test_a_run_of_numbered_one_line_facts_stays_one_section() -> None:
    sections = _sections(
        "協定の締結について\n"
        "本市は、令和6年3月15日、タイ王国チェンマイ市と観光交流協定を締結しました。\n"
        "協定の概要\n"
        "(1)締結日 令和6年3月15日\n"
        "(2)締結場所 市役所 第2会議室\n"
        "(3)署名者 市長 山田 一郎、チェンマイ市副市長 ソムチャイ・ウォン\n"
        "(4)内容 観光客の相互送客、職員の相互研修\n"
        "締結式の後、一行は市内の観光施設を視察しました。\n"
    )
    facts = next(lines for heading, lines in sections if heading.startswith("(1)締結日"))
    assert any(line.startswith("(3)署名者") for line in facts)


def test_quoted_speech_is_what_was_said_not_a_trip() -> None:
    text = (
        "ニュージーランド・ネルソン市の訪問団が来市しました\n"
        "令和6年5月20日(月曜日)、姉妹都市であるニュージーランド・ネルソン市の市長を団長とする"
        "訪問団6名が市役所を訪れ、市長を表敬訪問しました。\n"
        "市長は懇談の中で「11月には本市からも訪問団をネルソン市に派遣したい」と述べ、"
        "ネルソン市長もこれを歓迎しました。\n"
    )
    visits = _visits(_records(text, "hachioji"))
    assert [(v.direction, v.start) for v in visits] == [("inbound", "2024-05-20")]
    said = text.splitlines()[2]
    home = Home(home_city("hachioji"), "hachioji", ())
    mention = read_mention(said, home, DateContext(title="", published="2024-05-21"))
    assert mention is None or (mention.kind != "out" and not mention.dates)


def test_a_country_before_a_hall_names_no_place() -> None:
    assert countries_named("一行は市内のドイツ館とカナダ村を見学しました。") == []
    assert [p.country for p in countries_named("一行はドイツを訪問しました。")] == ["DE"]


def test_a_reception_told_twice_is_one_visit() -> None:
    day = PartialDate(2024, 10, 2)
    told = Draft("in", day, day, places=[Place("フエ市", "VN")], texts=["…フエ市の主席一行が来庁"])
    listed = Draft("in", day, day, texts=["■締結式の概要\n出席者: (フエ市)主席ほか計8名"])
    # the second names its guests' town only in its lines: the same guests on the same day
    assert len(absorb_duplicates([told, listed])) == 1
    other = Draft("in", day, day, texts=["■懇談会\n出席者: (釜山広域市)副市長ほか3名"])
    assert len(absorb_duplicates([told, other])) == 2


def test_a_labels_value_may_open_with_its_date_and_say_more() -> None:
    sections = split_sections(
        Document(
            title="副市長が台湾で観光プロモーションを実施しました",
            blocks=tuple(
                text_blocks(
                    "副市長が台湾で観光プロモーションを実施しました\n"
                    "1 期間\n"
                    "2024年2月20日(火)~23日(金) 4日間\n"
                    "2 訪問先\n"
                    "台湾 高雄市、台中市\n"
                )[1]
            ),
        )
    )
    fields = {k: v for s in sections for k, v in s.fields().items()}
    assert fields.get("期間", "").startswith("2024年2月20日")
    # lines that each open with a date are a table of days, not one label's value
    days = text_blocks("日程\n2月20日(火) 移動\n2月21日(水) 表敬訪問\n")[1]
    assert not any(b.text.startswith("日程:") for b in join_labels(days))


_FESTIVAL = """\
八戸市
ホーム > 国際交流 > 第5回はちのへ国際交流フェスタを開催します
第5回はちのへ国際交流フェスタを開催します
更新日 2025年9月20日
世界の料理や音楽を楽しみながら、市内に暮らす外国につながる人々と交流できるフェスタを今年も\
開催します。どなたでも参加できます。ぜひお越しください。
日時
2025年10月12日(日曜日) 午前10時から午後3時まで
会場
八戸市公会堂 大ホール(八戸市内丸1丁目)
内容
・世界の料理コーナー
・JICA海外協力隊OBによる活動紹介
主催
はちのへ国際交流フェスタ実行委員会、八戸市
後援
青森県、青森県国際交流協会、JICA東北、株式会社はちのへテレビ
"""


def test_an_event_announced_to_the_public_at_home_is_no_visit() -> None:
    assert _visits(_records(_FESTIVAL, "hachinohe")) == []


_SCHEDULE = """\
市長の公務日程(2024年9月)
市長の9月の主な公務日程をお知らせします。
9月2日(月)
 10:00 庁議
 14:00 市議会 全員協議会
9月3日(火)
 11:00 定例記者会見
 15:00 ベトナム・フエ市人民委員会副主席 表敬訪問(市長応接室)
9月4日(水)
 9:30 市内小学校訪問
9月9日(月)~11日(水)
 オーストラリア・タウンズビル市訪問(姉妹都市提携30周年記念式典出席)
9月12日(木)
 10:00 市議会 本会議
"""


def test_a_schedules_timed_lines_are_entries_of_their_day() -> None:
    visits = sorted(_visits(_records(_SCHEDULE, "hachinohe")), key=lambda v: v.start or "")
    assert [(v.direction, v.start, v.end) for v in visits] == [
        ("inbound", "2024-09-03", "2024-09-03"),
        ("outbound", "2024-09-09", "2024-09-11"),
    ]


def test_a_line_with_a_label_of_its_own_ends_the_field_above() -> None:
    title, blocks = text_blocks(
        "交流講座を開催します\n"
        "講座の内容\n"
        "日時:2025年2月15日(土曜日)午後1時30分から\n"
        "会場:市役所本館8階 会議室\n"
        "講師:市国際交流員(ハミルトン市出身)\n"
        "定員:30人\n"
    )
    fields = {
        k: v
        for s in split_sections(Document(title=title, blocks=tuple(blocks)))
        for k, v in s.fields().items()
    }
    assert fields["会場"] == "市役所本館8階 会議室"


def test_a_call_for_participants_is_no_trip() -> None:
    text = (
        "令和7年度 中学生海外派遣事業 参加者募集\n"
        "令和7年度も、カナダ・オンタリオ州ハミルトン市への派遣を予定しています。\n"
        "派遣時期:令和7年7月28日(月)から8月6日(水)まで\n"
        "派遣先:カナダ・オンタリオ州ハミルトン市(ホームステイ)\n"
        "説明会:令和7年4月26日(土曜日)午前10時から 市役所会議室\n"
    )
    assert _visits(_records(text, "tsuchiura")) == []


def test_a_notes_date_is_its_own_not_the_entrys() -> None:
    text = (
        "表敬訪問の受入れ状況(令和5年度)\n"
        "令和5年9月12日 駐日ポーランド共和国大使 アンナ・ノヴァク 氏 音楽交流について\n"
        "令和6年2月8日 在大阪大韓民国総領事館 総領事 李 成 氏 着任挨拶\n"
        "※表敬訪問時の対応者は、いずれも市長です(令和5年9月12日は副市長が対応)。\n"
    )
    visits = _visits(_records(text, "tsuchiura"))
    assert sorted(v.start or "" for v in visits) == ["2023-09-12", "2024-02-08"]


def test_a_date_over_a_signer_signs_a_letter_but_over_a_guest_heads_an_entry() -> None:
    assert heading_level("令和6年2月20日(火曜日)", "土浦市長 野口 恵美") == 0
    assert heading_level("令和6年2月20日(火曜日)", "熊本市長 村瀬 博之氏") == 2


_TAB_DIARY = (
    "知事の動き(令和6年9月2日~9月8日)\n"
    "日付\t時間\t内容\t場所\n"
    "9月2日(月)\t10:00\t部長会議\t県庁\n"
    "\t15:00\t駐日チェコ共和国大使 表敬訪問\t県庁\n"
    "9月3日(火)\t11:00\t県議会 議会運営委員会\t県議会\n"
    "\t14:00\t中国浙江省人民政府代表団 表敬訪問\t県庁\n"
)


def test_a_copied_diarys_later_rows_take_the_day_above() -> None:
    visits = sorted(_visits(_records(_TAB_DIARY, "gifu-pref")), key=lambda v: v.start or "")
    assert [(v.direction, v.start) for v in visits] == [
        ("inbound", "2024-09-02"),
        ("inbound", "2024-09-03"),
    ]


def test_a_headings_months_are_the_period_a_report_covers() -> None:
    text = (
        "国際交流だより(令和元年 夏号)\n"
        "発行:令和元年7月25日\n"
        "◆姉妹都市との交流(5月~7月)\n"
        "5月には、姉妹都市ゲント市(ベルギー王国)から青少年訪問団12名が来市しました。"
        "6月20日には、ゲント市の副市長一行5名が市役所を訪れ、市長を表敬訪問しました。"
        "また、7月8日から12日まで、副市長がベルギーのゲント市を訪問し、記念式典に出席しました。\n"
    )
    visits = sorted(_visits(_records(text, "tsuchiura")), key=lambda v: v.start or "")
    assert [(v.direction, v.start, v.end) for v in visits] == [
        ("inbound", "2019-05", "2019-05"),
        ("inbound", "2019-06-20", "2019-06-20"),
        ("outbound", "2019-07-08", "2019-07-12"),
    ]


def test_a_partner_described_by_its_link_does_not_date_the_visit_by_it() -> None:
    text = (
        "ウィーン市ヘルナルス区長が区長を表敬訪問しました(縁組30周年)\n"
        "令和7年5月14日(水曜日)、本区と縁組協定を結んでいるオーストリア共和国ウィーン市"
        "ヘルナルス区の区長をはじめとする訪問団一行8名が区役所を訪れ、区長を表敬訪問しました。\n"
        "【今後の予定】\n"
        "30周年を記念して、令和7年10月に区民訪問団をヘルナルス区に派遣する予定です。"
        "参加者の募集については、区報の7月1日号でお知らせします。\n"
    )
    visits = _visits(_records(text, "setagaya"))
    assert [(v.direction, v.start) for v in visits] == [("inbound", "2025-05-14")]


def test_a_newsletters_issue_month_and_relative_years_date_its_stories() -> None:
    text = (
        "市国際交流協会 会報 第40号\n"
        "2019年1月発行\n"
        "◆市民訪問団 リヨン市を訪問\n"
        "10月3日(水)から9日(火)まで、市民訪問団がフランスのリヨン市を訪問しました。\n"
        "◆来年はリヨン市から訪問団\n"
        "来年4月には、リヨン市の副市長を団長とする訪問団が本市を訪れる予定です。\n"
    )
    visits = sorted(_visits(_records(text, "tsuchiura")), key=lambda v: v.start or "")
    assert (visits[0].direction, visits[0].start) == ("outbound", "2018-10-03")
    ctx = DateContext(published="2019-01-31")
    assert [s.start.iso() for s in dates_in("来年4月には訪問団が来ます", ctx)] == ["2020-04"]
    assert [s.start.iso() for s in dates_in("昨年10月に訪問しました", ctx)] == ["2018-10"]


def test_a_visit_the_other_way_on_a_trip_page_is_a_visit_of_its_own() -> None:
    text = (
        "記者発表資料\n"
        "平成30年11月14日\n"
        "友好都市提携40周年 市長がリヨン市を訪問\n"
        "市長は、11月18日から22日まで、友好都市であるフランス・リヨン市を訪問します。\n"
        "本市とリヨン市は、1978年11月に友好都市提携を締結し、今年で40周年を迎えました。"
        "6月には、リヨン市の市長が本市を訪問し、記念式典に出席しました。\n"
    )
    visits = sorted(_visits(_records(text, "tsuchiura")), key=lambda v: v.start or "")
    assert [(v.direction, v.start) for v in visits] == [
        ("inbound", "2018-06"),
        ("outbound", "2018-11-18"),
    ]


def test_a_practice_repeated_each_year_and_a_report_meeting_are_no_visits() -> None:
    text = (
        "区の国際交流(令和6年度)\n"
        "■報告会の開催\n"
        "8月20日(火曜日)に区役所で派遣報告会を開催し、生徒が成果を発表しました。"
        "中学生の派遣のほか、バーリントン市からの青少年の受入れを続けています。\n"
        "■高校生の派遣\n"
        "7月30日(火曜日)\n"
        "区からは、毎年3月に区内の高校生をバーリントン市へ派遣しています。\n"
    )
    assert _visits(_records(text, "itabashi")) == []


def test_a_labelled_day_dates_a_side_event_within_a_gathering_held_over_days() -> None:
    text = (
        "記者発表資料\n"
        "令和7年4月20日\n"
        "防災分野の国際協力を名古屋で発信\n"
        "本市は、5月10日~14日に名古屋市で開催される国連の防災会議のサイドイベントにおいて、"
        "都市間協力に関するセミナーを開催します。\n"
        "1 概要\n"
        "日時:令和7年5月11日(日)13:00~15:00\n"
        "会場:名古屋国際会議場 ホール3\n"
        "発表者:本市、フィリピン・イロイロ市長\n"
    )
    visits = _visits(_records(text, "kobe"))
    assert [(v.direction, v.start, v.end) for v in visits] == [
        ("outbound", "2025-05-11", "2025-05-11")
    ]


def test_days_alone_under_a_months_heading_are_a_diarys_entries() -> None:
    text = (
        "議長の動き(令和6年度)\n"
        "令和6年6月\n"
        "26日(水)\n"
        " 第2回定例会 閉会\n"
        "12日(水)\n"
        " 第2回定例会 開会(本会議場)\n"
        "令和6年5月\n"
        "21日(火)\n"
        " 中国・蘇州市人民代表大会常務委員会代表団による表敬訪問(議長応接室)\n"
        " 友好都市である蘇州市から、同市人民代表大会の副主任を団長とする代表団が来訪しました。\n"
    )
    visits = _visits(_records(text, "kanazawa"))
    assert [(v.direction, v.start) for v in visits] == [("inbound", "2024-05-21")]


def test_a_headline_of_a_trip_made_and_guests_received_is_two_visits() -> None:
    text = (
        "令和5年度 教員海外派遣研修・姉妹都市生徒受入れの報告\n"
        "1 教員海外派遣研修\n"
        "(1)期間\n"
        "令和5年7月24日(月曜日)~7月31日(月曜日) 8日間\n"
        "(2)派遣先\n"
        "アメリカ合衆国 オレゴン州 ポートランド市\n"
        "2 ポートランド市高校生の受入れ\n"
        "(1)期間\n"
        "令和5年10月10日(火曜日)~10月17日(火曜日)\n"
        "(2)主な内容\n"
        "教育長への表敬訪問、市立中学校での授業体験、ホームステイ\n"
    )
    visits = sorted(_visits(_records(text, "fukui")), key=lambda v: v.start or "")
    assert [(v.direction, v.start) for v in visits] == [
        ("outbound", "2023-07-24"),
        ("inbound", "2023-10-10"),
    ]
