"""One trip, many pages, on the bundled copy of the sites: the Yokohama press page, its PDF and
the PR TIMES release of the Bangkok trip are one visit event with three sources and one
event_added alert, in whatever order they are crawled; the other pages make events of their own.
Also the CLI: `events`, `event ID`, `export --events` and the `current_events` view."""

from __future__ import annotations

import asyncio
import itertools

import pytest
import sqlalchemy as sa

from citywatch.sources import Sources
from scheduler.crawl import Crawler
from scheduler.event_messages import current
from scheduler.messages import message_for
from snapshots import Store
from tests.support import sitecopy
from tests.support.e2e import LocalSites, cli_json, run_cli

TRIP = ("yokohama-press-bangkok", "yokohama-pdf-bangkok", "prtimes-yokohama-bangkok")
OTHERS = ("saitama-history", "saitama-kuala-lumpur", "citynet-yship-2023")
CHANNEL = "json://127.0.0.1:9/hook"


def _sources(sites: LocalSites) -> Sources:
    sites.write_sources(sitecopy.sources_toml(sites.base_url, alerts=[CHANNEL]))
    return sites.sources()


def _crawl_in_order(sites: LocalSites, order: tuple[str, ...]) -> None:
    sources = _sources(sites)
    with Store(sites.db_url) as store:
        for watch in order:  # one watch at a time: the order is the test's, not the loop's
            crawler = Crawler(store, sources, alert_initial=True)
            report = asyncio.run(crawler.run([sources.get(watch)]))
            assert report.failed == 0, report.to_dict()["errors"]


def _bangkok(store: Store) -> list:
    return [
        e
        for e in store.events(type="visit")
        if any(s.watch in TRIP for s in e.sources) and e.data["start"] == "2024-06-20"
    ]


@pytest.mark.parametrize("order", list(itertools.permutations(TRIP)), ids="-".join)
def test_the_bangkok_trip_is_one_event_with_three_sources_in_any_order(
    local_sites: LocalSites, order: tuple[str, ...]
) -> None:
    _crawl_in_order(local_sites, order)
    with Store(local_sites.db_url) as store:
        [trip] = _bangkok(store)
        assert {s.watch for s in trip.sources} == set(TRIP)
        assert (trip.data["start"], trip.data["end"]) == ("2024-06-20", "2024-06-22")
        assert {p["country"] for p in trip.data["places"]} == {"TH"}
        visits_of_the_trip = [
            e for e in store.events(type="visit") if any(s.watch in TRIP for s in e.sources)
        ]
        assert visits_of_the_trip == [trip]
        # Alerts: one event_added for the trip across the three checks, and nothing else of it.
        alerted = [
            e for d in store.deliveries() for e in d.events if (e.record or {}).get("id") == trip.id
        ]
        assert [e.kind for e in alerted] == ["event_added"]
        message = message_for(current(store, alerted), home="横浜市")
    first = message.splitlines()[0]
    assert first == "New visit: 横浜市 → バンコク (TH), 2024-06-20 – 06-22 (3 sources)", message
    for watch in TRIP:
        assert sitecopy.find_page(watch).url(local_sites.base_url) in message


def test_the_other_pages_make_their_own_events(local_sites: LocalSites) -> None:
    _crawl_in_order(local_sites, TRIP + OTHERS)
    with Store(local_sites.db_url) as store:
        events = store.events()
        records = store.current_records()
        for watch in OTHERS:
            mine = [e for e in events if any(s.watch == watch for s in e.sources)]
            assert mine, watch
            assert all({s.watch for s in e.sources} == {watch} for e in mine), watch
        # every current record is a source of exactly one current event
        keys = [s.key for e in events for s in e.sources]
        assert sorted(keys) == sorted(r.key for r in records)


def test_the_cli_lists_shows_and_exports_events(local_sites: LocalSites) -> None:
    _crawl_in_order(local_sites, TRIP)
    db = ("--db", local_sites.db_url)
    done, listed = cli_json("events", "--type", "visit", "--format", "json", *db)
    assert done.returncode == 0, done.stderr
    [trip] = [e for e in listed if len(e["sources"]) == 3]
    assert trip["start"] == "2024-06-20" and trip["type"] == "visit"
    done, detail = cli_json("event", str(trip["id"]), "--format", "json", *db)
    assert done.returncode == 0, done.stderr
    assert detail["event"]["id"] == trip["id"] and detail["versions"][0]["version"] == 1
    assert {s["watch"] for s in detail["sources"]} == set(TRIP)
    exported = run_cli("export", "--events", "--format", "jsonl", *db)
    assert exported.returncode == 0, exported.stderr
    assert len(exported.stdout.splitlines()) == len(listed) + 1  # plus the programme
    table = run_cli("events", *db)
    assert table.returncode == 0 and "visit" in table.stdout, table.stderr
    csv = run_cli("events", "--format", "csv", *db)
    assert csv.returncode == 0 and csv.stdout.startswith("id,type,direction")
    assert ",2024-06-20,2024-06-22," in csv.stdout
    missing = run_cli("event", "999999", *db)
    assert missing.returncode == 2 and "no event with id 999999" in missing.stderr
    engine = sa.create_engine(local_sites.db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, sources FROM current_events")).all()
    finally:
        engine.dispose()
    assert (trip["id"], 3) in [tuple(r) for r in rows]
