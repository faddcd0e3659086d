"""The `citywatch` command. Domain errors become one-line messages here and nowhere else.

Exit status: 0 success, 1 a check or parse failed (the rest still ran), 2 bad configuration or
usage (argparse's own convention)."""

from __future__ import annotations

import argparse
import logging
import mimetypes
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
    from scheduler.output import dump_json, print_table

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
    from scheduler import commands, daemon, demo, events_cli, fleet

    return {
        "parse": cmd_parse,
        "demo": demo.cmd_demo,
        "daemon": daemon.cmd_daemon,
        **commands.HANDLERS,
        **fleet.HANDLERS,
        **events_cli.HANDLERS,
    }


def build_parser() -> argparse.ArgumentParser:
    from scheduler import commands, daemon, demo, events_cli, fleet

    parser = argparse.ArgumentParser(
        prog="citywatch",
        description="Watch city-to-city cooperation pages; keep a versioned history; alert.",
    )
    parser.add_argument("--version", action="version", version=f"citywatch {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (to stderr)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("parse", help="parse a saved page and print its records (no database)")
    p.add_argument("path")
    p.add_argument("--site", required=True)
    p.add_argument("--url", default="")
    p.add_argument("--city", default="")
    p.add_argument("--format", choices=("json", "table"), default="table")

    commands.add_subcommands(sub)
    events_cli.add_subcommands(sub)
    daemon.add_subcommand(sub)
    fleet.add_subcommands(sub)
    demo.add_subcommand(sub)
    return parser


def _configure_logging(verbosity: int, settings: Settings) -> None:
    level = {0: settings.log_level, 1: "INFO"}.get(verbosity, "DEBUG")
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings.from_env(
        db_url=getattr(args, "db", None), sources_path=getattr(args, "sources", None)
    )
    _configure_logging(args.verbose, settings)
    handler = _commands()[args.command]
    try:
        return handler(args, settings)
    except ConfigError as exc:
        print(f"citywatch: {exc.one_line()}", file=sys.stderr)
        return 2
    except CitywatchError as exc:
        print(f"citywatch: {exc.one_line()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("citywatch: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
