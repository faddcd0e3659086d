"""`citywatch checks WATCH`: a watch's checks (id, time, page, outcome), newest first, so that
`diff --from/--to` has check ids to name."""

from __future__ import annotations

import argparse
from typing import Any

from citywatch.settings import Settings
from scheduler.cli.commands import known_watch
from scheduler.cli.output import dump_json, print_table
from scheduler.service import open_store

__all__ = ["HANDLERS", "add_subcommands", "cmd_checks"]

_COLUMNS = ["id", "finished_at", "outcome", "http_status", "records", "baseline", "url", "error"]


def cmd_checks(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings, existing=True) as store:
        known_watch(store, args.watch)
        rows = store.checks(args.watch, url=args.url, limit=args.limit)
    data = [
        {
            "id": row.id,
            "finished_at": row.finished_at,
            "outcome": row.outcome,
            "http_status": row.http_status,
            "records": row.record_count,
            "baseline": row.baseline,
            "url": row.url,
            "error": row.error,
        }
        for row in rows
    ]
    if args.format == "json":
        dump_json({"watch": args.watch, "checks": data})
    else:
        print_table(
            [{**d, "baseline": "baseline" if d["baseline"] else ""} for d in data],
            _COLUMNS,
            title=args.watch,
        )
    return 0


HANDLERS = {"checks": cmd_checks}


def add_subcommands(sub: Any) -> None:
    p = sub.add_parser("checks", help="a watch's checks: ids, times and outcomes, newest first")
    p.add_argument("--db", help="database URL (default: $CITYWATCH_DB or sqlite:///citywatch.db)")
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.add_argument("watch")
    p.add_argument("--url", help="only this page found through the watch")
    p.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
