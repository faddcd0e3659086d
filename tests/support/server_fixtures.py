"""pytest fixtures around the local test HTTP server, loaded as a plugin
(`pytest_plugins = ["tests.support.server_fixtures"]` or `-p tests.support.server_fixtures`).

`http_server` is one server for the whole session, serving tests/sites as its docroot.
`server` is the same server, reset (routes, request log, counters) before and after each test
that asks for it; it is not autouse, so tests that do not need HTTP pay nothing.
`local_watch` makes Watch values fit for fetching from it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from citywatch.sources import Watch, sources_from_dict
from tests.support.httpserver import TestServer

SITES = Path(__file__).resolve().parent.parent / "sites"


@pytest.fixture(scope="session")
def http_server() -> Iterator[TestServer]:
    with TestServer(docroot=SITES if SITES.is_dir() else None) as server:
        yield server


@pytest.fixture
def server(http_server: TestServer) -> Iterator[TestServer]:
    http_server.reset()
    yield http_server
    http_server.reset()


@pytest.fixture
def local_watch() -> Callable[..., Watch]:
    """A factory of watches fit for the local server: allow_private on (the server is on
    127.0.0.1), no per-host delay, one retry and a short timeout; keyword arguments override
    any watch setting. `local_watch(url=server.url("/x"), retries=0)`."""

    def make(url: str = "http://127.0.0.1/", **settings: Any) -> Watch:
        policy = {
            "allow_private": True,
            "per_host_delay": 0,
            "per_host_concurrency": 8,
            "retries": 1,
            "timeout": 5,
            **settings,
        }
        watch = {"id": "local", "url": url, "site": policy.pop("site", "generic")}
        return sources_from_dict({"defaults": {}, "watch": [{**watch, **policy}]}).watches[0]

    return make
