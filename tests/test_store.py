"""The versioned history on both backends: bodies, checks, record versions and change events."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import zstandard

from citywatch.errors import StorageError
from snapshots import Store
from tests.support.db import (  # noqa: F401  (fixtures)
    PageFeed,
    pg_schema_url,
    programme,
    store_url,
    visit,
)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:  # noqa: F811
    with Store(store_url) as opened:
        yield opened


def _count(store_url: str, table: str) -> int:  # noqa: F811
    engine = sa.create_engine(store_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.select(sa.func.count()).select_from(sa.table(table))
            ).scalar_one()
    finally:
        engine.dispose()


def _kinds(events: list) -> list[str]:
    """Record- and page-level kinds (the event level is tested in test_events_store.py)."""
    return [event.kind for event in events if not event.kind.startswith("event_")]


def test_identical_bodies_are_stored_once_and_compressed(store: Store, store_url: str) -> None:  # noqa: F811
    feed = PageFeed()
    body = ("<p>クアラルンプール訪問</p>\n" * 2000).encode()
    first = store.record_check(feed.changed(visit("v1"), body=body, baseline=True))
    store.record_check(feed.changed(visit("v1"), body=body))
    other = PageFeed(watch_id="w2", url="https://example.org/b")
    store.record_check(other.changed(visit("b1"), body=body, baseline=True))

    rows = store.checks("w")
    assert [row.body_sha256 for row in rows] == [hashlib.sha256(body).hexdigest()] * 2
    assert store.body(hashlib.sha256(body).hexdigest()) == body
    engine = sa.create_engine(store_url)
    with engine.connect() as connection:
        stored = connection.execute(
            sa.text("SELECT size, codec, data FROM blobs WHERE sha256 = :sha"),
            {"sha": hashlib.sha256(body).hexdigest()},
        ).all()
    engine.dispose()
    assert len(stored) == 1
    size, codec, data = stored[0]
    assert (size, codec) == (len(body), "zstd")
    assert len(data) < len(body) / 20
    assert zstandard.ZstdDecompressor().decompress(data, max_output_size=size) == body
    assert first.check_id == rows[-1].id


def test_unchanged_check_adds_a_check_row_and_no_body(store: Store, store_url: str) -> None:  # noqa: F811
    feed = PageFeed()
    store.record_check(feed.changed(visit("v1"), baseline=True))
    blobs_before = _count(store_url, "blobs")
    outcome = store.record_check(feed.unchanged(etag='"new"', attempts=2))

    assert outcome.events == []
    assert _count(store_url, "blobs") == blobs_before
    last = store.checks("w", limit=1)[0]
    assert (last.outcome, last.body_sha256, last.text_sha256) == ("unchanged", None, None)
    assert (last.http_status, last.attempts, last.etag) == (304, 2, '"new"')
    state = store.page_state("w", feed.url)
    assert state is not None
    assert state.etag == '"new"' and state.last_check_id == last.id
    assert state.sha256 == store.checks("w")[1].sha256


def test_baseline_events_are_flagged_and_records_current(store: Store) -> None:
    feed = PageFeed()
    assert not store.has_baseline("w")
    outcome = store.record_check(feed.changed(visit("v1"), programme("p1"), baseline=True))

    assert _kinds(outcome.events) == ["record_added", "record_added"]
    assert all(event.baseline for event in outcome.events)
    assert store.has_baseline("w")
    assert [r.key for r in store.current_records()] == ["v1", "p1"]
    assert [r.key for r in store.current_records(type="programme")] == ["p1"]
    assert store.current_records(watch="other") == []
    assert store.changes() == outcome.events
    assert store.changes(include_baseline=False) == []


def test_editing_a_date_gives_one_record_changed_naming_start(store: Store) -> None:
    feed = PageFeed()
    store.record_check(feed.changed(visit("v1"), visit("v2", "2023-09-01"), baseline=True))
    outcome = store.record_check(feed.changed(visit("v1", "2023-08-07"), visit("v2", "2023-09-01")))

    assert _kinds(outcome.events) == ["record_changed"]
    event = outcome.events[0]
    assert event.fields == ("start",)
    assert event.record is not None and event.before is not None
    assert (event.before["start"], event.record["start"]) == ("2023-08-06", "2023-08-07")
    assert event.to_dict()["fields"] == ["start"] and not event.baseline
    assert [v.version for v in store.history("v1")] == [1, 2]
    assert [v.version for v in store.history("v2")] == [1]


def test_removal_then_return_resumes_the_same_history(store: Store) -> None:
    feed = PageFeed()
    store.record_check(feed.changed(visit("v1"), visit("v2"), baseline=True))
    removed = store.record_check(feed.changed(visit("v1")))
    assert _kinds(removed.events) == ["record_removed"]
    assert removed.events[0].record == visit("v2").to_dict()
    assert [r.key for r in store.current_records()] == ["v1"]

    back = store.record_check(feed.changed(visit("v1"), visit("v2")))
    assert _kinds(back.events) == ["record_added"]
    history = store.history("v2")
    assert [(v.version, v.check_id) for v in history] == [(1, 1), (2, 3)]
    assert history[0].valid_to_check == removed.check_id
    assert history[0].valid_to is not None and history[0].valid_to < history[1].valid_from
    assert history[1].valid_to is None
    assert {v.record for v in history} == {visit("v2")}


def test_a_page_that_yields_nothing_gives_one_layout_changed(store: Store) -> None:
    feed = PageFeed()
    many = [visit(f"v{i}") for i in range(25)]
    store.record_check(feed.changed(*many, baseline=True))
    outcome = store.record_check(feed.changed(text="redesigned page"))

    assert _kinds(outcome.events) == ["layout_changed"]
    assert store.current_records() == []
    assert all(v.valid_to_check == outcome.check_id for v in store.history("v3"))

    back = store.record_check(feed.changed(*many[:2]))
    assert _kinds(back.events) == ["record_added", "record_added"]
    assert [v.version for v in store.history("v0")] == [1, 2]


def test_text_change_without_record_change_gives_page_changed(store: Store) -> None:
    feed = PageFeed()
    store.record_check(feed.changed(visit("v1"), text="old words", baseline=True))
    same = store.record_check(feed.changed(visit("v1"), text="old words", body=b"<p>x</p>"))
    changed = store.record_check(feed.changed(visit("v1"), text="new words"))

    assert same.events == []
    assert _kinds(changed.events) == ["page_changed"]
    assert changed.events[0].record is None


def test_failures_are_events_and_recovery_is_reported_once(store: Store) -> None:
    feed = PageFeed()
    store.record_check(feed.changed(visit("v1"), baseline=True))
    failed = [store.record_check(feed.failed(f"HTTP 503 try {n}")) for n in range(4)]
    assert [_kinds(o.events) for o in failed] == [["page_failed"]] * 4
    assert failed[2].events[0].error == "HTTP 503 try 2"
    state = store.page_state("w", feed.url)
    assert state is not None
    assert (state.consecutive_failures, state.last_error) == (4, "HTTP 503 try 3")
    assert state.sha256 == store.checks("w")[-1].sha256  # validators kept for the next try

    [status] = store.status()
    assert (status.last_outcome, status.consecutive_failures, status.tries) == ("failed", 4, 3)
    assert status.last_error == "HTTP 503 try 3" and status.checks == 5

    recovered = store.record_check(feed.unchanged())
    assert _kinds(recovered.events) == ["page_recovered"]
    assert _kinds(store.record_check(feed.unchanged()).events) == []
    [status] = store.status()
    assert (status.consecutive_failures, status.last_error) == (0, None)


def test_short_failure_runs_do_not_report_recovery(store: Store) -> None:
    feed = PageFeed()
    store.record_check(feed.changed(visit("v1"), baseline=True))
    store.record_check(feed.failed())
    store.record_check(feed.failed())
    assert store.record_check(feed.unchanged()).events == []


def test_a_failed_first_check_is_no_baseline(store: Store) -> None:
    feed = PageFeed()
    store.record_check(feed.failed())
    assert not store.has_baseline("w")
    assert store.page_state("w", feed.url) is not None


def test_records_belong_to_the_page_they_were_parsed_from(store: Store) -> None:
    index = PageFeed(watch_id="w")
    detail = PageFeed(
        watch_id="w", url="https://example.org/press/1", found_on=index.url, clock=index.clock
    )
    store.record_check(detail.changed(visit("d1"), baseline=True))
    store.record_check(index.changed(visit("i1"), baseline=True))

    assert [p.url for p in store.pages("w")] == [index.url, detail.url]
    assert store.pages("w")[1].found_on == index.url
    by_key = {r.key: r for r in store.current_records(watch="w")}
    assert by_key["d1"].url == detail.url and by_key["i1"].url == index.url
    # the index page losing its record does not touch the detail page's record
    outcome = store.record_check(index.changed(text="no records"))
    assert _kinds(outcome.events) == ["layout_changed"]
    assert outcome.events[0].url == index.url
    assert [r.key for r in store.current_records()] == ["d1"]


def test_records_as_of_equal_the_records_of_the_check_valid_then(store: Store) -> None:
    feed = PageFeed()
    shown = [
        (visit("v1"), visit("v2")),
        (visit("v1", "2023-08-07"), visit("v2")),
        (visit("v2"), programme("p1")),
        (),
        (visit("v1"), programme("p1", end="2025")),
    ]
    times = []
    for n, records in enumerate(shown):
        done = store.record_check(feed.changed(*records, text=f"page {n}", baseline=n == 0))
        store.record_check(feed.unchanged())
        store.record_check(feed.failed())
        oldest_of_three = store.checks("w", limit=3)[-1]
        assert done.check_id == oldest_of_three.id
        times.append(oldest_of_three.finished_at)

    assert store.records_as_of(times[0] - timedelta(seconds=1)) == []
    for n, records in enumerate(shown):
        expected = {r.key: r for r in records}
        for at in (times[n], times[n] + timedelta(minutes=1), times[n] + timedelta(minutes=2)):
            assert {r.key: r.record for r in store.records_as_of(at)} == expected
    assert store.records_as_of(times[-1]) == store.current_records()
    assert {r.key for r in store.records_as_of(times[1], type="visit")} == {"v1", "v2"}


def test_changes_since_and_by_watch_oldest_first(store: Store) -> None:
    a, b = PageFeed(watch_id="a"), PageFeed(watch_id="b", url="https://example.org/b")
    store.record_check(a.changed(visit("a1"), baseline=True))
    b.clock += timedelta(minutes=1)
    store.record_check(b.changed(visit("b1"), baseline=True))
    a.clock += timedelta(minutes=1)
    cut = store.checks("b")[0].finished_at
    store.record_check(a.changed(visit("a1"), visit("a2")))

    everything = store.changes()
    assert [e.id for e in everything] == sorted(e.id for e in everything)
    assert [e.record["key"] for e in store.changes(since=cut) if e.kind.startswith("record_")] == [
        "b1",
        "a2",
    ]
    assert {e.watch for e in store.changes(watch="a")} == {"a"}
    as_json = everything[-1].to_dict()
    assert set(as_json) == {
        "id",
        "at",
        "kind",
        "watch",
        "url",
        "record",
        "before",
        "fields",
        "baseline",
        "error",
    }
    assert datetime.fromisoformat(as_json["at"]).tzinfo is not None


def test_datetimes_come_back_aware_utc(store: Store) -> None:
    feed = PageFeed(clock=datetime(2024, 6, 1, 9, 0, tzinfo=UTC))
    tokyo = feed.changed(visit("v1"), baseline=True)
    jst = dataclasses.replace(
        tokyo,
        started_at=tokyo.started_at.astimezone(_JST),
        finished_at=tokyo.finished_at.astimezone(_JST),
    )
    store.record_check(jst)
    row = store.checks("w")[0]
    assert row.finished_at == tokyo.finished_at and row.finished_at.tzinfo == UTC
    assert store.current_records()[0].valid_from == tokyo.finished_at


_JST = timezone(timedelta(hours=9))


@pytest.mark.parametrize(
    "change",
    [
        {"outcome": "sideways"},
        {"body": None},
        {"result": None},
        {"started_at": datetime(2024, 1, 1)},
    ],
)
def test_inconsistent_checks_are_refused_before_writing(store: Store, change: dict) -> None:
    check = dataclasses.replace(PageFeed().changed(visit("v1")), **change)
    with pytest.raises(StorageError):
        store.record_check(check)
    assert store.pages("w") == []


def test_duplicate_keys_on_one_page_are_refused(store: Store) -> None:
    with pytest.raises(StorageError, match="share a key"):
        store.record_check(PageFeed().changed(visit("v1"), visit("v1", "2024")))


@pytest.mark.parametrize(
    "url",
    [
        "nosuchdb://somewhere/x",
        "not a url",
        "sqlite:///",
        "sqlite:////no/such/dir/citywatch.db",
        "postgresql+psycopg://nobody:secret@127.0.0.1:1/none",
    ],
)
def test_bad_urls_give_one_line_storage_errors(url: str) -> None:
    with pytest.raises(StorageError) as raised:
        Store(url)
    text = str(raised.value)
    assert "\n" not in text and "Traceback" not in text
    assert "secret" not in text
    assert raised.value.context.get("url") or raised.value.context.get("db")


def test_records_read_back_in_field_order(store: Store) -> None:
    feed = PageFeed()
    store.record_check(feed.changed(programme("p1"), baseline=True))
    store.record_check(feed.changed(programme("p1", end="2025")))
    changed = [e for e in store.changes() if e.kind.startswith("record_")][-1]
    assert changed.record is not None and changed.before is not None
    assert list(changed.record) == list(programme("p1").to_dict())
    assert list(changed.before) == list(programme("p1").to_dict())
    assert changed.fields == ("end",)
