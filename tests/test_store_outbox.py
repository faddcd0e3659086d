"""The alert outbox: written with the check, one row per channel, claimed once, retried later."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest

from citywatch.channels import channel_ref, resolve_refs
from citywatch.errors import StorageError
from snapshots import Store
from tests.support.db import (  # noqa: F401  (fixtures)
    PageFeed,
    pg_schema_url,
    store_url,
    visit,
)

CHANNELS = ("json://127.0.0.1:9/hook", "ntfy://127.0.0.1:9/topic")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:  # noqa: F811
    with Store(store_url) as opened:
        yield opened


def _kinds(store: Store) -> list[tuple[str, list[str]]]:
    """(channel URL, event kinds) per row; rows keep a reference, resolved here as delivery does."""
    urls = resolve_refs(CHANNELS)
    return [(urls[d.channel], [e.kind for e in d.events]) for d in store.deliveries()]


def test_one_delivery_per_channel_grouping_the_checks_alertable_events(store: Store) -> None:
    feed = PageFeed(channels=CHANNELS)
    store.record_check(feed.changed(visit("v1"), visit("v2"), baseline=True))
    outcome = store.record_check(feed.changed(visit("v1", "2023-08-07"), visit("v3")))

    rows = store.deliveries()
    assert [d.channel for d in rows] == [channel_ref(c) for c in CHANNELS]
    for row in rows:
        assert row.check_id == outcome.check_id and row.watch == "w" and row.url == feed.url
        assert row.events == [e for e in outcome.events if not e.kind.startswith("event_")]
        assert [e.kind for e in row.events] == [
            "record_changed",
            "record_added",
            "record_removed",
        ]
        assert row.attempts == 0 and row.delivered_at is None


def test_baseline_enqueues_nothing_unless_alert_initial(store: Store) -> None:
    quiet, loud = (
        PageFeed(channels=CHANNELS),
        PageFeed(watch_id="loud", url="https://example.org/l", channels=CHANNELS),
    )
    store.record_check(quiet.changed(visit("q1"), baseline=True))
    assert store.deliveries() == []
    store.record_check(loud.changed(visit("l1"), baseline=True, alert_initial=True))
    assert _kinds(store) == [(channel, ["record_added"]) for channel in CHANNELS]
    assert all(e.baseline for d in store.deliveries() for e in d.events)


def test_quiet_checks_enqueue_nothing(store: Store) -> None:
    feed = PageFeed(channels=CHANNELS)
    store.record_check(feed.changed(visit("v1"), text="a", baseline=True))
    store.record_check(feed.unchanged())
    page_changed = store.record_check(feed.changed(visit("v1"), text="b"))
    assert [e.kind for e in page_changed.events] == ["page_changed"]
    store.record_check(feed.changed(visit("v1"), text="b", channels=()))
    store.record_check(feed.changed(visit("v2"), text="c", channels=()))
    assert store.deliveries() == []


def test_a_failing_page_alerts_once_and_recovers_once(store: Store) -> None:
    feed = PageFeed(channels=CHANNELS[:1])
    store.record_check(feed.changed(visit("v1"), baseline=True))
    for n in range(6):
        store.record_check(feed.failed(f"timeout {n}", failing_after=3))
    assert _kinds(store) == [(CHANNELS[0], ["page_failed"])]
    assert store.deliveries()[0].events[0].error == "timeout 2"

    store.record_check(feed.unchanged(failing_after=3))
    store.record_check(feed.failed(failing_after=3))
    store.record_check(feed.unchanged(failing_after=3))
    assert _kinds(store) == [(CHANNELS[0], ["page_failed"]), (CHANNELS[0], ["page_recovered"])]


def test_a_new_watch_that_never_worked_still_alerts_that_it_is_failing(store: Store) -> None:
    feed = PageFeed(channels=CHANNELS[:1])
    for n in range(4):
        store.record_check(feed.failed(f"HTTP 404 ({n})", failing_after=3, baseline=True))
    assert _kinds(store) == [(CHANNELS[0], ["page_failed"])]
    store.record_check(feed.changed(visit("v1"), baseline=True))
    assert _kinds(store) == [(CHANNELS[0], ["page_failed"]), (CHANNELS[0], ["page_recovered"])]


def test_a_recovering_check_with_changes_sends_both_in_one_message(store: Store) -> None:
    feed = PageFeed(channels=CHANNELS[:1])
    store.record_check(feed.changed(visit("v1"), baseline=True))
    for _ in range(3):
        store.record_check(feed.failed())
    store.record_check(feed.changed(visit("v1"), visit("v2")))
    assert _kinds(store)[-1] == (CHANNELS[0], ["page_recovered", "record_added"])


def test_claims_are_leased_retried_and_finished(store: Store) -> None:
    feed = PageFeed(channels=CHANNELS)
    store.record_check(feed.changed(visit("v1"), baseline=True))
    outcome = store.record_check(feed.changed(visit("v2")))
    at = store.checks("w", limit=1)[0].finished_at
    lease = timedelta(minutes=5)

    assert store.pending_deliveries(now=at - timedelta(seconds=1)) == []
    first, second = store.pending_deliveries(now=at, lease=lease)
    assert {first.check_id, second.check_id} == {outcome.check_id}
    assert store.pending_deliveries(now=at + timedelta(minutes=4), lease=lease) == []

    store.mark_delivered(first.id)
    store.mark_failed(second.id, error="HTTP 500\nfrom hook", retry_at=at + timedelta(hours=1))
    assert store.pending_deliveries(now=at + timedelta(minutes=59)) == []
    [again] = store.pending_deliveries(now=at + timedelta(hours=1), lease=lease)
    assert (again.id, again.attempts, again.last_error) == (second.id, 1, "HTTP 500 from hook")
    assert again.events == [e for e in outcome.events if not e.kind.startswith("event_")]

    # a claimer that vanished leaves the row to be taken again when its lease runs out
    [taken] = store.pending_deliveries(now=at + timedelta(hours=1, minutes=6), lease=lease)
    assert taken.id == second.id
    store.mark_delivered(taken.id)
    store.mark_failed(taken.id, error="late report", retry_at=at)  # ignored: already delivered
    assert store.pending_deliveries(now=at + timedelta(days=30)) == []
    assert [d.attempts for d in store.deliveries()] == [1, 2]
    assert all(d.delivered_at is not None for d in store.deliveries())
    assert store.deliveries(pending_only=True) == []


def test_marking_an_unknown_delivery_is_an_error(store: Store) -> None:
    with pytest.raises(StorageError, match="no such delivery"):
        store.mark_delivered(12345)


def test_concurrent_claimers_never_share_a_delivery(store_url: str) -> None:  # noqa: F811
    channels = tuple(f"json://127.0.0.1:9/hook{n}" for n in range(40))
    with Store(store_url) as store:
        feed = PageFeed(channels=channels)
        store.record_check(feed.changed(visit("v1"), baseline=True))
        store.record_check(feed.changed(visit("v2")))
        now = store.checks("w", limit=1)[0].finished_at

    claimed: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def claimer() -> None:
        try:
            with Store(store_url) as mine:
                while batch := mine.pending_deliveries(now=now, limit=3):
                    with lock:
                        claimed.extend(d.id for d in batch)
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=claimer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == len(channels)
