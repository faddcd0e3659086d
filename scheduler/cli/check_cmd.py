"""`citywatch check URL-or-WATCH`: a dry run of one page. It fetches, parses and prints the
records, and, when the database already has the watch, what a crawl would change; it writes
nothing, not even a database file (the history is read only when it exists, and never
migrated)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from citywatch.errors import ConfigError, FetchError, StorageError
from citywatch.settings import Settings
from citywatch.sources import Sources, Watch, no_such_watch, sources_from_dict
from scheduler.cli.commands import TABLE_RECORD_COLUMNS, load_watch_list
from scheduler.cli.output import dump_json, print_table
from scheduler.messages import plural

__all__ = ["HANDLERS", "add_subcommands", "cmd_check"]


def _watch_for(args: argparse.Namespace, settings: Settings) -> Watch:
    """The named watch, or a watch of the URL with the list's [defaults] (when there is one)."""
    target: str = args.target
    sources: Sources | None = None
    try:
        sources = load_watch_list(settings)
    except ConfigError:
        if not target.startswith(("http://", "https://")):
            raise
    if not target.startswith(("http://", "https://")):
        assert sources is not None
        if target not in sources.ids():
            raise no_such_watch(target, sources.ids())
        return sources.get(target)
    for watch in sources.watches if sources else ():
        if watch.url == target and not args.site:
            return watch
    base = sources.defaults.model_dump() if sources else {}
    raw = {"id": "check", "url": target, "site": args.site or "generic", "city": args.city}
    from scheduler.parse_worker import known_sites

    built = sources_from_dict(
        {"defaults": base, "watch": [{k: v for k, v in raw.items() if v}]},
        name="check",
        known_sites=known_sites(),
    )
    return built.watches[0]


async def _fetch(watch: Watch) -> Any:
    from scraper import Fetcher

    async with Fetcher(user_agent=watch.user_agent) as fetcher:
        return await fetcher.fetch(watch.url, watch)


def _would_change(settings: Settings, watch: Watch, url: str, found: list[Any]) -> Any:
    """What a crawl would change, from the history as it is; None without one."""
    from snapshots import Store, history_exists
    from snapshots.diffing import diff_records

    try:
        if not history_exists(settings.db_url):
            return None
        with Store(settings.db_url, migrate=False) as store:
            stored = [r for r in store.current_records(watch=watch.id) if r.url == url]
            if not stored and not store.pages(watch.id):
                return None
    except StorageError:
        return None
    before = {r.key: r.record.to_dict() for r in stored}
    after = {r.key: r.to_dict() for r in found}
    moved = diff_records(before, after)
    return {
        "added": list(moved.added),
        "removed": list(moved.removed),
        "changed": [{"key": key, "fields": list(fields)} for key, fields in moved.changed],
    }


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.parse_worker import parse_bytes

    watch = _watch_for(args, settings)
    try:
        fetched = asyncio.run(_fetch(watch))
    except FetchError as exc:
        raise FetchError(f"cannot fetch {watch.url}: {exc.one_line(omit=('url',))}") from None
    result = parse_bytes(
        fetched.body or b"",
        fetched.url,
        watch.site,
        watch.city,
        fetched.content_type,
        fetched.encoding,
    )
    changes = _would_change(settings, watch, watch.url, list(result.records))
    records = [r.to_dict() for r in result.records]
    if args.format == "json":
        dump_json(
            {
                "watch": watch.id,
                "url": watch.url,
                "site": watch.site,
                "records": records,
                "would_change": changes,
            }
        )
        return 0
    print_table([{**r, "watch": watch.id} for r in records], TABLE_RECORD_COLUMNS, title=watch.url)
    if changes is None:
        print("not in the history yet: a crawl would record these as its baseline")
    elif not any(changes.values()):
        print("a crawl would change no record")
    else:
        print(
            f"a crawl would add {plural(len(changes['added']), 'record')}, remove "
            f"{len(changes['removed'])} and change {len(changes['changed'])}"
        )
    return 0


HANDLERS = {"check": cmd_check}


def add_subcommands(sub: Any) -> None:
    p = sub.add_parser(
        "check", help="dry run: fetch and parse one page or watch; show what would change"
    )
    p.add_argument("target", metavar="URL-or-WATCH")
    p.add_argument("--site", help="parser for a URL (default: generic)")
    p.add_argument("--city", help="whose point of view sets inbound/outbound")
    p.add_argument("--sources", help="watch list (default: $CITYWATCH_SOURCES or sources.toml)")
    p.add_argument("--db", help="database URL (default: $CITYWATCH_DB or sqlite:///citywatch.db)")
    p.add_argument("--format", choices=("json", "table"), default="table")
