"""`citywatch serve` and `citywatch daemon --serve HOST:PORT`: the dashboard (`web/`) on the
store, with the watch list for cities and the status rows `citywatch status` prints.

The scheduler joins the parts here, so `web/` never imports the scheduler: it is handed the
status reader as a function."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from citywatch import defaults
from citywatch.errors import ConfigError
from citywatch.settings import Settings
from citywatch.sources import Sources

if TYPE_CHECKING:
    from snapshots import Store

__all__ = [
    "add_daemon_options",
    "add_subcommand",
    "beside_daemon",
    "cmd_serve",
    "dashboard_app",
    "serve_demo",
]

log = logging.getLogger(__name__)


def _sources(settings: Settings) -> Sources | None:
    """The watch list when it can be read; the dashboard still shows the history without it."""
    from scheduler.service import load_watch_list

    try:
        return load_watch_list(settings)
    except ConfigError as exc:
        log.warning("dashboard without the watch list (no cities, no next due): %s", exc)
        return None


def dashboard_app(
    store: Store, settings: Settings, sources: Sources | None, token: str | None
) -> Any:
    from scheduler.status_view import status_json
    from web import create_app

    status = None
    if sources is not None:
        watched = sources

        def status(store: Store) -> dict[str, Any]:
            return status_json(store, settings.db_url, watched)

    return create_app(store, sources=sources, status=status, token=token)


def _token(args: argparse.Namespace, settings: Settings) -> str | None:
    return getattr(args, "token", None) or settings.web_token


def _add_access(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--token",
        help="ask every request for this token (default: $CITYWATCH_WEB_TOKEN); "
        "needed to listen beyond 127.0.0.1 unless --public",
    )
    p.add_argument(
        "--public",
        action="store_true",
        help="listen beyond this machine without a token, on purpose",
    )


def add_subcommand(sub: Any) -> None:
    p = sub.add_parser("serve", help="the read-only web dashboard and JSON API")
    p.add_argument("--db", help="database URL (default: $CITYWATCH_DB or sqlite:///citywatch.db)")
    p.add_argument("--sources", help="watch list (default: $CITYWATCH_SOURCES or sources.toml)")
    p.add_argument("--host", default=defaults.WEB_HOST, help="default %(default)s")
    p.add_argument("--port", type=int, default=defaults.WEB_PORT, help="default %(default)s")
    _add_access(p)


def add_daemon_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--serve", metavar="HOST:PORT", help="also serve the dashboard, in the daemon's process"
    )
    _add_access(p)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.service import open_store
    from web.serve import base_url, check_exposure, run

    token = _token(args, settings)
    check_exposure(args.host, token, args.public)
    if not 0 <= args.port < 65536:
        raise ConfigError(f"--port must be 0 to 65535, not {args.port}")
    sources = _sources(settings)
    with open_store(settings) as store:
        app = dashboard_app(store, settings, sources, token)
        print(f"citywatch: dashboard at {base_url(args.host, args.port)}", file=sys.stderr)
        return run(app, args.host, args.port)


@contextlib.asynccontextmanager
async def beside_daemon(
    args: argparse.Namespace | None, settings: Settings, sources: Sources, store: Store
) -> AsyncIterator[None]:
    """Serve the dashboard on the daemon's loop when `--serve` was given."""
    address = getattr(args, "serve", None)
    if not address:
        yield
        return
    from web.serve import check_exposure, parse_address, serving

    host, port = parse_address(address)
    token = _token(args, settings) if args is not None else None
    check_exposure(host, token, bool(getattr(args, "public", False)))
    async with serving(dashboard_app(store, settings, sources, token), host, port):
        yield


def serve_demo(address: str, store: Store, settings: Settings, sources: Sources) -> None:
    """`citywatch demo --serve HOST:PORT`: the dashboard on the demo's history, until Ctrl-C."""
    from web.serve import base_url, check_exposure, parse_address, run

    host, port = parse_address(address)
    check_exposure(host, settings.web_token, False)
    print(f"\n6. The dashboard: {base_url(host, port)}  (Ctrl-C ends the demo)", flush=True)
    run(dashboard_app(store, settings, sources, settings.web_token), host, port)
