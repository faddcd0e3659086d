"""The national sister-city register (`clair`): one programme per affiliation, the trips its
narrative tells, and the point of view each page names for itself.

The pages here are composed for the tests in the register's layout (labelled fields, as HTML
table rows, `label value` lines or Markdown-like rows); none is a copy of a real entry.
"""

from __future__ import annotations

import pytest

import parsers
from citywatch.model import Page, Programme, Record, Visit, record_from_dict

URL = "https://www.clair.or.jp/j/exchange/shimai/data/detail/9100"


def _html(rows: list[tuple[str, str]]) -> bytes:
    cells = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows)
    return (
        "<html><head><title>姉妹提携データ</title></head><body><div id='contents'>"
        f"<h1>姉妹(友好)提携情報</h1><h3>当該提携の概要</h3><table>{cells}</table>"
        "<p><a href='/j/exchange/shimai/'>姉妹提携情報に戻る</a></p></div></body></html>"
    ).encode()


def _parse(
    body: bytes, *, content_type: str = "text/html", city: str | None = None
) -> list[Record]:
    page = Page(body, url=URL, content_type=content_type, city=city)
    return list(parsers.parse_page(page, "clair").records)


def _programme(records: list[Record]) -> Programme:
    (programme,) = [r for r in records if isinstance(r, Programme)]
    return programme


TOWN = [
    ("都道府県名", "長野県 (Nagano Prefecture)"),
    ("自治体名称", "小布施町 (Obuse-machi)"),
    ("提携相手先", "ヘザーミード町 (Heathermead)"),
    ("州・省・県", "ヴィクトリア州 (Victoria)"),
    ("国・地域名", "オーストラリア (Australia)"),
    ("提携年月日", "1996/04/22"),
    ("提携日の根拠", "提携書に調印した日"),
    ("提携の動機及び経過", "栗の栽培が縁で交流が始まった。"),
    ("提携先の概要", "州都の北東約90km"),
]


def test_a_japanese_detail_page_is_one_programme_seen_from_the_town_it_names() -> None:
    records = _parse(_html(TOWN))
    programme = _programme(records)
    assert programme.start == "1996-04-22"
    # The gazetteer knows no such town: the page's words and its 国・地域名 make the place.
    assert [(p.name, p.country) for p in programme.places] == [("ヘザーミード町", "AU")]
    assert programme.partners == ("小布施町", "ヘザーミード町", "Heathermead")
    assert (programme.city, programme.city_name) == ("obuse", "小布施町")
    assert programme.key
    assert records == [programme]  # an undated story tells no trip


def test_the_page_names_its_own_government_whatever_the_watch_says() -> None:
    records = _parse(_html(TOWN), city="yokohama")
    assert {(r.city, r.city_name) for r in records} == {("obuse", "小布施町")}


def test_a_prefecture_is_its_own_party() -> None:
    rows = [
        ("都道府県名", "静岡県 (Shizuoka Prefecture)"),
        ("自治体名称", "静岡県 (Shizuoka Prefecture)"),
        ("提携相手先", "ノーザンリバー州 (Northern River)"),
        ("州・省・県", "ノーザンリバー州 (Northern River)"),
        ("国・地域名", "アメリカ合衆国 (U.S.A.)"),
        ("提携年月日", "2001/10/03"),
        ("提携の動機及び経過", ""),
    ]
    programme = _programme(_parse(_html(rows)))
    assert (programme.city, programme.city_name) == ("shizuoka-pref", "静岡県")
    assert [(p.name, p.country) for p in programme.places] == [("ノーザンリバー州", "US")]
    assert programme.start == "2001-10-03"


def test_the_narrative_tells_dated_visits_both_ways() -> None:
    story = (
        "2004年5月、町長と職員3名がメルボルンを訪問し、提携について協議した。"
        "2005年10月12日から14日まで、ヴィクトリア州訪問団が小布施町を訪れた。"
    )
    rows = [(label, story if label == "提携の動機及び経過" else value) for label, value in TOWN]
    records = _parse(_html(rows))
    visits = sorted((r for r in records if isinstance(r, Visit)), key=lambda v: v.start or "")
    assert [(v.direction, v.start, v.end) for v in visits] == [
        ("outbound", "2004-05", "2004-05"),
        ("inbound", "2005-10-12", "2005-10-14"),
    ]
    assert [(p.name, p.country) for p in visits[0].places] == [("メルボルン", "AU")]
    assert visits[1].places[0].country == "JP"
    assert all((v.city, v.city_name) == ("obuse", "小布施町") for v in visits)
    assert _programme(records).start == "1996-04-22"


def test_a_text_copy_with_table_rows_reads_the_same() -> None:
    lines = ["姉妹(友好)提携情報", "自治体情報"]
    for label, value in TOWN:
        lines += [f"| {label} | {value} |", "|---|---|"]
    records = _parse("\n".join(lines).encode(), content_type="text/plain")
    programme = _programme(records)
    assert (programme.start, programme.city) == ("1996-04-22", "obuse")
    assert programme.places[0].country == "AU"


def test_label_value_lines_with_an_empty_field() -> None:
    text = "\n".join(
        [
            "自治体情報",
            "都道府県名 東京都 (Tokyo Metropolitan Government)",
            "自治体名称 北区 (Kita-ku)",
            "提携相手先情報",
            "提携相手先 リバーベンド市 (Riverbend)",
            "州・省・県",
            "国・地域名 カナダ (Canada)",
            "提携情報",
            "提携年月日 1987/07/01",
            "提携の動機及び経過",
            "区民の交流から始まった。",
            "提携先の概要",
            "湖のほとりの町。",
        ]
    )
    programme = _programme(_parse(text.encode(), content_type="text/plain"))
    assert (programme.city, programme.city_name) == ("kita", "北区")
    assert [(p.name, p.country) for p in programme.places] == [("リバーベンド市", "CA")]


def test_an_english_detail_page() -> None:
    rows = [
        ("Prefecture", "Nagano Prefecture"),
        ("Local Government", "Obuse-machi"),
        ("Partner", "Heathermead"),
        ("State/Province", "Victoria"),
        ("Country", "Australia"),
        ("Date of Affiliation", "1996/04/22"),
        ("Background", "The towns first met through chestnut growing."),
    ]
    programme = _programme(_parse(_html(rows)))
    assert (programme.city, programme.city_name) == ("obuse", "小布施町")
    assert [(p.name, p.country) for p in programme.places] == [("Heathermead", "AU")]
    assert programme.start == "1996-04-22"


def test_a_register_page_without_an_affiliation_has_no_records() -> None:
    body = _html([("都道府県名", "長野県 (Nagano Prefecture)")])
    assert _parse(body, city="obuse") == []


@pytest.mark.parametrize("with_city", [True, False])
def test_city_round_trips_and_stays_out_of_json_when_unset(with_city: bool) -> None:
    programme = Programme(start="1996-04-22", key="p-1")
    if with_city:
        programme = Programme(start="1996-04-22", key="p-1", city="obuse", city_name="小布施町")
    data = programme.to_dict()
    assert ("city" in data) is with_city
    assert record_from_dict(data) == programme


def test_a_history_in_one_paragraph_is_several_trips_and_one_goes_to_the_partner() -> None:
    story = (
        "栗の栽培が縁で交流が始まった。1993年3月、町長と職員2名がメルボルンを訪問した。"
        "1994年9月、小布施町は町長を団長とする12名の訪問団をヘザーミードに派遣、"
        "20日に両町長が覚書に署名した。"
    )
    rows = [(label, story if label == "提携の動機及び経過" else value) for label, value in TOWN]
    visits = sorted(
        (r for r in _parse(_html(rows)) if isinstance(r, Visit)), key=lambda v: v.start or ""
    )
    assert [(v.direction, v.start) for v in visits] == [
        ("outbound", "1993-03"),
        ("outbound", "1994-09"),
    ]
    # The gazetteer knows no ヘザーミード: the trip goes to the partner the page names.
    assert [(p.name, p.country) for p in visits[1].places] == [("ヘザーミード", "AU")]
    assert "ヘザーミード" in visits[1].counterparts
    assert "(オーストラリア)" not in visits[1].summary  # the page's own words, unmarked


def test_an_english_page_names_a_namesake_by_its_prefecture() -> None:
    rows = [
        ("Prefecture", "Hiroshima Prefecture"),
        ("Local Government", "Fuchu City"),
        ("Partner", "Lakeshore"),
        ("Country", "Canada"),
        ("Date of Affiliation", "2010/05/01"),
    ]
    result = parsers.parse_page(Page(_html(rows), url=URL, content_type="text/html"), "clair")
    programme = _programme(list(result.records))
    assert (programme.city, programme.city_name) == ("fuchu-hiroshima", "府中市")
    assert result.info.title == "Fuchu City – Lakeshore"


def test_a_page_laid_out_otherwise_is_read_as_any_page_is() -> None:
    text = (
        "姉妹(友好)都市提携情報\n"
        "自治体名:小布施町(おぶせまち)\n"
        "相手先:ヘザーミード町(オーストラリア)\n"
        "提携の経緯\n"
        "平成8年4月22日、ヘザーミード町において姉妹都市提携の調印を行った。\n"
    )
    records = _parse(text.encode(), content_type="text/plain", city="obuse")
    assert [r.start for r in records if isinstance(r, Programme)] == ["1996-04-22"]
