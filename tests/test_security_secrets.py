"""Secrets inside alert URLs (passwords, bot tokens) never reach logs, even at -vv, nor any
command's output. The crawl alerts on its baseline (--alert-initial) to channels that all fail:
a json:// webhook with a password that answers 500, Telegram (no network here), ntfy and
mailto with passwords on a closed port. Failures are where secrets usually leak: error
messages, retries and debug logs of apprise, httpx and urllib3."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import sitecopy
from tests.support.faults import Finished, run_measured, sources_text, tracebacks
from tests.support.httpserver import TestServer
from tests.support.webhook import Webhook

SECRETS = ("s3cretPass", "SECRETTOKENzq81", "ntfyPw77x", "mailPw42z")
WATCH = "saitama-history"


@dataclass
class Outputs:
    crawl: Finished
    runs: dict[str, Finished]
    db_path: Path


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outputs]:
    tmp = tmp_path_factory.mktemp("secrets")
    root = sitecopy.copy_sites(tmp / "sites")
    page = sitecopy.find_page(WATCH)
    with TestServer(docroot=root) as server, Webhook(fail=1000) as hook:
        channels = [
            f"json://webuser:{SECRETS[0]}@127.0.0.1:{hook.port}/hook",
            f"tgram://123456789:{SECRETS[1]}/4567",
            f"ntfy://ntfyuser:{SECRETS[2]}@127.0.0.1:9/citywatch",
            f"mailto://mailuser:{SECRETS[3]}@example.org?smtp=127.0.0.1&port=9&to=ops@example.org",
        ]
        watch = {
            "id": WATCH,
            "url": page.url(server.base_url),
            "site": page.site,
            "city": page.city,
            "alerts": [channels[1]],
        }
        sources = tmp / "sources.toml"
        sources.write_text(
            sources_text(
                [watch],
                defaults={"allow_private": True, "per_host_delay": "0s", "retries": 0},
                alerts=[channels[0], channels[2], channels[3]],
            ),
            encoding="utf-8",
        )
        db = f"sqlite:///{tmp / 'cw.db'}"
        env = {"CITYWATCH_FEED": str(tmp / "feed.atom")}
        args = ("--sources", str(sources), "--db", db)
        crawl = run_measured("-vv", "crawl", *args, "--alert-initial", "--format", "json", env=env)
        runs = {
            "status-json": run_measured("-vv", "status", *args, "--format", "json", env=env),
            "status-table": run_measured("status", *args, env=env),
            "changes": run_measured("-vv", "changes", "--db", db, "--format", "json", env=env),
            "second-crawl": run_measured("-vv", "crawl", *args, "--format", "table", env=env),
        }
        assert hook.requests, "the failing webhook was never tried: nothing was alerted"
        yield Outputs(crawl, runs, tmp / "cw.db")


def test_the_crawl_alerted_and_every_channel_failed(outputs: Outputs) -> None:
    assert outputs.crawl.returncode == 0, outputs.crawl.stderr[-3000:]
    assert tracebacks(outputs.crawl.stderr) == []
    assert "DEBUG" in outputs.crawl.stderr, "-vv did not turn debug logging on"


@pytest.mark.parametrize("secret", SECRETS)
def test_no_secret_in_crawl_logs_or_output(outputs: Outputs, secret: str) -> None:
    assert secret not in outputs.crawl.stderr, _around(outputs.crawl.stderr, secret)
    assert secret not in outputs.crawl.stdout, _around(outputs.crawl.stdout, secret)


@pytest.mark.parametrize("run", ["status-json", "status-table", "changes", "second-crawl"])
def test_no_secret_in_status_changes_or_later_runs(outputs: Outputs, run: str) -> None:
    done = outputs.runs[run]
    assert done.returncode in (0, 1), done.stderr[-2000:]
    for secret in SECRETS:
        assert secret not in done.stdout, _around(done.stdout, secret)
        assert secret not in done.stderr, _around(done.stderr, secret)


def test_delivery_errors_stored_in_the_outbox_carry_no_secret(outputs: Outputs) -> None:
    import sqlite3

    with sqlite3.connect(outputs.db_path) as connection:
        errors = [r[0] or "" for r in connection.execute("SELECT last_error FROM deliveries")]
    assert errors and any(errors), "no delivery failed: the test exercised nothing"
    for secret in SECRETS:
        assert not [e for e in errors if secret in e]


def test_the_database_holds_no_channel_url_or_secret(outputs: Outputs) -> None:
    """The outbox names channels by a digest: neither passwords nor tokens reach the file."""
    import sqlite3

    with sqlite3.connect(outputs.db_path) as connection:
        channels = [r[0] for r in connection.execute("SELECT channel FROM deliveries")]
    assert channels and all(c.startswith(("sha256:", "citywatch:")) for c in channels)
    raw = outputs.db_path.read_bytes()
    for secret in (*SECRETS, "webuser", "mailuser", "ntfyuser"):
        assert secret.encode() not in raw


@pytest.mark.parametrize(
    ("where", "command"),
    [
        ("alerts", ("crawl",)),
        ("watch", ("crawl",)),
        ("watch", ("daemon",)),
        ("alerts", ("notify", "--test")),
    ],
)
def test_a_channel_apprise_cannot_read_is_a_configuration_error(
    tmp_path: Path, where: str, command: tuple[str, ...]
) -> None:
    """Every command that sends alerts: exit 2 at load, one line, the URL masked; apprise never
    logs it (its own line would show the password's first and last characters)."""
    bad = f"mailto://mailuser:{SECRETS[3]}@127.0.0.1:9?to=ops@example.org"
    watch: dict[str, object] = {
        "id": "w",
        "url": "https://example.org/",
        "site": "saitama",
        "city": "saitama",
    }
    if where == "watch":
        watch["alerts"] = [bad]
    sources = tmp_path / "sources.toml"
    sources.write_text(
        sources_text([watch], alerts=[bad] if where == "alerts" else []), encoding="utf-8"
    )
    db = ("--db", f"sqlite:///{tmp_path / 'cw.db'}") if command[0] != "notify" else ()
    done = run_measured("-vv", *command, "--sources", str(sources), *db, timeout=60)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "apprise understands" in done.stderr and "mailto://" in done.stderr
    assert done.stderr.count("apprise understands") == 1
    assert tracebacks(done.stderr) == []
    assert not (tmp_path / "cw.db").exists()
    for text in (done.stdout, done.stderr):
        assert SECRETS[3] not in text and "m...z" not in text and "mailuser" not in text


def _around(text: str, secret: str) -> str:
    at = text.find(secret)
    return text[max(0, at - 200) : at + 100]
