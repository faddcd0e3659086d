"""The traps a newcomer falls into on the command line (issue 15), as regression tests through
the real `citywatch` command: read-only commands create nothing, unknown ids fail alike, pipes
and tables behave, messages say one thing once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import sitecopy
from tests.support.e2e import REPO, LocalSites, run_cli

READ_ONLY = [
    ["status"],
    ["records"],
    ["changes"],
    ["history", "some-key"],
    ["diff", "saitama-history"],
    ["export"],
    ["checks", "saitama-history"],
]


def one_watch(sites: LocalSites) -> Path:
    """A watch list of one page of the local copy; crawled once into sites.db_url."""
    page = sitecopy.find_page("saitama-history")
    sites.write_sources(
        '# one page\n[defaults]\ninterval = "1h"\nper_host_delay = "0s"\n'
        "allow_private = true\n\n[[watch]]\n"
        f'id = "{page.id}"\nurl = "{page.url(sites.base_url)}"\nsite = "{page.site}"\n'
        f'city = "{page.city}"\n',
    )
    return sites.sources_file


@pytest.fixture
def crawled(local_sites: LocalSites) -> LocalSites:
    one_watch(local_sites)
    report = local_sites.crawl()
    assert report.failed == 0
    return local_sites


@pytest.mark.parametrize("command", READ_ONLY, ids=lambda c: c[0])
def test_read_only_commands_never_create_a_database(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "typo.db"
    sources = tmp_path / "sources.toml"
    sources.write_text('[[watch]]\nid = "a"\nurl = "https://example.org/"\nsite = "generic"\n')
    done = run_cli(
        *command, "--db", f"sqlite:///{missing}", env={"CITYWATCH_SOURCES": str(sources)}
    )
    assert done.returncode == 2, done.stderr
    assert not missing.exists()
    assert done.stderr.count("\n") == 1
    assert str(missing) in done.stderr and "crawl first" in done.stderr
    assert done.stdout == ""


def test_a_bare_path_is_a_sqlite_database(crawled: LocalSites) -> None:
    path = crawled.db_url.removeprefix("sqlite:///")
    done = run_cli("records", "--db", path, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) >= 5


@pytest.mark.parametrize(
    "command",
    [
        ["records", "--watch", "nosuch"],
        ["changes", "--watch", "nosuch"],
        ["diff", "nosuch"],
        ["checks", "nosuch"],
        ["crawl", "--watch", "nosuch"],
    ],
    ids=lambda c: c[0],
)
def test_unknown_watch_ids_fail_alike(crawled: LocalSites, command: list[str]) -> None:
    done = run_cli(
        *command, "--db", crawled.db_url, env={"CITYWATCH_SOURCES": str(crawled.sources_file)}
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == ("citywatch: no such watch 'nosuch' (known: saitama-history)")


def test_history_of_an_unknown_key_is_absent_not_bad_usage(crawled: LocalSites) -> None:
    done = run_cli("history", "no-such-key", "--db", crawled.db_url)
    assert done.returncode == 1
    assert done.stderr.strip() == "citywatch: no record with key 'no-such-key'"


def test_diff_of_a_page_that_never_changed_says_so(crawled: LocalSites) -> None:
    crawled.crawl()
    done = run_cli("diff", "saitama-history", "--db", crawled.db_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "(no difference)\n"


def test_checks_lists_ids_times_and_outcomes(crawled: LocalSites) -> None:
    crawled.crawl()
    done = run_cli("checks", "saitama-history", "--db", crawled.db_url, "--format", "json")
    assert done.returncode == 0, done.stderr
    checks = json.loads(done.stdout)["checks"]
    assert [c["outcome"] for c in checks][-1] == "changed"
    assert checks[0]["id"] > checks[-1]["id"]
    assert checks[-1]["baseline"] is True
    first, last = checks[-1]["id"], checks[0]["id"]
    diff = run_cli(
        "diff", "saitama-history", "--from", str(first), "--to", str(last), "--db", crawled.db_url
    )
    assert diff.returncode == 0, diff.stderr


def test_a_closed_pipe_ends_quietly(crawled: LocalSites) -> None:
    command = [sys.executable, "-m", "scheduler.cli", "records", "--format", "json"]
    with subprocess.Popen(
        [*command, "--db", crawled.db_url],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read()
        proc.wait(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err
    assert err == b""


def test_piped_tables_never_fold_and_show_minutes(crawled: LocalSites) -> None:
    done = run_cli("status", "--db", crawled.db_url, "--sources", str(crawled.sources_file))
    assert done.returncode == 0, done.stderr
    header = next(line for line in done.stdout.splitlines() if "watch" in line)
    assert "last_check" in header and "consecutive_failures" in header
    row = next(line for line in done.stdout.splitlines() if "saitama-history" in line)
    assert len(done.stdout.splitlines()) == 5  # top, header, rule, one row, bottom
    import re

    assert re.search(r"\b\d{4}-\d\d-\d\d \d\d:\d\d\b", row)
    assert not re.search(r"\d\d:\d\d:\d\d", done.stdout)


def test_changes_marks_baseline_events(crawled: LocalSites) -> None:
    done = run_cli("changes", "--db", crawled.db_url)
    assert done.returncode == 0, done.stderr
    assert "(baseline)" in done.stdout


def test_loudness_flags_work_after_the_command(crawled: LocalSites) -> None:
    for flag in ("-v", "--quiet", "-q"):
        done = run_cli("records", flag, "--db", crawled.db_url, "--format", "json")
        assert done.returncode == 0, (flag, done.stderr)


def test_a_misspelt_key_names_it_and_the_nearest(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[watch]]\nid = "a"\nurl = "https://example.org/"\nsite = "generic"\nintervall = "1h"\n'
    )
    done = run_cli("crawl", "--sources", str(sources), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert done.returncode == 2
    assert "Extra inputs" not in done.stderr
    assert done.stderr.strip() == (
        f"citywatch: {sources}: watch 'a': unknown key 'intervall'; did you mean 'interval'?"
    )


def test_an_empty_watch_list_warns(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text("# nothing yet\n")
    done = run_cli("crawl", "--sources", str(sources), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert done.returncode == 0
    assert "no [[watch]] entries" in done.stderr


def test_a_database_that_cannot_open_says_so_once(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    done = run_cli("records", "--db", str(bad))
    assert done.returncode == 2
    assert done.stderr.count("cannot open database") <= 1
    assert done.stderr.count("\n") == 1


def test_the_crawl_report_names_the_city_and_each_failure_once(local_sites: LocalSites) -> None:
    one_watch(local_sites)
    text = local_sites.sources_file.read_text()
    local_sites.write_sources(
        text + '\n[[watch]]\nid = "gone"\nsite = "generic"\nretries = 0\n'
        f'url = "{local_sites.base_url}/no/such/page.html"\n'
    )
    done = run_cli(
        "crawl",
        "--alert-initial",
        "--sources",
        str(local_sites.sources_file),
        "--db",
        local_sites.db_url,
    )
    assert done.returncode == 1
    assert "here →" not in done.stdout and "→ here" not in done.stdout
    assert "さいたま市" in done.stdout
    assert done.stdout.count("no/such/page.html:") == 1
    assert "(attempts=" not in done.stdout


def test_the_demo_keeps_its_work_and_its_suggestions_work(tmp_path: Path) -> None:
    import shlex

    folder = tmp_path / "demo"
    done = run_cli("demo", "--dir", str(folder), timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{folder}" in done.stdout
    assert (folder / "demo.db").is_file() and (folder / "sources.toml").is_file()
    suggested = [line.strip() for line in done.stdout.splitlines()[-3:]]
    assert all(line.startswith("citywatch ") for line in suggested), suggested
    for line in suggested:
        again = run_cli(*shlex.split(line)[1:])
        assert again.returncode == 0, (line, again.stderr)
        assert again.stdout.strip(), line
