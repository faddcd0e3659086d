"""Delivery beyond the basics: channels kept by reference (no secret in the outbox), a stable
message id receivers can deduplicate on, and claims taken over from a process that is gone."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from citywatch.channels import channel_ref
from citywatch.errors import StorageError
from citywatch.holders import holder_gone, process_start, this_process
from citywatch.settings import Settings
from scheduler.alerts import deliver_pending, message_id, with_feed_channel
from scheduler.feed import read_entries
from scheduler.notifier import ID_FIELD, ID_HEADER
from snapshots import Store
from tests.support.db import store_url, visit  # noqa: F401  (fixtures)
from tests.support.webhook import Webhook
from tests.test_alerts import later, queue_change, watch_list


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


def test_every_message_carries_one_stable_id_across_channels_retries_and_the_feed(
    store: Store, tmp_path: Path
) -> None:
    with Webhook() as first, Webhook(path="/second") as second:
        sources = with_feed_channel(watch_list(tmp_path, first.apprise_url, second.apprise_url))
        queue_change(store, sources, visit("v1"), visit("v2"))
        second.fail_next(1)
        report = deliver_pending(store, sources, _settings(tmp_path))
        assert (report.delivered, report.failed) == (2, 1)
        retry = deliver_pending(store, sources, _settings(tmp_path), now=later(3600))
        assert (retry.delivered, retry.failed) == (1, 0)
        rows = store.deliveries()
    ids = {message_id(d) for d in rows}
    assert len(ids) == 1
    [wanted] = ids
    assert wanted.startswith("urn:citywatch:saitama-history:check:")
    sent = [*first.requests, *second.requests]
    assert len(sent) == 3  # one to the first, a failed try and its retry to the second
    for request in sent:
        assert request.json()[ID_FIELD] == wanted
        assert dict(request.headers)[ID_HEADER] == wanted
    [entry] = read_entries(str(tmp_path / "changes.atom"))
    assert entry.id == wanted


def test_email_channels_carry_the_id_in_a_header() -> None:
    """apprise makes an email's Message-ID itself; the id rides in a header beside it."""
    from scheduler.notifier import _stamp_id
    from scheduler.redact import load_apprise

    plugin = load_apprise().Apprise.instantiate(
        "mailto://user:pw@example.org?smtp=127.0.0.1&port=9&to=ops@example.org"
    )
    _stamp_id(plugin, "urn:citywatch:w:check:1:x")
    assert plugin.headers[ID_HEADER] == "urn:citywatch:w:check:1:x"


def test_marking_sent_is_one_write_for_many_rows_and_leaves_delivered_ones(
    store: Store, tmp_path: Path
) -> None:
    channels = ("json://127.0.0.1:9/a", "json://127.0.0.1:9/b", "json://127.0.0.1:9/c")
    queue_change(store, watch_list(tmp_path, *channels), visit("v1"), visit("v2"))
    a, b, c = store.pending_deliveries(now=later(1))
    store.mark_delivered(a.id)
    store.mark_delivered(a.id, b.id, c.id)
    assert [d.attempts for d in store.deliveries()] == [1, 1, 1]
    assert store.deliveries(pending_only=True) == []
    with pytest.raises(StorageError, match="no such delivery"):
        store.mark_delivered(a.id, 99999)


# --- claims held by a process that is gone ---------------------------------------------------

_CLAIM = """
import datetime, os, signal, sys
from snapshots import Store
store = Store(sys.argv[1])
now = datetime.datetime.now(datetime.UTC)
taken = store.pending_deliveries(now=now, lease=datetime.timedelta(hours=1))
print(len(taken), flush=True)
if sys.argv[2] == "die":
    os.kill(os.getpid(), signal.SIGKILL)  # no clean-up: as a crawl killed mid-delivery
sys.stdin.read()
"""


def _claimer(url: str, how: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", _CLAIM, url, how],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "1", "the child claimed nothing"
    return child


def test_rows_claimed_by_a_killed_process_go_out_at_once(
    store: Store,
    store_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    with Webhook() as hook:
        sources = watch_list(tmp_path, hook.apprise_url)
        queue_change(store, sources, visit("v1"), visit("v2"))
        child = _claimer(store_url, "die")
        child.communicate(timeout=60)
        assert child.returncode == -signal.SIGKILL
        [held] = store.deliveries()
        assert held.claimed_by is not None and f":{child.pid}:" in held.claimed_by
        assert held.next_attempt_at > later(1800)  # an hour's lease, not waited out below
        report = deliver_pending(store, sources, _settings(tmp_path))
        assert (report.delivered, report.failed) == (1, 0)
        assert len(hook.accepted) == 1
        [row] = store.deliveries()
        assert row.delivered_at is not None and row.claimed_by is None


def test_rows_claimed_by_a_running_process_wait_for_it(
    store: Store,
    store_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    with Webhook() as hook:
        sources = watch_list(tmp_path, hook.apprise_url)
        queue_change(store, sources, visit("v1"), visit("v2"))
        child = _claimer(store_url, "hold")
        try:
            report = deliver_pending(store, sources, _settings(tmp_path))
            assert (report.delivered, report.failed) == (0, 0) and hook.requests == []
        finally:
            child.kill()
            child.communicate(timeout=60)
        report = deliver_pending(store, sources, _settings(tmp_path))
        assert (report.delivered, len(hook.accepted)) == (1, 1)


def test_which_holders_count_as_gone() -> None:
    me = this_process()
    host, pid, start = me.rsplit(":", 2)
    assert not holder_gone(me)
    assert holder_gone(f"{host}:{pid}:{start}0")  # this pid, another start: an earlier process
    assert not holder_gone(f"elsewhere.example:{pid}:{start}")  # another host: wait the lease
    with subprocess.Popen([sys.executable, "-c", "pass"]) as ended:
        ended.wait(timeout=60)
    assert holder_gone(f"{host}:{ended.pid}:1")
    assert process_start(ended.pid) is None
