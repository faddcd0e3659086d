"""The verbs people expect (issue 15), end to end on the local copy of the sites: watches
edited from the command line, a dry-run check, a test alert, CSV for Excel."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from tests.support import sitecopy
from tests.support.e2e import LocalSites, run_cli
from tests.support.webhook import Webhook
from tests.test_cli_traps import one_watch

COMMENTED = """\
# My watch list: keep this comment.
[defaults]
interval = "6h"        # six hours, a comment to keep
per_host_delay = "0s"
allow_private = true

# The first watch.
[[watch]]
id = "first"
url = "https://example.org/first.html"
site = "generic"

[alerts]
urls = []   # none yet
"""


def test_watch_add_list_remove_keep_comments_and_layout(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(COMMENTED, encoding="utf-8")
    os.chmod(sources, 0o600)
    added = run_cli(
        "watch", "add", "https://www.city.kobe.lg.jp/a/intl/visit.html",
        "--site", "generic", "--city", "kobe", "--interval", "12h", "--sources", str(sources),
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "kobe-intl-visit" in added.stdout
    text = sources.read_text(encoding="utf-8")
    assert text.startswith(COMMENTED.split("[alerts]")[0].rstrip("\n"))
    assert "# six hours, a comment to keep" in text and "# none yet" in text
    data = tomllib.loads(text)
    assert [w["id"] for w in data["watch"]] == ["first", "kobe-intl-visit"]
    assert data["watch"][1]["interval"] == "12h"
    assert oct(sources.stat().st_mode & 0o777) == oct(0o600)

    listed = run_cli("watch", "list", "--format", "json", env={"CITYWATCH_SOURCES": str(sources)})
    assert listed.returncode == 0, listed.stderr
    assert [w["id"] for w in json.loads(listed.stdout)] == ["first", "kobe-intl-visit"]

    removed = run_cli("watch", "remove", "first", "--sources", str(sources))
    assert removed.returncode == 0, removed.stderr
    left = sources.read_text(encoding="utf-8")
    assert "# My watch list: keep this comment." in left and "# none yet" in left
    assert [w["id"] for w in tomllib.loads(left)["watch"]] == ["kobe-intl-visit"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources.toml"]  # no temporary left


def test_watch_edits_are_validated_before_writing(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(COMMENTED, encoding="utf-8")
    cases = [
        ["add", "https://example.org/x", "--site", "nosuchsite", "--city", "kobe"],
        ["add", "ftp://example.org/x", "--site", "generic", "--city", "kobe"],
        ["add", "https://example.org/x", "--site", "generic", "--city", "kobe", "--id", "first"],
        ["add", "https://example.org/x", "--site", "generic", "--city", "kobe", "--id", "Bad Id"],
        ["add", "https://example.org/x", "--site", "generic", "--city", "k", "--interval", "x"],
        ["remove", "nosuch"],
    ]
    for case in cases:
        done = run_cli("watch", *case, "--sources", str(sources))
        assert done.returncode == 2, (case, done.stderr)
        assert done.stderr.count("\n") == 1, (case, done.stderr)
        assert sources.read_text(encoding="utf-8") == COMMENTED, case


def test_watch_add_creates_a_missing_file(tmp_path: Path) -> None:
    sources = tmp_path / "new.toml"
    done = run_cli(
        "watch", "add", "https://example.org/x.html", "--site", "generic", "--city", "kobe",
        "--id", "x", "--sources", str(sources),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert tomllib.loads(sources.read_text())["watch"][0]["id"] == "x"


def test_check_is_a_dry_run_that_writes_nothing(local_sites: LocalSites, tmp_path: Path) -> None:
    one_watch(local_sites)
    db = tmp_path / "never.db"
    done = run_cli(
        "check", "saitama-history", "--sources", str(local_sites.sources_file),
        "--db", f"sqlite:///{db}", "--format", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert len(out["records"]) >= 5 and out["would_change"] is None
    assert not db.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in tmp_path.iterdir() if p.name != "never.db"
    )


def test_check_says_what_a_crawl_would_change(local_sites: LocalSites) -> None:
    one_watch(local_sites)
    local_sites.crawl()
    page = sitecopy.find_page("saitama-history")
    sitecopy.add_visit(
        local_sites.root,
        page.path,
        heading="国際環境会議への出席",
        date_text="令和6年7月10日(水曜日)~令和6年7月12日(金曜日)",
        place_text="オーストリア・ウィーン市",
        people_text="清水勇人 さいたま市長",
        body_text="ウィーン市で開催された国際環境会議に出席しました。",
    )
    local_sites.touched(page.path)
    db_file = Path(local_sites.db_url.removeprefix("sqlite:///"))
    before = db_file.stat().st_mtime_ns, db_file.stat().st_size
    done = run_cli(
        "check", "saitama-history", "--sources", str(local_sites.sources_file),
        "--db", local_sites.db_url, "--format", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["would_change"]["added"]) == 1
    assert (db_file.stat().st_mtime_ns, db_file.stat().st_size) == before
    table = run_cli(
        "check", page.url(local_sites.base_url), "--site", "saitama", "--city", "saitama",
        "--sources", str(local_sites.sources_file), "--db", local_sites.db_url,
    )  # fmt: skip
    assert table.returncode == 0, table.stderr
    assert "ウィーン" in table.stdout


def test_notify_test_reports_each_channel(tmp_path: Path) -> None:
    with Webhook() as hook, Webhook() as down:
        down.fail_next(100)
        sources = tmp_path / "sources.toml"
        sources.write_text(
            '[alerts]\nurls = ["' + hook.apprise_url + '"]\n\n[[watch]]\nid = "a"\n'
            'url = "https://example.org/"\nsite = "generic"\nalerts = ["'
            + down.apprise_url.replace("json://", "json://user:s3cret@")
            + '"]\n'
        )
        done = run_cli("notify", "--test", "--sources", str(sources), "--format", "json")
        assert done.returncode == 1, done.stderr
        rows = json.loads(done.stdout)
        assert [r["ok"] for r in rows] == [True, False]
        assert "s3cret" not in done.stdout + done.stderr
        assert len(hook.accepted) == 1
        assert "test" in hook.accepted[0].json()["title"]


def test_notify_without_channels_says_so(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text('[[watch]]\nid = "a"\nurl = "https://example.org/"\nsite = "generic"\n')
    done = run_cli("notify", "--test", "--sources", str(sources))
    assert done.returncode == 1
    assert "no alert channels" in done.stderr


def test_export_csv_with_a_byte_order_mark(local_sites: LocalSites) -> None:
    one_watch(local_sites)
    local_sites.crawl()
    plain = run_cli("export", "--format", "csv", "--db", local_sites.db_url)
    marked = run_cli("export", "--format", "csv", "--bom", "--db", local_sites.db_url)
    assert plain.returncode == marked.returncode == 0
    assert not plain.stdout.startswith("\ufeff")
    assert marked.stdout == "\ufeff" + plain.stdout
