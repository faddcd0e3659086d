"""The `citywatch` command. Domain errors become one-line messages here and nowhere else.

Exit status, the same for every command (the table is in README.md): 0 done; 1 a check failed
(the rest still ran) or a thing asked for is absent (a record key, a page text); 2 bad usage or
configuration (argparse's own convention), including an unknown watch id or a missing database.
Output cut short by a closed pipe (`| head`) ends quietly."""

from __future__ import annotations

import argparse
import logging
import mimetypes
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from citywatch import __version__
from citywatch.errors import CitywatchError, ConfigError
from citywatch.model import Page, ParseResult
from citywatch.settings import Settings

__all__ = ["main"]

# `import httpx` loads httpx's own command line (click, rich, pygments: 0.05 CPU-s and 6 MiB per
# run) whenever those are installed, and our tables need rich. Marked absent, httpx falls back to
# its stub `httpx.main`; nothing here runs httpx's command line.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

log = logging.getLogger("citywatch")

_SUFFIX_TYPES = {
    ".pdf": "application/pdf",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
}


def _content_type_for(path: Path) -> str | None:
    return _SUFFIX_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    import parsers
    from scheduler.cli.output import dump_json, print_table

    path = Path(args.path)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    page = Page(
        body=body,
        url=args.url or "",
        content_type=_content_type_for(path),
        city=args.city or None,
    )
    result: ParseResult = parsers.parse_page(page, args.site)
    if args.format == "json":
        dump_json(result.to_dict())
    elif args.explain:
        from scheduler.cli.explain import print_explanation

        print_explanation(result.records)
    else:
        info = result.info
        print(f"{info.title or path.name}  [{info.site}]  updated {info.updated or '-'}")
        rows = [r.to_dict() for r in result.records]
        print_table(
            rows,
            [
                "type",
                "direction",
                "start",
                "end",
                "places",
                "participants",
                "counterparts",
                "partners",
                "title",
            ],
        )
    return 0


Handler = Callable[[argparse.Namespace, Settings], int]


def _commands() -> dict[str, Handler]:
    from scheduler import daemon, demo, serve
    from scheduler.cli import (
        check_cmd,
        checks_cmd,
        commands,
        events_cmd,
        notify_cmd,
        reconcile_cmd,
        watch_cmd,
    )
    from scheduler.fleet import commands as fleet

    return {
        "parse": cmd_parse,
        "demo": demo.cmd_demo,
        "daemon": daemon.cmd_daemon,
        "serve": serve.cmd_serve,
        **commands.HANDLERS,
        **checks_cmd.HANDLERS,
        **check_cmd.HANDLERS,
        **watch_cmd.HANDLERS,
        **notify_cmd.HANDLERS,
        **fleet.HANDLERS,
        **events_cmd.HANDLERS,
        **reconcile_cmd.HANDLERS,
    }


def build_parser() -> argparse.ArgumentParser:
    from scheduler import daemon, demo, serve
    from scheduler.cli import (
        check_cmd,
        checks_cmd,
        commands,
        events_cmd,
        notify_cmd,
        reconcile_cmd,
        watch_cmd,
    )
    from scheduler.fleet import commands as fleet

    parser = argparse.ArgumentParser(
        prog="citywatch",
        description="Watch city-to-city cooperation pages; keep a versioned history; alert.",
    )
    parser.add_argument("--version", action="version", version=f"citywatch {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (to stderr)")
    parser.add_argument("-q", "--quiet", action="store_true", help="log errors only")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("parse", help="parse a saved page and print its records (no database)")
    p.add_argument("path")
    p.add_argument("--site", required=True)
    p.add_argument("--url", default="")
    p.add_argument("--city", default="")
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.add_argument(
        "--explain",
        action="store_true",
        help="table: each field beside the page's words it came from (JSON always has evidence)",
    )

    commands.add_subcommands(sub)
    checks_cmd.add_subcommands(sub)
    check_cmd.add_subcommands(sub)
    watch_cmd.add_subcommands(sub)
    notify_cmd.add_subcommands(sub)
    events_cmd.add_subcommands(sub)
    reconcile_cmd.add_subcommands(sub)
    daemon.add_subcommand(sub)
    fleet.add_subcommands(sub)
    demo.add_subcommand(sub)
    serve.add_subcommand(sub)
    for command in set(sub.choices.values()):
        _add_loudness(command)
    return parser


def _add_loudness(command: argparse.ArgumentParser) -> None:
    """-v and -q after the command too (`citywatch crawl -v`); counted apart from the ones
    before it, which a subcommand's defaults would otherwise overwrite."""
    for action in list(command._actions):
        if isinstance(action, argparse._SubParsersAction):  # `watch add`: add to each
            for nested in set(action.choices.values()):
                _add_loudness(nested)
    command.add_argument(
        "-v",
        "--verbose",
        dest="verbose_after",
        action="count",
        default=argparse.SUPPRESS,
        help="log more (to stderr)",
    )
    command.add_argument(
        "-q",
        "--quiet",
        dest="quiet_after",
        action="store_true",
        default=argparse.SUPPRESS,
        help="log errors only",
    )


def _configure_logging(verbosity: int, quiet: bool, settings: Settings) -> None:
    level = "ERROR" if quiet else {0: settings.log_level, 1: "INFO"}.get(verbosity, "DEBUG")
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings.from_env(
        db_url=getattr(args, "db", None), sources_path=getattr(args, "sources", None)
    )
    args.verbose += getattr(args, "verbose_after", 0)
    args.quiet = args.quiet or getattr(args, "quiet_after", False)
    _configure_logging(args.verbose, args.quiet, settings)
    handler = _commands()[args.command]
    try:
        return handler(args, settings)
    except BrokenPipeError:
        return _pipe_closed()
    except ConfigError as exc:
        print(f"citywatch: {exc.one_line()}", file=sys.stderr)
        return 2
    except CitywatchError as exc:
        print(f"citywatch: {exc.one_line()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("citywatch: interrupted", file=sys.stderr)
        return 130


def _pipe_closed() -> int:
    """The reader went away (`| head`): stop quietly, as Unix tools do. Python would flush
    stdout again at exit and complain, so stdout now points at /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 141  # 128 + SIGPIPE, what a shell reports for a tool the pipe ended


if __name__ == "__main__":
    sys.exit(main())
