"""A real webhook receiver on 127.0.0.1 for alert tests and scripts.

It records every request it answers. It can answer with an error status the next N times and then
recover, answer slowly, or be stopped and started again on the same port (a channel that is down).
Only requests it answered 2xx count as `accepted`: that is what "the alert arrived" means.

From a script:  python -m tests.support.webhook --port 8099 --fail 3
prints the apprise URL, then one JSON line per accepted request.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Received", "Webhook"]


@dataclass(frozen=True, slots=True)
class Received:
    """One request as the receiver saw it, and how it answered."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    status: int
    at: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Webhook:
    """Start with `with Webhook() as hook:`; `hook.apprise_url` is the json:// channel."""

    def __init__(
        self,
        *,
        port: int = 0,
        fail: int = 0,
        fail_status: int = 500,
        delay: float = 0.0,
        path: str = "/hook",
        on_request: Callable[[Received], None] | None = None,
    ) -> None:
        self._port = port
        self._path = path
        self._lock = threading.Condition()
        self._fail = fail
        self._fail_status = fail_status
        self._delay = delay
        self._requests: list[Received] = []
        self._in_flight = 0
        self._on_request = on_request
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle ---------------------------------------------------------------------

    def start(self) -> Webhook:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status = owner._begin()

                def received(answered: int) -> Received:
                    return Received(
                        method=self.command,
                        path=self.path,
                        headers=tuple(self.headers.items()),
                        body=body,
                        status=answered,
                        at=time.monotonic(),
                    )

                recorded: Received | None = None
                try:
                    delay = owner._delay
                    if delay:
                        time.sleep(delay)
                    payload = b"ok\n" if status < 300 else b"failing on purpose\n"
                    # Recorded before the answer leaves, so a client holding its answer finds
                    # the request counted (recording after the write raced the test's check).
                    recorded = received(status)
                    owner._end(recorded)
                    try:
                        self.send_response(status)
                        self.send_header("Content-Type", "text/plain")
                        self.send_header("Content-Length", str(len(payload)))
                        self.end_headers()
                        self.wfile.write(payload)
                    except OSError:  # the client went away before the answer
                        owner._amend(recorded, dataclasses.replace(recorded, status=499))
                finally:
                    if recorded is None:  # interrupted before it could answer
                        owner._end(received(499))

            do_POST = do_PUT = do_GET = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", self._port), Handler)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="webhook", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the port: senders now get 'connection refused' (the channel is down)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> Webhook:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- behaviour ----------------------------------------------------------------------

    def fail_next(self, times: int, status: int = 500) -> None:
        with self._lock:
            self._fail, self._fail_status = times, status

    def set_delay(self, seconds: float) -> None:
        with self._lock:
            self._delay = seconds

    def _begin(self) -> int:
        with self._lock:
            self._in_flight += 1
            self._lock.notify_all()
            if self._fail > 0:
                self._fail -= 1
                return self._fail_status
            return 200

    def _end(self, received: Received) -> None:
        with self._lock:
            self._in_flight -= 1
            self._requests.append(received)
            self._lock.notify_all()
        if self._on_request is not None:
            self._on_request(received)

    def _amend(self, old: Received, new: Received) -> None:
        with self._lock:
            self._requests[self._requests.index(old)] = new
            self._lock.notify_all()

    # --- what it saw --------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}{self._path}"

    @property
    def apprise_url(self) -> str:
        return f"json://127.0.0.1:{self._port}{self._path}"

    @property
    def requests(self) -> list[Received]:
        """Every request answered so far, in order."""
        with self._lock:
            return list(self._requests)

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.requests if r.accepted]

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    def wait_for(
        self, count: int, *, timeout: float, accepted: bool = True, started: bool = False
    ) -> list[Received]:
        """Block until `count` requests were accepted (or answered at all, or, with `started`,
        are in flight or answered); return what was seen, possibly fewer on timeout."""
        deadline = time.monotonic() + timeout

        def seen() -> int:
            done = [r for r in self._requests if r.accepted or not accepted]
            return len(done) + (self._in_flight if started else 0)

        with self._lock:
            while seen() < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._lock.wait(left)
        return self.accepted if accepted else self.requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="a local webhook that records what it gets")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fail", type=int, default=0, help="answer 500 this many times first")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args(argv)

    def show(received: Received) -> None:
        line = {"status": received.status, "path": received.path, "body": received.text}
        print(json.dumps(line, ensure_ascii=False), flush=True)

    hook = Webhook(port=args.port, fail=args.fail, delay=args.delay, on_request=show).start()
    print(hook.apprise_url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        hook.stop()


if __name__ == "__main__":
    sys.exit(main())
