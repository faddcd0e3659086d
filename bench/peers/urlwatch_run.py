"""The urlwatch peer: its own job list, config and cache for the same URLs.

urlwatch runs its jobs on a fixed pool of 10 threads (urlwatch.worker.MAX_WORKERS), sends
If-None-Match / If-Modified-Since from its cache, and treats a 304 as unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bench.runner import BIN

__all__ = ["CONCURRENCY", "UrlwatchDir"]

CONCURRENCY = 10  # urlwatch.worker.MAX_WORKERS, not configurable

_CONFIG = """\
display:
  new: true
  error: true
  unchanged: false
  empty-diff: true
report:
  stdout:
    enabled: true
    color: false
  text:
    details: false
    footer: false
"""


class UrlwatchDir:
    """A directory holding one urlwatch setup; `command()` runs it once."""

    def __init__(self, root: Path, urls: Sequence[str]) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        jobs = (f"name: page {i}\nurl: {url}\n" for i, url in enumerate(urls))
        (root / "urls.yaml").write_text("---\n".join(jobs))
        (root / "config.yaml").write_text(_CONFIG)
        (root / "hooks.py").write_text('"""No hooks."""\n')

    @property
    def cache(self) -> Path:
        return self.root / "cache.db"

    def clear_cache(self) -> None:
        self.cache.unlink(missing_ok=True)

    def command(self) -> list[str]:
        return [
            str(BIN / "urlwatch"),
            "--urls",
            str(self.root / "urls.yaml"),
            "--config",
            str(self.root / "config.yaml"),
            "--hooks",
            str(self.root / "hooks.py"),
            "--cache",
            str(self.cache),
        ]
