"""The app's outer layer, as one ASGI middleware: read-only methods, the access token, the
security headers on every answer, and ETag/304 on every successful GET.

Written as plain ASGI (not Starlette's BaseHTTPMiddleware) so a body is buffered once, hashed
for its ETag and dropped when the client already holds it."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

__all__ = ["COOKIE", "SECURITY_HEADERS", "Guard", "token_matches"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "citywatch_token"

#: Scripts, styles, images and fetches from this origin only; nothing inline, no frames.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_OPEN_PATHS = ("/healthz",)


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison (on bytes, so any text compares)."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in scope.get("headers", [])}


class Guard:
    """Wraps the app; `token` None means no token is asked for (loopback or --public)."""

    def __init__(self, app: ASGIApp, *, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            await _plain(send, 405, "this dashboard is read-only", [(b"allow", b"GET, HEAD")])
            return
        if self.token is not None and scope["path"] not in _OPEN_PATHS:
            verdict = self._check_token(scope)
            if verdict is not None:
                await verdict(send)
                return
        if method == "HEAD":  # answered as a GET whose body is dropped here, after its ETag
            scope = {**scope, "method": "GET", "citywatch.head": True}
        await self._answer(scope, receive, send)

    def _check_token(self, scope: Scope) -> Callable[[Send], Awaitable[None]] | None:
        """None when the request may pass; otherwise what to send instead."""
        assert self.token is not None
        headers = _headers(scope)
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if auth.lower().startswith("bearer ") and token_matches(auth[7:].strip(), self.token):
            return None
        cookie = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1"))
        if COOKIE in cookie and token_matches(cookie[COOKIE].value, self.token):
            return None
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        given = [v for k, v in query if k == "token"]
        if given and token_matches(given[0], self.token):
            # Once shown in a link, the token moves to a cookie and leaves the address bar.
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            target = scope["path"] + (f"?{rest}" if rest else "")
            cookie_value = (
                f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000"
            )
            extra = [(b"location", target.encode()), (b"set-cookie", cookie_value.encode())]

            async def redirect(send: Send) -> None:
                await _plain(send, 303, "token accepted", extra)

            return redirect

        async def refuse(send: Send) -> None:
            await _plain(
                send,
                401,
                "a token is needed: send 'Authorization: Bearer TOKEN' or open ?token=TOKEN once",
                [(b"www-authenticate", b'Bearer realm="citywatch"')],
            )

        return refuse

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        passthrough = False

        async def capture(message: Message) -> None:
            nonlocal start, passthrough
            if message["type"] not in ("http.response.start", "http.response.body"):
                return  # extensions (Starlette's template debug message) go nowhere
            if message["type"] == "http.response.start":
                start = message
                names = {k.lower() for k, _ in message.get("headers", [])}
                # Errors, redirects and answers with their own validators (static files) go
                # through as they are.
                passthrough = message["status"] != 200 or b"etag" in names
                if passthrough:
                    await send(_secured(message))
                return
            if passthrough:
                await send({**message, "body": b""} if _is_head(scope) else message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                assert start is not None
                await self._finish(scope, start, b"".join(chunks), send)

        await self.app(scope, receive, capture)

    async def _finish(self, scope: Scope, start: Message, body: bytes, send: Send) -> None:
        tag = b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"'
        wanted = _headers(scope).get(b"if-none-match", b"")
        matches = tag in [t.strip().removeprefix(b"W/") for t in wanted.split(b",")]
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers += [(b"etag", tag), (b"cache-control", b"no-cache")]
        if matches or wanted.strip() == b"*":
            keep = [(k, v) for k, v in headers if k.lower() not in (b"content-type",)]
            await send(_secured({**start, "status": 304, "headers": keep}))
            await send({"type": "http.response.body", "body": b""})
            return
        headers.append((b"content-length", str(len(body)).encode()))
        await send(_secured({**start, "headers": headers}))
        await send({"type": "http.response.body", "body": b"" if _is_head(scope) else body})


def _is_head(scope: Scope) -> bool:
    return bool(scope.get("citywatch.head"))


def _secured(start: Message) -> Message:
    names = {k.lower() for k, _ in start.get("headers", [])}
    extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
    return {**start, "headers": [*start.get("headers", []), *extra]}


async def _plain(
    send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = (text + "\n").encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *(extra or []),
    ]
    await send(_secured({"type": "http.response.start", "status": status, "headers": headers}))
    await send({"type": "http.response.body", "body": body})
