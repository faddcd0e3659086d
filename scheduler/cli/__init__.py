"""The `citywatch` command: argument parsing, the commands, output formatting.

Imports the rest of `scheduler` (the daemon, the fleet, the check pipeline); nothing in
`scheduler` imports it back.
"""

from scheduler.cli.app import build_parser, main

__all__ = ["build_parser", "main"]
