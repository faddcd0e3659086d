"""Crawl progress people can read: on a terminal, a rich bar with the count, the total and an
ETA (for crawls of more than a few pages); piped, one line on stderr every 10 seconds, so a log
file shows the crawl is alive without a line per page. The total is the number of watches,
raised as followed links and sitemaps bring more pages."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

__all__ = ["BAR_FROM", "LOG_EVERY", "LineProgress", "crawl_progress"]

LOG_EVERY = 10.0  # seconds between progress lines when stderr is not a terminal
BAR_FROM = 4  # a bar only for crawls of at least this many watches


class LineProgress:
    """A line every `every` seconds (none for a crawl shorter than that)."""

    def __init__(
        self,
        total: int,
        *,
        every: float = LOG_EVERY,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.done = 0
        self.failed = 0
        self._every = every
        self._stream = stream or sys.stderr
        self._clock = clock
        self._next = clock() + every

    def __call__(self, outcome: Any) -> None:
        self.done += 1
        self.failed += outcome.outcome == "failed"
        self.total = max(self.total, self.done)
        now = self._clock()
        if now >= self._next:
            self._next = now + self._every
            self._stream.write(
                f"citywatch: checked {self.done} of {self.total} pages ({self.failed} failed)\n"
            )
            self._stream.flush()


@contextmanager
def crawl_progress(total: int, *, quiet: bool) -> Iterator[Callable[[Any], None] | None]:
    if quiet:
        yield None
        return
    if not sys.stderr.isatty():
        yield LineProgress(total)
        return
    if total < BAR_FROM:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("checking"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=total)
        counts = {"done": 0, "failed": 0}

        def advance(outcome: Any) -> None:
            counts["done"] += 1
            counts["failed"] += outcome.outcome == "failed"
            grown = max(total, counts["done"])
            failed = f"{counts['failed']} failed" if counts["failed"] else ""
            bar.update(task, advance=1, total=grown, description=failed)

        yield advance
