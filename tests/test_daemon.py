"""The daemon as a real process: a real local copy of the sites over HTTP, a real webhook on
127.0.0.1 reached through apprise, SQLite on disk, signals from outside.

Intervals are seconds and the alert retry base is one second, so each case runs in a few
seconds of wall time; the waits are deadlines, never sleeps that hope."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
import pytest

from scheduler.alerts import FEED_CHANNEL
from snapshots import Store
from tests.support import sitecopy
from tests.support.e2e import LocalSites
from tests.support.httpserver import Response, hang, status
from tests.support.webhook import Webhook

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
HISTORY = "www.city.saitama.lg.jp/001/009/015/p065484.html"
KL = "www.city.saitama.lg.jp/001/009/015/p099122.html"
NEW_VISIT = {
    "heading": "国際環境会議への出席",
    "date_text": "令和6年7月10日(水曜日)~令和6年7月12日(金曜日)",
    "place_text": "オーストリア・ウィーン市",
    "people_text": "清水勇人 さいたま市長",
    "body_text": "ウィーン市で開催された国際環境会議に出席し、本市の取組を紹介しました。",
}


def cli_command() -> list[str]:
    return [sys.executable, "-m", "scheduler.cli"]


@dataclass
class DaemonProcess:
    """One `citywatch daemon` process; its stderr goes to a file the test reads."""

    process: subprocess.Popen[bytes]
    log_path: Path
    started_at: float

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_log(self, text: str, timeout: float, *, count: int = 1) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log().count(text) >= count:
                return True
            if self.process.poll() is not None:
                return self.log().count(text) >= count
            time.sleep(0.05)
        return False

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 20.0) -> tuple[int, float]:
        began = time.monotonic()
        self.process.send_signal(signum)
        code = self.process.wait(timeout)
        return code, time.monotonic() - began

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@dataclass
class Rig:
    """The local sites, a database, a sources file, and daemons started against them."""

    sites: LocalSites
    tmp: Path
    started: list[DaemonProcess]

    @property
    def db_url(self) -> str:
        return self.sites.db_url

    @property
    def feed(self) -> Path:
        return self.tmp / "changes.atom"

    def page_url(self, path: str) -> str:
        return f"{self.sites.base_url}/{path}"

    def write_sources(
        self,
        watches: Sequence[tuple[str, str]] = (("saitama-history", HISTORY),),
        *,
        alerts: Sequence[str] = (),
        interval: str = "2s",
        extra: str = "",
    ) -> None:
        lines = [
            "[defaults]",
            f'interval = "{interval}"',
            'per_host_delay = "0s"',
            "allow_private = true",
            "retries = 0",
            'timeout = "5s"',
        ]
        for watch_id, path in watches:
            url = path if path.startswith("http") else self.page_url(path)
            lines += ["", "[[watch]]", f'id = "{watch_id}"', f'url = "{url}"']
            lines += ['site = "saitama"', 'city = "saitama"']
        lines += ["", "[alerts]", f"urls = {json.dumps(list(alerts))}"]
        lines += [f"feed = {json.dumps(str(self.feed))}", extra]
        self.sites.write_sources("\n".join(lines) + "\n")

    def start(self, *args: str, verbose: int = 0) -> DaemonProcess:
        log_path = self.tmp / f"daemon-{len(self.started) + 1}.log"
        flags = ["-" + "v" * verbose] if verbose else []
        command = [
            *cli_command(),
            *flags,
            "daemon",
            "--sources",
            str(self.sites.sources_file),
            "--db",
            self.db_url,
            "--alert-retry",
            "1s",
            "--alert-poll",
            "1s",
            *args,
        ]
        env = {**os.environ, "PYTHONPATH": str(REPO), "CITYWATCH_FEED": str(self.feed)}
        with open(log_path, "wb") as log_file:
            process = subprocess.Popen(
                command, cwd=self.tmp, env=env, stdout=log_file, stderr=subprocess.STDOUT
            )
        daemon = DaemonProcess(process, log_path, time.monotonic())
        self.started.append(daemon)
        assert daemon.wait_log("daemon started", 60), daemon.log()
        return daemon

    def checks(self, watch_id: str) -> int:
        with Store(self.db_url) as store:
            return next((s.checks for s in store.status() if s.watch == watch_id), 0)

    def wait_checks(self, watch_id: str, count: int, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        seen = self.checks(watch_id)
        while seen < count and time.monotonic() < deadline:
            time.sleep(0.1)
            seen = self.checks(watch_id)
        return seen

    def add_visit(self) -> None:
        sitecopy.add_visit(self.sites.root, HISTORY, **NEW_VISIT)
        self.sites.touched(HISTORY)


@pytest.fixture
def rig(local_sites: LocalSites, tmp_path: Path) -> Iterator[Rig]:
    made = Rig(local_sites, tmp_path, [])
    try:
        yield made
    finally:
        for daemon in made.started:
            daemon.kill()


@pytest.fixture
def hook() -> Iterator[Webhook]:
    with Webhook() as receiver:
        yield receiver


def messages(hook: Webhook) -> list[str]:
    return [r.json()["message"] for r in hook.accepted]


def stays(check: Callable[[], Any], expected: Any, seconds: float) -> bool:
    """True if `check()` equals `expected` for the whole period."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check() != expected:
            return False
        time.sleep(0.1)
    return check() == expected


def settles(check: Callable[[], int], seconds: float, *, timeout: float) -> int | None:
    """The value of `check()` once it stayed the same for `seconds`, or None if it did not
    within `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if stays(check, value, seconds):
            return value
    return None


def assert_new_visit_alert(text: str) -> None:
    first = text.splitlines()[0]
    assert first.startswith("New visit: さいたま市 → "), text
    assert "ウィーン" in first and "2024-07-10" in first, text
    assert HISTORY in text


# --- the cases of issue 7 ------------------------------------------------------------------


def test_a_page_change_gives_one_alert_in_time_and_one_valid_feed_entry(
    rig: Rig, hook: Webhook
) -> None:
    rig.write_sources(alerts=[hook.apprise_url])
    daemon = rig.start()
    assert rig.wait_checks("saitama-history", 1, 30) >= 1  # the baseline: no alert
    assert stays(lambda: len(hook.requests), 0, 2.5)
    rig.add_visit()
    changed_at = time.monotonic()
    # interval 2 s + jitter 0.2 s + a few seconds for fetch, parse, store and send
    got = hook.wait_for(1, timeout=2 + 0.2 + 5)
    took = time.monotonic() - changed_at
    assert len(got) == 1, (took, daemon.log())
    assert_new_visit_alert(got[0].json()["message"])
    assert got[0].json()["title"].startswith("citywatch: ")
    assert stays(lambda: len(hook.requests), 1, 4)  # later checks see no change: no alert
    feed = feedparser.parse(rig.feed.read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert len(feed.entries) == 1
    assert feed.entries[0].content[0].value == got[0].json()["message"]
    code, took = daemon.stop(signal.SIGTERM)
    assert (code, took < 10) == (0, True), daemon.log()
    assert "Traceback" not in daemon.log()


def test_sigkill_after_the_change_and_before_delivery_then_restart_delivers_once(
    rig: Rig,
) -> None:
    down = Webhook().start()
    port = down.port
    down.stop()  # the channel is down: the change is recorded, its alert waits in the outbox
    rig.write_sources(alerts=[f"json://127.0.0.1:{port}/hook"])
    daemon = rig.start()
    assert rig.wait_checks("saitama-history", 1, 30) >= 1
    rig.add_visit()
    assert daemon.wait_log("failed (try 1)", 15), daemon.log()
    daemon.stop(signal.SIGKILL)
    with Store(rig.db_url) as store:
        pending = [d for d in store.deliveries(pending_only=True) if d.channel != FEED_CHANNEL]
    assert len(pending) == 1
    with Webhook(port=port) as back:
        again = rig.start()
        got = back.wait_for(1, timeout=15)
        assert len(got) == 1, again.log()
        assert_new_visit_alert(got[0].json()["message"])
        assert stays(lambda: len(back.requests), 1, 4)
        assert again.stop()[0] == 0


def test_sigkill_during_a_slow_delivery_then_restart_delivers_once(rig: Rig) -> None:
    hook = Webhook(delay=6.0, fail=1).start()  # holds the request, then fails it
    try:
        rig.write_sources(alerts=[hook.apprise_url])
        daemon = rig.start()
        assert rig.wait_checks("saitama-history", 1, 30) >= 1
        rig.add_visit()
        hook.wait_for(1, timeout=15, started=True)
        assert hook.in_flight == 1
        daemon.stop(signal.SIGKILL)  # mid-request: the row stays claimed until its lease ends
        hook.set_delay(0)
        again = rig.start()
        got = hook.wait_for(1, timeout=30)
        assert len(got) == 1, again.log()
        assert_new_visit_alert(got[0].json()["message"])
        assert stays(lambda: len(hook.accepted), 1, 3)
        assert again.stop()[0] == 0
    finally:
        hook.stop()


def test_a_webhook_failing_three_times_then_recovering_gets_the_alert_once(
    rig: Rig, hook: Webhook
) -> None:
    rig.write_sources(alerts=[hook.apprise_url])
    daemon = rig.start()
    assert rig.wait_checks("saitama-history", 1, 30) >= 1
    hook.fail_next(3)
    rig.add_visit()
    got = hook.wait_for(1, timeout=2.2 + 5 + (1 + 2 + 4) * 1.1 + 3)
    assert len(got) == 1, daemon.log()
    assert [r.status for r in hook.requests] == [500, 500, 500, 200]
    assert stays(lambda: len(hook.requests), 4, 3)
    with Store(rig.db_url) as store:
        [row] = [d for d in store.deliveries() if d.channel != FEED_CHANNEL]
    assert row.attempts == 4 and row.delivered_at is not None
    assert daemon.stop()[0] == 0


def test_sigterm_during_a_check_exits_0_within_10_seconds(rig: Rig) -> None:
    rig.sites.server.route("/hanging.html", hang(60))
    rig.write_sources([("saitama-history", HISTORY), ("stuck", "hanging.html")], interval="1s")
    daemon = rig.start()
    assert rig.sites.server.wait_for("/hanging.html", 1, timeout=30)
    code, took = daemon.stop(signal.SIGTERM)
    assert code == 0 and took < 10, daemon.log()
    assert "Traceback" not in daemon.log()


def test_sigint_exits_0_too(rig: Rig) -> None:
    rig.write_sources()
    daemon = rig.start()
    code, took = daemon.stop(signal.SIGINT)
    assert code == 0 and took < 10, daemon.log()
    assert "Traceback" not in daemon.log()


def test_a_restart_repeats_no_alert_and_resumes_the_schedule(rig: Rig, hook: Webhook) -> None:
    rig.write_sources(alerts=[hook.apprise_url])
    first = rig.start()
    assert rig.wait_checks("saitama-history", 1, 30) >= 1
    rig.add_visit()
    assert len(hook.wait_for(1, timeout=10)) == 1
    assert first.stop()[0] == 0
    # the same list, restarted: checks go on (nothing new), nothing is alerted again
    checks = rig.checks("saitama-history")
    second = rig.start()
    assert rig.wait_checks("saitama-history", checks + 2, 15) >= checks + 2
    assert len(hook.requests) == 1
    assert second.stop()[0] == 0
    # with an hour's interval, a watch checked seconds ago is not checked again on start
    rig.write_sources(alerts=[hook.apprise_url], interval="1h")
    rig.sites.server.clear_log()
    third = rig.start()
    assert stays(lambda: rig.sites.server.count("/" + HISTORY), 0, 5), third.log()
    assert len(hook.requests) == 1
    assert third.stop()[0] == 0


def test_secrets_in_alert_urls_stay_out_of_the_log_and_status(rig: Rig, hook: Webhook) -> None:
    password, token = "S3cretPassw0rd", "TokenXyz123456789"
    channel = f"json://alerts:{password}@127.0.0.1:{hook.port}/hook?-apikey={token}"
    rig.write_sources(alerts=[channel, "tgram://123456789:AAHsecretBotToken987/4242"])
    hook.fail_next(1)
    daemon = rig.start(verbose=2)  # debug logging: apprise and urllib3 say the most
    assert rig.wait_checks("saitama-history", 1, 30) >= 1
    rig.add_visit()
    assert len(hook.wait_for(1, timeout=15)) == 1, daemon.log()
    assert hook.accepted[0].path.endswith(f"apikey={token}")  # the channel did get it
    status = subprocess.run(
        [
            *cli_command(),
            "status",
            "--format",
            "json",
            "--sources",
            str(rig.sites.sources_file),
            "--db",
            rig.db_url,
        ],
        cwd=rig.tmp,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert status.returncode == 0, status.stderr
    assert daemon.stop()[0] == 0
    text = daemon.log() + status.stdout + status.stderr
    assert "failed (try 1)" in text and "json://alerts:****@127.0.0.1" in text
    for secret in (password, token, "AAHsecretBotToken987"):
        assert secret not in text


def test_the_watch_list_is_reloaded_on_change_and_on_sighup(rig: Rig) -> None:
    server = rig.sites.server
    rig.write_sources(interval="1s")
    daemon = rig.start()
    assert server.wait_for("/" + HISTORY, 1, timeout=30)
    # a watch added to the file is checked; the first stops being checked
    rig.write_sources([("saitama-kl", KL)], interval="1s")
    assert daemon.wait_log("watch list reloaded", 10), daemon.log()
    assert server.wait_for("/" + KL, 1, timeout=10)
    # a check of the removed watch already under way may still finish; then it is never asked
    # for again (while scheduled every second, it could not go quiet for 3 s)
    before = settles(lambda: server.count("/" + HISTORY), 3, timeout=30)
    assert before is not None, "the removed watch is still being checked"
    # a broken file keeps the list in force and says so once
    rig.sites.write_sources("[[watch]]\nid = 'broken\n")
    assert daemon.wait_log("keeping the previous watch list", 10), daemon.log()
    kl = server.count("/" + KL)
    assert server.wait_for("/" + KL, kl + 2, timeout=10)
    assert daemon.log().count("keeping the previous watch list") == 1
    # SIGHUP re-reads even when the file looks the same
    rig.write_sources([("saitama-kl", KL), ("saitama-history", HISTORY)], interval="1s")
    assert daemon.wait_log("watch list reloaded", 10, count=2)
    daemon.process.send_signal(signal.SIGHUP)
    assert daemon.wait_log("watch list reloaded", 10, count=3), daemon.log()
    assert server.wait_for("/" + HISTORY, before + 1, timeout=10)
    assert daemon.stop()[0] == 0


def test_a_failing_watch_alerts_once_and_the_daemon_keeps_checking(rig: Rig, hook: Webhook) -> None:
    server = rig.sites.server
    page = (rig.sites.root / KL).read_bytes()
    server.route("/flaky.html", lambda _exchange: Response(body=page))
    rig.write_sources(
        [("saitama-history", HISTORY), ("flaky", "flaky.html")],
        alerts=[hook.apprise_url],
        interval="1s",
    )
    daemon = rig.start()
    assert rig.wait_checks("flaky", 1, 30) >= 1  # its baseline: it worked once
    checks = rig.checks("flaky")
    server.route("/flaky.html", status(500))
    assert rig.wait_checks("flaky", checks + 6, 30) >= checks + 6, daemon.log()
    assert rig.wait_checks("saitama-history", 4, 10) >= 4
    assert daemon.process.poll() is None
    hook.wait_for(1, timeout=5)
    failing = [m for m in messages(hook) if m.startswith("Failing: flaky")]
    assert len(failing) == 1, messages(hook)
    assert "500" in failing[0]
    server.route("/flaky.html", lambda _exchange: Response(body=page))
    hook.wait_for(2, timeout=10)
    assert [m.splitlines()[0] for m in messages(hook)] == [
        failing[0].splitlines()[0],
        "Recovered: flaky is being checked again",
    ]
    with Store(rig.db_url) as store:
        row = next(s for s in store.status() if s.watch == "flaky")
    assert row.consecutive_failures == 0
    assert daemon.stop()[0] == 0
