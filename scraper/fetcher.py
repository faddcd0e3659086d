"""The fetcher: one URL, one watch's policy, one FetchResult or one FetchError.

One `Fetcher` (one pooled httpx transport) serves a whole crawl or daemon, so connections, DNS
answers, robots.txt files and per-host gates are shared by every fetch. Redirects are followed
here rather than by httpx so that each hop is checked like the first: scheme, private-address
guard, robots.txt, politeness. A try is one walk of the redirect chain under one deadline
(`watch.timeout`, which holds even against a server that sends a byte a second); connection
errors, timeouts, 429 and 5xx are tried again up to `watch.retries` times.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from citywatch import defaults
from citywatch.errors import FetchError
from citywatch.sources import Watch
from scraper.body import ACCEPT_ENCODING, read_body
from scraper.decode import decode_body, is_text_type, parse_content_type, sniff_content_type
from scraper.guard import Resolver, allow_private, check_scheme, guarded_transport, refuse_private
from scraper.politeness import HostGates
from scraper.result import FetchResult, Validators
from scraper.retry import backoff, retry_after, should_retry_status
from scraper.robots import ROBOTS_MAX_BYTES, RobotsCache, RobotsRules

__all__ = ["Fetcher"]

Sleep = Callable[[float], Awaitable[None]]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/pdf;q=0.9,*/*;q=0.8"
_OFF_LOOP_BYTES = 256 * 1024  # decode bigger bodies in a thread so the loop keeps serving others
_NO_RESPONSE = "without sending a response"  # httpcore's words for a stale pooled connection
_DRAIN_BYTES = 64 * 1024  # a redirect or 304 body up to this size is read so the connection is kept
_DRAIN_SECONDS = 1.0  # ... if it comes within this time


@dataclass(frozen=True, slots=True)
class _Reply:
    """One hop's answer: a body, a 304, or a redirect to follow."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes | None = None
    location: str | None = None


class _Retry(Exception):
    """A failure worth another try; carries the error to report if no try is left."""

    def __init__(self, error: FetchError, after: float | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.after = after


class _Budget:
    """What is left of one try's deadline; only time spent talking to servers counts, not
    time spent waiting for a politeness slot."""

    def __init__(self, seconds: float) -> None:
        self.total = seconds
        self.left = seconds


def _root_cause(exc: BaseException) -> str:
    """The most specific words in an exception chain: httpx often wraps an OSError (such as
    "Connection reset by peer") in errors with empty messages."""
    seen: BaseException | None = exc
    words = ""
    while seen is not None:
        if isinstance(seen, OSError) and seen.strerror:
            return seen.strerror
        words = words or str(seen)
        seen = seen.__cause__ or seen.__context__
    return words or type(exc).__name__


def _describe(exc: httpx.TransportError, timeout: httpx.Timeout) -> str:
    detail = _root_cause(exc)
    if isinstance(exc, httpx.ConnectTimeout):
        return f"connect timed out after {timeout.connect:g} s"
    if isinstance(exc, httpx.ReadTimeout):
        return f"no data for {timeout.read:g} s (read timeout)"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out: {detail}"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {detail}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"broken response: {detail}"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return f"connection lost: {detail}"
    return f"{type(exc).__name__}: {detail}"


def _gave_up(message: str, tries: int) -> str:
    if tries <= 1:
        return message
    return f"{message}, {tries} tries" if " after " in message else f"{message} after {tries} tries"


async def _drain(response: httpx.Response) -> None:
    """Read a body nobody needs (a redirect's note, a 304's nothing) so that the connection
    goes back to the pool instead of being closed half-read; a large one is left unread."""
    stream = response.stream
    assert isinstance(stream, httpx.AsyncByteStream)
    seen = 0
    try:
        async with asyncio.timeout(_DRAIN_SECONDS):
            async for chunk in stream:
                seen += len(chunk)
                if seen > _DRAIN_BYTES:
                    return
    except (TimeoutError, httpx.TransportError):
        return  # a body that stalls or breaks only costs the connection, never the answer


def _origin(url: httpx.URL) -> str:
    """scheme://host[:port], as robots.txt is kept per origin. Built from the parts (the host
    already in its ASCII form, userinfo never part of netloc): URL.copy_with costs ~80 µs per
    request."""
    return f"{url.scheme}://{url.netloc.decode('ascii')}"


class Fetcher:
    """Polite, bounded, guarded HTTP fetching for every watch of a crawl.

    `transport` replaces the network (tests use httpx.MockTransport); `resolver` replaces DNS;
    `sleep` and `clock` drive politeness and backoff waits. The watch's user_agent is sent
    unless it is the stock default, in which case this fetcher's `user_agent` is."""

    def __init__(
        self,
        *,
        user_agent: str = defaults.USER_AGENT,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        resolver: Resolver | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._user_agent = user_agent
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._resolver = resolver or Resolver(clock=clock)
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=64)
        # Requests go straight to the transport: redirects, cookies and decoding are done here
        # (or deliberately not at all), so httpx.AsyncClient would only add work per request.
        self._transport = transport or guarded_transport(self._resolver, limits)
        self._gates = HostGates(clock=clock, sleep=sleep)
        self._robots = RobotsCache(self._load_robots, clock=clock)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close every pooled connection."""
        await self._transport.aclose()

    def _user_agent_for(self, watch: Watch) -> str:
        return self._user_agent if watch.user_agent == defaults.USER_AGENT else watch.user_agent

    async def fetch(
        self, url: str, watch: Watch, *, validators: Validators | None = None
    ) -> FetchResult:
        """Fetch `url` under `watch`'s policy. Raises FetchError with url, status and attempts."""
        started = self._clock()
        token = allow_private.set(watch.allow_private)
        try:
            attempt = 0
            while True:
                attempt += 1
                try:
                    reply = await self._walk(url, watch, validators, robots=watch.respect_robots)
                except _Retry as retry:
                    too_long = retry.after is not None and retry.after > watch.timeout
                    if attempt > watch.retries or too_long:
                        message = _gave_up(retry.error.message, attempt)
                        if too_long:  # the next scheduled check comes back later
                            message += f"; the server asks to retry after {retry.after:g} s"
                        context = {**retry.error.context, "url": url, "attempts": attempt}
                        raise FetchError(message, **context) from None
                    wait = retry.after
                    await self._sleep(wait if wait is not None else backoff(attempt, rng=self._rng))
                    continue
                except FetchError as exc:
                    context = {**exc.context, "url": url, "attempts": attempt}
                    if context.get("hop") == url:
                        del context["hop"]
                    raise type(exc)(exc.message, **context) from None
                return await self._result(reply, validators, attempt, started)
        finally:
            allow_private.reset(token)

    async def robots(self, url: str, watch: Watch) -> RobotsRules:
        """The robots.txt rules for `url`'s site (cached), e.g. for the sitemaps it lists."""
        origin = check_scheme(url)
        token = allow_private.set(watch.allow_private)
        try:
            return await self._robots.rules(_origin(origin), watch)
        finally:
            allow_private.reset(token)

    async def _load_robots(self, url: str, watch: Watch) -> tuple[int, bytes]:
        """robots.txt for the robots cache: one try, any status returned, never robots-checked."""
        try:
            reply = await self._walk(url, watch, None, robots=False, any_status=True)
        except _Retry as retry:
            raise retry.error from None
        return reply.status, reply.body or b""

    async def _walk(
        self,
        url: str,
        watch: Watch,
        validators: Validators | None,
        *,
        robots: bool,
        any_status: bool = False,
    ) -> _Reply:
        """One try: follow the redirect chain from `url`, checking every hop."""
        budget = _Budget(watch.timeout)
        current = check_scheme(url)
        seen = {str(current)}
        limit = ROBOTS_MAX_BYTES if any_status else watch.max_bytes
        for _ in range(defaults.MAX_REDIRECTS + 1):
            reply = await self._hop(current, watch, validators, budget, robots, any_status, limit)
            if reply.location is None:
                return reply
            current = self._redirect_target(current, reply.location, reply.status)
            if str(current) in seen:
                raise FetchError(f"redirect loop at {current}", status=reply.status)
            seen.add(str(current))
        raise FetchError(f"more than {defaults.MAX_REDIRECTS} redirects", status=reply.status)

    @staticmethod
    def _redirect_target(current: httpx.URL, location: str, status: int) -> httpx.URL:
        location = location.strip()
        try:
            target = urljoin(str(current), location)
            scheme = urlsplit(target).scheme.lower()
        except ValueError:
            raise FetchError(f"bad redirect Location {location!r}", status=status) from None
        if scheme not in ("http", "https"):
            raise FetchError(f"redirect to non-http URL {location} refused", status=status)
        try:
            return check_scheme(target)
        except FetchError as exc:
            raise FetchError(f"bad redirect: {exc.message}", status=status) from None

    async def _hop(
        self,
        url: httpx.URL,
        watch: Watch,
        validators: Validators | None,
        budget: _Budget,
        robots: bool,
        any_status: bool,
        limit: int,
    ) -> _Reply:
        host = url.host
        try:
            addresses = await self._resolver.resolve(host)
        except FetchError as exc:
            raise _Retry(exc) from None
        refuse_private(host, addresses, private_ok=watch.allow_private)
        delay = watch.per_host_delay
        user_agent = self._user_agent_for(watch)
        if robots:
            rules = await self._robots.rules(_origin(url), watch)
            if not rules.allowed(str(url), user_agent):
                raise FetchError("disallowed by robots.txt", hop=str(url))
            delay = max(delay, rules.crawl_delay(user_agent) or 0.0)
        async with self._gates.slot(host, concurrency=watch.per_host_concurrency, delay=delay):
            started = self._clock()
            try:
                return await self._exchange(url, user_agent, validators, budget, any_status, limit)
            finally:
                budget.left -= self._clock() - started

    async def _exchange(
        self,
        url: httpx.URL,
        user_agent: str,
        validators: Validators | None,
        budget: _Budget,
        any_status: bool,
        limit: int,
    ) -> _Reply:
        if budget.left <= 0:
            raise _Retry(FetchError(f"timed out after {budget.total:g} s"))
        headers = {
            "User-Agent": user_agent,
            "Accept": _ACCEPT,
            "Accept-Encoding": ACCEPT_ENCODING,
        }
        if validators is not None and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators is not None and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        timeout = httpx.Timeout(
            budget.left,
            connect=min(defaults.CONNECT_TIMEOUT, budget.left),
            read=min(defaults.READ_TIMEOUT, budget.left),
        )
        request = httpx.Request(
            "GET", url, headers=headers, extensions={"timeout": timeout.as_dict()}
        )
        try:
            async with asyncio.timeout(budget.left):
                try:
                    response = await self._transport.handle_async_request(request)
                except httpx.RemoteProtocolError as exc:
                    if _NO_RESPONSE not in str(exc):
                        raise
                    # A pooled keep-alive connection the server had already closed (or left
                    # junk on): GET is idempotent, so it is sent once more on a fresh
                    # connection without counting as a try (RFC 9112 section 9.3.1).
                    response = await self._transport.handle_async_request(request)
                try:
                    return await self._read(str(url), response, any_status, limit)
                finally:
                    await response.aclose()
        except TimeoutError:
            raise _Retry(FetchError(f"timed out after {budget.total:g} s")) from None
        except httpx.TransportError as exc:
            raise _Retry(FetchError(_describe(exc, timeout))) from None

    async def _read(
        self, url: str, response: httpx.Response, any_status: bool, limit: int
    ) -> _Reply:
        status = response.status_code
        headers = response.headers
        if status in _REDIRECTS:
            location = headers.get("location")
            if not location:
                raise FetchError(f"HTTP {status} redirect without Location", status=status)
            await _drain(response)
            return _Reply(url, status, headers, location=location)
        if status == 304:
            await _drain(response)
            return _Reply(url, status, headers)
        if not 200 <= status < 300:
            if any_status:
                return _Reply(url, status, headers, body=b"")
            error = FetchError(f"HTTP {status}", status=status)
            if should_retry_status(status):
                raise _Retry(error, retry_after(headers.get("retry-after")))
            raise error
        declared = headers.get("content-length", "")
        coding = headers.get("content-encoding")
        if declared.isdigit() and int(declared) > limit and not coding:
            raise FetchError(f"body larger than {limit} bytes", status=status)
        # The transport's own stream: still encoded, and readable even when a mock transport
        # has already buffered it.
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        try:
            body = await read_body(stream, coding, limit, url=url)
        except FetchError as exc:
            raise type(exc)(exc.message, **{**exc.context, "status": status}) from None
        return _Reply(url, status, headers, body=body)

    async def _result(
        self, reply: _Reply, validators: Validators | None, attempts: int, started: float
    ) -> FetchResult:
        etag = reply.headers.get("etag")
        last_modified = reply.headers.get("last-modified")
        if reply.status == 304:
            old = validators or Validators()
            return FetchResult(
                url=reply.url,
                status=304,
                not_modified=True,
                body=None,
                content_type=None,
                encoding=None,
                etag=etag or old.etag,
                last_modified=last_modified or old.last_modified,
                sha256=None,
                attempts=attempts,
                elapsed=self._clock() - started,
                text=None,
            )
        body = reply.body or b""
        declared, charset = parse_content_type(reply.headers.get("content-type"))
        content_type = sniff_content_type(declared, body)
        encoding: str | None = None
        text: str | None = None
        if is_text_type(content_type):
            if len(body) > _OFF_LOOP_BYTES:
                encoding, text = await asyncio.to_thread(decode_body, body, charset)
            else:
                encoding, text = decode_body(body, charset)
        return FetchResult(
            url=reply.url,
            status=reply.status,
            not_modified=False,
            body=body,
            content_type=content_type,
            encoding=encoding,
            etag=etag,
            last_modified=last_modified,
            sha256=hashlib.sha256(body).hexdigest(),
            attempts=attempts,
            elapsed=self._clock() - started,
            text=text,
        )
