"""Finding pages to watch: links picked by a watch's selector or pattern, feeds, sitemaps.

Pure functions over bodies the fetcher already has. Every result is a list of absolute http(s)
URLs without fragments, deduplicated, in the order the document gives them. Untrusted XML never
reaches a parser that expands entities: sitemaps go through defusedxml with DTDs forbidden, and
a feed that declares entities is refused before feedparser sees it.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterable
from urllib.parse import urldefrag, urljoin, urlsplit
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLSyntaxError

import feedparser
import soupsieve
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag, XMLParsedAsHTMLWarning
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

from citywatch import defaults
from citywatch.errors import ConfigError, FetchError, ParseError
from scraper.body import StreamDecoder
from scraper.decode import decode_body

__all__ = ["alternate_feeds", "feed_links", "follow_links", "sitemap_links"]

_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _absolute(href: str | None, base: str) -> str | None:
    """An absolute http(s) URL without fragment, or None for anything else."""
    if not href:
        return None
    href = re.sub(r"[\t\n\r]", "", href).strip()
    try:
        url, _ = urldefrag(urljoin(base, href))
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url


def _unique(urls: Iterable[str | None], *, limit: int | None = None) -> list[str]:
    seen: dict[str, None] = {}
    for url in urls:
        if url is not None and url not in seen:
            seen[url] = None
            if limit is not None and len(seen) >= limit:
                break
    return list(seen)


def _soup(body: bytes | str) -> BeautifulSoup:
    text = body if isinstance(body, str) else decode_body(body, None)[1]
    with warnings.catch_warnings():
        # bs4 warns about markup that looks like a URL or like XML; for untrusted pages that
        # is noise, and tests run with warnings as errors.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(text, "lxml")


def _base(soup: BeautifulSoup, page_url: str) -> str:
    """The URL links resolve against: `<base href>` only if it is http(s) on the page's host,
    so a page cannot point its links at another site or scheme with one tag."""
    tag = soup.find("base", href=True)
    if isinstance(tag, Tag):
        candidate = _absolute(str(tag.get("href")), page_url)
        if candidate and urlsplit(candidate).hostname == urlsplit(page_url).hostname:
            return candidate
    return page_url


def _anchors(soup: BeautifulSoup, selector: str | None) -> Iterable[Tag]:
    if selector is None:
        yield from soup.select("a[href], area[href]")
        return
    try:
        picked = soup.select(selector)
    except soupsieve.SelectorSyntaxError as exc:
        raise ConfigError(f"bad follow selector {selector!r}: {exc}") from None
    for element in picked:
        if element.name in ("a", "area") and element.has_attr("href"):
            yield element
        else:
            yield from element.select("a[href], area[href]")


def follow_links(
    body: bytes | str, base_url: str, *, selector: str | None, pattern: str | None, limit: int
) -> list[str]:
    """Links a watch follows: anchors inside elements matching `selector` (all anchors when it
    is None) whose absolute URL matches `pattern` (re.search), at most `limit`, never the page
    itself."""
    if limit <= 0:
        return []
    try:
        wanted = re.compile(pattern) if pattern else None
    except re.error as exc:
        raise ConfigError(f"bad follow pattern {pattern!r}: {exc}") from None
    soup = _soup(body)
    base = _base(soup, base_url)
    here = urldefrag(base_url)[0]
    found = (_absolute(str(a.get("href")), base) for a in _anchors(soup, selector))
    kept = (
        url
        for url in found
        if url is not None and url != here and (wanted is None or wanted.search(url))
    )
    return _unique(kept, limit=limit)


def alternate_feeds(html: bytes | str, base_url: str) -> list[str]:
    """Feeds a page announces with `<link rel="alternate" type="application/rss+xml">` (or Atom)."""
    soup = _soup(html)
    base = _base(soup, base_url)
    found = []
    for link in soup.find_all("link", href=True):
        rel: object = link.get("rel") or []
        words = rel if isinstance(rel, list) else str(rel).split()
        rels = {str(word).lower() for word in words}
        kind = str(link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" in rels and kind in _FEED_TYPES:
            found.append(_absolute(str(link.get("href")), base))
    return _unique(found)


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


def _refuse_entities(data: bytes, url: str) -> None:
    head = data.decode("utf-16", "replace").encode("utf-8") if data[:2] in _UTF16_BOMS else data
    if _ENTITY_DECLARATION.search(head):
        raise ParseError("unsafe XML refused: it declares entities", url=url)


def feed_links(body: bytes | str, base_url: str) -> list[str]:
    """Entry links of an RSS or Atom feed (feedparser), resolved against `base_url`.

    feedparser gets a stream, never a string it might take for a file name or URL, and never a
    document that declares entities. Something that is not a feed gives an empty list."""
    data = _as_bytes(body)
    _refuse_entities(data, base_url)
    headers = {"content-location": base_url}
    if isinstance(body, str):
        headers["content-type"] = "application/xml; charset=utf-8"
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=False)
    links = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            hrefs = [x.get("href") for x in entry.get("links", []) if x.get("href")]
            link = hrefs[0] if hrefs else None
        links.append(_absolute(link, base_url))
    return _unique(links)


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower()


def _inflate(data: bytes, max_bytes: int, url: str) -> bytes:
    decoder = StreamDecoder("gzip", url=url)
    out, size = [], 0
    try:
        for piece in decoder.feed(data):
            size += len(piece)
            if size > max_bytes:
                raise ParseError(f"sitemap larger than {max_bytes} bytes", url=url)
            out.append(piece)
        decoder.finish()
    except FetchError as exc:  # the decoder's complaint about broken gzip
        raise ParseError(f"bad gzipped sitemap: {exc.message}", url=url) from None
    return b"".join(out)


def sitemap_links(
    body: bytes | str, base_url: str, *, max_bytes: int = defaults.MAX_BODY_BYTES
) -> list[str]:
    """The `<loc>` URLs of a sitemap (XML, gzipped XML or plain text, one URL a line).

    A sitemap index gives its child sitemaps' URLs. An RSS or Atom feed given as a sitemap gives
    its entry links. Unsafe or malformed XML raises ParseError."""
    data = _as_bytes(body)
    if data.startswith(b"\x1f\x8b"):
        data = _inflate(data, max_bytes, base_url)
    if len(data) > max_bytes:
        raise ParseError(f"sitemap larger than {max_bytes} bytes", url=base_url)
    if not data.lstrip().startswith((b"<", b"\xef\xbb\xbf<", *_UTF16_BOMS)):
        lines = data.decode("utf-8", "replace").splitlines()
        return _unique(_absolute(line.strip(), base_url) for line in lines if line.strip())
    try:
        root: Element = safe_fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ParseError(f"unsafe XML refused: {type(exc).__name__}", url=base_url) from None
    except XMLSyntaxError as exc:
        raise ParseError(f"sitemap is not well-formed XML: {exc}", url=base_url) from None
    kind = _local(root.tag)
    if kind in ("rss", "feed", "rdf"):
        return feed_links(data, base_url)
    if kind not in ("urlset", "sitemapindex"):
        raise ParseError(f"not a sitemap: root element <{kind}>", url=base_url)
    locs = (
        _absolute((loc.text or "").strip(), base_url)
        for item in root
        for loc in item
        if _local(loc.tag) == "loc"
    )
    return _unique(locs)
