"""Reading a response body within a byte budget, decoding gzip and brotli ourselves.

httpx inflates a whole network chunk in one call, so 64 KB of gzip can become 64 MB before
anyone can count it (and brotli far more). Here the raw stream is inflated in bounded steps
and the DECODED bytes are counted as they appear, so a bomb is refused after at most `limit`
plus one step of output, and memory stays bounded by the limit.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable, Iterator

import brotli

from citywatch.errors import FetchError

__all__ = ["ACCEPT_ENCODING", "BodyTooLarge", "StreamDecoder", "read_body"]

_STEP = 64 * 1024


def _brotli_is_bounded() -> bool:
    # brotli >= 1.2 can stop inflating at an output limit; older releases cannot, so then we do
    # not ask servers for brotli at all rather than risk an unbounded inflate.
    return hasattr(brotli.Decompressor(), "can_accept_more_data")


ACCEPT_ENCODING = "gzip, br" if _brotli_is_bounded() else "gzip"


class BodyTooLarge(FetchError):
    """The body (after decoding) passed the watch's max_bytes."""


class StreamDecoder:
    """Incremental, output-bounded decoder for one Content-Encoding: identity, gzip, deflate, br."""

    def __init__(self, coding: str | None, *, url: str | None = None) -> None:
        self.coding = (coding or "identity").strip().lower()
        self._url = url
        self._zlib: zlib._Decompress | None = None
        self._brotli: brotli.Decompressor | None = None
        self._started = False
        if self.coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.coding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
        elif self.coding == "br" and ACCEPT_ENCODING.endswith("br"):
            self._brotli = brotli.Decompressor()
        elif self.coding != "identity":
            raise FetchError(f"unsupported Content-Encoding {self.coding!r}", url=url)

    def _bad(self, why: str) -> FetchError:
        return FetchError(f"invalid {self.coding} body: {why}", url=self._url)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of at most about 64 KB each, produced lazily."""
        if self._zlib is not None:
            yield from self._feed_zlib(data)
        elif self._brotli is not None:
            yield from self._feed_brotli(data)
        elif data:
            yield data

    def _feed_zlib(self, data: bytes) -> Iterator[bytes]:
        assert self._zlib is not None
        if self._zlib.eof:
            data = self._next_member(data)
        while data:
            try:
                out = self._zlib.decompress(data, _STEP)
            except zlib.error as exc:
                if self.coding == "deflate" and not self._started:
                    # Some servers send raw deflate without the zlib wrapper.
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._started = True
                    continue
                raise self._bad(str(exc)) from None
            self._started = True
            if out:
                yield out
            if self._zlib.eof:
                data = self._next_member(self._zlib.unused_data)
            else:
                data = self._zlib.unconsumed_tail

    def _next_member(self, rest: bytes) -> bytes:
        """After one gzip member ends: start the next member, or drop trailing padding."""
        if self.coding in ("gzip", "x-gzip") and rest.startswith(b"\x1f\x8b"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
            return rest
        return b""

    def _feed_brotli(self, data: bytes) -> Iterator[bytes]:
        assert self._brotli is not None
        self._started = self._started or bool(data)
        try:
            out = self._brotli.process(data, output_buffer_limit=_STEP)
            # Output stops at the limit; keep asking with empty input until none is pending.
            while out or not self._brotli.can_accept_more_data():
                if out:
                    yield out
                out = self._brotli.process(b"", output_buffer_limit=_STEP)
        except brotli.error as exc:
            raise self._bad(str(exc) or "corrupt stream") from None

    def finish(self) -> None:
        """Raise if the encoded stream stopped before its end (a truncated gzip or brotli body).

        An empty body is accepted whatever its coding: servers label empty replies gzip too."""
        if not self._started:
            return
        if self._zlib is not None and not self._zlib.eof:
            raise self._bad("truncated stream")
        if self._brotli is not None and not self._brotli.is_finished():
            raise self._bad("truncated stream")


async def read_body(
    raw: AsyncIterable[bytes], coding: str | None, limit: int, *, url: str | None = None
) -> bytes:
    """Read and decode a streamed body, refusing it as soon as it passes `limit` bytes.

    Both the bytes on the wire and the decoded bytes are held to the limit."""
    decoder = StreamDecoder(coding, url=url)
    pieces: list[bytes] = []
    size = 0
    wire = 0
    async for chunk in raw:
        wire += len(chunk)
        if wire > limit:
            raise BodyTooLarge(f"body larger than {limit} bytes", url=url)
        for piece in decoder.feed(chunk):
            size += len(piece)
            if size > limit:
                raise BodyTooLarge(f"body larger than {limit} bytes", url=url)
            pieces.append(piece)
    decoder.finish()
    return b"".join(pieces)
