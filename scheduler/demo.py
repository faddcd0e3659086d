"""`citywatch demo`: try citywatch with no network and no real site.

It serves the bundled copy of the watched sites (tests/sites in the source tree) on 127.0.0.1,
crawls it, adds a visit to one page, crawls again, and shows the change and the alert text that
would be sent. Its database, watch list and site copy stay in one folder (default
./citywatch-demo/), so the commands it suggests at the end work on what it did."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import shutil
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from citywatch.errors import ConfigError
from citywatch.settings import Settings
from citywatch.sources import load_sources

__all__ = ["add_subcommand", "cmd_demo"]

_REPO = Path(__file__).resolve().parents[1]
_SITECOPY = _REPO / "tests" / "support" / "sitecopy.py"
_DEMO_PAGE = "www.city.saitama.lg.jp/001/009/015/p065484.html"
_DEMO_VISIT = {
    "heading": "国際環境会議への出席",
    "date_text": "令和6年7月10日(水曜日)~令和6年7月12日(金曜日)",
    "place_text": "オーストリア・ウィーン市",
    "people_text": "清水勇人 さいたま市長",
    "body_text": "ウィーン市で開催された国際環境会議に出席し、本市の脱炭素の取組を紹介しました。",
}


def _sitecopy() -> ModuleType:
    """The site copy lives in the source tree; the demo needs a checkout, not just a wheel."""
    if not _SITECOPY.is_file():
        raise ConfigError(
            "the demo needs the source checkout (tests/sites is not here)", looked_in=str(_SITECOPY)
        )
    spec = importlib.util.spec_from_file_location("citywatch_demo_sitecopy", _SITECOPY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    import parsers
    from scheduler.crawl import Crawler
    from scheduler.messages import describe_event, message_for, plural
    from snapshots import Store

    sitecopy = _sitecopy()
    folder = _shown(Path(args.dir))
    _start_afresh(folder)
    root = sitecopy.copy_sites(folder / "sites")
    db_url = args.db or f"sqlite:///{folder / 'demo.db'}"
    with sitecopy.serve(root) as base_url:
        sources_file = folder / "sources.toml"
        sources_file.write_text(sitecopy.sources_toml(base_url), encoding="utf-8")
        sources = load_sources(sources_file, known_sites=parsers.known_sites())
        say = print
        say(f"The demo keeps its database, watch list and site copy in {folder}/")
        say(f"Serving the local copy of the sites at {base_url}")
        say(f"Watching {plural(len(sources.watches), 'page')}; database {db_url}\n")
        with Store(db_url) as store:
            crawler = Crawler(store, sources)
            first = asyncio.run(crawler.run())
            records = sum(o.records for o in first.outcomes)
            say(
                f"1. First crawl: {plural(first.checked, 'page')} checked, {first.failed} "
                f"failed, {plural(records, 'record')} stored as the baseline (no alerts for "
                "a baseline)."
            )
            for outcome in first.outcomes:
                say(
                    f"   {outcome.watch:<28} {outcome.outcome:<9} "
                    f"{plural(outcome.records, 'record')}"
                    + (f"  ({outcome.error})" if outcome.error else "")
                )
            second = asyncio.run(crawler.run())
            say(
                f"\n2. Second crawl, nothing changed: {plural(len(second.changes), 'change')} "
                f"({plural(second.to_dict()['unchanged'], 'page')} unchanged)."
            )
            page = root / _DEMO_PAGE
            sitecopy.add_visit(root, _DEMO_PAGE, **_DEMO_VISIT)
            _touch_later(page)
            say(f"\n3. A visit is added to {_DEMO_PAGE}:")
            say(
                f"   {_DEMO_VISIT['heading']}, {_DEMO_VISIT['date_text']}, "
                f"{_DEMO_VISIT['place_text']}"
            )
            third = asyncio.run(crawler.run())
            say(f"\n4. Third crawl: {plural(len(third.changes), 'change')}:")
            home = _home_name("saitama")
            for event in third.changes:
                say(f"   {describe_event(event, home=home)}")
            if third.changes:
                say("\n5. The alert each channel would receive:\n")
                text = message_for(third.changes, home=home)
                say("   " + text.replace("\n", "\n   "))
            if getattr(args, "serve", None):  # the dashboard on the demo's history
                from scheduler.serve import serve_demo

                say(f"\nThe demo's history is in {folder}/.")
                serve_demo(args.serve, store, settings, sources)
                return 0 if not third.failed else 1
    db, watches = f"--db {db_url}", f"--sources {sources_file}"
    say(f"\nThe dashboard on this history: citywatch serve {db} {watches}")
    say("   (then open http://127.0.0.1:8080/), or run the demo with --serve 127.0.0.1:8080.")
    say(f"\nThe demo's history is in {folder}/. Try next:")
    say(f"   citywatch status {db} {watches}")
    say(f"   citywatch changes {db}")
    say(f"   citywatch records --watch saitama-history {db}")
    return 0 if not third.failed else 1


def _shown(folder: Path) -> Path:
    """The folder as the suggested commands name it: relative when under the current one."""
    absolute = folder.resolve()
    try:
        return absolute.relative_to(Path.cwd())
    except ValueError:
        return absolute


def _start_afresh(folder: Path) -> None:
    """Remove what an earlier demo left in `folder` (only the demo's own files)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("demo.db", "demo.db-wal", "demo.db-shm", "sources.toml"):
        (folder / name).unlink(missing_ok=True)
    shutil.rmtree(folder / "sites", ignore_errors=True)


def _touch_later(path: Path) -> None:
    """The demo server compares whole seconds of mtime; make the edit visibly newer."""
    later = time.time() + 2
    os.utime(path, (later, later))


def _home_name(city: str) -> str | None:
    """The city as the alerts name it."""
    from scheduler.parse_worker import home_names

    return home_names([("demo", city)]).get("demo")


def add_subcommand(sub: Any) -> None:
    p = sub.add_parser("demo", help="crawl a local copy of the sites, change a page, show alerts")
    p.add_argument(
        "--dir",
        default="citywatch-demo",
        help="folder for the demo's database, watch list and site copy (default ./citywatch-demo)",
    )
    p.add_argument("--db", help="keep the demo's history in this database instead")
    p.add_argument(
        "--serve", metavar="HOST:PORT", help="then serve the dashboard on it until Ctrl-C"
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(cmd_demo(argparse.Namespace(db=None, dir="citywatch-demo"), Settings()))
