"""Fleet mode: `citywatch scheduler` plus any number of `citywatch worker`, on PostgreSQL.

The same checks as `citywatch daemon`, spread over machines: one scheduler enqueues each
watch's check at the start of each of its slots, workers run them through the same
`Crawler.check_watch`, and the one PostgreSQL database holds both the history and the queue
(procrastinate). See docs/fleet.md for why this engine and how to grow the fleet.

For scheduler/cli.py: `add_subcommands(sub)` adds both commands and `HANDLERS` maps their names
to handlers `(args, settings) -> int`; importing this module is cheap (the queue is imported by
the handlers). `scheduler.fleet_status.fleet_status` is what `citywatch status` shows for a
fleet.

Until cli.py lists them, `python -m scheduler.fleet scheduler|worker ...` runs the citywatch
CLI with the two commands added.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

from citywatch import defaults
from citywatch.errors import ConfigError
from citywatch.settings import Settings
from scheduler.fleet_scheduler import SchedulerOptions
from scheduler.fleet_worker import WorkerOptions

__all__ = ["HANDLERS", "add_subcommands", "cmd_scheduler", "cmd_worker", "main"]

Handler = Callable[[argparse.Namespace, Settings], int]

_SCHEDULER = SchedulerOptions()
_WORKER = WorkerOptions()


def _seconds(text: str) -> float:
    from citywatch.sources import parse_duration

    try:
        value = parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than zero")
    return value


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sources", help="watch list (default: $CITYWATCH_SOURCES or sources.toml)")
    p.add_argument(
        "--db", help="PostgreSQL URL shared by the fleet (default: $CITYWATCH_DB); required"
    )
    p.add_argument(
        "--stalled-after",
        type=_seconds,
        default=_SCHEDULER.stalled_after,
        metavar="DURATION",
        help="a worker silent this long is taken for dead and its checks are run again "
        f"(default {_SCHEDULER.stalled_after:g}s)",
    )
    p.add_argument(
        "--alive-file",
        metavar="PATH",
        help="touch this file every few seconds while running (for container health checks)",
    )


def add_subcommands(sub: Any) -> None:
    """Add `scheduler` and `worker` to the CLI's subparsers."""
    p = sub.add_parser(
        "scheduler", help="fleet mode: enqueue each watch's check when due; deliver alerts"
    )
    _common(p)
    p.add_argument(
        "--sweep",
        type=_seconds,
        default=_SCHEDULER.sweep_every,
        metavar="DURATION",
        help=f"how often to look for checks of dead workers (default {_SCHEDULER.sweep_every:g}s)",
    )
    p.add_argument(
        "--alert-poll",
        type=_seconds,
        default=_SCHEDULER.alert_poll,
        metavar="DURATION",
        help=f"how often to send due alerts (default {_SCHEDULER.alert_poll:g}s)",
    )
    p.add_argument(
        "--alert-retry",
        type=_seconds,
        default=defaults.ALERT_RETRY_BASE,
        metavar="DURATION",
        help=f"first retry delay of a failed alert (default {defaults.ALERT_RETRY_BASE:g}s)",
    )
    p.add_argument(
        "--no-alerts", action="store_true", help="leave alert delivery to another scheduler"
    )

    p = sub.add_parser("worker", help="fleet mode: run the checks the scheduler enqueues")
    _common(p)
    p.add_argument(
        "--concurrency",
        type=int,
        default=_WORKER.concurrency,
        metavar="N",
        help=f"checks running at once (default {_WORKER.concurrency})",
    )
    p.add_argument(
        "--parse-workers",
        type=int,
        default=_WORKER.parse_workers,
        metavar="N",
        help="processes that parse pages (0: a thread of the worker; default 1)",
    )
    p.add_argument(
        "--heartbeat",
        type=_seconds,
        default=_WORKER.heartbeat,
        metavar="DURATION",
        help=f"how often to tell the fleet this worker lives (default {_WORKER.heartbeat:g}s)",
    )
    p.add_argument(
        "--graceful",
        type=_seconds,
        default=_WORKER.graceful,
        metavar="DURATION",
        help="on SIGTERM, running checks may finish within this; the rest go back to the queue "
        f"(default {_WORKER.graceful:g}s)",
    )
    p.add_argument("--name", help="worker name in logs (default host:pid)")
    p.add_argument(
        "--alert-initial",
        action="store_true",
        help="also alert on a watch's first check (its baseline)",
    )
    p.add_argument("--drain", action="store_true", help="run the checks waiting now, then exit")
    p.add_argument(
        "--keep-jobs",
        action="store_true",
        help="keep finished jobs in the queue tables (for audits and tests)",
    )


def _info_logs(args: argparse.Namespace, settings: Settings) -> None:
    """Fleet processes say when they start, stop, requeue and fail; each check only with -v."""
    if not getattr(args, "verbose", 0) and settings.log_level == "WARNING":
        logging.getLogger("scheduler").setLevel(logging.INFO)
    if getattr(args, "verbose", 0) < 2:
        logging.getLogger("procrastinate").setLevel(logging.WARNING)


def cmd_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.fleet_queue import require_postgres
    from scheduler.fleet_scheduler import run_scheduler

    require_postgres(settings.db_url)
    options = SchedulerOptions(
        stalled_after=args.stalled_after,
        sweep_every=args.sweep,
        alert_poll=args.alert_poll,
        retry_base=args.alert_retry,
        alerts=not args.no_alerts,
        alive_file=args.alive_file,
    )
    _info_logs(args, settings)
    return asyncio.run(run_scheduler(settings, options))


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.fleet_queue import require_postgres
    from scheduler.fleet_worker import run_worker

    require_postgres(settings.db_url)
    if args.concurrency < 1:
        raise ConfigError("--concurrency must be at least 1")
    if args.parse_workers < 0:
        raise ConfigError("--parse-workers cannot be negative")
    if args.heartbeat * 2 > args.stalled_after:
        raise ConfigError("--heartbeat must be at most half of --stalled-after")
    options = WorkerOptions(
        concurrency=args.concurrency,
        parse_workers=args.parse_workers,
        heartbeat=args.heartbeat,
        stalled_after=args.stalled_after,
        graceful=args.graceful,
        keep_jobs=args.keep_jobs,
        drain=args.drain,
        alert_initial=args.alert_initial,
        name=args.name,
        alive_file=args.alive_file,
    )
    _info_logs(args, settings)
    return asyncio.run(run_worker(settings, options))


HANDLERS: dict[str, Handler] = {"scheduler": cmd_scheduler, "worker": cmd_worker}


def _listed(parser: argparse.ArgumentParser) -> bool:
    """Whether the CLI already has the fleet commands (argparse keeps subcommands here)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return "worker" in action.choices
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """The citywatch CLI with the fleet commands added (a no-op once cli.py lists them)."""
    from scheduler import cli, commands

    if not _listed(cli.build_parser()):
        commands.HANDLERS.update(HANDLERS)
        plain = commands.add_subcommands

        def with_fleet(sub: Any) -> None:
            plain(sub)
            add_subcommands(sub)

        commands.add_subcommands = with_fleet
    return cli.main(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
