"""Bad configuration never starts work: a broken sources.toml or database URL is one line on
stderr naming the problem, nothing on stdout, and exit status 2, for every command that reads
them (`crawl`, `status`, and `daemon` once it exists).

Every case runs the real CLI in a subprocess; the runs go in parallel to keep the module fast.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.faults import Finished, cli_offers, run_measured, tracebacks

# A watch that, if a broken case slipped through, fails at once without touching a network:
# loopback without allow_private is refused before any connection.
GOOD_WATCH = 'id = "ok"\nurl = "http://127.0.0.1:9/a.html"\nsite = "saitama"\nretries = 0\n'
GOOD = f"[[watch]]\n{GOOD_WATCH}"


def _watch(**fields: str) -> str:
    base = {"id": '"w"', "url": '"http://127.0.0.1:9/a.html"', "site": '"saitama"', "retries": "0"}
    base.update(fields)
    return "[[watch]]\n" + "".join(f"{k} = {v}\n" for k, v in base.items() if v)


@dataclass(frozen=True)
class Case:
    """A broken sources file and a pattern its one-line message must match."""

    text: str | bytes
    says: str


SOURCES: dict[str, Case] = {
    "bad-toml": Case('[[watch]\nid = "x"\n', r"TOML"),
    "unterminated-string": Case('[[watch]]\nid = "x\n', r"TOML"),
    "unknown-site": Case(_watch(site='"nowhere"'), r"nowhere"),
    "duplicate-id": Case(GOOD + "\n" + GOOD, r"duplicate"),
    "bad-interval": Case(_watch(interval='"6 hours"'), r"interval"),
    "negative-interval": Case(_watch(interval="-5"), r"interval"),
    "zero-interval": Case(_watch(interval='"0s"'), r"interval"),
    "zero-timeout": Case(_watch(timeout='"0s"'), r"timeout"),
    "bad-url": Case(_watch(url='"not a url"'), r"url"),
    "url-without-host": Case(_watch(url='"http:///a.html"'), r"url|host"),
    "ftp-scheme": Case(_watch(url='"ftp://example.org/a"'), r"ftp|http"),
    "file-scheme": Case(_watch(url='"file:///etc/passwd"'), r"file|http"),
    "feed-file-scheme": Case(_watch(feed='"file:///etc/passwd"'), r"feed"),
    "sitemap-not-a-url": Case(_watch(sitemap='"sitemap.xml"'), r"sitemap"),
    "unknown-watch-key": Case(_watch(intervall='"6h"'), r"intervall"),
    "unknown-defaults-key": Case("[defaults]\nretry = 3\n\n" + GOOD, r"retry"),
    "unknown-section": Case("[alert]\nurls = []\n\n" + GOOD, r"alert"),
    "missing-url": Case(_watch(url=""), r"url"),
    "bad-id": Case(_watch(id='"Bad_ID"'), r"id"),
    "zero-concurrency": Case(_watch(per_host_concurrency="0"), r"per_host_concurrency"),
    "wrong-type": Case(_watch(retries='"three"'), r"retries"),
    "watch-not-array": Case('watch = "saitama"\n', r"watch"),
    "bad-follow-pattern": Case(_watch(follow_pattern='"(unclosed"'), r"follow_pattern"),
    "bad-follow-selector": Case(_watch(follow='"a[["'), r"follow"),
    "bad-follow-level": Case(_watch(follow='["ul a", "a[["]'), r"follow: level 2"),
    "follow-levels-disagree": Case(
        _watch(follow='["ul a", "li a"]', follow_pattern='["/x/"]'), r"follow_pattern.*levels"
    ),
    "misspelt-recheck": Case(_watch(rechek='"30d"'), r"rechek.*did you mean 'recheck'"),
    "bad-recheck": Case(_watch(recheck='"monthly"'), r"recheck"),
    "bad-alert-url": Case('[alerts]\nurls = ["not an alert url"]\n\n' + GOOD, r"alert|urls"),
    "not-utf8": Case(b'[[watch]]\nid = "\xff\xfe"\n', r"UTF-8|utf-8|decode|read"),
}

DB_URLS: dict[str, tuple[str, str]] = {
    "unknown-backend": ("nosuchdb://x", r"database"),
    "not-a-url": ("this is not a url", r"database"),
    "in-memory-sqlite": ("sqlite://", r"database"),
    "missing-directory": ("sqlite:////nonexistent/dir/cw.db", r"database"),
    "postgres-refused": ("postgresql+psycopg://nobody:hunter2@127.0.0.1:1/cw", r"database"),
    "not-a-database-file": ("sqlite:///{tmp}/garbage.db", r"database"),
}


def _commands() -> list[str]:
    """crawl and status; daemon too once the CLI offers it."""
    return ["crawl", "status", *(["daemon"] if cli_offers("daemon") else [])]


COMMANDS = _commands()


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Finished]:
    """Run every (command, case) once, several at a time."""
    tmp = tmp_path_factory.mktemp("config")
    good = tmp / "good.toml"
    good.write_text(GOOD, encoding="utf-8")
    (tmp / "garbage.db").write_bytes(b"this is not a database\n" * 100)
    jobs: dict[tuple[str, str], Callable[[], Finished]] = {}
    db = f"sqlite:///{tmp / 'cw.db'}"
    for command in COMMANDS:
        for name, case in SOURCES.items():
            path = tmp / f"{name}.toml"
            if isinstance(case.text, bytes):
                path.write_bytes(case.text)
            else:
                path.write_text(case.text, encoding="utf-8")
            jobs[command, name] = _job(command, "--sources", str(path), "--db", db)
        jobs[command, "missing-file"] = _job(
            command, "--sources", str(tmp / "absent.toml"), "--db", db
        )
        for name, (url, _) in DB_URLS.items():
            jobs[command, "db:" + name] = _job(
                command, "--sources", str(good), "--db", url.format(tmp=tmp)
            )
        jobs[command, "db-env:unknown-backend"] = _job(
            command, "--sources", str(good), env={"CITYWATCH_DB": "nosuchdb://x"}
        )
    jobs["crawl", "unknown-watch-flag"] = _job(
        "crawl", "--sources", str(good), "--db", db, "--watch", "nosuch"
    )
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {key: pool.submit(job) for key, job in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


def _job(command: str, *args: str, env: dict[str, str] | None = None) -> Callable[[], Finished]:
    # A daemon that takes a broken file runs until stopped; 30 s is ample to have refused it.
    return lambda: run_measured(command, *args, env=env, timeout=30)


def _assert_config_error(done: Finished, says: str) -> None:
    assert tracebacks(done.stderr) == [], done.stderr
    assert not done.timed_out, f"still running after {done.seconds:.0f} s: {done.stderr[-500:]}"
    assert done.returncode == 2, (done.returncode, done.stderr, done.stdout[:300])
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.endswith("\n"), repr(done.stderr)
    assert done.stderr.startswith("citywatch: "), done.stderr
    assert re.search(says, done.stderr, re.IGNORECASE), done.stderr


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_a_broken_sources_file_is_one_line_and_exit_2(
    results: dict[tuple[str, str], Finished], command: str, name: str
) -> None:
    _assert_config_error(results[command, name], SOURCES[name].says)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_sources_file_is_one_line_and_exit_2(
    results: dict[tuple[str, str], Finished], command: str
) -> None:
    _assert_config_error(results[command, "missing-file"], r"absent\.toml.*no such file")


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", sorted(DB_URLS))
def test_a_bad_database_url_is_one_line_and_exit_2(
    results: dict[tuple[str, str], Finished], command: str, name: str
) -> None:
    done = results[command, "db:" + name]
    _assert_config_error(done, DB_URLS[name][1])
    assert "hunter2" not in done.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_database_url_from_the_environment_is_one_line_and_exit_2(
    results: dict[tuple[str, str], Finished], command: str
) -> None:
    _assert_config_error(results[command, "db-env:unknown-backend"], r"database")


def test_an_unknown_watch_flag_is_one_line_and_exit_2(
    results: dict[tuple[str, str], Finished],
) -> None:
    _assert_config_error(results["crawl", "unknown-watch-flag"], r"nosuch")


def test_a_garbage_file_named_as_the_database_is_left_as_it_was(tmp_path: Path) -> None:
    """Refusing a file that is not a database must not 'repair' it into one."""
    garbage = tmp_path / "garbage.db"
    content = b"this is not a database\n" * 100
    garbage.write_bytes(content)
    sources = tmp_path / "good.toml"
    sources.write_text(GOOD, encoding="utf-8")
    done = run_measured("status", "--sources", str(sources), "--db", f"sqlite:///{garbage}")
    assert done.returncode == 2, done.stderr
    assert garbage.read_bytes() == content
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(garbage).execute("SELECT 1 FROM sqlite_master").fetchall()
