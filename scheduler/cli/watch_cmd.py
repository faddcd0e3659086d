"""`citywatch watch add|list|remove`: the watch list from the command line, as urlwatch's
--add/--list/--delete. Edits keep the file's comments and layout (`citywatch.sources_edit`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from citywatch.settings import Settings
from scheduler.cli.commands import load_watch_list
from scheduler.cli.output import dump_json, print_table

__all__ = ["HANDLERS", "add_subcommands", "cmd_watch"]


def cmd_watch(args: argparse.Namespace, settings: Settings) -> int:
    from citywatch.sources_edit import add_watch, remove_watch  # tomlkit only when editing
    from scheduler.parse_worker import known_sites

    path = Path(settings.sources_path)
    if args.action == "add":
        new_id = add_watch(
            path,
            url=args.url,
            site=args.site,
            city=args.city,
            watch_id=args.id,
            interval=args.interval,
            known_sites=known_sites(),
        )
        print(f"added watch {new_id!r} to {path}")
        return 0
    if args.action == "remove":
        remove_watch(path, args.id, known_sites=known_sites())
        print(f"removed watch {args.id!r} from {path}")
        return 0
    sources = load_watch_list(settings)
    rows = [
        {
            "id": w.id,
            "url": w.url,
            "site": w.site,
            "city": w.city,
            "interval": f"{w.interval:g}s",
        }
        for w in sources.watches
    ]
    if args.format == "json":
        dump_json(rows)
    else:
        print_table(rows, ["id", "site", "city", "interval", "url"])
    return 0


HANDLERS = {"watch": cmd_watch}


def add_subcommands(sub: Any) -> None:
    p = sub.add_parser("watch", help="add, list or remove watches in sources.toml")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    sources_help = "watch list (default: $CITYWATCH_SOURCES or sources.toml)"

    a = actions.add_parser("add", help="add a watch (the file keeps its comments and layout)")
    a.add_argument("url")
    a.add_argument("--site", required=True, help="which parser (saitama, generic, ...)")
    a.add_argument("--city", required=True, help="whose point of view sets inbound/outbound")
    a.add_argument("--id", help="the watch's id (default: made from the URL)")
    a.add_argument("--interval", help="how often, such as 6h (default: [defaults])")
    a.add_argument("--sources", help=sources_help)

    ls = actions.add_parser("list", help="the watches in the watch list")
    ls.add_argument("--sources", help=sources_help)
    ls.add_argument("--format", choices=("json", "table"), default="table")

    r = actions.add_parser("remove", help="remove a watch")
    r.add_argument("id")
    r.add_argument("--sources", help=sources_help)
