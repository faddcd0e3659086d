"""The whole path on the embedded default: crawl the local copy of the sites, parse, store,
report changes — through the pipeline and through the real command line."""

from __future__ import annotations

import socket

import pytest

import parsers
from citywatch.model import Page
from snapshots import Store
from tests.support import sitecopy
from tests.support.e2e import LocalSites, cli_json, run_cli

HISTORY = "www.city.saitama.lg.jp/001/009/015/p065484.html"
NEW_VISIT = {
    "heading": "国際環境会議への出席",
    "date_text": "令和6年7月10日(水曜日)~令和6年7月12日(金曜日)",
    "place_text": "オーストリア・ウィーン市",
    "people_text": "清水勇人 さいたま市長",
    "body_text": "ウィーン市で開催された国際環境会議に出席し、本市の取組を紹介しました。",
}


def content_pages() -> list[sitecopy.SitePage]:
    return [p for p in sitecopy.load_manifest() if p.kind == "content"]


def parse_file(sites: LocalSites, page: sitecopy.SitePage) -> set[str]:
    body = (sites.root / page.path).read_bytes()
    kind = page.content_type.split(";")[0]
    result = parsers.parse_page(
        Page(body=body, url=page.url(sites.base_url), content_type=kind, city=page.city),
        page.site,
    )
    return {r.key for r in result.records}


def record_events(report) -> list:
    return [e for e in report.changes if e.kind.startswith("record_")]


def test_first_crawl_stores_every_page_and_its_records(local_sites: LocalSites) -> None:
    report = local_sites.crawl()
    pages = content_pages()
    assert report.failed == 0, report.to_dict()["errors"]
    assert report.checked == len(pages)
    with Store(local_sites.db_url) as store:
        for page in pages:
            stored = {r.key for r in store.current_records(watch=page.id)}
            assert stored == parse_file(local_sites, page), page.path
            assert [p.url for p in store.pages(page.id)] == [page.url(local_sites.base_url)]
        assert len(store.current_records(watch="saitama-history")) >= 5
    assert all(e.baseline for e in report.changes)


def test_second_crawl_with_nothing_changed_reports_no_change(local_sites: LocalSites) -> None:
    local_sites.crawl()
    local_sites.server.clear_log()
    again = local_sites.crawl()
    assert again.changes == []
    assert again.to_dict()["unchanged"] == len(content_pages())
    fetches = [r for r in local_sites.server.requests() if not r.path.endswith("robots.txt")]
    assert fetches and all(
        r.header("if-none-match") or r.header("if-modified-since") for r in fetches
    )


def test_a_new_visit_paragraph_is_one_record_added_and_removing_it_one_removed(
    local_sites: LocalSites,
) -> None:
    local_sites.crawl()
    sitecopy.add_visit(local_sites.root, HISTORY, **NEW_VISIT)
    local_sites.touched(HISTORY)
    added = local_sites.crawl()
    events = record_events(added)
    assert [e.kind for e in events] == ["record_added"], [e.to_dict() for e in events]
    event = events[0]
    assert not event.baseline and event.watch == "saitama-history"
    record = event.record
    assert record is not None
    assert (record["type"], record["direction"]) == ("visit", "outbound")
    assert (record["start"], record["end"]) == ("2024-07-10", "2024-07-12")
    assert {p["country"] for p in record["places"]} == {"AT"}
    assert any("清水" in name for name in record["participants"])

    sitecopy.remove_section(local_sites.root, HISTORY, NEW_VISIT["heading"])
    local_sites.touched(HISTORY)
    removed = record_events(local_sites.crawl())
    assert [(e.kind, e.record["key"]) for e in removed] == [("record_removed", record["key"])]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_cli_crawl_reports_changes_and_a_down_watch_fails_alone(
    local_sites: LocalSites, tmp_path
) -> None:
    down = f"http://127.0.0.1:{_closed_port()}/gone.html"
    local_sites.write_sources(
        local_sites.sources_file.read_text(encoding="utf-8")
        + f'\n[[watch]]\nid = "down"\nurl = "{down}"\nsite = "saitama"\nretries = 0\n'
    )
    args = (
        "crawl",
        "--sources",
        str(local_sites.sources_file),
        "--db",
        local_sites.db_url,
        "--format",
        "json",
    )
    first, report = cli_json(*args)
    assert first.returncode == 1, first.stderr
    assert "Traceback" not in first.stderr
    assert report["failed"] == 1 and report["checked"] == len(content_pages()) + 1
    [error] = report["errors"]
    assert error["watch"] == "down" and error["url"] == down
    assert "\n" not in error["error"] and error["error"]

    second, again = cli_json(*args)
    assert second.returncode == 1
    assert [c["kind"] for c in again["changes"]] == ["page_failed"]

    sitecopy.add_visit(local_sites.root, HISTORY, **NEW_VISIT)
    local_sites.touched(HISTORY)
    _, news = cli_json(*args)
    kinds = [c["kind"] for c in news["changes"] if c["watch"] == "saitama-history"]
    assert kinds == ["record_added", "event_added"]
    assert news["changes"][0]["url"].endswith(HISTORY) or any(
        c["url"].endswith(HISTORY) for c in news["changes"]
    )

    records = run_cli("records", "--db", local_sites.db_url, "--format", "json")
    assert records.returncode == 0
    changes = run_cli("changes", "--db", local_sites.db_url, "--format", "json")
    assert '"record_added"' in changes.stdout


def test_cli_bad_sources_file_is_one_line_and_exit_2(tmp_path) -> None:
    bad = tmp_path / "sources.toml"
    bad.write_text('[[watch]]\nid = "x"\nurl = "http://127.0.0.1/"\nsite = "nowhere"\n')
    done = run_cli("crawl", "--sources", str(bad), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "site" in done.stderr and "nowhere" in done.stderr


@pytest.mark.parametrize("url", ["nosuchdb://x", "postgresql+psycopg://nobody@127.0.0.1:1/x"])
def test_cli_bad_database_url_is_one_line_and_exit_2(tmp_path, url: str) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text('[[watch]]\nid = "x"\nurl = "http://127.0.0.1/"\nsite = "saitama"\n')
    done = run_cli("crawl", "--sources", str(sources), "--db", url)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "database" in done.stderr


def test_a_new_link_on_a_watched_index_is_news_within_one_crawl(local_sites: LocalSites) -> None:
    local_sites.write_sources(sitecopy.sources_toml(local_sites.base_url, follow=True))
    first = local_sites.crawl()
    assert first.failed == 0, first.to_dict()["errors"]
    index = "www.city.saitama.lg.jp/001/009/015/index.html"
    known = {o.url for o in first.outcomes if o.watch == "saitama-international-index"}
    assert len(known) >= 3  # the index and the two pages it lists

    source = local_sites.root / "www.city.saitama.lg.jp/001/009/015/p099122.html"
    new_page = "www.city.saitama.lg.jp/001/009/015/p200001.html"
    (local_sites.root / new_page).write_bytes(source.read_bytes())
    sitecopy.add_link(
        local_sites.root, index, sitecopy.relative_href(index, new_page), "新しい取組"
    )
    local_sites.touched(index)
    second = local_sites.crawl()
    new_url = f"{local_sites.base_url}/{new_page}"
    news = [e for e in second.changes if e.url == new_url]
    # A copy of a known page tells of known events: its records are new, the events are not.
    assert news and {e.kind for e in news} == {"record_added", "event_source_added"}
    assert not any(e.baseline for e in news)
    assert all(e.url == new_url for e in record_events(second))
    with Store(local_sites.db_url) as store:
        page = store.page_state("saitama-international-index", new_url)
        assert page is not None and page.found_on is not None and page.found_on.endswith(index)
