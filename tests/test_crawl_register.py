"""The national register on the local copy of the sites: a watch that follows a listing of
listings down to the detail pages stores one programme per affiliation with its own local
government, a new detail page is one new programme, and a first crawl killed half-way resumes
without fetching again what it had stored."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from snapshots import Store
from tests.support import sitecopy
from tests.support.e2e import LocalSites, cli_json, run_cli
from tests.support.faults import kill_hard, spawn_cli

INDEX = sitecopy.find_page("clair-register")
LISTINGS = [p for p in sitecopy.load_manifest() if p.site == "clair" and p.kind == "listing"]
DETAILS = [p for p in sitecopy.load_manifest() if p.site == "clair" and p.kind == "content"]
CHANNEL = "json://127.0.0.1:9/hook"
# Whose programme each detail page is, and with whom (the pages' own words).
EXPECTED = {
    ("saitama", "さいたま市", "クアラルンプール", "MY", "2022-04-01"),
    ("saitama", "さいたま市", "ハミルトン市", "NZ", "2000-05-16"),
    ("yokohama", "横浜市", "バンコク都", "TH", "2014-10-08"),
    ("oiso", "大磯町", "ラグーナ・ビーチ市", "US", "1993-07-22"),
    ("hyogo-pref", "兵庫県", "西オーストラリア州", "AU", "1981-06-18"),
    ("sayo", "佐用町", "ブルーマウンテン町", "CA", "2008-09-30"),
}


def register_sources(sites: LocalSites, **watch: Any) -> None:
    """One watch on the register's top listing, following prefecture listings to detail pages."""
    entry = {
        "id": "clair-register",
        "url": INDEX.url(sites.base_url),
        "site": "clair",
        "follow": INDEX.follow,
        "follow_limit": 100,
        "recheck": "1d",
        "alert_on": ["record_added", "record_removed"],
        **watch,
    }
    lines = ["[defaults]", 'per_host_delay = "0s"', "allow_private = true", "", "[[watch]]"]
    lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in entry.items()]
    lines += ["", "[alerts]", f"urls = [{json.dumps(CHANNEL)}]"]
    sites.write_sources("\n".join(lines) + "\n")


def programmes(store: Store) -> set[tuple[Any, ...]]:
    return {
        (
            r.record.city,
            r.record.city_name,
            r.record.places[0].name,
            r.record.places[0].country,
            r.record.start,
        )
        for r in store.current_records(type="programme", watch="clair-register")
    }


def request_path(page: sitecopy.SitePage) -> str:
    return "/" + page.path


def test_a_crawl_follows_listings_of_listings_to_one_programme_per_affiliation(
    local_sites: LocalSites,
) -> None:
    register_sources(local_sites)
    report = local_sites.crawl()
    assert report.failed == 0, report.to_dict()["errors"]
    urls = [o.url for o in report.outcomes]
    assert urls[0] == INDEX.url(local_sites.base_url)
    assert set(urls) == {p.url(local_sites.base_url) for p in [INDEX, *LISTINGS, *DETAILS]}
    assert len(urls) == len(set(urls))
    with Store(local_sites.db_url) as store:
        assert programmes(store) == EXPECTED
        found_on = {p.url: p.found_on for p in store.pages("clair-register")}
        for detail in DETAILS:  # each detail page is known from the listing that lists it
            assert detail.linked_from is not None
            listing = sitecopy.find_page(detail.linked_from)
            assert found_on[detail.url(local_sites.base_url)] == listing.url(local_sites.base_url)
        for listing in LISTINGS:  # the listings are checked and stored like the index
            state = store.page_state("clair-register", listing.url(local_sites.base_url))
            assert state is not None and state.last_outcome == "changed"
    assert all(e.baseline for e in report.changes)


def test_a_new_detail_page_is_one_new_programme_and_nothing_is_removed(
    local_sites: LocalSites,
) -> None:
    register_sources(local_sites)
    local_sites.crawl()
    listing = sitecopy.find_page("clair-pref-saitama")
    old = sitecopy.find_page("clair-saitama-hamilton")
    new = "www.clair.or.jp/j/exchange/shimai/data/detail/1503"
    source = (local_sites.root / old.path).read_text(encoding="utf-8")
    for before, after in (
        ("ハミルトン市 (Hamilton City)", "ペンリス市 (Penrith City)"),
        ("ワイカト地方 (Waikato Region)", "ニューサウスウェールズ州 (New South Wales)"),
        ("ニュージーランド (New Zealand)", "オーストラリア (Australia)"),
        ("2000/05/16", "2024/11/05"),
    ):
        source = source.replace(before, after)
    story = source.split("<th>提携の動機及び経過</th><td>")[1].split("</td>")[0]
    source = source.replace(story, "スポーツ団体の交流を機に、両市の議会が提携を承認した。")
    (local_sites.root / new).write_text(source, encoding="utf-8")
    sitecopy.add_link(
        local_sites.root, listing.path, "../data/detail/1503", "さいたま市 - ペンリス市"
    )
    local_sites.touched(listing.path)
    local_sites.server.clear_log()

    second = local_sites.crawl()
    assert second.failed == 0, second.to_dict()["errors"]
    records = [e for e in second.changes if e.kind.startswith("record_")]
    assert [(e.kind, (e.record or {}).get("type")) for e in records] == [
        ("record_added", "programme")
    ]
    assert not records[0].baseline
    assert (records[0].record or {})["city"] == "saitama"
    assert (records[0].record or {})["city_name"] == "さいたま市"
    # The detail pages checked a moment ago are fresh: skipped, not fetched; the listings are.
    assert second.skipped == len(DETAILS)
    assert all(local_sites.server.count(request_path(p)) == 0 for p in DETAILS)
    assert all(local_sites.server.count(request_path(p)) == 1 for p in [INDEX, *LISTINGS])
    with Store(local_sites.db_url) as store:
        assert len(programmes(store)) == len(EXPECTED) + 1
        alerted = [
            e
            for d in store.deliveries(pending_only=True)
            for e in d.events
            if e.kind.startswith("record_")
        ]
    assert [(e.kind, (e.record or {}).get("type")) for e in alerted] == [
        ("record_added", "programme")
    ]


def _stored_details(db: Path) -> set[str]:
    """The detail pages with a stored successful check, read while the crawl may still run."""
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT url FROM pages WHERE url LIKE '%/data/detail/%' "
                    "AND last_outcome IN ('changed', 'unchanged')"
                )
            ).all()
    except sa.exc.OperationalError:  # not created yet
        return set()
    finally:
        engine.dispose()
    return {row.url for row in rows}


def test_a_first_crawl_killed_half_way_resumes_fetching_each_page_once(
    local_sites: LocalSites, tmp_path: Path
) -> None:
    register_sources(local_sites, per_host_delay="0.4s", per_host_concurrency=1)
    db = tmp_path / "cw.db"
    args = ("crawl", "--sources", str(local_sites.sources_file), "--db", local_sites.db_url)
    crawl = spawn_cli(*args, "--format", "json", log=tmp_path / "first.log")
    deadline = time.monotonic() + 60
    try:
        while len(_stored_details(db)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        assert kill_hard(crawl) is None, "the crawl ended before it was killed"
    stored = _stored_details(db)
    assert 3 <= len(stored) < len(DETAILS), stored

    done, data = cli_json(*args, "--format", "json")
    assert done.returncode == 0 and data["failed"] == 0, (done.stderr, data["errors"])
    assert data["skipped"] == len(stored)
    assert all(change["baseline"] for change in data["changes"]), "still the first crawl"
    base = local_sites.base_url
    counts = {p.url(base): local_sites.server.count(request_path(p)) for p in DETAILS}
    assert all(counts[url] == 1 for url in stored), counts  # never fetched again
    assert all(n >= 1 for n in counts.values()), counts
    # At most one page was in flight when the crawl was killed (one request at a time).
    assert sum(n - 1 for n in counts.values()) <= 1, counts
    with Store(local_sites.db_url) as store:
        assert programmes(store) == EXPECTED
        assert store.has_baseline("clair-register")


def test_city_and_city_name_show_in_records_exports_views_and_messages(
    local_sites: LocalSites, tmp_path: Path
) -> None:
    import csv
    import io
    import sqlite3

    from scheduler.messages import describe_event

    register_sources(local_sites)
    report = local_sites.crawl()
    db = ("--db", local_sites.db_url)
    _, records = cli_json("records", "--type", "programme", "--format", "json", *db)
    assert {(r["city"], r["city_name"]) for r in records} == {e[:2] for e in EXPECTED}
    done = run_cli("export", "--format", "csv", "--type", "programme", *db)
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert {(r["city"], r["city_name"]) for r in rows} == {e[:2] for e in EXPECTED}
    table = run_cli("records", "--type", "programme", "--format", "table", *db).stdout
    assert "兵庫県" in table and "佐用町" in table
    with sqlite3.connect(tmp_path / "cw.db") as connection:
        viewed = connection.execute(
            "SELECT city, city_name FROM current_records WHERE type = 'programme'"
        ).fetchall()
        changed = connection.execute(
            "SELECT city, city_name FROM recent_changes WHERE kind = 'record_added'"
        ).fetchall()
    assert set(viewed) == {e[:2] for e in EXPECTED}
    assert ("hyogo-pref", "兵庫県") in set(changed)
    # The watch names no city: the message says whose programme it is from the record.
    hyogo = next(
        e
        for e in report.changes
        if e.kind == "record_added"
        and (e.record or {}).get("city") == "hyogo-pref"
        and (e.record or {}).get("type") == "programme"
    )
    assert describe_event(hyogo) == (
        "New programme: 兵庫県 – 西オーストラリア州, Western Australia, since 1981-06-18"
    )
