"""find_dates, years_in and context_year on the forms these city pages really use."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from parsers.text.dates import (
    DateSpan,
    PartialDate,
    context_span,
    context_year,
    find_dates,
    parse_one,
    parse_span,
    years_in,
)
from parsers.text.normalize import normalize

BOUNDED = settings(max_examples=200, deadline=None)


def spans(
    text: str, *, year: int | None = None, month: int | None = None, fiscal: bool = False
) -> list[tuple[str | None, str | None]]:
    found = find_dates(text, year=year, month=month, fiscal=fiscal)
    return [(s.start.iso(), s.end.iso()) for s in found]


# --- the forms, one by one -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Western and era years, dual spellings.
        ("2023年10月27日記者会見", [("2023-10-27", "2023-10-27")]),
        ("訪問日:2008年(平成20年)10月7日", [("2008-10-07", "2008-10-07")]),
        ("1957(昭和32)年10月に寄贈", [("1957-10", "1957-10")]),
        ("令和5年(2023年)10月27日(金曜)午後1時15分~午後1時58分", [("2023-10-27", "2023-10-27")]),
        ("昭和58年(1983年)に姉妹都市提携", [("1983", "1983")]),
        ("令和元年10月30日(水曜日)", [("2019-10-30", "2019-10-30")]),
        ("平成元年2月", [("1989-02", "1989-02")]),
        ("大正12年9月1日", [("1923-09-01", "1923-09-01")]),
        ("令和六年六月二十五日", [("2024-06-25", "2024-06-25")]),
        # A month heading and a year alone.
        ("令和2年2月\n外務省気候変動課への訪問", [("2020-02", "2020-02")]),
        ("2013年にバンコク都と覚書を締結", [("2013", "2013")]),
        ("平成4年から協力", [("1992", "1992")]),
        ("2023年前半に", [("2023", "2023")]),
        ("(2023年10月・韓国)", [("2023-10", "2023-10")]),
        # Fiscal years, and a month inside one.
        ("令和4年度から", [("2022-04", "2023-03")]),
        ("2021年度に開催予定", [("2021-04", "2022-03")]),
        ("過去の動き(令和7年度10月)", [("2025-10", "2025-10")]),
        ("令和7年度2月", [("2026-02", "2026-02")]),
        ("令和元年度", [("2019-04", "2020-03")]),
        ("令和4年度~令和6年度", [("2022-04", "2025-03")]),
        # Ranges with both ends written out, or the second borrowing from the first.
        (
            "1 日 時 平成25年8月31日(土曜日)~平成25年9月2日(火曜日)",
            [("2013-08-31", "2013-09-02")],
        ),
        ("令和6年6月20日(木)~6月22日(土)", [("2024-06-20", "2024-06-22")]),
        ("令和6(2024)年11月7~8日", [("2024-11-07", "2024-11-08")]),
        ("令和5年1月17日(火曜)から22日(日曜)までの日程で", [("2023-01-17", "2023-01-22")]),
        (
            "2025年7月21日(月曜)から2025年7月25日(金曜)まで",
            [("2025-07-21", "2025-07-25")],
        ),
        ("7月21日(月曜)から2025年7月25日(金曜)まで", [("2025-07-21", "2025-07-25")]),
        ("平成27年10月27日(火曜)〜11月2日(月曜)", [("2015-10-27", "2015-11-02")]),
        ("令和5年12月28日~1月3日", [("2023-12-28", "2024-01-03")]),
        ("2023年11月1日から同月の4日まで", [("2023-11-01", "2023-11-04")]),
        # Spaced-out PDF text and full-width digits.
        ("令 和 ６ 年 ６ 月 2 5 日", [("2024-06-25", "2024-06-25")]),
        (
            "令和６年６月 20 日（木）～６月 22 日（土） （１泊３日）",
            [("2024-06-20", "2024-06-22")],
        ),
        # Numeric forms.
        ("2012/4/25(水曜日)", [("2012-04-25", "2012-04-25")]),
        ("2012/04/15(日曜日)", [("2012-04-15", "2012-04-15")]),
        ("公開 2023-10-27", [("2023-10-27", "2023-10-27")]),
        ("2023.10.27 更新", [("2023-10-27", "2023-10-27")]),
        ("2023-08-23T10:00:00+09:00", [("2023-08-23", "2023-08-23")]),
        ("2008年 (平成20年) 10月7日", [("2008-10-07", "2008-10-07")]),
        ("H25.8.31 実施", [("2013-08-31", "2013-08-31")]),
        ("R5.10.27", [("2023-10-27", "2023-10-27")]),
        ("2023/10/27~29", [("2023-10-27", "2023-10-29")]),
        ("2023/10/27(金)~10/29(日)", [("2023-10-27", "2023-10-29")]),
        ("2023-10-27~2023-10-29", [("2023-10-27", "2023-10-29")]),
        # English.
        ("Wednesday, October 17, 2007 - Hiroshi Nakada", [("2007-10-17", "2007-10-17")]),
        ("Newsrelease(17 Oct.2007)", [("2007-10-17", "2007-10-17")]),
        ("Last update date September 1, 2023", [("2023-09-01", "2023-09-01")]),
        ("Last updated on November 19, 2024.", [("2024-11-19", "2024-11-19")]),
        ("held from 13th to 15th November 2023 in", [("2023-11-13", "2023-11-15")]),
        ("on 13-15 November 2023", [("2023-11-13", "2023-11-15")]),
        ("October 25-27, 2023", [("2023-10-25", "2023-10-27")]),
        ("from 30th to 2nd January 2024", [("2023-12-30", "2024-01-02")]),
        ("the conference in November 2023", [("2023-11", "2023-11")]),
        ("Tuesday, 5 March 2024", [("2024-03-05", "2024-03-05")]),
    ],
)
def test_forms(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("6月20日(木)~6月22日(土)", {"year": 2024}, [("2024-06-20", "2024-06-22")]),
        ("11月7~8日", {"year": 2024}, [("2024-11-07", "2024-11-08")]),
        ("11月13日から15日の日程で", {"year": 2023}, [("2023-11-13", "2023-11-15")]),
        ("清水市長が8月6日から9日までの4日間", {"year": 2023}, [("2023-08-06", "2023-08-09")]),
        ("12月28日~1月3日", {"year": 2023}, [("2023-12-28", "2024-01-03")]),
        ("10月30日~2日", {"year": 2023}, [("2023-10-30", "2023-11-02")]),
        ("On 7 September, the", {"year": 2023}, [("2023-09-07", "2023-09-07")]),
        ("On July 4 of this year", {"year": 2023}, [("2023-07-04", "2023-07-04")]),
        (
            "between October 25 and November 3.",
            {"year": 2007},
            [("2007-10-25", "2007-11-03")],
        ),
        (
            "I met with the Ambassador on Wednesday, August 23.",
            {"year": 2023},
            [("2023-08-23",) * 2],
        ),
        ("5月3日から5日の3日間", {"year": 2025}, [("2025-05-03", "2025-05-05")]),
        ("8月には訪問団21名を受け入れ", {"year": 2023}, [("2023-08", "2023-08")]),
        ("27日午前、羽田空港を出発", {"year": 2015, "month": 10}, [("2015-10-27",) * 2]),
        ("7/27(木)–8/2(水)", {"year": 2017}, [("2017-07-27", "2017-08-02")]),
        ("■9/3~9/7 視察団", {"year": 2025}, [("2025-09-03", "2025-09-07")]),
        ("全体の3/4が賛成、1/2が反対", {"year": 2025}, []),
    ],
)
def test_context_fills_what_the_page_omits(
    text: str, context: dict[str, int], expected: list[tuple[str, str]]
) -> None:
    assert spans(text, year=context.get("year"), month=context.get("month")) == expected


def test_listed_days_take_the_month_before_them() -> None:
    assert spans("2023年11月13日、15日") == [("2023-11-13",) * 2, ("2023-11-15",) * 2]
    assert spans("6月20日(木)・24日(月)", year=2024) == [("2024-06-20",) * 2, ("2024-06-24",) * 2]
    # Two days that follow each other, listed, are one stay.
    assert spans("2023年11月13日、14日") == [("2023-11-13", "2023-11-14")]
    assert spans("6月20日(木)・21日(金)", year=2024) == [("2024-06-20", "2024-06-21")]
    # Not a list: a day far from any month stays unread without context.
    assert spans("2023年11月13日に開催。27日午前") == [("2023-11-13",) * 2]


def test_fiscal_context_puts_january_to_march_in_the_next_year() -> None:
    text = "10月7日(火曜日)\n1月20日(火曜日)"
    assert spans(text, year=2025, fiscal=True) == [("2025-10-07",) * 2, ("2026-01-20",) * 2]
    assert spans(text, year=2025) == [("2025-10-07",) * 2, ("2025-01-20",) * 2]
    (fy,) = find_dates("FY2023 budget")
    assert fy.fiscal and (fy.start.iso(), fy.end.iso()) == ("2023-04", "2024-03")


def test_without_context_a_yearless_date_keeps_year_none() -> None:
    (span,) = find_dates("11月13日から15日")
    assert span.start == PartialDate(None, 11, 13)
    assert span.end == PartialDate(None, 11, 15)
    assert span.start.iso() is None
    (span,) = find_dates("On 22 August, the Secretariat")
    assert span.start == PartialDate(None, 8, 22)


def test_a_day_alone_needs_a_month() -> None:
    assert find_dates("27日午前") == []
    assert spans("27日午前", month=10) == [(None, None)]
    assert find_dates("27日午前", month=10)[0].start == PartialDate(None, 10, 27)


def test_a_year_alone_does_not_take_the_context_month() -> None:
    assert spans("2013年に締結", year=2020, month=5) == [("2013", "2013")]


def test_dates_that_do_not_make_a_range_stay_apart() -> None:
    # An old footer: created, then updated; a dash between words is not a range.
    text = "政策局国際政策課 - 平成25年11月15日作成 - 平成25年11月18日更新"
    assert spans(text) == [("2013-11-15",) * 2, ("2013-11-18",) * 2]
    # An end before its start is the page's slip; both dates stand alone.
    assert spans("2025年7月25日~2025年7月21日") == [("2025-07-25",) * 2, ("2025-07-21",) * 2]
    assert spans("2012/4/25 - 3 people") == [("2012-04-25",) * 2]


def test_weekdays_are_ignored_even_when_wrong() -> None:
    # 2013-09-02 was a Monday and 2013-07-21 a Sunday; the pages say otherwise.
    assert spans("平成25年9月2日(火曜日)") == [("2013-09-02", "2013-09-02")]
    assert spans("1 授 与 式 平成25年7月21日(土曜日)") == [("2013-07-21", "2013-07-21")]


def test_fiscal_flag() -> None:
    (fy,) = find_dates("令和4年度")
    assert fy.fiscal and fy.start == PartialDate(2022, 4) and fy.end == PartialDate(2023, 3)
    (month,) = find_dates("令和7年度10月")
    assert not month.fiscal


@pytest.mark.parametrize(
    "text",
    [
        "令和7年4月10日(木曜日)11:00~",
        "午後1時15分~午後1時58分",
        "Tel 045-671-4396",
        "Page ID: 205-201-551",
        "44の都市・政府機関の賛同",
        "のべ53人に及び",
        "総経費 50,419千円",
        "〒220-0012 神奈川県横浜市西区みなとみらい1-1-1",
        "TEL: +81-45-221-1214",
        "電話番号:048-829-1457 ファックス:048-829-1997",
        "現在 63 首長で構成",
        "GREEN×EXPO 2027",
        "Established in 1987 with the support",
        "the 49th Nishi Ward People's Festival",
        "約6か月にわたる",
        "1泊3日",
        "3日間",
        "第3日曜日",
        "10年以上にわたる",
        "1 日 時",
        "Y-SHIP 2023",
        "URL :https://www.iges.or.jp/jp/events/20230808",
        "https://example.org/blog/2023/08/18/post",
        "It may 3 times",
        "中華民国114年国慶節",
        "令和元年4月",  # 令和 began on 1 May 2019
        "平成31年5月",  # 平成 ended on 30 April 2019
        "平成32年",
        "2023年2月29日",
        "13月5日",
        "毎月1日に発行",
        "1990年代の取組",
        "2000年前の遺跡",
        "2000年ぶりの快挙",
    ],
)
def test_not_dates(text: str) -> None:
    found = [s.text for s in find_dates(text, month=4)]
    if text.startswith("令和7年4月10日"):
        assert found == ["令和7年4月10日(木曜日)"]
    else:
        assert found == []


def test_era_edges() -> None:
    assert spans("平成31年4月30日") == [("2019-04-30", "2019-04-30")]
    assert spans("令和元年5月1日") == [("2019-05-01", "2019-05-01")]
    assert spans("平成元年1月7日") == []
    assert spans("昭和64年1月7日") == [("1989-01-07", "1989-01-07")]
    assert spans("平成31年度") == [("2019-04", "2020-03")]


def test_several_dates_in_order_with_offsets() -> None:
    raw = "更新日付：2020年3月10日\n令和2年2月\n1 日　時 令和２年２月２８日（金曜日）\n"
    found = find_dates(raw)
    assert [s.start.iso() for s in found] == ["2020-03-10", "2020-02", "2020-02-28"]
    text = normalize(raw)
    for span in found:
        assert text[span.begin : span.stop] == span.text
    assert found[2].text == "令和2年2月28日(金曜日)"


def test_range_text_includes_made() -> None:
    (span,) = find_dates("8月6日から9日までの4日間", year=2023)
    assert span.text == "8月6日から9日まで"
    assert span.is_range


def test_parse_one_and_parse_span() -> None:
    assert parse_one("日時 令和5年8月8日(火)") == PartialDate(2023, 8, 8)
    assert parse_one("なし") is None
    span = parse_span("6月20日~22日", year=2024)
    assert isinstance(span, DateSpan)
    assert (span.start.iso(), span.end.iso()) == ("2024-06-20", "2024-06-22")


# --- PartialDate -----------------------------------------------------------------------------


def test_partial_date() -> None:
    assert PartialDate(2023).iso() == "2023"
    assert PartialDate(2023, 4).iso() == "2023-04"
    assert PartialDate(2023, 4, 1).iso() == "2023-04-01"
    assert PartialDate(None, 4, 1).iso() is None
    assert PartialDate(None, 11, 13).with_year(2023) == PartialDate(2023, 11, 13)
    assert PartialDate(2023, 2).last_day() == date(2023, 2, 28)
    assert PartialDate(2024).first_day() == date(2024, 1, 1)
    assert PartialDate(None, 2, 29).with_year(2024).iso() == "2024-02-29"
    with pytest.raises(ValueError):
        PartialDate(None, 2, 29).with_year(2023)
    for bad in ((2023, 13, None), (2023, 4, 31), (2023, None, 5), (None, 2, 30)):
        with pytest.raises(ValueError):
            PartialDate(*bad)


# --- year context ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("国際コンベンション「Y-SHIP 2023」及び第12回アジア・スマートシティ会議", [2023]),
        ("https://businessyokohama.com/blog/2023/08/18/promoting-city", [2023]),
        ("https://en.city.yokohama.lg.jp/mayor/photodiary/2024/202411/20241110-1.html", [2024] * 3),
        ("/mayor/photodiary/2023/202308/20230823-2.html", [2023] * 3),
        (
            "http://www.city.yokohama.lg.jp/ex/mayor/interview/newsrelease/h19/n071017-e.html",
            [2007],
        ),
        ("https://www.city.sendai.jp/koryu/r4/dallas2301.html", [2022]),
        ("http://www.city.yokohama.lg.jp/kokusai/exchange/africa-harbor2017.html", [2017]),
        ("https://www.city.yokohama.lg.jp/kokusai/Africa/before2016/maputo270517.html", []),
        ("https://www.city.hiroshima.lg.jp/mayor/press/1026997/1008629.html?id=2019", []),
        ("市長定例記者会見(令和7年4月10日)", [2025]),
        ("過去の議長、副議長の動き(令和7年度10月)", [2025]),
        ("Last update date September 1, 2023", [2023]),
        ("電話番号:048-829-1997 2000人 ISO 9001 50,419千円", []),
        ("令和4年度~令和6年度", [2022, 2025]),
    ],
)
def test_years_in(text: str, expected: list[int]) -> None:
    assert years_in(text) == expected


def test_context_year_takes_the_closest_source_first() -> None:
    assert (
        context_year(None, "", "第12回アジア・スマートシティ会議", "Y-SHIP 2023", "2024年") == 2023
    )
    assert context_year(None, "見出し") is None


def test_context_span_keeps_month_and_fiscal() -> None:
    span = context_span(None, "過去の議長、副議長の動き(令和7年度10月)")
    assert span is not None and span.start == PartialDate(2025, 10) and not span.fiscal
    span = context_span("11月13日", "令和7年度の活動")
    assert span is not None and span.fiscal and span.start.year == 2025
    assert context_span("見出し", None) is None


# --- properties ------------------------------------------------------------------------------

_WEEKDAYS = "月火水木金土日"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_MONTHS = [calendar.month_name[m] for m in range(1, 13)]


def _era(d: date) -> tuple[str, int] | None:
    if d >= date(2019, 5, 1):
        return "令和", d.year - 2018
    if date(1989, 1, 8) <= d <= date(2019, 4, 30):
        return "平成", d.year - 1988
    if date(1926, 12, 25) <= d <= date(1989, 1, 7):
        return "昭和", d.year - 1925
    return None


Draw = Callable[[st.SearchStrategy[Any]], Any]


def _japanese_year(d: date, draw: Draw) -> str:
    """`2013年` or, when the era was running that day, `平成25年` / `令和元年`."""
    era = _era(d)
    if era is None or draw(st.booleans()):
        return f"{d.year}年"
    name, n = era
    return f"{name}{'元' if n == 1 else n}年"


def _kanji(n: int) -> str:
    digits = "〇一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _pdf_style(text: str, draw: Draw) -> str:
    """Full-width digits, or a space between every letter as PDF text extraction gives."""
    style = draw(st.sampled_from(["plain", "fullwidth", "spaced"]))
    if style == "fullwidth":
        return text.translate(_FULLWIDTH)
    if style == "spaced" and "(" not in text:
        return " ".join(text)
    return text


@st.composite
def written_dates(draw: st.DrawFn) -> tuple[date, str]:
    """A real date and one way a page might write it (weekday possibly wrong)."""
    d = draw(st.dates(min_value=date(1950, 1, 1), max_value=date(2040, 12, 31)))
    weekday = draw(st.sampled_from(["", "", f"({draw(st.sampled_from(_WEEKDAYS))})", "(水曜日)"]))
    english_weekday = draw(st.sampled_from(["", *(f"{w}, " for w in calendar.day_name)]))
    month_name = _MONTHS[d.month - 1]
    forms = [
        f"{_japanese_year(d, draw)}{d.month}月{d.day}日",
        f"{d.year}/{d.month}/{d.day}{weekday}",
        f"{d.year}/{d.month:02d}/{d.day:02d}",
        f"{d.year}-{d.month:02d}-{d.day:02d}",
        f"{d.year}.{d.month}.{d.day}",
        f"{english_weekday}{month_name} {d.day}, {d.year}",
        f"{english_weekday}{d.day} {month_name} {d.year}",
        f"{d.day} {month_name[:3]}. {d.year}",
        f"{month_name.upper()} {d.day}, {d.year}",
    ]
    era = _era(d)
    if era is not None:
        name, n = era
        number = "元" if n == 1 else str(n)
        forms += [
            f"{d.year}年({name}{number}年){d.month}月{d.day}日",
            f"{name}{number}({d.year})年{d.month}月{d.day}日",
            f"{name}{number}年({d.year}年){d.month}月{d.day}日",
            f"{'RHS'['令平昭'.index(name[0])]}{n}.{d.month}.{d.day}",
            f"{name}{'元' if n == 1 else _kanji(n)}年{_kanji(d.month)}月{_kanji(d.day)}日",
        ]
    text = draw(st.sampled_from(forms))
    if "年" in text:
        text = _pdf_style(text, draw) + weekday
    return d, text


@BOUNDED
@given(
    written_dates(),
    st.sampled_from(["", "日時 ", "訪問日:", "On ", "(", "\n"]),
    st.sampled_from(["", "に訪問", "。", ")", " - Yokohama", "\n"]),
)
def test_written_dates_are_recovered(case: tuple[date, str], before: str, after: str) -> None:
    d, text = case
    found = find_dates(before + text + after)
    assert len(found) == 1, (text, found)
    assert found[0].start == found[0].end == PartialDate(d.year, d.month, d.day)


@BOUNDED
@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2039, 12, 31)),
    st.integers(min_value=0, max_value=60),
    st.sampled_from(["~", "〜", "～", "から", " ~ ", "－", "–"]),
    st.sampled_from(["", "(木)", "(土曜日)", "(月曜)"]),
    st.data(),
)
def test_japanese_ranges_round_trip(
    start: date, days: int, link: str, wd: str, data: st.DataObject
) -> None:
    end = start + timedelta(days=days)
    first = f"{_japanese_year(start, data.draw)}{start.month}月{start.day}日"
    if end.year != start.year or data.draw(st.booleans()):
        second = f"{_japanese_year(end, data.draw)}{end.month}月{end.day}日"
    elif end.month != start.month or data.draw(st.booleans()):
        second = f"{end.month}月{end.day}日"
    else:
        second = f"{end.day}日"
    first, second = _pdf_style(first, data.draw), _pdf_style(second, data.draw)
    (span,) = find_dates(f"期間:{first}{wd}{link}{second}{wd}まで")
    assert span.start == PartialDate(start.year, start.month, start.day)
    assert span.end == PartialDate(end.year, end.month, end.day)


@BOUNDED
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2039, 12, 31)), st.integers(0, 40))
def test_yearless_ranges_take_the_context_year(start: date, days: int) -> None:
    end = start + timedelta(days=days)
    text = f"{start.month}月{start.day}日~{end.month}月{end.day}日"
    (span,) = find_dates(text, year=start.year)
    assert (span.start.first_day(), span.end.first_day()) == (start, end)


@BOUNDED
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2039, 12, 31)), st.integers(0, 20))
def test_english_ranges_round_trip(start: date, days: int) -> None:
    end = start + timedelta(days=days)
    month = _MONTHS[end.month - 1]
    assume(start.year == end.year)
    if start.month == end.month:
        text = f"from {start.day}th to {end.day}th {month} {end.year}"
    else:
        text = f"between {_MONTHS[start.month - 1]} {start.day} and {month} {end.day}, {end.year}"
    (span,) = find_dates(text)
    assert (span.start.first_day(), span.end.first_day()) == (start, end)


def _check_spans(text: str, found: list[DateSpan]) -> None:
    norm = normalize(text)
    last = 0
    for span in found:
        assert last <= span.begin < span.stop <= len(norm)
        assert norm[span.begin : span.stop] == span.text
        last = span.stop
        for when in (span.start, span.end):
            if when.month is not None:
                assert 1 <= when.month <= 12
            if when.day is not None:
                assert when.month is not None
                assert 1 <= when.day <= calendar.monthrange(when.year or 2000, when.month)[1]
        if span.start.year is not None and span.end.year is not None:
            first, last_day = span.start.first_day(), span.end.last_day()
            assert first is not None and last_day is not None and first <= last_day


@BOUNDED
@given(st.text(max_size=300), st.none() | st.integers(1900, 2100), st.none() | st.integers(1, 12))
def test_find_dates_never_raises_and_returns_valid_dates(
    text: str, year: int | None, month: int | None
) -> None:
    _check_spans(text, find_dates(text, year=year, month=month))
    years_in(text)


_DATE_SOUP = st.lists(
    st.sampled_from(
        [
            *"0123456789１２ 年月日度~〜-から同の令和平成元()曜木 /.,",
            *("July ", "Oct. ", "th ", " to ", " and ", "between ", "2023", "12", "31", "29"),
        ]
    ),
    max_size=30,
).map("".join)


@BOUNDED
@given(
    _DATE_SOUP,
    st.none() | st.integers(1990, 2030),
    st.none() | st.integers(1, 12),
    st.booleans(),
)
def test_date_soup_gives_valid_dates(
    text: str, year: int | None, month: int | None, fiscal: bool
) -> None:
    _check_spans(text, find_dates(text, year=year, month=month, fiscal=fiscal))


def test_remembered_dates_come_back_as_fresh_lists() -> None:
    text = "令和5年10月19日(木曜日)から21日まで"
    first = find_dates(text, year=2023)
    first.clear()
    again = find_dates(text, year=2023)
    assert len(again) == 1 and again[0].start == PartialDate(2023, 10, 19)
    assert find_dates(text, year=2023, fiscal=True) == again  # another key, the same answer


def test_a_range_whose_weekdays_are_named_between_its_ends() -> None:
    # a machine translation of `9月26日(火)から30日(土)まで`
    spans = find_dates("2017/9/26 from Tuesday to Saturday, September 30")
    assert [(s.start.iso(), s.end.iso()) for s in spans] == [("2017-09-26", "2017-09-30")]
