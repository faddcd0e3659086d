"""Which URLs and addresses may be fetched at all.

A watch list may come from someone else, so a fetch must not become a probe of the local
network. Only http and https are fetched; a host whose addresses include a loopback, private,
link-local or reserved one is refused unless the watch sets `allow_private`. The check runs
after DNS resolution, on every redirect hop, and once more when the socket is opened: the
network backend connects only to the addresses it has just vetted, so a DNS answer that changes
between the check and the connect (rebinding) cannot slip through.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import select
import socket
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

from citywatch import defaults
from citywatch.errors import FetchError

__all__ = [
    "ALLOWED_SCHEMES",
    "GuardedBackend",
    "IPAddress",
    "Resolver",
    "allow_private",
    "check_scheme",
    "guarded_transport",
    "is_public",
    "refuse_private",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Lookup = Callable[[str], Awaitable[Sequence[str]]]

ALLOWED_SCHEMES = ("http", "https")
_RESOLVE_TTL = 60.0  # seconds a DNS answer is reused: a crawl hits one host many times

# Set by the fetcher for the length of one fetch; read by the backend when it opens a socket.
# A ContextVar follows the task that makes the request, so concurrent fetches never mix it up.
allow_private: ContextVar[bool] = ContextVar("citywatch_allow_private", default=False)


def check_scheme(url: str | httpx.URL) -> httpx.URL:
    """Parse `url` and refuse anything but http(s) with a host."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid URL {str(url)!r}: {exc}", url=str(url)) from None
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise FetchError(f"non-http URL {url!s} refused", url=str(url))
    if not parsed.host:
        raise FetchError(f"URL {url!s} has no host", url=str(url))
    return parsed


def is_public(address: IPAddress) -> bool:
    """True only for globally routable unicast addresses."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return is_public(mapped)
        if address.teredo is not None:
            return False
    return address.is_global and not address.is_multicast


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def _system_lookup(host: str) -> Sequence[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class Resolver:
    """Resolves host names to addresses, caching answers briefly and sharing lookups in flight.

    `lookup` replaces the system resolver (tests map made-up names to chosen addresses)."""

    def __init__(
        self,
        lookup: Lookup | None = None,
        *,
        ttl: float = _RESOLVE_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lookup = lookup or _system_lookup
        self._ttl = ttl
        self._clock = clock
        self._cache: dict[str, tuple[float, tuple[IPAddress, ...]]] = {}
        self._pending: dict[str, asyncio.Future[tuple[IPAddress, ...]]] = {}

    async def resolve(self, host: str) -> tuple[IPAddress, ...]:
        """The addresses of `host`; a literal IP is returned as is, with no DNS work."""
        literal = _literal(host)
        if literal is not None:
            return (literal,)
        key = host.lower().rstrip(".")
        hit = self._cache.get(key)
        if hit is not None and hit[0] > self._clock():
            return hit[1]
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._fetch(key))
            self._pending[key] = pending
            pending.add_done_callback(self._settled(key))
        return await asyncio.shield(pending)

    def _settled(self, key: str) -> Callable[[asyncio.Future[tuple[IPAddress, ...]]], None]:
        def done(future: asyncio.Future[tuple[IPAddress, ...]]) -> None:
            self._pending.pop(key, None)
            if not future.cancelled():
                future.exception()  # retrieved, so a lookup nobody waits for is not logged

        return done

    async def _fetch(self, host: str) -> tuple[IPAddress, ...]:
        try:
            async with asyncio.timeout(defaults.CONNECT_TIMEOUT):
                raw = await self._lookup(host)
        except TimeoutError:
            raise FetchError(f"DNS lookup of {host} timed out", host=host) from None
        except OSError as exc:
            raise FetchError(f"cannot resolve {host}: {exc.strerror or exc}", host=host) from None
        addresses = tuple(dict.fromkeys(a for a in map(_literal, raw) if a is not None))
        if not addresses:
            raise FetchError(f"cannot resolve {host}: no addresses", host=host)
        self._cache[host] = (self._clock() + self._ttl, addresses)
        return addresses

    async def vetted(self, host: str, *, private_ok: bool) -> tuple[IPAddress, ...]:
        """The addresses of `host`, refusing the host if any of them is not public."""
        addresses = await self.resolve(host)
        refuse_private(host, addresses, private_ok=private_ok)
        return addresses


def refuse_private(host: str, addresses: Iterable[IPAddress], *, private_ok: bool) -> None:
    """Raise FetchError if any address is not public and the watch has not allowed that."""
    if private_ok:
        return
    for address in addresses:
        if not is_public(address):
            raise FetchError(
                f"private address {address} refused (set allow_private = true to allow)",
                host=host,
            )


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that connects only to vetted addresses of the requested host."""

    def __init__(self, resolver: Resolver, inner: httpcore.AsyncNetworkBackend | None = None):
        self._resolver = resolver
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self._resolver.vetted(host, private_ok=allow_private.get())
        except FetchError as exc:
            raise httpcore.ConnectError(exc.message) from None
        error: Exception | None = None
        for address in addresses:
            try:
                stream = await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
                return _KnownSocketStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _readable(sock: socket.socket) -> bool:
    """Whether a read would return at once: data, or the end a server sends by closing. A
    closed socket counts as readable, so its connection is dropped, not reused."""
    fd = sock.fileno()
    if fd < 0:
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class _KnownSocketStream(httpcore.AsyncNetworkStream):
    """A connected stream that knows its socket.

    Before each request the pool asks every idle connection whether the server has closed it,
    and anyio builds a dict of all its socket attributes to find the socket each time (a tenth
    of a CPU-second per 500 pages on ten connections). The socket is the same for the life of
    the connection, TLS or not, so it is looked up once."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _KnownSocketStream(
            await self._inner.start_tls(ssl_context, server_hostname, timeout)
        )

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._socket is not None:
            return _readable(self._socket)
        return self._inner.get_extra_info(info)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying TLS context for every fetcher: loading the CA bundle takes ~40 ms."""
    return httpx.create_ssl_context(trust_env=False)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, with its connection pool built on the guarded backend.

    httpx does not take a network backend as an argument, so the pool it made is replaced by an
    identical one that has ours (the pool holds no sockets until the first request)."""

    def __init__(self, backend: GuardedBackend, limits: httpx.Limits) -> None:
        super().__init__(verify=_ssl_context(), limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


def guarded_transport(resolver: Resolver, limits: httpx.Limits) -> httpx.AsyncBaseTransport:
    """The transport the fetcher uses unless a test hands it another one."""
    return _GuardedTransport(GuardedBackend(resolver), limits)
