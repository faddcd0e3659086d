"""The synthetic municipal site on 127.0.0.1: pre-rendered pages served from memory.

A small asyncio HTTP/1.1 server (keep-alive, ETag, Last-Modified, 304) in its own process, so the
crawler under test never shares a GIL with it. It counts what it is asked, which is how the
harness proves an unchanged recrawl sent only conditional requests.

    python -m bench.site --n 500 [--seed 1] [--port 0]     # prints "PORT <n>" then serves

Control paths (not counted): `/__bench/stats`, `/__bench/reset-stats`,
`/__bench/mutate?fraction=0.1&round=1` (change that share of pages, chosen by the round),
`/__bench/restore` (every page back to version 0), `/__bench/stop`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from bench.pages import RenderedPage, page_path, render_page

__all__ = ["Site", "SiteServer", "changed_indices", "urls"]

_ROBOTS = b"User-agent: *\nAllow: /\n"
_ROOT = Path(__file__).resolve().parent.parent


def changed_indices(n: int, fraction: float, round_: int, seed: int) -> list[int]:
    """Which pages a mutation round changes (deterministic)."""
    count = round(n * fraction)
    return sorted(random.Random(f"citywatch-bench-mutate:{seed}:{round_}").sample(range(n), count))


def urls(base: str, n: int) -> list[str]:
    return [base + page_path(i) for i in range(n)]


@dataclass
class Site:
    """Every page of the site with its current version, plus the request counters."""

    n: int
    seed: int
    pages: dict[str, RenderedPage] = field(default_factory=dict)
    versions: list[int] = field(default_factory=list)
    stats: Counter[str] = field(default_factory=Counter)

    def build(self) -> None:
        self.versions = [0] * self.n
        for i in range(self.n):
            page = render_page(self.seed, i)
            self.pages[page.path] = page

    def mutate(self, fraction: float, round_: int) -> list[int]:
        chosen = changed_indices(self.n, fraction, round_, self.seed)
        for i in chosen:
            self.versions[i] += 1
            page = render_page(self.seed, i, self.versions[i])
            self.pages[page.path] = page
        return chosen

    def restore(self) -> None:
        for i, version in enumerate(self.versions):
            if version:
                page = render_page(self.seed, i)
                self.pages[page.path] = page
                self.versions[i] = 0

    def describe(self) -> dict[str, Any]:
        sizes = sorted(len(p.body) for p in self.pages.values())
        return {
            "pages": self.n,
            "bytes_min": sizes[0],
            "bytes_median": sizes[len(sizes) // 2],
            "bytes_max": sizes[-1],
            "visits": sum(p.visits for p in self.pages.values()),
        }


def _head(status: str, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers), "", ""]
    return "\r\n".join(lines).encode("latin-1")


class _Protocol(asyncio.Protocol):
    """One connection: requests in, responses out, in order (no request bodies expected)."""

    def __init__(self, server: SiteServer) -> None:
        self.server = server
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.server.stats["connections"] += 1

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > 65536:
                    self.transport.close()
                return
            raw, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            self._answer(raw)

    def _answer(self, raw: bytes) -> None:
        assert self.transport is not None
        lines = raw.decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
        except ValueError:
            self.transport.write(_head("400 Bad Request", [("Content-Length", "0")]))
            self.transport.close()
            return
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        reply, close = self.server.respond(method, target, headers)
        if version == "HTTP/1.0" or headers.get("connection", "").lower() == "close":
            close = True
        self.transport.write(reply)
        if close:
            self.transport.close()
            self.transport = None


class SiteServer:
    """Serves a `Site`; `respond` is the whole HTTP logic."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.stats = site.stats
        self.stopped = asyncio.Event()

    def respond(self, method: str, target: str, headers: dict[str, str]) -> tuple[bytes, bool]:
        parts = urlsplit(target)
        if parts.path.startswith("/__bench/"):
            return self._control(parts.path, parse_qs(parts.query))
        stats = self.stats
        stats["requests"] += 1
        inm = headers.get("if-none-match")
        ims = headers.get("if-modified-since")
        if inm is not None or ims is not None:
            stats["conditional"] += 1
        if parts.path == "/robots.txt":
            stats["robots"] += 1
            head = [("Content-Type", "text/plain"), ("Content-Length", str(len(_ROBOTS)))]
            return _head("200 OK", head) + _ROBOTS, False
        page = self.site.pages.get(parts.path)
        if page is None:
            stats["not_found"] += 1
            return _head("404 Not Found", [("Content-Length", "0")]), False
        validators = [("ETag", page.etag), ("Last-Modified", page.last_modified)]
        if _not_modified(page, inm, ims):
            stats["not_modified"] += 1
            return _head("304 Not Modified", validators), False
        stats["ok"] += 1
        stats["bytes"] += len(page.body)
        head = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(page.body))),
            *validators,
        ]
        body = b"" if method == "HEAD" else page.body
        return _head("200 OK", head) + body, False

    def _control(self, path: str, query: dict[str, list[str]]) -> tuple[bytes, bool]:
        answer: Any
        if path == "/__bench/stats":
            answer = dict(self.stats)
        elif path == "/__bench/reset-stats":
            self.stats.clear()
            answer = {}
        elif path == "/__bench/mutate":
            fraction = float(query.get("fraction", ["0.1"])[0])
            round_ = int(query.get("round", ["1"])[0])
            answer = {"changed": self.site.mutate(fraction, round_)}
        elif path == "/__bench/restore":
            self.site.restore()
            answer = {}
        elif path == "/__bench/describe":
            answer = self.site.describe()
        elif path == "/__bench/stop":
            self.stopped.set()
            answer = {}
        else:
            return _head("404 Not Found", [("Content-Length", "0")]), False
        body = json.dumps(answer).encode()
        head = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        return _head("200 OK", head) + body, False


def _not_modified(page: RenderedPage, inm: str | None, ims: str | None) -> bool:
    if inm is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or page.etag in tags
    if ims:
        try:
            return page.last_modified_ts <= parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError, IndexError):
            return False
    return False


async def _serve(n: int, seed: int, port: int) -> None:
    started = time.perf_counter()
    site = Site(n, seed)
    site.build()
    server = SiteServer(site)
    loop = asyncio.get_running_loop()
    listener = await loop.create_server(
        lambda: _Protocol(server), "127.0.0.1", port, backlog=1024, reuse_address=True
    )
    bound = listener.sockets[0].getsockname()[1]
    built = time.perf_counter() - started
    print(f"PORT {bound} BUILT {built:.2f}", flush=True)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, server.stopped.set)
    async with listener:
        await server.stopped.wait()


class SiteProcess:
    """The site in a child process; a context manager that always stops it."""

    def __init__(self, n: int, seed: int = 1) -> None:
        self.n = n
        self.seed = seed
        self.proc: subprocess.Popen[str] | None = None
        self.port = 0
        self.build_seconds = 0.0
        self._client = httpx.Client(timeout=60)

    def __enter__(self) -> SiteProcess:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.site", "--n", str(self.n), "--seed", str(self.seed)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=_ROOT,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().split()
        if len(line) < 4 or line[0] != "PORT":
            self.close()
            raise RuntimeError("the bench site did not start")
        self.port, self.build_seconds = int(line[1]), float(line[3])
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def urls(self) -> list[str]:
        return urls(self.base, self.n)

    def control(self, what: str, **params: Any) -> Any:
        response = self._client.get(f"{self.base}/__bench/{what}", params=params)
        response.raise_for_status()
        return response.json()

    def stats(self) -> dict[str, int]:
        return dict(self.control("stats"))

    def reset_stats(self) -> None:
        self.control("reset-stats")

    def mutate(self, fraction: float, round_: int) -> list[int]:
        return list(self.control("mutate", fraction=fraction, round=round_)["changed"])

    def restore(self) -> None:
        self.control("restore")

    def close(self) -> None:
        self._client.close()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="serve the synthetic bench site")
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.n, args.seed, args.port))


if __name__ == "__main__":
    main()
