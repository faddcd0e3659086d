"""Evidence: the page's own words behind a record's dates, places and direction or partners.
Every sentence here is composed for the test."""

from __future__ import annotations

import dataclasses

import parsers
from citywatch.model import Evidence, Page, Programme, Record, Visit
from parsers.extract.evidence import FIELD_MAX, when_line, where_lines
from parsers.extract.keys import assign_keys

TRIP = """市長の海外出張について

本市の市長は、令和5年9月4日(月曜日)から9月8日(金曜日)まで、スペインのバルセロナ市を訪問しました。バルセロナ市では、市長と面会し、スマートシティの分野での協力について意見を交わしました。
"""

DIARY = """国際交流の記録

ミラノ市副市長の表敬訪問
1 日時 令和5年10月17日(火曜日)
2 訪問者 イタリア・ミラノ市副市長ほか3名
3 場所 市役所本庁舎
ミラノ市の副市長が来庁し、市長と懇談しました。

姉妹都市提携
平成20年4月15日、本市はオーストラリアのブリスベン市と姉妹都市提携を締結しました。
"""


def _parse(text: str) -> list[Record]:
    page = Page(body=text.encode(), url="https://example.org/a", content_type="text/plain")
    return parsers.parse_page(dataclasses.replace(page, city="saitama"), "generic").records


def test_a_trip_sentence_is_the_evidence_of_its_dates_and_place() -> None:
    [visit] = _parse(TRIP)
    assert isinstance(visit, Visit) and (visit.start, visit.end) == ("2023-09-04", "2023-09-08")
    sentence = TRIP.splitlines()[2].split("。")[0] + "。"
    assert visit.evidence.when == sentence  # the sentence, not its whole paragraph
    assert visit.evidence.where == sentence
    assert visit.evidence.direction == "市長の海外出張について"  # the headline says it went
    assert visit.to_dict()["evidence"] == visit.evidence.to_dict()


def test_labelled_lines_and_an_arrival_explain_a_visit_received() -> None:
    records = _parse(DIARY)
    [visit] = [r for r in records if isinstance(r, Visit)]
    assert visit.direction == "inbound" and visit.start == "2023-10-17"
    assert visit.evidence.when == "1 日時 令和5年10月17日(火曜日)"
    assert visit.evidence.direction == "ミラノ市の副市長が来庁し、市長と懇談しました。"
    assert visit.evidence.where == visit.evidence.direction  # 来庁: it happened here


def test_a_programme_is_explained_by_its_agreement_sentence() -> None:
    [programme] = [r for r in _parse(DIARY) if isinstance(r, Programme)]
    sentence = "平成20年4月15日、本市はオーストラリアのブリスベン市と姉妹都市提携を締結しました。"
    assert programme.start == "2008-04-15"
    assert programme.evidence == Evidence(when=sentence, where=sentence, partners=sentence)


def test_a_bare_date_line_takes_its_label_along() -> None:
    lines = [
        "1 目的",
        "港湾の脱炭素化に関する協議",
        "2 日程",
        "令和6年2月5日(月曜日)から2月9日(金曜日)まで",
    ]
    assert when_line(lines, "2024-02-05", "2024-02-09") == f"2 日程 {lines[3]}"


def test_the_line_holding_the_whole_span_wins_over_one_holding_its_start() -> None:
    lines = [
        "令和6年2月5日、視察団が出発しました。",
        "視察団は2月5日から2月9日まで、オランダのロッテルダム市に滞在しました。",
    ]
    assert when_line(lines, "2024-02-05", "2024-02-09") == lines[1]
    assert when_line(lines, "2024-02-05", "2024-02-05") == lines[0]
    assert when_line(lines, "2023-02-05", None) == lines[1]  # a yearless date by month and day
    assert when_line(lines, "2025-07-01", None) == ""
    assert when_line(lines, None, None) == ""


def test_places_are_found_with_or_without_their_kind_and_joined() -> None:
    lines = ["ロッテルダムの港湾局を視察しました。", "続いてハンブルク市の市長と会談しました。"]
    assert where_lines(lines, ["ロッテルダム市", "ハンブルク市"]) == " / ".join(lines)
    assert where_lines(lines, ["リヨン市"]) == ""


def test_evidence_is_capped_around_the_words_it_stands_for() -> None:
    filler = "市の担当者が事業の経過を説明し" * 30
    line = f"{filler}、令和6年3月1日にウィーン市を訪問しました。"
    found = when_line([line], "2024-03-01", None)
    assert len(found) <= FIELD_MAX and "令和6年3月1日" in found and found.endswith("…")
    assert len(where_lines([line], ["ウィーン市"])) <= FIELD_MAX


def test_keys_do_not_depend_on_evidence() -> None:
    said = Visit("outbound", start="2024-05-10", evidence=Evidence(when="令和6年5月10日"))
    other = dataclasses.replace(said, evidence=Evidence(when="5月10日に出発"))
    assert assign_keys([said], "https://example.org/a")[0].key == (
        assign_keys([other], "https://example.org/a")[0].key
    )
