"""A parse worker ends when its parent dies, even by SIGKILL (which the parent cannot answer),
and so does multiprocessing's resource tracker (it ends when the last holder of its pipe is
gone). Without this every killed daemon left two processes running for good."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tests.support.reaper import living_children

PARENT = textwrap.dedent(
    """
    import sys, time
    from scheduler.parse_worker import ParsePool, known_sites

    pool = ParsePool(1)
    pool.submit(known_sites).result(timeout=120)  # the worker runs
    print("ready", flush=True)
    time.sleep(600)
    """
)

#: The fleet scheduler's home-name lookup, made slow: its process must end with the scheduler.
FLEET_HOMES = textwrap.dedent(
    """
    import multiprocessing, time
    import scheduler.alerts

    scheduler.alerts.home_names = time.sleep  # runs in the lookup process for 600 s
    from scheduler.fleet.scheduler import _look_up_homes

    future = _look_up_homes(600)
    deadline = time.monotonic() + 120
    while not multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    print("ready", flush=True)
    time.sleep(600)
    """
)


@pytest.mark.parametrize("script", [PARENT, FLEET_HOMES], ids=["parse-pool", "fleet-homes"])
def test_a_parse_worker_ends_when_its_parent_is_killed(script: str) -> None:
    before = set(living_children())
    parent = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=os.getcwd()
    )
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline().strip() == "ready"
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
        deadline = time.monotonic() + 30
        orphans = set(living_children()) - before
        while orphans and time.monotonic() < deadline:
            time.sleep(0.2)
            for _ in range(10):  # reap the orphans that ended (they are ours: a subreaper)
                try:
                    if os.waitpid(-1, os.WNOHANG)[0] == 0:
                        break
                except ChildProcessError:
                    break
            orphans = set(living_children()) - before
        assert not orphans, {pid: living_children().get(pid) for pid in orphans}
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()
