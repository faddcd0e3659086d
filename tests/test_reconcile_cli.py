"""`citywatch reconcile`: table and JSON over a composed history, `--city` by slug or Japanese
name, and one-line errors (a missing database is exit 2 saying to crawl first)."""

from __future__ import annotations

from pathlib import Path

from snapshots import Store
from tests.support.db import sqlite_url
from tests.support.e2e import cli_json, run_cli
from tests.test_reconcile import REGISTER_YOKOHAMA, YOKOHAMA_PDF, stored


def history(tmp_path: Path) -> str:
    url = sqlite_url(tmp_path / "cw.db")
    with Store(url) as store:
        stored(store)
    return url


def test_json_lists_each_programme_with_both_sides(tmp_path: Path) -> None:
    done, data = cli_json("reconcile", "--db", history(tmp_path), "--format", "json")
    assert done.returncode == 0, done.stderr
    statuses = sorted((r["city"], r["partner"], r["status"]) for r in data)
    assert statuses == [
        ("saitama", "クアラルンプール市", "agree"),
        ("saitama", "ハノイ市", "city-only"),
        ("yokohama", "チェンマイ市", "register-only"),
        ("yokohama", "バンコク都", "disagree"),
    ]
    [bangkok] = [r for r in data if r["status"] == "disagree"]
    assert bangkok["city_name"] == "横浜市"
    assert bangkok["disagreements"] == [
        {
            "field": "start",
            "register": "2014-10-08",
            "register_url": REGISTER_YOKOHAMA,
            "city": "2013",
            "city_url": YOKOHAMA_PDF,
        }
    ]
    assert [s["start"] for s in bangkok["register"]] == ["2014-10-08"]
    assert [s["start"] for s in bangkok["city_pages"]] == ["2013"]


def test_the_table_says_who_says_what(tmp_path: Path) -> None:
    done = run_cli("reconcile", "--db", history(tmp_path))
    assert done.returncode == 0, done.stderr
    for word in ("agree", "disagree", "register-only", "city-only", "横浜市 (yokohama)"):
        assert word in done.stdout
    assert f"register says 2014-10-08 ({REGISTER_YOKOHAMA})" in done.stdout
    assert f"city page says 2013 ({YOKOHAMA_PDF})" in done.stdout


def test_an_events_table_shows_where_its_sources_disagree(tmp_path: Path) -> None:
    url = history(tmp_path)
    _, data = cli_json("reconcile", "--db", url, "--format", "json")
    [bangkok] = [r for r in data if r["status"] == "disagree"]
    done = run_cli("event", str(bangkok["event"]), "--db", url, "--format", "table")
    assert done.returncode == 0, done.stderr
    assert "sources disagree" in done.stdout
    assert "2014-10-08" in done.stdout and REGISTER_YOKOHAMA in done.stdout


def test_city_takes_a_slug_or_a_japanese_name(tmp_path: Path) -> None:
    url = history(tmp_path)
    for city in ("saitama", "さいたま市"):
        done, data = cli_json("reconcile", "--db", url, "--city", city, "--format", "json")
        assert done.returncode == 0, done.stderr
        assert [r["partner"] for r in data] == ["クアラルンプール市", "ハノイ市"]
    done = run_cli("reconcile", "--db", url, "--city", "府中市")
    assert done.returncode == 2 and "fuchu-hiroshima" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_a_missing_database_says_to_crawl_first(tmp_path: Path) -> None:
    missing = sqlite_url(tmp_path / "none.db")
    done = run_cli("reconcile", "--db", missing)
    assert done.returncode == 2
    assert "crawl first" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "none.db").exists()
