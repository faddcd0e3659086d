"""Subcommands that use the database and the watch list. Each returns an exit status."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from citywatch.errors import ConfigError, NotFoundError
from citywatch.settings import Settings
from citywatch.sources import no_such_watch
from scheduler.cli.output import dump_json, print_csv, print_table
from scheduler.service import load_watch_list, open_store

__all__ = ["HANDLERS", "add_subcommands", "known_watch", "load_watch_list", "open_store"]

Handler = Callable[[argparse.Namespace, Settings], int]
HANDLERS: dict[str, Handler] = {}

TABLE_RECORD_COLUMNS = [
    "key",
    "type",
    "city_name",
    "direction",
    "start",
    "end",
    "places",
    "title",
    "watch",
]


def handler(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[name] = fn
        return fn

    return register


def known_watch(store: Any, watch_id: str | None) -> None:
    """A watch id a read-only command is asked about must be in the history (else exit 2 with
    the ids it has), as `crawl --watch` must name one in the watch list."""
    if watch_id is None:
        return
    known = {s.watch for s in store.status()}
    if watch_id not in known:
        raise no_such_watch(watch_id, known)


def parse_when(text: str) -> datetime:
    """ISO 8601 date or date-time; naive values are UTC."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"not an ISO 8601 date or date-time: {text!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


# --- crawl ---------------------------------------------------------------------------------


@handler("crawl")
def cmd_crawl(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.alerts import deliver_pending, with_feed_channel
    from scheduler.cli.progress import crawl_progress
    from scheduler.crawl import Crawler
    from scheduler.parse_worker import crawl_pool

    sources = with_feed_channel(load_watch_list(settings, channels=True))
    watches = [sources.get(w) for w in args.watch] if args.watch else None
    with (
        open_store(settings) as store,
        crawl_progress(
            len(watches or sources.watches), quiet=getattr(args, "quiet", False)
        ) as progress,
        _shut_down_after(crawl_pool()) as pool,
    ):
        crawler = Crawler(
            store, sources, alert_initial=args.alert_initial, progress=progress, executor=pool
        )
        report = asyncio.run(crawler.run(watches))
        deliver_pending(store, sources, settings)
    if args.format == "json":
        dump_json(report.to_dict())
    else:
        from scheduler.alerts import home_names, watch_cities
        from scheduler.cli.report import print_crawl_report

        print_crawl_report(report, home_names(watch_cities(sources)))
    return 1 if report.failed else 0


@contextmanager
def _shut_down_after(pool: Executor | None) -> Iterator[Executor | None]:
    """The crawl's parse pool, its processes stopped when the crawl ends (at once when it is
    interrupted; a pool whose processes were never needed has none to stop)."""
    try:
        yield pool
    except BaseException:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        raise
    if pool is not None:
        pool.shutdown(wait=True)


# --- records, changes, history, diff, export, gc ------------------------------------------


@handler("records")
def cmd_records(args: argparse.Namespace, settings: Settings) -> int:
    from snapshots.export import RECORD_COLUMNS  # the store only for commands that read it

    with open_store(settings, existing=True) as store:
        known_watch(store, args.watch)
        if args.as_of:
            rows = store.records_as_of(parse_when(args.as_of), type=args.type, watch=args.watch)
        else:
            rows = store.current_records(type=args.type, watch=args.watch)
    data = [r.to_dict() for r in rows]
    _emit(args.format, data, RECORD_COLUMNS, TABLE_RECORD_COLUMNS, wrap=None)
    return 0


@handler("changes")
def cmd_changes(args: argparse.Namespace, settings: Settings) -> int:
    since = parse_when(args.since) if args.since else None
    with open_store(settings, existing=True) as store:
        known_watch(store, args.watch)
        events = store.changes(since=since, watch=args.watch)
    data = [e.to_dict() for e in events]
    if args.format == "json":
        dump_json(data)
    else:
        rows = [
            {
                **e,
                "kind": f"{e['kind']} (baseline)" if e["baseline"] else e["kind"],
                "record": _describe(e.get("record")),
            }
            for e in data
        ]
        print_table(rows, ["id", "at", "kind", "watch", "record", "fields", "url"])
    return 0


def _describe(record: dict[str, Any] | None) -> str:
    if not record:
        return ""
    when = record.get("start") or "?"
    if record.get("end") and record["end"] != record.get("start"):
        when += f"–{record['end']}"
    places = ", ".join(p["name"] for p in record.get("places") or [])
    return f"{record['type']} {record.get('direction') or ''} {when} {places}".replace("  ", " ")


@handler("history")
def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings, existing=True) as store:
        versions = store.history(args.key)
    if not versions:
        raise NotFoundError(f"no record with key {args.key!r}")
    if args.format == "json":
        dump_json({"key": args.key, "versions": [v.to_dict() for v in versions]})
    else:
        rows = [
            {
                "version": v.version,
                "valid_from": v.valid_from,
                "valid_to": v.valid_to,
                "check": v.check_id,
                "record": _describe(v.record.to_dict()),
            }
            for v in versions
        ]
        print_table(rows, ["version", "valid_from", "valid_to", "check", "record"], title=args.key)
    return 0


@handler("diff")
def cmd_diff(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings, existing=True) as store:
        known_watch(store, args.watch)
        text = store.page_text_diff(
            args.watch, url=args.url, from_check=args.from_check, to_check=args.to_check
        )
    if args.format == "json":
        dump_json({"watch": args.watch, "diff": text})
    else:
        sys.stdout.write(text or "(no difference)\n")
    return 0


@handler("export")
def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings, existing=True) as store:
        if args.events:
            from scheduler.cli.events_cmd import export_events

            export_events(store, args.format, args.type)
            return 0
        rows = store.current_records(type=args.type)
        if args.all_versions:
            data = [v.to_dict() | v.record.to_dict() for r in rows for v in store.history(r.key)]
        else:
            data = [r.to_dict() for r in rows]
    from snapshots.export import RECORD_COLUMNS

    if args.format == "jsonl":
        for row in data:
            sys.stdout.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    elif args.format == "json":
        dump_json(data)
    else:
        print_csv(data, RECORD_COLUMNS, bom=args.bom)
    return 0


@handler("gc")
def cmd_gc(args: argparse.Namespace, settings: Settings) -> int:
    if args.keep < 1:
        raise ConfigError("--keep must be at least 1")
    with open_store(settings) as store:
        report = store.gc(keep=args.keep)
    if args.format == "json":
        dump_json(report.to_dict())
    else:
        print(
            f"dropped {report.bodies_dropped} bodies ({report.bytes_dropped} bytes, "
            f"{report.stored_bytes_dropped} stored)"
        )
    return 0


# --- status --------------------------------------------------------------------------------


@handler("status")
def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.status_view import fleet_of, watch_rows

    sources = load_watch_list(settings)
    with open_store(settings, existing=True) as store:
        rows = watch_rows(store, sources)
        fleet = fleet_of(store, settings.db_url, sources)
    if args.format == "json":
        dump_json({"watches": rows, **({"fleet": fleet.to_dict()} if fleet else {})})
    else:
        columns = ["watch", "last_check", "result", "next_due", "pages", "consecutive_failures"]
        print_table(rows, [*columns, "last_error"])
        if fleet:
            print("\n".join(fleet.lines()))
    return 0


# --- argument parsing ----------------------------------------------------------------------


def _common(p: argparse.ArgumentParser, formats: tuple[str, ...] = ("json", "table")) -> None:
    p.add_argument("--db", help="database URL (default: $CITYWATCH_DB or sqlite:///citywatch.db)")
    p.add_argument("--format", choices=formats, default="table")


def add_subcommands(sub: Any) -> None:
    p = sub.add_parser("crawl", help="check every watch once and report what changed")
    _common(p)
    p.add_argument("--sources", help="watch list (default: $CITYWATCH_SOURCES or sources.toml)")
    p.add_argument("--watch", action="append", default=[], help="only this watch (repeatable)")
    p.add_argument(
        "--alert-initial",
        action="store_true",
        help="also alert on a watch's first check (its baseline)",
    )

    p = sub.add_parser("records", help="the current records (or as they stood at a time)")
    _common(p, ("json", "csv", "table"))
    p.add_argument("--type", choices=("visit", "programme"))
    p.add_argument("--watch")
    p.add_argument("--as-of", help="ISO date-time: the records as they stood then")

    p = sub.add_parser("changes", help="change events, oldest first")
    _common(p)
    p.add_argument("--since", help="ISO date-time")
    p.add_argument("--watch")

    p = sub.add_parser("history", help="every version of one record")
    _common(p)
    p.add_argument("key")

    p = sub.add_parser("diff", help="the text diff of a watched page between two checks")
    _common(p)
    p.add_argument("watch")
    p.add_argument("--url", help="a page found through the watch (default: the watch's page)")
    p.add_argument("--from", dest="from_check", type=int, metavar="CHECK")
    p.add_argument("--to", dest="to_check", type=int, metavar="CHECK")

    p = sub.add_parser("export", help="export records with their keys and validity")
    p.add_argument("--db")
    p.add_argument("--format", choices=("csv", "json", "jsonl"), default="jsonl")
    p.add_argument("--type", choices=("visit", "programme"))
    p.add_argument("--all-versions", action="store_true", help="every version, not the current")
    p.add_argument(
        "--bom",
        action="store_true",
        help="CSV: start with a UTF-8 byte-order mark, so Excel reads Japanese text right",
    )
    p.add_argument("--events", action="store_true", help="real-world events, not records")

    p = sub.add_parser("gc", help="drop old unchanged bodies (never those records point to)")
    _common(p)
    p.add_argument("--keep", type=int, required=True, help="bodies to keep per page")

    p = sub.add_parser("status", help="each watch: last check, result, next due, failures")
    _common(p)
    p.add_argument("--sources")


def _emit(
    fmt: str,
    data: list[dict[str, Any]],
    csv_columns: list[str],
    table_columns: list[str],
    *,
    wrap: str | None,
) -> None:
    if fmt == "json":
        dump_json({wrap: data} if wrap else data)
    elif fmt == "csv":
        print_csv(data, csv_columns)
    else:
        print_table(data, table_columns)
