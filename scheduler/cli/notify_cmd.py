"""`citywatch notify --test`: one test message to each configured alert channel, and each
channel's result (channels shown masked: they may hold passwords)."""

from __future__ import annotations

import argparse
from typing import Any

from citywatch.errors import NotFoundError
from citywatch.settings import Settings
from citywatch.sources import merge_alert_urls
from scheduler.cli.commands import load_watch_list
from scheduler.cli.output import dump_json, print_table

__all__ = ["HANDLERS", "add_subcommands", "cmd_notify"]


def cmd_notify(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.alerts import AppriseNotifier, Message, show_channel

    sources = load_watch_list(settings, channels=True)
    channels = list(
        dict.fromkeys(
            [
                *sources.alerts.urls,
                *(c for w in sources.watches for c in merge_alert_urls(sources, w)),
            ]
        )
    )
    if not channels:
        raise NotFoundError(f"no alert channels in {sources.path} ([alerts] urls or a watch's)")
    message = Message(
        title="citywatch: test alert",
        text="This is a test from `citywatch notify --test`; alerts will arrive here.",
        html="<p>This is a test from <code>citywatch notify --test</code>; "
        "alerts will arrive here.</p>",
    )
    notifier = AppriseNotifier()
    rows = []
    for channel in channels:
        error = notifier.send(channel, message)
        rows.append({"channel": show_channel(channel), "ok": error is None, "error": error})
    if args.format == "json":
        dump_json(rows)
    else:
        print_table(
            [{**r, "ok": "sent" if r["ok"] else "FAILED"} for r in rows], ["channel", "ok", "error"]
        )
    return 0 if all(r["ok"] for r in rows) else 1


HANDLERS = {"notify": cmd_notify}


def add_subcommands(sub: Any) -> None:
    p = sub.add_parser("notify", help="send a test message to every alert channel")
    p.add_argument("--test", action="store_true", required=True, help="send the test message")
    p.add_argument("--sources", help="watch list (default: $CITYWATCH_SOURCES or sources.toml)")
    p.add_argument("--format", choices=("json", "table"), default="table")
