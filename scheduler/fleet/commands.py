"""Fleet mode: `citywatch scheduler` plus any number of `citywatch worker`, on PostgreSQL.

The same checks as `citywatch daemon`, spread over machines: one scheduler enqueues each
watch's check at the start of each of its slots, workers run them through the same
`Crawler.check_watch`, and the one PostgreSQL database holds both the history and the queue
(procrastinate). See docs/fleet.md for why this engine and how to grow the fleet.

For scheduler/cli/app.py: `add_subcommands(sub)` adds both commands and `HANDLERS` maps
their names to handlers `(args, settings) -> int`; importing this module is cheap (the queue
is imported by the handlers). `scheduler.fleet.status.fleet_status` is what `citywatch status`
shows for a fleet.

The CLI (`scheduler.cli`) imports this module; nothing here imports the CLI.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Callable
from typing import Any

from citywatch import defaults
from citywatch.errors import ConfigError
from citywatch.settings import Settings
from scheduler import service
from scheduler.fleet.scheduler import SchedulerOptions
from scheduler.fleet.worker import WorkerOptions

__all__ = ["HANDLERS", "add_subcommands", "cmd_scheduler", "cmd_worker"]

Handler = Callable[[argparse.Namespace, Settings], int]


def _common(p: argparse.ArgumentParser) -> None:
    service.add_store_options(
        p, db_help="PostgreSQL URL shared by the fleet (default: $CITYWATCH_DB); required"
    )
    service.add_duration(
        p,
        "--stalled-after",
        defaults.FLEET_STALLED_AFTER,
        "a worker silent this long is taken for dead and its checks are run again "
        f"(default {defaults.FLEET_STALLED_AFTER:g}s)",
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
    service.add_duration(
        p,
        "--sweep",
        defaults.FLEET_SWEEP,
        f"how often to look for checks of dead workers (default {defaults.FLEET_SWEEP:g}s)",
    )
    service.add_alert_options(p)
    p.add_argument(
        "--no-alerts", action="store_true", help="leave alert delivery to another scheduler"
    )

    p = sub.add_parser("worker", help="fleet mode: run the checks the scheduler enqueues")
    _common(p)
    p.add_argument(
        "--concurrency",
        type=int,
        default=defaults.FLEET_WORKER_CONCURRENCY,
        metavar="N",
        help=f"checks running at once (default {defaults.FLEET_WORKER_CONCURRENCY})",
    )
    service.add_check_options(p, zero="a thread of the worker")
    service.add_duration(
        p,
        "--heartbeat",
        defaults.FLEET_HEARTBEAT,
        f"how often to tell the fleet this worker lives (default {defaults.FLEET_HEARTBEAT:g}s)",
    )
    service.add_duration(
        p,
        "--graceful",
        defaults.FLEET_GRACEFUL,
        "on SIGTERM, running checks may finish within this; the rest go back to the queue "
        f"(default {defaults.FLEET_GRACEFUL:g}s)",
    )
    p.add_argument("--name", help="worker name in logs (default host:pid)")
    p.add_argument("--drain", action="store_true", help="run the checks waiting now, then exit")
    p.add_argument(
        "--keep-jobs",
        action="store_true",
        help="keep finished jobs in the queue tables (for audits and tests)",
    )


def _info_logs(args: argparse.Namespace, settings: Settings) -> None:
    """Fleet processes also say when they requeue; procrastinate's own lines only with -vv."""
    service.say_life_cycle(args, settings)
    if getattr(args, "verbose", 0) < 2:
        logging.getLogger("procrastinate").setLevel(logging.WARNING)


def cmd_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.fleet.queue import require_postgres
    from scheduler.fleet.scheduler import run_scheduler

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
    from scheduler.fleet.queue import require_postgres
    from scheduler.fleet.worker import run_worker

    require_postgres(settings.db_url)
    if args.concurrency < 1:
        raise ConfigError("--concurrency must be at least 1")
    service.check_parse_workers(args)
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
