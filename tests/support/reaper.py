"""The test session leaves no process behind (loaded as a pytest plugin).

At the start the session makes itself a child subreaper (Linux `PR_SET_CHILD_SUBREAPER`), so
any process a test starts, and any process those start, comes back to the session as its
child when its own parent dies (a daemon killed with SIGKILL leaves its parse worker to us,
not to init). At the end the session waits a while for its children to end, then fails,
naming any still alive. Elsewhere than Linux it only checks direct children."""

from __future__ import annotations

import ctypes
import multiprocessing.resource_tracker as resource_tracker
import os
import sys
import time
from pathlib import Path

import pytest

__all__ = ["living_children"]

_PR_SET_CHILD_SUBREAPER = 36
GRACE = 15.0  # seconds children get to end at teardown (a parse worker polls every second)


def _subreaper() -> None:
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _reap() -> None:
    """Collect orphans that ended (zombies now ours); subprocess never waits for them."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def living_children() -> dict[int, str]:
    """pid -> command line of each living child of this process (ours to answer for)."""
    me, ours = os.getpid(), getattr(resource_tracker._resource_tracker, "_pid", None)
    found: dict[int, str] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            state, ppid = fields[0], int(fields[1])
            if ppid != me or state == "Z" or int(entry.name) == ours:
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            continue
        found[int(entry.name)] = command.strip()[:200]
    return found


def pytest_sessionstart(session: pytest.Session) -> None:
    _subreaper()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not Path("/proc").is_dir():
        return
    deadline = time.monotonic() + GRACE
    left = living_children()
    while left and time.monotonic() < deadline:
        _reap()
        time.sleep(0.2)
        left = living_children()
    _reap()
    if left:
        lines = "\n".join(f"  {pid}: {command}" for pid, command in sorted(left.items()))
        sys.stderr.write(f"\nthe test session left {len(left)} processes alive:\n{lines}\n")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
