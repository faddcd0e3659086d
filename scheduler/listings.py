"""Listings: the feeds and sitemaps a watch reads to find pages, checked like pages.

A listing is fetched conditionally and stored as a check of its own URL, so a feed that is
refused, unreachable or broken is a failed check against its watch (shown by `status`, alerted
as `page_failed`) rather than a log line, and a 304 costs nothing. It is never given to a site
parser: its stored "parse" is the list of links it gave, one a line, with no records, so a
listing that changes only records a `page_changed` event, which never alerts.
"""

from __future__ import annotations

from dataclasses import dataclass

from citywatch.model import PageInfo, ParseResult
from scraper.discover import SitemapEntry, feed_links, read_sitemap

__all__ = ["FEED", "SITEMAP", "Listing", "listing_result", "newest_first", "read_listing"]

FEED = "feed"
SITEMAP = "sitemap"


@dataclass(frozen=True, slots=True)
class Listing:
    """What one listing gave: its entries, and whether they are sitemaps (a sitemap index)."""

    entries: tuple[SitemapEntry, ...]
    is_index: bool = False

    @property
    def urls(self) -> list[str]:
        return [entry.url for entry in self.entries]


def read_listing(kind: str, body: bytes, url: str, max_bytes: int) -> Listing:
    """The entries of a feed or sitemap body. CPU-bound and fed untrusted bytes: run it off
    the event loop. Unsafe or broken XML raises ParseError."""
    if kind == FEED:
        return Listing(tuple(SitemapEntry(link) for link in feed_links(body, url)))
    is_index, entries = read_sitemap(body, url, max_bytes=max_bytes)
    return Listing(tuple(entries), is_index)


def listing_result(url: str, site: str, listing: Listing) -> ParseResult:
    """The stored form of a listing: no records; its text is its entries, one a line."""
    lines = (f"{e.url} {e.lastmod}" if e.lastmod else e.url for e in listing.entries)
    return ParseResult(info=PageInfo(url=url, site=site), text="\n".join(lines))


def newest_first(entries: list[SitemapEntry]) -> list[SitemapEntry]:
    """Entries with a `<lastmod>` first, newest first (W3C datetimes of one site sort as
    text), then the rest in document order: with a follow_limit, the newest pages are kept."""
    dated = sorted((e for e in entries if e.lastmod), key=lambda e: e.lastmod or "", reverse=True)
    return dated + [e for e in entries if not e.lastmod]
