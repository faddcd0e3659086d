"""Events in the store, on SQLite and PostgreSQL: sources joining, a record that moves to
another event, an event removed when its last source goes, the change events and which of them
alert, as-of reads, and two writers storing two pages of one trip at the same moment."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from citywatch.model import Place, Visit
from snapshots import Store
from tests.support.db import PageFeed, store_url  # noqa: F401 - fixture

CHANNEL = "json://127.0.0.1:9/hook"


def trip(key: str, start: str | None = "2024-06-20", end: str | None = "2024-06-22", **kw) -> Visit:
    values = {
        "direction": "outbound",
        "places": (Place("バンコク", "TH"),),
        "counterparts": ("バンコク都",),
        "title": f"trip {key}",
    }
    values.update(kw)
    return Visit(key=key, start=start, end=end, **values)


def feed(name: str, **kw) -> PageFeed:
    kw.setdefault("channels", (CHANNEL,))
    return PageFeed(watch_id=name, url=f"https://{name}.example/", **kw)


def event_kinds(outcome) -> list[tuple[str, tuple[str, ...]]]:
    return [(e.kind, e.fields) for e in outcome.events if e.kind.startswith("event_")]


def alerted(store: Store) -> list[str]:
    return [e.kind for d in store.deliveries() for e in d.events]


@pytest.fixture
def store(store_url: str):  # noqa: F811
    with Store(store_url) as opened:
        yield opened


def test_sources_join_one_event_and_only_the_first_alerts_by_default(store: Store) -> None:
    a, b = feed("a"), feed("b")
    on = ("event_added", "event_changed", "event_removed")
    first = store.record_check(a.changed(trip("a1"), alert_on=on))
    assert event_kinds(first) == [("event_added", ())]
    second = store.record_check(b.changed(trip("b1", "2024-06", None), alert_on=on))
    assert event_kinds(second) == [("event_source_added", ("disagreements", "sources"))]
    [event] = store.events()
    assert [s.key for s in event.sources] == ["a1", "b1"]
    assert event.data["start"] == "2024-06-20"
    assert event.data["disagreements"] == {"start": [{"key": "b1", "value": "2024-06"}]}
    assert alerted(store) == ["event_added"]
    record = first.events[-1].record
    assert record is not None and record["id"] == event.id


def test_alert_on_can_ask_for_a_new_source(store: Store) -> None:
    asked = ("event_added", "event_source_added")
    store.record_check(feed("a").changed(trip("a1"), alert_on=asked))
    store.record_check(feed("b").changed(trip("b1"), alert_on=asked))
    assert alerted(store) == ["event_added", "event_source_added"]


def test_a_corrected_date_moves_a_record_to_another_event(store: Store) -> None:
    a, b, c = feed("a"), feed("b"), feed("c")
    store.record_check(a.changed(trip("a1")))
    store.record_check(b.changed(trip("b1")))
    store.record_check(c.changed(trip("c1", "2024-09-02", "2024-09-03")))
    assert len(store.events()) == 2
    june, september = store.events()
    moved = store.record_check(b.changed(trip("b1", "2024-09-02", None)))
    assert sorted(event_kinds(moved)) == [
        ("event_changed", ("sources",)),
        ("event_source_added", ("sources",)),
    ]
    now = {e.id: [s.key for s in e.sources] for e in store.events()}
    assert now == {june.id: ["a1"], september.id: ["c1", "b1"]}
    detail = store.event(june.id)
    assert detail is not None
    stays = [(s.key, s.left_at is not None) for s in detail.sources]
    assert stays == [("a1", False), ("b1", True)]
    # the source keeps when it was first seen across the move
    [b_stay] = [s for s in store.events()[1].sources if s.key == "b1"]
    assert b_stay.first_seen < b_stay.joined_at


def test_an_event_whose_sources_are_all_gone_is_removed(store: Store) -> None:
    a, b = feed("a"), feed("b")
    store.record_check(a.changed(trip("a1")))
    store.record_check(b.changed(trip("b1")))
    [event] = store.events()
    first_gone = store.record_check(a.changed(trip("a-other", "2025-01-10"), text="other"))
    assert ("event_changed", ("title", "sources")) in event_kinds(first_gone)
    gone = store.record_check(b.changed(trip("b-other", "2025-03-01"), text="other"))
    assert ("event_removed", ()) in event_kinds(gone)
    assert event.id not in {e.id for e in store.events()}
    removed = [e for e in gone.events if e.kind == "event_removed"]
    assert removed[0].record is not None and removed[0].record["id"] == event.id
    detail = store.event(event.id)
    assert detail is not None and detail.event.removed_at is not None
    # as it stood before: there, with both sources
    before = store.events(as_of=gone.events[0].at - timedelta(seconds=1))
    assert event.id in {e.id for e in before}


def test_a_layout_break_leaves_the_events_as_they_were(store: Store) -> None:
    a = feed("a")
    store.record_check(a.changed(trip("a1")))
    before = store.events()
    broken = store.record_check(a.changed())
    assert [e.kind for e in broken.events] == ["layout_changed"]
    assert [e.id for e in store.events()] == [e.id for e in before]
    back = store.record_check(a.changed(trip("a1")))
    assert event_kinds(back) == []


def test_unchanged_checks_move_last_seen(store: Store) -> None:
    a = feed("a")
    store.record_check(a.changed(trip("a1")))
    store.record_check(a.unchanged())
    [event] = store.events()
    [source] = event.sources
    assert source.last_seen > source.first_seen


@pytest.mark.postgres
def test_two_writers_storing_one_trip_at_once_make_one_event(pg_schema_url: str) -> None:
    """Two threads, each with its own Store (connection pool), store two pages of one trip at
    the same moment, ten times over: every trip is one event with both sources."""
    Store(pg_schema_url).close()  # migrate once
    rounds = 10
    results: list[BaseException] = []

    def writer(name: str, barrier: threading.Barrier) -> None:
        try:
            with Store(pg_schema_url) as mine:
                page = feed(name)
                for n in range(rounds):
                    record = trip(f"{name}-{n}", f"2024-{n + 1:02d}-10", None)
                    barrier.wait(timeout=30)
                    mine.record_check(page.changed(record, text=f"{name} {n}"))
        except BaseException as exc:  # the main thread reports it
            results.append(exc)
            barrier.abort()

    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=writer, args=(n, barrier)) for n in ("x", "y")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not results, results
    with Store(pg_schema_url) as store:
        events = store.events()
    # each page shows one trip at a time, so only the last round's events remain current
    assert [sorted(s.key for s in e.sources) for e in events] == [
        [f"x-{rounds - 1}", f"y-{rounds - 1}"]
    ]
    with Store(pg_schema_url) as store:
        added = [e for e in store.changes() if e.kind == "event_added"]
    assert len(added) == rounds
