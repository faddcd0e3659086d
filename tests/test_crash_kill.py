"""SIGKILL the real `citywatch crawl`, and `citywatch daemon`, at random points, 20 times each:
nothing committed is lost, the database stays sound, the next run completes, and the outbox
neither loses nor doubles alerts.

Between kills the local sites change (a new visit replaces the last one, a flapping page fails
three times then recovers), so most runs store changed checks, record versions, events and
outbox rows, and send alerts to a local json:// webhook. Kill points are drawn (seeded) over the
part of a run that does the work: from the first request the server sees to the end of a clean
run, plus a little, so some runs finish before their kill and must then exit 0 or 1.
"""

from __future__ import annotations

import random
import signal
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import parsers
from citywatch.channels import channel_ref
from citywatch.settings import Settings
from citywatch.sources import load_sources
from scheduler.alerts import (
    FEED_CHANNEL,
    compose,
    deliver_pending,
    home_names,
    message_id,
    watch_cities,
)
from scheduler.feed import read_entries
from snapshots import Store
from tests.support import sitecopy
from tests.support.faults import (
    Flap,
    cli_offers,
    committed_rows,
    kill_hard,
    outbox_problems,
    run_measured,
    spawn_cli,
    sqlite_problems,
    swap_visit,
    tracebacks,
)
from tests.support.httpserver import TestServer
from tests.support.webhook import Webhook

pytestmark = pytest.mark.slow

KILLS = 20
SEED = 20240625
#: Wall-clock bound for each test (all runs, kills and checks).
BUDGET_S = 240.0
#: A daemon is killed within this long after its first request: at 2 s intervals and a 0.5 s
#: alert poll it checks every watch and sends alerts more than once in that time.
DAEMON_SPAN = 4.0
HISTORY = "www.city.saitama.lg.jp/001/009/015/p065484.html"
WATCHED = ("saitama-history", "saitama-kuala-lumpur", "citynet-yship-2023")


@dataclass
class Rig:
    root: Path
    server: TestServer
    sources: Path
    db_path: Path
    env: dict[str, str]
    hook: Webhook
    kills: int = 0
    finished_early: list[tuple[int, str]] = field(default_factory=list)

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    def crawl_args(self) -> tuple[str, ...]:
        return ("crawl", "--sources", str(self.sources), "--db", self.db_url, "--format", "json")

    def daemon_args(self) -> tuple[str, ...]:
        return (
            "daemon",
            "--sources",
            str(self.sources),
            "--db",
            self.db_url,
            "--alert-poll",
            "0.5",
        )


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    root = sitecopy.copy_sites(tmp_path / "sites")
    pages = {p.id: p for p in sitecopy.load_manifest()}
    with TestServer(docroot=root) as server, Webhook() as hook:
        server.route("/flap.html", Flap())
        lines = [
            "[defaults]",
            'per_host_delay = "0s"',
            "per_host_concurrency = 8",
            "allow_private = true",
            'interval = "2s"',
            'timeout = "5s"',
            "retries = 0",
            "",
        ]
        for watch_id in WATCHED:
            page = pages[watch_id]
            lines += [
                "[[watch]]",
                f'id = "{watch_id}"',
                f'url = "{page.url(server.base_url)}"',
                f'site = "{page.site}"',
                f'city = "{page.city}"',
                "",
            ]
        lines += [
            "[[watch]]",
            'id = "flap"',
            f'url = "{server.url("/flap.html")}"',
            'site = "generic"',
            "",
        ]
        lines += ["[alerts]", f'urls = ["{hook.apprise_url}"]']
        # record-level alerts: their text is fixed when stored, so it can be recomposed exactly
        lines.append('alert_on = ["record_added", "record_changed", "record_removed"]')
        sources = tmp_path / "sources.toml"
        sources.write_text("\n".join(lines) + "\n", encoding="utf-8")
        env = {"CITYWATCH_FEED": str(tmp_path / "feed.atom")}
        yield Rig(root, server, sources, tmp_path / "cw.db", env, hook)


def _verify(rig: Rig, before: dict[str, set[tuple[object, ...]]], label: str) -> None:
    """The database is sound, nothing committed before is lost or changed, the outbox holds."""
    assert sqlite_problems(rig.db_path) == [], label
    after = committed_rows(rig.db_path)
    for name, rows in before.items():
        lost = rows - after[name]
        assert not lost, f"{label}: committed {name} rows lost or altered: {sorted(lost)[:3]}"
    assert outbox_problems(rig.db_path) == [], label


def _killed_run(
    rig: Rig, rng: random.Random, span: float, label: str, args: tuple[str, ...] | None = None
) -> None:
    """Start a crawl (or `args`), wait for its first request, SIGKILL it at a random point."""
    rig.server.clear_log()
    log = rig.root.parent / "run.log"
    proc = spawn_cli(*(args or rig.crawl_args()), env=rig.env, log=log)
    try:
        started = rig.server.wait_for("/robots.txt", 1, timeout=60)
        assert started or proc.poll() is not None, f"{label}: the run never fetched"
        deadline = time.monotonic() + rng.uniform(0, span)
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
    finally:
        code = kill_hard(proc)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert tracebacks(output) == [], f"{label}:\n{output[-3000:]}"
    if code is None:
        rig.kills += 1
    else:
        assert code in (0, 1), f"{label}: a run that ended by itself exited {code}: {output}"
        rig.finished_early.append((code, output[-3000:]))


def _final_delivery(rig: Rig) -> tuple[int, int]:
    """Deliver what killed runs left claimed (as the next round after their lease would), then
    compare what the webhook accepted, and the Atom feed holds, with the outbox: returns
    (webhook alerts, webhook alerts sent twice)."""
    sources = load_sources(rig.sources, known_sites=parsers.known_sites())
    with Store(rig.db_url) as store:
        later = datetime.now(UTC) + timedelta(hours=1)
        deliver_pending(store, sources, Settings(feed_path=rig.env["CITYWATCH_FEED"]), now=later)
        every = store.deliveries()
    assert [d.id for d in every if d.delivered_at is None] == [], "alerts left unsent"
    deliveries = [d for d in every if d.channel == channel_ref(rig.hook.apprise_url)]
    assert deliveries, "the runs produced no alert at all: the test exercised nothing"
    hook_sent = _hook_messages(rig)
    homes = home_names(watch_cities(sources))  # the city names alert texts use
    wanted = Counter(
        (m.title, m.text) for m in (compose(d.events, home=homes.get(d.watch)) for d in deliveries)
    )
    missing = wanted - hook_sent
    assert not missing, f"alerts never received: {list(missing)[:3]}"
    doubled = sum((hook_sent - wanted).values())
    assert doubled <= rig.kills, f"{doubled} alerts sent twice in {rig.kills} kills"
    # every repeat carries its first sending's id, so a receiver can drop it
    ids = Counter(r.json().get("message_id") for r in rig.hook.accepted)
    assert set(ids) == {message_id(d) for d in deliveries}
    assert ids.total() - len(ids) == doubled
    fed = {message_id(d) for d in every if d.channel == FEED_CHANNEL}
    if fed:  # the daemon also writes the Atom feed: one entry per alerting check, by id
        assert {e.id for e in read_entries(rig.env["CITYWATCH_FEED"])} == fed
    return len(deliveries), doubled


def _hook_messages(rig: Rig) -> Counter[tuple[str, str]]:
    """Every alert the webhook accepted so far, as (title, message)."""
    bodies = [r.json() for r in rig.hook.accepted]
    return Counter((b.get("title", ""), b.get("message", "")) for b in bodies)


def test_sigkill_at_random_points_loses_nothing(rig: Rig) -> None:
    started = time.monotonic()
    rng = random.Random(SEED)

    # A kill on a brand-new database (during start-up or the first migration at worst), then a
    # clean run that must still complete and take the baseline.
    proc = spawn_cli(*rig.crawl_args(), env=rig.env)
    time.sleep(rng.uniform(0.2, 1.5))
    if kill_hard(proc) is None:
        rig.kills += 1
    if rig.db_path.exists():
        assert sqlite_problems(rig.db_path) == []
    rig.server.clear_log()
    clean = run_measured(*rig.crawl_args(), env=rig.env)
    ended = time.monotonic()
    assert clean.returncode in (0, 1), clean.stderr[-2000:]
    assert clean.json()["checked"] == len(WATCHED) + 1
    span = (ended - rig.server.requests("/robots.txt")[0].time) * 1.1

    all_seen = committed_rows(rig.db_path)
    for i in range(KILLS - 1):
        swap_visit(rig.root, HISTORY, i)
        before = committed_rows(rig.db_path)
        _killed_run(rig, rng, span, f"kill {i + 1}")
        _verify(rig, before, f"after kill {i + 1}")
        for name, rows in committed_rows(rig.db_path).items():
            all_seen[name] |= rows

    rig.server.clear_log()
    final = run_measured(*rig.crawl_args(), env=rig.env)
    report = final.json()
    assert final.returncode == (1 if report["failed"] else 0), final.stderr[-2000:]
    assert report["checked"] == len(WATCHED) + 1
    _verify(rig, all_seen, "after the final run")

    alerts, doubled = _final_delivery(rig)
    assert rig.kills >= KILLS // 2, f"only {rig.kills} runs were killed mid-way"
    took = time.monotonic() - started
    print(
        f"{rig.kills} kills, {len(rig.finished_early)} runs ended first, {alerts} "
        f"alerts, {doubled} sent twice, span {span:.1f} s, {took:.0f} s in all"
    )
    assert took < BUDGET_S


@pytest.mark.skipif(
    not cli_offers("daemon"),
    reason="pending: scheduler/daemon.py is not wired into the CLI (no `citywatch daemon`)",
)
def test_sigkill_the_daemon_at_random_points_loses_nothing(rig: Rig, tmp_path: Path) -> None:
    started = time.monotonic()
    rng = random.Random(SEED + 1)
    baseline = run_measured(*rig.crawl_args(), env=rig.env)  # so daemon checks are news
    assert baseline.returncode in (0, 1), baseline.stderr[-2000:]
    all_seen = committed_rows(rig.db_path)
    for i in range(KILLS):
        swap_visit(rig.root, HISTORY, i)
        before = committed_rows(rig.db_path)
        _killed_run(rig, rng, DAEMON_SPAN, f"daemon kill {i + 1}", rig.daemon_args())
        assert not rig.finished_early, f"the daemon exited by itself: {rig.finished_early}"
        _verify(rig, before, f"after daemon kill {i + 1}")
        for name, rows in committed_rows(rig.db_path).items():
            all_seen[name] |= rows

    # The next daemon runs normally: it checks every watch again and stops cleanly on SIGTERM.
    rig.server.clear_log()
    log = tmp_path / "daemon.log"
    proc = spawn_cli(*rig.daemon_args(), env=rig.env, log=log)
    try:
        paths = [r.route_path for r in rig.server.requests()]
        for watch_path in (*(sitecopy.find_page(w).path for w in WATCHED), "flap.html"):
            assert rig.server.wait_for("/" + watch_path, 1, timeout=30), (watch_path, paths)
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=15)
    finally:
        kill_hard(proc)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert code == 0, output[-3000:]
    assert tracebacks(output) == [], output[-3000:]
    _verify(rig, all_seen, "after the last daemon run")
    alerts, doubled = _final_delivery(rig)
    took = time.monotonic() - started
    print(f"daemon: {rig.kills} kills, {alerts} alerts, {doubled} sent twice, {took:.0f} s")
    assert took < BUDGET_S
