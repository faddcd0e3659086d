"""Every command and every flag the `citywatch` parser knows appears in README.md, so the
documentation cannot fall behind the command line (as sqlite-utils checks its docs)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.cli.app import build_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
_EVERYWHERE = {"-h", "--help", "-v", "--verbose", "-q", "--quiet", "--version"}


def _commands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name), sub
                yield from _commands(sub, (*prefix, name))


COMMANDS = list(_commands(build_parser()))


@pytest.mark.parametrize("path,sub", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_and_flag_is_in_the_readme(
    path: tuple[str, ...], sub: argparse.ArgumentParser
) -> None:
    assert f"citywatch {' '.join(path)}" in README, f"`citywatch {' '.join(path)}` not in README"
    missing = [
        flag
        for action in sub._actions
        for flag in action.option_strings
        if flag.startswith("--")
        and flag not in _EVERYWHERE
        and f"`{flag}" not in README
        and f" {flag}" not in README
        and f"[{flag}" not in README
    ]
    assert not missing, f"citywatch {' '.join(path)}: flags not in README: {missing}"
