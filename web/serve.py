"""Running the dashboard with uvicorn: on its own (`citywatch serve`), inside a running event
loop (`citywatch daemon --serve`), or on a thread (tests, benchmarks).

Who may listen where: loopback needs nothing; any other address needs a token unless `public`
says the exposure is meant."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import re
import threading
from collections.abc import AsyncIterator, Generator, Iterator
from typing import Any

import uvicorn

from citywatch.errors import ConfigError

__all__ = [
    "base_url",
    "check_exposure",
    "parse_address",
    "run",
    "serving",
    "serving_in_thread",
]

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"^[A-Za-z0-9._~+/=-]{16,256}$")
_STOP_WITHIN = 3.0  # seconds open connections get when the server stops


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, token: str | None, public: bool) -> None:
    """Refuse to listen beyond this machine without a token, unless told `public`."""
    if token is not None and not _TOKEN.match(token):
        raise ConfigError(
            "the dashboard token must be 16 to 256 characters of letters, digits and ._~+/=-"
        )
    if not is_loopback(host) and token is None and not public:
        raise ConfigError(
            f"the dashboard would listen on {host}, beyond this machine: give a token "
            "(--token or CITYWATCH_WEB_TOKEN), or --public if anyone may read it"
        )


def parse_address(text: str) -> tuple[str, int]:
    """'HOST:PORT' (or '[v6]:PORT', or ':PORT' for loopback) into its parts."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"not HOST:PORT: {text!r}")
    return (host.strip("[]") or "127.0.0.1", int(port))


def base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _config(app: Any, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=False,
        lifespan="off",
        timeout_graceful_shutdown=int(_STOP_WITHIN),
    )


class _Quiet(uvicorn.Server):
    """A server that leaves signals to its host (the daemon, or the test's thread)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def run(app: Any, host: str, port: int) -> int:
    """Serve until SIGINT or SIGTERM (uvicorn's own handling)."""
    server = uvicorn.Server(_config(app, host, port))
    server.run()
    return 0 if server.started else 2


@contextlib.asynccontextmanager
async def serving(app: Any, host: str, port: int) -> AsyncIterator[str]:
    """Serve on the running loop while the block runs; yields the base URL."""
    server = _Quiet(_config(app, host, port))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # a failure to bind raises here
            raise ConfigError(f"the dashboard could not listen on {host}:{port}")
        await asyncio.sleep(0.02)
    url = base_url(host, port)
    log.warning("dashboard at %s", url)
    try:
        yield url
    finally:
        server.should_exit = True
        try:
            await asyncio.wait_for(task, timeout=_STOP_WITHIN + 1)
        except (TimeoutError, asyncio.CancelledError):
            task.cancel()


@contextlib.contextmanager
def serving_in_thread(app: Any, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve on a thread of this process while the block runs (port 0: any free port);
    yields the base URL. Nothing outlives the block."""
    server = _Quiet(_config(app, host, port))
    thread = threading.Thread(target=server.run, name="citywatch-web", daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise ConfigError(f"the dashboard could not listen on {host}:{port}")
        thread.join(0.02)
    bound = port or server.servers[0].sockets[0].getsockname()[1]
    try:
        yield base_url(host, bound)
    finally:
        server.should_exit = True
        thread.join(_STOP_WITHIN + 2)
