"""Delivery beyond the basics: channels kept by reference (no secret in the outbox), a stable
message id receivers can deduplicate on, and claims taken over from a process that is gone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from citywatch.channels import channel_ref
from citywatch.settings import Settings
from scheduler.alerts import deliver_pending
from snapshots import Store
from tests.support.db import store_url, visit  # noqa: F401  (fixtures)
from tests.support.webhook import Webhook
from tests.test_alerts import queue_change, watch_list


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:  # noqa: F811
    with Store(store_url) as opened:
        yield opened


def _settings(tmp_path: Path) -> Settings:
    return Settings(feed_path=str(tmp_path / "env.atom"))


def test_rows_name_the_channel_by_digest_and_delivery_resolves_it(
    store: Store, tmp_path: Path
) -> None:
    with Webhook() as hook:
        secret = hook.apprise_url.replace("json://", "json://hookuser:Pa55word@")
        sources = watch_list(tmp_path, secret)
        queue_change(store, sources, visit("v1"), visit("v2"))
        [row] = store.deliveries()
        assert row.channel == channel_ref(secret) and "Pa55word" not in row.channel
        report = deliver_pending(store, sources, _settings(tmp_path))
        assert (report.delivered, report.failed) == (1, 0)
        assert len(hook.accepted) == 1


def test_a_channel_taken_out_of_the_watch_list_is_not_sent_to(store: Store, tmp_path: Path) -> None:
    with Webhook() as old, Webhook(path="/new") as new:
        queue_change(store, watch_list(tmp_path, old.apprise_url), visit("v1"), visit("v2"))
        report = deliver_pending(store, watch_list(tmp_path, new.apprise_url), _settings(tmp_path))
        assert (report.delivered, report.failed) == (0, 1)
        assert old.requests == [] and new.requests == []
        [row] = store.deliveries()
        assert row.delivered_at is None
        assert row.last_error == "the channel is no longer in the watch list"
        assert report.errors == (f"{row.channel}: the channel is no longer in the watch list",)
