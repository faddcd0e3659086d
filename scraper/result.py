"""What a fetch gives back: the validators to send next time and the outcome of one fetch.

Both are frozen values so the crawl can store, compare and pass them around without copies
drifting apart."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FetchResult", "Validators"]


@dataclass(frozen=True, slots=True)
class Validators:
    """The ETag and Last-Modified of the last good response, sent back as conditional headers."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One fetched page. `body` and `text` are None on a 304 (the stored copy is still good)."""

    url: str
    status: int
    not_modified: bool
    body: bytes | None
    content_type: str | None
    encoding: str | None
    etag: str | None
    last_modified: str | None
    sha256: str | None
    attempts: int
    elapsed: float
    text: str | None

    @property
    def validators(self) -> Validators:
        """The validators to send with the next fetch of this page."""
        return Validators(etag=self.etag, last_modified=self.last_modified)
