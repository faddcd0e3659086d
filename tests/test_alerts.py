"""Outbox delivery through apprise to a real webhook on 127.0.0.1: once per check and channel,
retried with backoff until the channel answers, secrets never shown, page text escaped."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from citywatch.model import Place
from citywatch.settings import Settings
from citywatch.sources import Sources, sources_from_dict
from scheduler.alerts import (
    FEED_CHANNEL,
    Backoff,
    compose,
    deliver_pending,
    with_feed_channel,
)
from snapshots import Store
from tests.support.db import PageFeed, sqlite_url, visit
from tests.support.webhook import Webhook

PAGE = "https://www.city.saitama.lg.jp/001/009/015/p065484.html"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(sqlite_url(tmp_path / "cw.db")) as opened:
        yield opened


@pytest.fixture
def hook() -> Iterator[Webhook]:
    with Webhook() as receiver:
        yield receiver


def watch_list(tmp_path: Path, *urls: str, watch_urls: tuple[str, ...] = ()) -> Sources:
    data = {
        "watch": [
            {
                "id": "saitama-history",
                "url": PAGE,
                "site": "saitama",
                "city": "saitama",
                "alerts": list(watch_urls),
            }
        ],
        "alerts": {"urls": list(urls), "feed": str(tmp_path / "changes.atom")},
    }
    return sources_from_dict(data)


def settings(tmp_path: Path) -> Settings:
    return Settings(db_url=sqlite_url(tmp_path / "cw.db"), feed_path=str(tmp_path / "env.atom"))


def queue_change(store: Store, sources: Sources, *records_after, before=None) -> PageFeed:
    """Baseline with `before`, then a check showing `records_after`: one alerting check."""
    channels = tuple(sources.alerts.urls) + sources.watches[0].alerts
    feed = PageFeed(watch_id="saitama-history", url=PAGE, channels=channels)
    store.record_check(feed.changed(*(before or (visit("v1"),)), baseline=True))
    store.record_check(feed.changed(*records_after))
    return feed


FAST = Backoff(base=1.0, max=8.0, jitter=0.0)


def later(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def test_one_change_is_one_webhook_message_naming_the_record(
    store: Store, hook: Webhook, tmp_path: Path
) -> None:
    sources = watch_list(tmp_path, hook.apprise_url)
    queue_change(store, sources, visit("v1"), visit("v2", start="2024-07-10", end="2024-07-12"))
    report = deliver_pending(store, sources, settings(tmp_path))
    assert (report.delivered, report.failed) == (1, 0)
    [got] = hook.accepted
    payload = got.json()
    assert payload["title"] == "citywatch: 1 change on saitama-history"
    assert payload["message"].splitlines()[0] == (
        "New visit: さいたま市 → クアラルンプール (MY), 2024-07-10–2024-07-12, 清水勇人市長"
    )
    assert PAGE in payload["message"]
    assert payload["type"] == "info"
    again = deliver_pending(store, sources, settings(tmp_path))
    assert (again.delivered, again.failed) == (0, 0)
    assert len(hook.requests) == 1
    [row] = store.deliveries()
    assert row.delivered_at is not None and row.attempts == 1 and row.last_error is None


def test_each_channel_gets_its_own_row_and_the_watch_channels_too(
    store: Store, tmp_path: Path
) -> None:
    with Webhook() as first, Webhook(path="/second") as second:
        sources = watch_list(tmp_path, first.apprise_url, watch_urls=(second.apprise_url,))
        queue_change(store, sources, visit("v1"), visit("v2"))
        report = deliver_pending(store, sources, settings(tmp_path))
        assert report.delivered == 2
        assert len(first.accepted) == len(second.accepted) == 1


def test_500_three_times_then_recovery_delivers_once(
    store: Store, hook: Webhook, tmp_path: Path
) -> None:
    sources = watch_list(tmp_path, hook.apprise_url)
    queue_change(store, sources, visit("v1"), visit("v2"))
    hook.fail_next(3)
    waits = []
    at = datetime.now(UTC)
    for _ in range(3):
        report = deliver_pending(store, sources, settings(tmp_path), now=at, backoff=FAST)
        assert (report.delivered, report.failed) == (0, 1)
        [row] = store.deliveries(pending_only=True)
        assert "500" in (row.last_error or "")
        waits.append((row.next_attempt_at - at).total_seconds())
        # nothing is due before the retry time
        early = deliver_pending(store, sources, settings(tmp_path), now=at, backoff=FAST)
        assert (early.delivered, early.failed) == (0, 0)
        at = row.next_attempt_at
    assert waits == [1.0, 2.0, 4.0]
    report = deliver_pending(store, sources, settings(tmp_path), now=at, backoff=FAST)
    assert (report.delivered, report.failed) == (1, 0)
    assert [r.status for r in hook.requests] == [500, 500, 500, 200]
    assert len(hook.accepted) == 1
    [row] = store.deliveries()
    assert row.attempts == 4 and row.delivered_at is not None


def test_a_channel_down_for_hours_gets_its_backlog_in_order_when_it_returns(
    store: Store, tmp_path: Path
) -> None:
    hook = Webhook().start()
    port = hook.port
    hook.stop()  # connection refused from now on
    sources = watch_list(tmp_path, f"json://127.0.0.1:{port}/hook")
    feed = queue_change(store, sources, visit("v1"), visit("v2"))
    store.record_check(feed.changed(visit("v1"), visit("v2"), visit("v3")))
    store.record_check(feed.changed(visit("v1"), visit("v3")))
    at = datetime.now(UTC)
    for _hour in range(12):  # twelve polls an hour apart: capped backoff, never given up
        report = deliver_pending(store, sources, settings(tmp_path), now=at, backoff=FAST)
        assert report.delivered == 0
        rows = store.deliveries(pending_only=True)
        assert all(r.next_attempt_at <= at + timedelta(seconds=FAST.max) for r in rows)
        at += timedelta(hours=1)
    assert len(rows) == 3
    assert "not tried" in (rows[1].last_error or "")  # one try per channel per round
    with Webhook(port=port) as back:
        report = deliver_pending(store, sources, settings(tmp_path), now=at, backoff=FAST)
        assert report.delivered == 3
        lines = [r.json()["message"].splitlines()[0] for r in back.accepted]
    assert lines[0].startswith("New visit") and lines[2].startswith("Removed visit")
    assert store.deliveries(pending_only=True) == []


def test_backoff_doubles_to_its_cap_with_bounded_jitter() -> None:
    plain = Backoff(base=30.0, max=3600.0, jitter=0.0)
    assert [plain.delay(n) for n in range(1, 10)] == [
        30.0,
        60.0,
        120.0,
        240.0,
        480.0,
        960.0,
        1920.0,
        3600.0,
        3600.0,
    ]
    jittery = Backoff(base=30.0, max=3600.0, jitter=0.1)
    rng = random.Random(7)
    seen = {round(jittery.delay(2, rng), 3) for _ in range(50)}
    assert len(seen) > 10 and all(54.0 <= s <= 66.0 for s in seen)
    assert all(jittery.delay(50, rng) <= 3600.0 for _ in range(50))


def test_a_row_claimed_by_a_holder_not_known_gone_is_sent_after_its_lease(
    store: Store, hook: Webhook, tmp_path: Path
) -> None:
    """A claimer that may still be at work (here: this very process; or one on another host)
    keeps its rows for the lease. A holder known gone: tests/test_alerts_delivery.py."""
    sources = watch_list(tmp_path, hook.apprise_url)
    queue_change(store, sources, visit("v1"), visit("v2"))
    now = datetime.now(UTC)
    claimed = store.pending_deliveries(now=now, lease=FAST.lease)  # ... and never finished
    assert len(claimed) == 1
    report = deliver_pending(store, sources, settings(tmp_path), now=now, backoff=FAST)
    assert report.delivered == 0 and hook.requests == []
    after = now + FAST.lease + timedelta(seconds=1)
    report = deliver_pending(store, sources, settings(tmp_path), now=after, backoff=FAST)
    assert report.delivered == 1 and len(hook.accepted) == 1


def test_secrets_in_channel_urls_stay_out_of_errors_and_logs(
    store: Store, hook: Webhook, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret_url = f"json://alerts:Pa55w0rdXYZ@127.0.0.1:{hook.port}/hook?-apikey=TOKEN9876543"
    sources = watch_list(tmp_path, secret_url)
    queue_change(store, sources, visit("v1"), visit("v2"))
    hook.fail_next(1, status=503)
    caplog.set_level(logging.DEBUG)
    report = deliver_pending(store, sources, settings(tmp_path), backoff=FAST)
    assert report.failed == 1
    [row] = store.deliveries()
    shown = " ".join([*report.errors, row.last_error or "", caplog.text])
    assert "503" in (row.last_error or "")
    assert "127.0.0.1" in report.errors[0]
    for secret in ("Pa55w0rdXYZ", "TOKEN9876543"):
        assert secret not in shown
    # the receiver did get the credentials: masking is for display only
    assert hook.requests[0].path.endswith("apikey=TOKEN9876543")


def test_html_channels_get_escaped_page_text(store: Store, hook: Webhook, tmp_path: Path) -> None:
    sources = watch_list(tmp_path, hook.apprise_url + "?format=html")
    nasty = visit("v2", places=(Place("<img src=x onerror=alert(1)> & Co", "MY"),))
    queue_change(store, sources, visit("v1"), nasty)
    assert deliver_pending(store, sources, settings(tmp_path)).delivered == 1
    body = hook.accepted[0].json()["message"]
    assert "<img" not in body
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; Co" in body
    assert body.startswith("<ul><li>New visit: ")
    assert f'<a href="{PAGE}">' in body


def test_compose_keeps_text_plain_and_html_escaped() -> None:
    feed = PageFeed(watch_id="w", url="https://example.org/?a=1&b=<2>")
    store_event = feed.changed(visit("k", participants=("<b>Mayor</b>",)))
    assert store_event.result is not None
    from snapshots import ChangeEvent

    event = ChangeEvent(
        id=1,
        at=datetime.now(UTC),
        kind="record_added",
        watch="w",
        url=feed.url,
        record=store_event.result.records[0].to_dict(),
        before=None,
        fields=(),
        baseline=False,
        check_id=1,
    )
    message = compose([event], home="さいたま市")
    assert "<b>Mayor</b>" in message.text
    assert "<b>" not in message.html and "&lt;b&gt;Mayor&lt;/b&gt;" in message.html
    assert 'href="https://example.org/?a=1&amp;b=&lt;2&gt;"' in message.html
    failing = ChangeEvent(
        id=2,
        at=event.at,
        kind="page_failed",
        watch="w",
        url=feed.url,
        record=None,
        before=None,
        fields=(),
        baseline=False,
        check_id=2,
        error="HTTP 503",
    )
    assert compose([failing]).severity == "warning"


def test_the_feed_channel_writes_each_check_once_to_valid_escaped_atom(
    store: Store, hook: Webhook, tmp_path: Path
) -> None:
    sources = with_feed_channel(watch_list(tmp_path, hook.apprise_url))
    assert FEED_CHANNEL in sources.alerts.urls
    nasty = visit("v2", places=(Place("<script>alert('x')</script> & \x07bell", "MY"),))
    queue_change(store, sources, visit("v1"), nasty)
    report = deliver_pending(store, sources, settings(tmp_path))
    assert (report.delivered, report.feed_entries) == (2, 1)
    path = tmp_path / "changes.atom"
    raw = path.read_text(encoding="utf-8")
    assert "<script>" not in raw and "&lt;script&gt;" in raw
    parsed = feedparser.parse(raw)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    [entry] = parsed.entries
    assert entry.title == "citywatch: 1 change on saitama-history"
    assert "<script>alert('x')</script> & bell" in entry.content[0].value
    assert entry.link == PAGE
    assert deliver_pending(store, sources, settings(tmp_path)).feed_entries == 0
    assert len(feedparser.parse(path.read_text(encoding="utf-8")).entries) == 1


def test_the_feed_path_comes_from_the_watch_list_else_the_setting(
    store: Store, tmp_path: Path
) -> None:
    data = {"watch": [{"id": "w", "url": PAGE, "site": "saitama"}]}
    sources = with_feed_channel(sources_from_dict(data))
    feed = PageFeed(watch_id="w", url=PAGE, channels=sources.alerts.urls)
    store.record_check(feed.changed(visit("v1"), baseline=True))
    store.record_check(feed.changed(visit("v2")))
    assert deliver_pending(store, sources, settings(tmp_path)).feed_entries == 1
    assert (tmp_path / "env.atom").exists()


def test_baseline_checks_alert_nobody(store: Store, hook: Webhook, tmp_path: Path) -> None:
    sources = with_feed_channel(watch_list(tmp_path, hook.apprise_url))
    feed = PageFeed(watch_id="saitama-history", url=PAGE, channels=sources.alerts.urls)
    store.record_check(feed.changed(visit("v1"), baseline=True))
    report = deliver_pending(store, sources, settings(tmp_path))
    assert (report.delivered, report.failed, report.feed_entries) == (0, 0, 0)
    assert hook.requests == []
