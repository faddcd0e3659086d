"""Record keys on the local site as a page grows: a page of the mayor's trips, each under its own
dated heading, gains a second and then a third; each crawl adds exactly one record and removes
none, the first trip keeps its key, and a corrected end date is a change of `end`.

The page is written for this test in the Saitama template; its sentences are composed."""

from __future__ import annotations

import html
from pathlib import Path

from snapshots import Store
from tests.support.e2e import LocalSites

PAGE = "www.city.saitama.lg.jp/001/009/015/p900001.html"
TEMPLATE = "www.city.saitama.lg.jp/001/009/015/p099122.html"
TEMPLATE_TITLE = "クアラルンプール市(マレーシア)との都市間連携事業"
TITLE = "市長の海外訪問"
WATCH = "saitama-mayor-trips"

TRIPS = (
    (
        "令和6年5月10日 ドイツ・フランクフルト市を訪問",
        "清水市長は、5月10日から5月13日まで、ドイツのフランクフルト市を訪問し、"
        "同市の市長と環境分野の協力について会談しました。",
    ),
    (
        "令和6年8月20日 ブラジル・クリチバ市を訪問",
        "清水市長は、8月20日から8月22日まで、ブラジルのクリチバ市を訪問し、"
        "公共交通の取組を視察しました。",
    ),
    (
        "令和6年11月5日 カナダ・バンクーバー市を訪問",
        "清水市長は、11月5日から11月7日まで、カナダのバンクーバー市を訪問し、"
        "港湾の脱炭素化について意見交換を行いました。",
    ),
)


def _write_page(root: Path, trips: tuple[tuple[str, str], ...]) -> None:
    """The template page with this title and one section per trip, newest first."""
    source = (root / TEMPLATE).read_text(encoding="utf-8").replace(TEMPLATE_TITLE, TITLE)
    head, rest = source.split("<!--WYSIWYG-->", 1)
    tail = rest[rest.index("</div>") :]
    body = "".join(
        f"<h2>{html.escape(heading)}</h2>\n<p>{html.escape(text)}</p>\n"
        for heading, text in reversed(trips)
    )
    page = f'{head}<!--WYSIWYG-->\n<div class="wysiwyg_area">\n{body}{tail}'
    (root / PAGE).write_text(page, encoding="utf-8")


def _watch_only_this_page(sites: LocalSites) -> None:
    sites.write_sources(
        '[defaults]\ninterval = "1h"\nper_host_delay = "0s"\nallow_private = true\n\n'
        f'[[watch]]\nid = "{WATCH}"\nurl = "{sites.base_url}/{PAGE}"\n'
        'site = "saitama"\ncity = "saitama"\n'
    )


def _record_events(sites: LocalSites) -> list:
    report = sites.crawl()
    assert report.failed == 0, report.to_dict()["errors"]
    return [e for e in report.changes if e.kind.startswith("record_")]


def _current(sites: LocalSites) -> dict[str, tuple[str | None, str | None]]:
    with Store(sites.db_url) as store:
        return {r.key: (r.record.start, r.record.end) for r in store.current_records(watch=WATCH)}


def test_each_new_dated_section_is_one_record_added_and_keys_stay(
    local_sites: LocalSites,
) -> None:
    _watch_only_this_page(local_sites)
    _write_page(local_sites.root, TRIPS[:1])
    first = _record_events(local_sites)
    assert [(e.kind, e.baseline) for e in first] == [("record_added", True)]
    assert first[0].record is not None
    key = first[0].record["key"]
    assert (first[0].record["start"], first[0].record["end"]) == ("2024-05-10", "2024-05-13")

    seen = {key}
    for n, (start, end) in ((2, ("2024-08-20", "2024-08-22")), (3, ("2024-11-05", "2024-11-07"))):
        _write_page(local_sites.root, TRIPS[:n])
        local_sites.touched(PAGE)
        events = _record_events(local_sites)
        assert [e.kind for e in events] == ["record_added"], [e.to_dict() for e in events]
        record = events[0].record
        assert record is not None and not events[0].baseline
        assert (record["start"], record["end"]) == (start, end)
        assert len(record["places"]) == 1  # sections of different days are never one visit
        assert record["key"] not in seen
        seen.add(record["key"])
        current = _current(local_sites)
        assert set(current) == seen, "a key moved: the first visit must keep its key"
        assert current[key] == ("2024-05-10", "2024-05-13")


def test_a_corrected_end_date_is_a_change_of_end_not_a_removal(local_sites: LocalSites) -> None:
    _watch_only_this_page(local_sites)
    _write_page(local_sites.root, TRIPS[:2])
    baseline = _record_events(local_sites)
    assert sorted(e.record["start"] for e in baseline if e.record) == ["2024-05-10", "2024-08-20"]

    heading, text = TRIPS[0]
    corrected = ((heading, text.replace("5月13日", "5月14日")), TRIPS[1])
    _write_page(local_sites.root, corrected)
    local_sites.touched(PAGE)
    events = _record_events(local_sites)
    assert [e.kind for e in events] == ["record_changed"], [e.to_dict() for e in events]
    # `end`, and the summary sentence that states the dates; never a removal and an addition
    assert events[0].fields[0] == "end" and set(events[0].fields) <= {"end", "summary"}
    assert events[0].before is not None and events[0].record is not None
    assert (events[0].before["end"], events[0].record["end"]) == ("2024-05-13", "2024-05-14")
    assert events[0].record["key"] == events[0].before["key"]
    assert "5月14日" in events[0].record["evidence"]["when"]  # the version carries its words
