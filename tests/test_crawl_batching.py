"""Issue 9: the crawl reads page states once, stores unchanged checks in batches, parses off the
event loop (a dead parse process is one failed check) and starts without importing what an
unchanged crawl does not use."""

from __future__ import annotations

import asyncio
import multiprocessing
import subprocess
import sys
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

import parsers
from citywatch.errors import StorageError
from citywatch.sources import load_sources
from scheduler import parse_worker
from scheduler.crawl import Crawler
from snapshots import Store
from snapshots import store as store_module
from tests.support.db import PageFeed, sqlite_url, visit
from tests.support.faults import sources_text
from tests.support.httpserver import TestServer

PAGE = "<html><body><h1>Visits</h1><p>nothing new</p></body></html>"


def _feeds(count: int) -> list[PageFeed]:
    return [PageFeed(watch_id=f"w{i}", url=f"https://example.org/{i}") for i in range(count)]


def _commits(store: Store) -> list[int]:
    """A list that counts the store's commits from now on."""
    seen: list[int] = []
    event.listen(store._engine, "commit", lambda _conn: seen.append(1))
    return seen


# --- the store ---------------------------------------------------------------------------------


def test_a_batch_of_checks_is_one_commit_and_each_check_is_stored(tmp_path: Path) -> None:
    feeds = _feeds(5)
    with Store(sqlite_url(tmp_path / "cw.db")) as store:
        for feed in feeds:
            store.record_check(feed.changed(visit(f"{feed.watch_id}-1")))
        commits = _commits(store)
        answers = store.record_checks([feed.unchanged() for feed in feeds])
        assert len(commits) == 1
        assert [type(a).__name__ for a in answers] == ["CheckOutcome"] * 5
        for feed, answer in zip(feeds, answers, strict=True):
            assert not isinstance(answer, Exception)
            [latest, *_] = store.checks(feed.watch_id)
            assert (latest.id, latest.outcome) == (answer.check_id, "unchanged")


def test_an_invalid_check_in_a_batch_costs_only_itself(tmp_path: Path) -> None:
    good, bad = _feeds(2)
    broken = bad.unchanged(body=b"an unchanged check stores no body")
    with Store(sqlite_url(tmp_path / "cw.db")) as store:
        answers = store.record_checks([good.unchanged(), broken])
        assert isinstance(answers[1], StorageError)
        assert not isinstance(answers[0], Exception)
        assert [c.outcome for c in store.checks("w0")] == ["unchanged"]
        assert store.checks("w1") == []


def test_a_batch_that_fails_in_the_database_is_stored_check_by_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = _feeds(3)
    real = store_module.write_check

    def failing(connection: sa.Connection, check: Any) -> Any:
        if check.watch_id == "w1":
            raise sa.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))
        return real(connection, check)

    monkeypatch.setattr(store_module, "write_check", failing)
    with Store(sqlite_url(tmp_path / "cw.db")) as store:
        answers = store.record_checks([feed.unchanged() for feed in feeds])
        assert isinstance(answers[1], StorageError) and "disk I/O" in str(answers[1])
        assert [isinstance(a, Exception) for a in answers] == [False, True, False]
        assert [len(store.checks(w)) for w in ("w0", "w1", "w2")] == [1, 0, 1]


def test_the_page_index_agrees_with_the_reads_of_each_page(tmp_path: Path) -> None:
    ok, failing, fresh = _feeds(3)
    with Store(sqlite_url(tmp_path / "cw.db")) as store:
        store.record_check(ok.changed(visit("a")))
        store.record_check(failing.failed())
        index = store.page_index()
        for feed in (ok, failing, fresh):
            assert index.state(feed.watch_id, feed.url) == store.page_state(feed.watch_id, feed.url)
            assert index.has_baseline(feed.watch_id) == store.has_baseline(feed.watch_id)
        assert index.baselines == {"w0"}


# --- the crawler -------------------------------------------------------------------------------


def _watch_list(server: TestServer, tmp_path: Path, count: int) -> Path:
    for i in range(count):
        server.set(f"/p{i}.html", PAGE)
    watches = [
        {"id": f"p{i}", "url": server.url(f"/p{i}.html"), "site": "generic"} for i in range(count)
    ]
    path = tmp_path / "sources.toml"
    path.write_text(
        sources_text(
            watches,
            defaults={
                "allow_private": True,
                "per_host_delay": "0s",
                "per_host_concurrency": 4,
                "retries": 0,
            },
        ),
        encoding="utf-8",
    )
    return path


def test_an_unchanged_recrawl_reads_once_and_commits_in_batches(tmp_path: Path) -> None:
    with TestServer() as server:
        sources = load_sources(_watch_list(server, tmp_path, 30), known_sites=parsers.known_sites())
        with Store(sqlite_url(tmp_path / "cw.db")) as store:
            first = asyncio.run(Crawler(store, sources).run())
            assert (first.checked, first.failed) == (30, 0)
            commits = _commits(store)
            again = asyncio.run(Crawler(store, sources).run())
    assert again.to_dict()["unchanged"] == 30
    assert len(commits) <= 5, f"{len(commits)} commits for 30 unchanged checks"


class _DeadPool(Executor):
    """An executor whose process died under the parse, as ProcessPoolExecutor reports it."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(BrokenProcessPool("a child process terminated abruptly"))
        return future


def test_a_dead_parse_process_is_a_failed_check_and_the_crawl_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with TestServer() as server:
        sources = load_sources(_watch_list(server, tmp_path, 3), known_sites=parsers.known_sites())
        with Store(sqlite_url(tmp_path / "cw.db")) as store:
            report = asyncio.run(Crawler(store, sources, executor=_DeadPool()).run())
            status = {s.watch: s for s in store.status()}
    assert report.checked == 3 and report.failed == 3
    for error in report.to_dict()["errors"]:
        assert "parse process died" in error["error"]
    assert all(s.last_outcome == "failed" for s in status.values())
    assert not [r for r in caplog.records if r.exc_info], "a dead process is no traceback"


# --- what is imported, and where ------------------------------------------------------------------


def _run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


#: What a run that needs none of them must not load: the parsers, migrations, alert delivery,
#: link discovery (bs4, lxml, soupsieve), charset detection and httpx's own command line (click).
NOT_AT_START = (
    "alembic",
    "apprise",
    "bs4",
    "charset_normalizer",
    "click",
    "lxml",
    "parsers",
    "soupsieve",
)


def test_an_empty_crawl_loads_nothing_it_does_not_use(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path / "cw.db")
    Store(db).close()  # migrated: the crawl then finds it at the head revision
    sources = tmp_path / "sources.toml"
    sources.write_text("[defaults]\n", encoding="utf-8")
    code = (
        "import sys, contextlib, io\n"
        "from scheduler.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    status = main(['crawl', '--sources', {str(sources)!r}, '--db', {db!r},"
        " '--format', 'json'])\n"
        f"print(status, sorted(m for m in {NOT_AT_START!r} if m in sys.modules),"
        " 'multiprocessing.resource_tracker' in sys.modules)"
    )
    # nothing to parse, so no parse process and no tracker process for its semaphores
    assert _run_python(code) == "0 [] False"


def test_a_started_daemon_has_loaded_nothing_its_watches_do_not_need(tmp_path: Path) -> None:
    """A watch without `follow` or a city needs no discovery and no parsers until a page
    changes; the modules are listed when the daemon logs that it has started."""
    db = sqlite_url(tmp_path / "cw.db")
    Store(db).close()  # migrated already, as a daemon's database is on every restart
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[defaults]\ninterval = "24h"\nallow_private = true\n\n'
        '[[watch]]\nid = "w1"\nurl = "http://127.0.0.1:9/page.html"\nsite = "saitama"\n',
        encoding="utf-8",
    )
    code = (
        "import logging, os, signal, sys\n"
        "from scheduler.cli import main\n"
        "handle = logging.Logger.handle\n"
        "def spy(self, record):\n"
        "    if record.getMessage().startswith('daemon started'):\n"
        f"        print(sorted(m for m in {NOT_AT_START!r} if m in sys.modules), flush=True)\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "    return handle(self, record)\n"
        "logging.Logger.handle = spy\n"
        f"status = main(['daemon', '--sources', {str(sources)!r}, '--db', {db!r},"
        " '--parse-workers', '0'])\n"
        "print(status)\n"
    )
    assert _run_python(code).splitlines() == ["[]", "0"]


def test_reading_the_command_line_loads_no_database_nor_editor_nor_web() -> None:
    # `citywatch parse` needs no database: building the parser of every command must not load
    # the store, SQLAlchemy, the TOML editor or the dashboard (each loads when its command runs).
    code = (
        "import sys\n"
        "from scheduler.cli import build_parser\n"
        "build_parser()\n"
        "print(sorted(m for m in ('snapshots', 'sqlalchemy', 'tomlkit', 'web', 'starlette',"
        " 'apprise', 'parsers') if m in sys.modules))"
    )
    assert _run_python(code) == "[]"


def test_the_parse_process_module_imports_no_crawl_stack() -> None:
    code = (
        "import sys, scheduler.parse_worker\n"
        "print(sorted(m for m in ('sqlalchemy', 'httpx', 'snapshots', 'scraper', 'parsers',"
        " 'pydantic') if m in sys.modules))"
    )
    assert _run_python(code) == "[]"


def test_the_static_site_names_match_the_parsers() -> None:
    assert tuple(parsers.known_sites()) == parse_worker.SITES


def test_a_parse_pool_starts_a_process_only_when_given_work() -> None:
    before = set(multiprocessing.active_children())
    pool = parse_worker.ParsePool(1)
    try:
        assert set(multiprocessing.active_children()) == before
        assert pool.submit(parse_worker.home_names, [("w1", None)]).result(timeout=60) == {}
        assert set(multiprocessing.active_children()) - before
    finally:
        pool.shutdown()
    with pytest.raises(RuntimeError):
        pool.submit(parse_worker.home_names, [])
    idle = parse_worker.ParsePool(1)
    idle.shutdown()  # never used: nothing to stop
    with pytest.raises(RuntimeError):
        idle.submit(parse_worker.home_names, [])
