"""A real HTTP/1.1 server on 127.0.0.1 for tests, benchmarks and demos, with faults on demand.

It serves a docroot (the local copy of the watched sites in tests/sites) plus programmable
routes, answers conditional requests, logs and counts every request, measures how many requests
were in flight at once, and can misbehave in every way a fetcher must survive.

    from tests.support.httpserver import TestServer, Response, fail_then, hang

    with TestServer(docroot="tests/sites") as server:          # port chosen by the OS
        server.set("/a.html", "<p>hi</p>", content_type="text/html; charset=utf-8")
        server.route("/flaky", fail_then(2, Response(body=b"ok"), retry_after="0"))
        server.route("/never", hang())
        url = server.url("/a.html")                           # http://127.0.0.1:PORT/a.html
        ...
        server.count("/a.html")                               # requests received for a path
        server.requests("/a.html")[-1].header("if-none-match")
        server.max_in_flight                                  # peak concurrent requests
        server.max_in_flight_under("/slow/")                  # peak for one path prefix
        server.reset()                                        # routes, log and counters

Routes are matched on the path without its query: exact routes first, then prefix routes
(`route(path, handler, prefix=True)`, longest first), then the docroot. A handler gets an
`Exchange` and returns a `Response` (sent for it) or None when it wrote or broke the connection
itself. `set()` responses carry an ETag (hash of the body) and a Last-Modified and answer
If-None-Match / If-Modified-Since with 304.

Fault handlers, for `route()`: `status`, `fail_then`, `reset_connection`, `hang`, `slow`,
`truncated`, `short_length`, `bad_length`, `invalid_gzip`, `gzip_bomb`, `brotli_bomb`, `huge`,
`redirect`. Bodies for `set()`: `japanese_html`, `minimal_pdf`, `robots_txt`, `deep_html`.
`install_faults(server)` puts one of every fault under /fault/ and returns name -> path.

`close()` (or leaving the `with`) stops every handler, hung ones included, closes every socket
and joins every thread, so nothing leaks into tests that run with warnings as errors.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import mimetypes
import select
import socket
import struct
import sys
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import brotli

__all__ = [
    "Exchange",
    "Handler",
    "Request",
    "Response",
    "TestServer",
    "bad_length",
    "brotli_bomb",
    "deep_html",
    "fail_then",
    "gzip_bomb",
    "hang",
    "huge",
    "install_faults",
    "invalid_gzip",
    "japanese_html",
    "minimal_pdf",
    "redirect",
    "reset_connection",
    "robots_txt",
    "short_length",
    "slow",
    "status",
    "truncated",
]

_MAX_REQUEST_BODY = 10 * 1024 * 1024
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Request:
    """One request as received: what the server saw, and when (time.monotonic())."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    time: float
    connection: int
    body: bytes = b""

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    @property
    def route_path(self) -> str:
        """The path without its query string."""
        return urlsplit(self.path).path


@dataclass(frozen=True, slots=True)
class Response:
    """A reply to send. `encoding` ("gzip" or "br") compresses the body when the client accepts
    it; `validators` adds ETag/Last-Modified and answers conditional requests with 304."""

    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str | None = "text/html; charset=utf-8"
    validators: bool = True
    encoding: str | None = None
    last_modified: float = field(default_factory=time.time)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'


class Exchange:
    """What a handler works with: the request, and the connection for raw behaviour."""

    def __init__(self, handler: _Handler, request: Request) -> None:
        self._handler = handler
        self.request = request
        self.server: TestServer = handler.server.owner  # type: ignore[attr-defined]

    @property
    def socket(self) -> socket.socket:
        return self._handler.connection

    def write(self, data: bytes) -> None:
        """Raw bytes onto the connection (headers included, if you want any)."""
        self._handler.wfile.write(data)
        self._handler.wfile.flush()

    def send_head(self, status: int, headers: Iterable[tuple[str, str]]) -> None:
        self._handler.send_response_only(status)
        for name, value in headers:
            self._handler.send_header(name, value)
        self._handler.end_headers()
        self._handler.wfile.flush()

    def close(self) -> None:
        """Close the connection after this exchange (a FIN; see `reset` for an RST)."""
        self._handler.close_connection = True

    def reset(self) -> None:
        """Abort the connection with a TCP RST."""
        sock = self.socket
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._handler.close_connection = True
        # The descriptor closes (with linger 0, so with an RST) once the read file is closed
        # too; the unbuffered writer holds no reference and stays usable for the handler's
        # final flush.
        self._handler.rfile.close()
        sock.close()

    def wait_until_gone(self, limit: float) -> None:
        """Block until the client hangs up, the server closes, or `limit` seconds pass."""
        deadline = time.monotonic() + limit
        sock = self.socket
        while not self.server.closing.is_set() and time.monotonic() < deadline:
            ready, _, _ = select.select([sock], [], [], 0.05)
            if ready:
                try:
                    if not sock.recv(1, socket.MSG_PEEK):
                        return
                except OSError:
                    return
                # The client sent more (a pipelined request); keep waiting regardless.
                time.sleep(0.05)
        self.close()

    def pause(self, seconds: float) -> bool:
        """Sleep unless the server is closing; False means stop now."""
        return not self.server.closing.wait(seconds)


Handler = Callable[[Exchange], Response | None]


_CONNECTIONS = itertools.count(1)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "citywatch-testserver/1"

    def setup(self) -> None:
        super().setup()
        # A number of its own for each connection: an object's id() is reused once the old
        # socket is freed, and a new connection must never pass for a closed one.
        self.connection_number = next(_CONNECTIONS)
        # Without this, Nagle's algorithm and the client's delayed ACK add ~40 ms to every
        # response written in two pieces.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the log is in Request
        pass

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_GET

    def _dispatch(self) -> None:
        owner: TestServer = self.server.owner  # type: ignore[attr-defined]
        length = self.headers.get("Content-Length", "0")
        body = b""
        if length.isdigit() and 0 < int(length) <= _MAX_REQUEST_BODY:
            body = self.rfile.read(int(length))
        request = Request(
            method=self.command,
            path=self.path,
            headers=tuple(self.headers.items()),
            time=time.monotonic(),
            connection=self.connection_number,
            body=body,
        )
        with owner._tracking(request):
            exchange = Exchange(self, request)
            try:
                response = owner._handler_for(request.route_path)(exchange)
                if response is not None:
                    _send(exchange, response, self.command == "HEAD")
            except (ConnectionError, OSError):
                self.close_connection = True


def _accepts(request: Request, coding: str) -> bool:
    offered = request.header("accept-encoding") or ""
    return coding in {part.split(";")[0].strip().lower() for part in offered.split(",")}


def _not_modified(request: Request, response: Response) -> bool:
    if not response.validators or response.status != 200:
        return False
    tags = request.header("if-none-match")
    if tags is not None:
        wanted = {t.strip() for t in tags.split(",")}
        return "*" in wanted or response.etag in wanted
    since = request.header("if-modified-since")
    if since:
        try:
            return int(response.last_modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, IndexError):
            return False
    return False


def _send(exchange: Exchange, response: Response, head_only: bool = False) -> None:
    request = exchange.request
    headers = list(response.headers)
    if response.content_type and not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", response.content_type))
    if response.validators and response.status == 200:
        headers.append(("ETag", response.etag))
        headers.append(("Last-Modified", formatdate(response.last_modified, usegmt=True)))
    if _not_modified(request, response):
        keep = [(k, v) for k, v in headers if k.lower() in ("etag", "last-modified")]
        exchange.send_head(304, keep)
        return
    body = response.body
    if response.encoding and _accepts(request, response.encoding):
        body = gzip.compress(body) if response.encoding == "gzip" else brotli.compress(body)
        headers += [("Content-Encoding", response.encoding), ("Vary", "Accept-Encoding")]
    if not any(k.lower() == "content-length" for k, _ in headers):
        headers.append(("Content-Length", str(len(body))))
    exchange.send_head(response.status, headers)
    if not head_only and body:
        exchange.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True
    request_queue_size = 256  # the default 5 drops SYNs under a burst, costing 1 s retransmits

    def __init__(self, owner: TestServer, address: tuple[str, int]) -> None:
        self.owner = owner
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.owner._open(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.owner._closed(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        kind = sys.exc_info()[0]
        if kind is not None and issubclass(kind, ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class TestServer:
    """The server; see the module docstring. Thread-safe; start() is called by __enter__."""

    __test__ = False  # not a pytest test class

    def __init__(
        self, docroot: str | Path | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self._docroot: Path | None = None
        self.docroot = docroot
        self.closing = threading.Event()
        self._lock = threading.Lock()
        self._routes: dict[str, Handler] = {}
        self._prefixes: dict[str, Handler] = {}
        self._log: list[Request] = []
        self._in_flight = 0
        self._max_in_flight = 0
        self._prefix_in_flight: dict[str, int] = defaultdict(int)
        self._prefix_max: dict[str, int] = defaultdict(int)
        self._sockets: set[socket.socket] = set()
        self._server = _Server(self, (host, port))
        self._thread: threading.Thread | None = None

    @property
    def docroot(self) -> Path | None:
        """The directory served for paths no route answers; may be changed at any time."""
        return self._docroot

    @docroot.setter
    def docroot(self, value: str | Path | None) -> None:
        self._docroot = Path(value).resolve() if value is not None else None

    # -- life cycle -------------------------------------------------------------------------
    def start(self) -> TestServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving, end every handler (hung ones too), close sockets, join threads."""
        self.closing.set()
        if self._thread is not None:
            self._server.shutdown()  # no new connections from here on
            self._thread.join()
            self._thread = None
        with self._lock:
            open_sockets = list(self._sockets)
        for sock in open_sockets:  # wakes handlers blocked reading a kept-alive connection
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._server.server_close()  # joins every handler thread

    def __enter__(self) -> TestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- addresses --------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    # -- routes -----------------------------------------------------------------------------
    def set(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = "text/html; charset=utf-8",
        validators: bool = True,
        encoding: str | None = None,
    ) -> Response:
        """Serve a fixed response at `path` (a str body is sent as UTF-8)."""
        response = Response(
            status=status,
            body=body.encode("utf-8") if isinstance(body, str) else body,
            headers=tuple((headers or {}).items()),
            content_type=content_type,
            validators=validators,
            encoding=encoding,
        )
        self.route(path, lambda _exchange: response)
        return response

    def route(self, path: str, handler: Handler, *, prefix: bool = False) -> None:
        """Let `handler` answer `path` (or every path under it, with prefix=True)."""
        with self._lock:
            (self._prefixes if prefix else self._routes)[path] = handler

    def unroute(self, path: str) -> None:
        with self._lock:
            self._routes.pop(path, None)
            self._prefixes.pop(path, None)

    def reset(self) -> None:
        """Forget routes, the request log and the concurrency counters (not the docroot)."""
        with self._lock:
            self._routes.clear()
            self._prefixes.clear()
        self.clear_log()

    def clear_log(self) -> None:
        """Forget the request log and counters but keep the routes."""
        with self._lock:
            self._log.clear()
            self._max_in_flight = self._in_flight
            self._prefix_max.clear()

    # -- what was received ------------------------------------------------------------------
    def requests(self, path: str | None = None) -> list[Request]:
        """Requests received, oldest first; `path` filters on the path without query."""
        with self._lock:
            log = list(self._log)
        return log if path is None else [r for r in log if r.route_path == path]

    def count(self, path: str | None = None) -> int:
        return len(self.requests(path))

    @property
    def max_in_flight(self) -> int:
        with self._lock:
            return self._max_in_flight

    def max_in_flight_under(self, prefix: str) -> int:
        """Peak concurrent requests under one first path segment: "/slow/" counts /slow/a and
        /slow/b/c together; "/page" counts the path /page itself."""
        with self._lock:
            return self._prefix_max.get(prefix, 0)

    def wait_for(self, path: str, count: int = 1, timeout: float = 5.0) -> bool:
        """Wait until `path` has had `count` requests; True if it did in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count(path) >= count:
                return True
            time.sleep(0.01)
        return False

    # -- internals --------------------------------------------------------------------------
    def _open(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def _closed(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)

    @contextmanager
    def _tracking(self, request: Request) -> Iterator[None]:
        prefix = _first_segment(request.route_path)
        with self._lock:
            self._log.append(request)
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
            self._prefix_in_flight[prefix] += 1
            self._prefix_max[prefix] = max(self._prefix_max[prefix], self._prefix_in_flight[prefix])
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1
                self._prefix_in_flight[prefix] -= 1

    def _handler_for(self, path: str) -> Handler:
        with self._lock:
            handler = self._routes.get(path)
            if handler is None:
                for prefix in sorted(self._prefixes, key=len, reverse=True):
                    if path.startswith(prefix):
                        handler = self._prefixes[prefix]
                        break
        return handler or self._static

    def _static(self, exchange: Exchange) -> Response:
        missing = Response(status=404, body=b"not found", content_type="text/plain")
        root = self._docroot
        if root is None:
            return missing
        target = (root / unquote(exchange.request.route_path).lstrip("/")).resolve()
        if not target.is_relative_to(root):
            return missing
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return missing
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if not target.suffix:  # pages without an extension (the register's detail pages)
            kind = "text/html; charset=utf-8"
        return Response(
            body=target.read_bytes(), content_type=kind, last_modified=target.stat().st_mtime
        )


def _first_segment(path: str) -> str:
    head = path.lstrip("/").split("/", 1)
    return "/" + head[0] + ("/" if len(head) > 1 else "")


# -- fault handlers ---------------------------------------------------------------------------


def status(
    code: int,
    *,
    retry_after: str | None = None,
    body: bytes = b"error",
    headers: Mapping[str, str] | None = None,
) -> Handler:
    """Always answer `code`, optionally with a Retry-After (seconds or an HTTP date)."""
    extra = dict(headers or {})
    if retry_after is not None:
        extra["Retry-After"] = retry_after
    response = Response(
        status=code,
        body=body,
        headers=tuple(extra.items()),
        content_type="text/plain",
        validators=False,
    )
    return lambda _exchange: response


def fail_then(
    failures: int,
    success: Response,
    *,
    code: int = 503,
    retry_after: str | None = None,
) -> Handler:
    """Answer `code` to the first `failures` requests, then `success` to every later one."""
    lock = threading.Lock()
    seen = [0]
    failing = status(code, retry_after=retry_after)

    def handler(exchange: Exchange) -> Response | None:
        with lock:
            seen[0] += 1
            n = seen[0]
        return failing(exchange) if n <= failures else success

    return handler


def reset_connection() -> Handler:
    """Read the request, then abort the connection with a TCP RST."""

    def handler(exchange: Exchange) -> None:
        exchange.reset()

    return handler


def hang(limit: float = 120.0) -> Handler:
    """Accept the request and never answer (until the client leaves or `limit` passes)."""

    def handler(exchange: Exchange) -> None:
        exchange.wait_until_gone(limit)

    return handler


def slow(body: bytes = b"x" * 600, *, interval: float = 1.0, step: int = 1) -> Handler:
    """Send headers at once, then `step` byte(s) of the body every `interval` seconds."""

    def handler(exchange: Exchange) -> None:
        exchange.send_head(200, [("Content-Type", "text/html"), ("Content-Length", str(len(body)))])
        for i in range(0, len(body), step):
            if not exchange.pause(interval):
                break
            exchange.write(body[i : i + step])
        exchange.close()

    return handler


def truncated(body: bytes = b"<html>" + b"x" * 2000, *, sent: int | None = None) -> Handler:
    """Promise the whole body in Content-Length, send only part of it, then hang up."""
    part = body[: len(body) // 2 if sent is None else sent]

    def handler(exchange: Exchange) -> None:
        exchange.send_head(200, [("Content-Type", "text/html"), ("Content-Length", str(len(body)))])
        exchange.write(part)
        exchange.close()

    return handler


def short_length(body: bytes = b"<html><body>" + b"y" * 1000 + b"</body></html>") -> Handler:
    """A Content-Length smaller than the body that follows (the rest is junk on the wire)."""

    def handler(exchange: Exchange) -> None:
        exchange.send_head(200, [("Content-Type", "text/html"), ("Content-Length", "10")])
        exchange.write(body)
        exchange.close()

    return handler


def bad_length() -> Handler:
    """A Content-Length that is not a number."""

    def handler(exchange: Exchange) -> None:
        exchange.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: abc\r\n\r\n<p>x</p>"
        )
        exchange.close()

    return handler


def invalid_gzip(body: bytes = b"this is not gzip data at all" * 10) -> Handler:
    """Content-Encoding: gzip over bytes that are not gzip."""
    return lambda _exchange: Response(
        body=body, headers=(("Content-Encoding", "gzip"),), content_type="text/html"
    )


_BOMBS: dict[tuple[str, int], bytes] = {}
_BOMB_LOCK = threading.Lock()


def _bomb(kind: str, size: int) -> bytes:
    with _BOMB_LOCK:
        if (kind, size) not in _BOMBS:
            # Built a block at a time, so making a bomb never holds its inflated size.
            zeros = b"\0" * _CHUNK
            if kind == "br":
                squeezer = brotli.Compressor(quality=5)
                parts = [squeezer.process(zeros) for _ in range(size // _CHUNK)]
                _BOMBS[kind, size] = b"".join([*parts, squeezer.finish()])
            else:
                packer = zlib.compressobj(9, zlib.DEFLATED, 31)
                parts = [packer.compress(zeros) for _ in range(size // _CHUNK)]
                _BOMBS[kind, size] = b"".join([*parts, packer.flush()])
        return _BOMBS[kind, size]


_DEFAULT_BOMB = 256 * 1024 * 1024


def gzip_bomb(size: int = _DEFAULT_BOMB) -> Handler:
    """A small gzip body (about size/1000 bytes) that inflates to `size` bytes of zeros."""
    return lambda _exchange: Response(
        body=_bomb("gzip", size),
        headers=(("Content-Encoding", "gzip"),),
        content_type="text/html",
        validators=False,
    )


def brotli_bomb(size: int = _DEFAULT_BOMB) -> Handler:
    """A brotli body of a few hundred bytes that inflates to `size` bytes of zeros."""
    return lambda _exchange: Response(
        body=_bomb("br", size),
        headers=(("Content-Encoding", "br"),),
        content_type="text/html",
        validators=False,
    )


def huge(
    size: int = 50 * 1024 * 1024, *, content_type: str = "text/html", chunked: bool = False
) -> Handler:
    """A body of `size` bytes, generated while it is sent (never held in memory). With
    `chunked` it has no Content-Length, so a client learns its size only by reading it."""
    block = (b"<p>" + b"z" * 1017 + b"</p>\n") * (_CHUNK // 1024)

    def handler(exchange: Exchange) -> None:
        framing = ("Transfer-Encoding", "chunked") if chunked else ("Content-Length", str(size))
        exchange.send_head(200, [("Content-Type", content_type), framing])
        left = size
        while left > 0 and not exchange.server.closing.is_set():
            piece = block[: min(left, len(block))]
            exchange.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            left -= len(piece)
        if chunked and left <= 0:
            exchange.write(b"0\r\n\r\n")
        exchange.close()

    return handler


def redirect(location: str, *, code: int = 302) -> Handler:
    """Redirect to `location` (taken as is: a loop, file:///etc/passwd, ftp://...)."""
    return lambda _exchange: Response(
        status=code,
        headers=(("Location", location),),
        content_type="text/plain",
        validators=False,
    )


# -- bodies -----------------------------------------------------------------------------------


def japanese_html(text: str, encoding: str, *, meta: bool = True, title: str = "お知らせ") -> bytes:
    """An HTML page in `encoding` ("shift_jis", "cp932", "euc_jp", ...), with or without a
    `<meta charset>` naming it."""
    label = {"cp932": "Shift_JIS", "shift_jis": "Shift_JIS", "euc_jp": "EUC-JP"}.get(
        encoding, encoding
    )
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={label}">' if meta else ""
    page = (
        f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{text}</p></body></html>"
    )
    return page.encode(encoding)


def minimal_pdf(text: str = "citywatch test") -> bytes:
    """A small valid one-page PDF with `text` in Helvetica (ASCII only)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_file(objects)


def pdf_file(objects: Sequence[bytes]) -> bytes:
    """A PDF file around numbered objects (1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def robots_txt(
    disallow: Iterable[str] = (),
    *,
    allow: Iterable[str] = (),
    crawl_delay: float | None = None,
    agent: str = "*",
    sitemaps: Iterable[str] = (),
) -> str:
    """A robots.txt with one group for `agent`."""
    lines = [f"User-agent: {agent}"]
    lines += [f"Allow: {path}" for path in allow]
    lines += [f"Disallow: {path}" for path in disallow]
    if crawl_delay is not None:
        lines.append(f"Crawl-delay: {crawl_delay:g}")
    lines += [f"Sitemap: {url}" for url in sitemaps]
    return "\n".join(lines) + "\n"


def deep_html(depth: int = 100_000) -> bytes:
    """HTML nested `depth` elements deep, with one link at the bottom."""
    return b"<html><body>" + b"<div>" * depth + b'<a href="/deep">x</a>' + b"</div>" * depth


def install_faults(server: TestServer, prefix: str = "/fault") -> dict[str, str]:
    """Route one of every fault under `prefix` and return fault name -> path, for crawls that
    must survive them all (the issue 8 fault suite)."""
    # The bombs are built now, not on the first request: building one holds a core for a
    # second or more, which a loaded machine turns into timeouts of unrelated requests.
    for kind in ("gzip", "br"):
        _bomb(kind, _DEFAULT_BOMB)
    faults: dict[str, Handler] = {
        "http-500": status(500),
        "http-502": status(502),
        "http-503": status(503),
        "http-503-retry-after": status(503, retry_after="1"),
        "http-429": status(429),
        "http-429-retry-after": status(429, retry_after="1"),
        "reset": reset_connection(),
        "hang": hang(),
        "slow": slow(),
        "truncated": truncated(),
        "short-length": short_length(),
        "bad-length": bad_length(),
        "invalid-gzip": invalid_gzip(),
        "gzip-bomb": gzip_bomb(),
        "brotli-bomb": brotli_bomb(),
        "huge": huge(),
        "redirect-loop": redirect(f"{prefix}/redirect-loop"),
        "redirect-file": redirect("file:///etc/passwd"),
        "redirect-ftp": redirect("ftp://example.com/x"),
        "empty": lambda _exchange: Response(body=b""),
        "charset-lie": lambda _exchange: Response(
            body=japanese_html("国際交流のお知らせ", "cp932"),
            content_type="text/html; charset=utf-8",
        ),
        "pdf-as-html": lambda _exchange: Response(body=minimal_pdf(), content_type="text/html"),
        "deep-html": lambda _exchange: Response(body=deep_html()),
        "no-body-html": lambda _exchange: Response(body=b"<html><head><title>t</title></head>"),
        "base-trick": lambda _exchange: Response(
            body=b'<html><head><base href="http://evil.example/"></head>'
            b'<body><a href="/x">x</a></body></html>'
        ),
    }
    paths = {}
    for name, handler in faults.items():
        path = f"{prefix}/{name}"
        server.route(path, handler)
        paths[name] = path
    return paths
