"""`citywatch` with the daemon subcommand, whether or not the CLI offers it yet.

    python -m bench.daemon_launch daemon --sources F --db URL

When `scheduler.cli` already has `daemon` this only calls it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scheduler import cli, daemon
from scheduler.cli import commands


def _offered() -> bool:
    parser = cli.build_parser()
    return any(
        isinstance(action, argparse._SubParsersAction) and "daemon" in action.choices
        for action in parser._actions
    )


def _install() -> None:
    if _offered():
        return
    commands.HANDLERS["daemon"] = daemon.cmd_daemon
    add = commands.add_subcommands

    def both(sub: Any) -> None:
        add(sub)
        daemon.add_subcommand(sub)

    commands.add_subcommands = both


if __name__ == "__main__":
    _install()
    sys.exit(cli.main(sys.argv[1:]))
