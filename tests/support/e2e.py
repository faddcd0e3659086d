"""End-to-end fixtures: a private copy of tests/sites served by the session's local server, a
watch list pointing at it, and helpers to crawl it through the real pipeline or the real CLI."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import parsers
from citywatch.sources import Sources, load_sources
from scheduler.crawl import Crawler, CrawlReport
from snapshots import Store
from tests.support import sitecopy
from tests.support.httpserver import TestServer

__all__ = ["LocalSites", "run_cli"]

REPO = Path(__file__).resolve().parents[2]


@dataclass
class LocalSites:
    """A copy of the sites that a test may edit, the server serving it, and its watch list."""

    root: Path
    server: TestServer
    sources_file: Path
    db_url: str

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def sources(self) -> Sources:
        return load_sources(self.sources_file, known_sites=parsers.known_sites())

    def write_sources(self, text: str) -> None:
        self.sources_file.write_text(text, encoding="utf-8")

    def crawl(self, **crawler: Any) -> CrawlReport:
        with Store(self.db_url) as store:
            return asyncio.run(Crawler(store, self.sources(), **crawler).run())

    def touched(self, page_path: str) -> None:
        """Make an edited file's mtime visibly newer (Last-Modified has whole seconds)."""
        later = time.time() + 2
        os.utime(self.root / page_path, (later, later))


@pytest.fixture
def local_sites(http_server: TestServer, tmp_path: Path) -> Iterator[LocalSites]:
    root = sitecopy.copy_sites(tmp_path / "sites")
    previous = http_server.docroot
    http_server.reset()
    http_server.docroot = root
    sources_file = tmp_path / "sources.toml"
    sources_file.write_text(sitecopy.sources_toml(http_server.base_url), encoding="utf-8")
    try:
        yield LocalSites(root, http_server, sources_file, f"sqlite:///{tmp_path / 'cw.db'}")
    finally:
        http_server.docroot = previous
        http_server.reset()


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> Any:
    """Run the real `citywatch` console entry point in a subprocess."""
    command = [sys.executable, "-m", "scheduler.cli", *args]
    feed = Path(tempfile.gettempdir()) / f"citywatch-test-{os.getpid()}.atom"
    full_env = {**os.environ, "CITYWATCH_FEED": str(feed), **(env or {})}
    return subprocess.run(
        command,
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def cli_json(*args: str, **kwargs: Any) -> Any:
    done = run_cli(*args, **kwargs)
    try:
        return done, json.loads(done.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"not JSON: {done.stdout!r}\nstderr: {done.stderr}") from None
