"""Who holds a claim: this process as `host:pid:start`, and whether a holder is gone.

An outbox claim is a lease; a process killed mid-delivery would leave its rows waiting the lease
out. A claim therefore names its holder, and a later run on the same host takes the rows over
at once when that process is gone: its pid no longer runs, or runs a different process (the pid
was reused: its start time differs). A holder on another host, or one whose start time cannot
be read, is taken to be alive: its rows wait for the lease, as before.
"""

from __future__ import annotations

import functools
import os
import socket

__all__ = ["holder_gone", "process_start", "this_process"]


def process_start(pid: int) -> str | None:
    """When `pid` started (clock ticks since boot, from /proc), or None when it is not running
    or this system does not say."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            data = stat.read()
    except OSError:
        return None
    fields = data.rpartition(")")[2].split()  # the name in parentheses may hold spaces
    return fields[19] if len(fields) > 19 else None  # field 22, starttime


@functools.cache
def _host() -> str:
    return socket.gethostname().replace(":", "_")


def this_process() -> str:
    """This process as a claim holder. Read each time: a forked child is another holder."""
    pid = os.getpid()
    return f"{_host()}:{pid}:{process_start(pid) or '?'}"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it runs
        return True
    return True


def holder_gone(holder: str) -> bool:
    """Whether the process that `holder` names is known to have ended (same host only)."""
    host, _, rest = holder.rpartition(":")
    host, _, pid_text = host.rpartition(":")
    start = rest
    if host != _host() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return start != (process_start(pid) or "?")
    if not _running(pid):
        return True
    now = process_start(pid)
    if start == "?" or now is None:
        return False  # cannot tell: wait for the lease
    return now != start
