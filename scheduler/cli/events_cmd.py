"""The `events` and `event ID` commands, and `export --events`: real-world events, each once
however many pages tell of it."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from citywatch.errors import ConfigError
from citywatch.settings import Settings
from scheduler.cli.output import dump_json, print_csv, print_table

__all__ = ["HANDLERS", "add_subcommands", "export_events"]

Handler = Callable[[argparse.Namespace, Settings], int]

EVENT_COLUMNS = [
    "id",
    "type",
    "direction",
    "city",
    "start",
    "end",
    "places",
    "participants",
    "counterparts",
    "partners",
    "title",
    "sources",
    "disagreements",
    "version",
    "created_at",
    "updated_at",
]
TABLE_COLUMNS = ["id", "type", "direction", "start", "end", "places", "sources", "title"]


def _flat(event: dict[str, Any]) -> dict[str, Any]:
    """An event for a table or CSV: its sources as their URLs, disagreements as JSON."""
    return {
        **event,
        "sources": [s["url"] for s in event["sources"]],
        "disagreements": json.dumps(event["disagreements"], ensure_ascii=False)
        if event.get("disagreements")
        else "",
    }


def cmd_events(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.cli.commands import parse_when
    from scheduler.service import open_store

    as_of = parse_when(args.as_of) if args.as_of else None
    with open_store(settings) as store:
        data = [e.to_dict() for e in store.events(type=args.type, as_of=as_of)]
    if args.format == "json":
        dump_json(data)
    elif args.format == "csv":
        print_csv([_flat(e) for e in data], EVENT_COLUMNS)
    else:
        print_table([_flat(e) for e in data], TABLE_COLUMNS)
    return 0


def cmd_event(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.service import open_store

    with open_store(settings) as store:
        detail = store.event(args.id)
    if detail is None:
        raise ConfigError(f"no event with id {args.id}")
    if args.format == "json":
        dump_json(detail.to_dict())
        return 0
    print_table([_flat(detail.event.to_dict())], TABLE_COLUMNS, title=f"event {args.id}")
    print_table(
        [
            {
                "version": v.version,
                "valid_from": v.valid_from,
                "valid_to": v.valid_to,
                "check": v.check_id,
                "dates": f"{v.data.get('start') or '?'} – {v.data.get('end') or ''}",
            }
            for v in detail.versions
        ],
        ["version", "valid_from", "valid_to", "check", "dates"],
        title="versions",
    )
    print_table(
        [s.to_dict() for s in detail.sources],
        ["key", "watch", "url", "first_seen", "last_seen", "left_at"],
        title="sources",
    )
    reconciled = detail.reconciliation
    if reconciled is not None and reconciled.disagreements:
        # Never resolved: both sides are shown, as the dashboard's event page does.
        print_table(
            [d.to_dict() for d in reconciled.disagreements],
            ["field", "register", "register_url", "city", "city_url"],
            title="sources disagree",
        )
    return 0


def export_events(store: Any, fmt: str, type_: str | None) -> None:
    """`export --events`: each current event once, with its sources."""
    data = [e.to_dict() for e in store.events(type=type_)]
    if fmt == "jsonl":
        for row in data:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "json":
        dump_json(data)
    else:
        print_csv([_flat(e) for e in data], EVENT_COLUMNS)


HANDLERS: dict[str, Handler] = {"events": cmd_events, "event": cmd_event}


def add_subcommands(sub: Any) -> None:
    db_help = "database URL (default: $CITYWATCH_DB or sqlite:///citywatch.db)"
    p = sub.add_parser("events", help="real-world events, each once with its sources")
    p.add_argument("--db", help=db_help)
    p.add_argument("--format", choices=("json", "table", "csv"), default="table")
    p.add_argument("--type", choices=("visit", "programme"))
    p.add_argument("--as-of", help="ISO date-time: the events as they stood then")

    p = sub.add_parser("event", help="one event: its versions and its sources")
    p.add_argument("--db", help=db_help)
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.add_argument("id", type=int)
