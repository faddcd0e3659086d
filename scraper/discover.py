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
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin, urlsplit
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLSyntaxError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

from citywatch import defaults
from citywatch.errors import ConfigError, FetchError, ParseError
from scraper.body import StreamDecoder
from scraper.decode import decode_body

if TYPE_CHECKING:  # bs4, lxml and soupsieve load when a page is read for links, not at start
    from bs4 import BeautifulSoup, Tag

__all__ = [
    "SitemapEntry",
    "alternate_feeds",
    "feed_links",
    "follow_links",
    "read_sitemap",
    "sitemap_links",
]

_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# How an XML document's first bytes give away its encoding (XML 1.0, Appendix F): a BOM, or
# "<" / "<?" written in a wide encoding. Longest prefixes first.
_XML_STARTS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
_BOMS = {"utf-32-be": b"\x00\x00\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00"}
_BOMS |= {"utf-16-be": b"\xfe\xff", "utf-16-le": b"\xff\xfe"}


def _absolute(href: str | None, base: str) -> str | None:
    """An absolute http(s) URL without fragment, or None for anything else."""
    if not href:
        return None
    href = re.sub(r"[\t\n\r]", "", href).strip().replace(" ", "%20")
    if _CONTROL.search(href):  # NULs and other controls: bytes misread as text, not a URL
        return None
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
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

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
    from bs4 import Tag

    tag = soup.find("base", href=True)
    if isinstance(tag, Tag):
        candidate = _absolute(str(tag.get("href")), page_url)
        if candidate and urlsplit(candidate).hostname == urlsplit(page_url).hostname:
            return candidate
    return page_url


def _anchors(soup: BeautifulSoup, selector: str | None) -> Iterable[Tag]:
    import soupsieve

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


def _xml_codec(data: bytes) -> str:
    """The codec an XML document's first bytes announce; UTF-8 when they announce none."""
    for start, codec in _XML_STARTS:
        if data.startswith(start):
            return codec
    return "utf-8"


def _xml_text(data: bytes) -> str:
    return data.decode(_xml_codec(data), "replace")


def _is_xml(data: bytes) -> bool:
    return _xml_text(data[:256]).lstrip("\ufeff \t\r\n").startswith("<")


def _refuse_entities(data: bytes, url: str) -> None:
    """Refuse a document that declares entities, whatever encoding it is written in: a byte
    search for "<!ENTITY" misses one written in UTF-16 or UTF-32."""
    if _ENTITY_DECLARATION.search(_xml_text(data)):
        raise ParseError("unsafe XML refused: it declares entities", url=url)


def _with_bom(data: bytes) -> bytes:
    """The document with a BOM in front when its wide encoding has none, so that expat reads
    it as that encoding instead of failing on the first NUL."""
    codec = _xml_codec(data)
    bom = _BOMS.get(codec)
    return bom + data if bom is not None and not data.startswith(bom) else data


def feed_links(body: bytes | str, base_url: str) -> list[str]:
    """Entry links of an RSS or Atom feed (feedparser), resolved against `base_url`.

    feedparser gets a stream, never a string it might take for a file name or URL, and never a
    document that declares entities. Something that is not a feed gives an empty list."""
    data = _as_bytes(body)
    _refuse_entities(data, base_url)
    import feedparser  # only crawls of watches with a feed pay for it

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


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One `<loc>` of a sitemap, with its `<lastmod>` as written (W3C datetime) when given."""

    url: str
    lastmod: str | None = None


def read_sitemap(
    body: bytes | str, base_url: str, *, max_bytes: int = defaults.MAX_BODY_BYTES
) -> tuple[bool, list[SitemapEntry]]:
    """A sitemap's entries (XML, gzipped XML or plain text, one URL a line), and whether it is
    a sitemap index (so its entries are sitemaps, not pages).

    An RSS or Atom feed given as a sitemap gives its entry links. Unsafe or malformed XML
    raises ParseError."""
    data = _as_bytes(body)
    if data.startswith(b"\x1f\x8b"):
        data = _inflate(data, max_bytes, base_url)
    if len(data) > max_bytes:
        raise ParseError(f"sitemap larger than {max_bytes} bytes", url=base_url)
    if not _is_xml(data):
        lines = data.decode("utf-8", "replace").splitlines()
        urls = _unique(_absolute(line.strip(), base_url) for line in lines if line.strip())
        return False, [SitemapEntry(url) for url in urls]
    _refuse_entities(data, base_url)
    try:
        root: Element = safe_fromstring(_with_bom(data), forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ParseError(f"unsafe XML refused: {type(exc).__name__}", url=base_url) from None
    except XMLSyntaxError as exc:
        raise ParseError(f"sitemap is not well-formed XML: {exc}", url=base_url) from None
    kind = _local(root.tag)
    if kind in ("rss", "feed", "rdf"):
        return False, [SitemapEntry(url) for url in feed_links(data, base_url)]
    if kind not in ("urlset", "sitemapindex"):
        raise ParseError(f"not a sitemap: root element <{kind}>", url=base_url)
    entries: dict[str, SitemapEntry] = {}
    for item in root:
        fields = {_local(child.tag): (child.text or "").strip() for child in item}
        url = _absolute(fields.get("loc"), base_url)
        if url is not None and url not in entries:
            entries[url] = SitemapEntry(url, fields.get("lastmod") or None)
    return kind == "sitemapindex", list(entries.values())


def sitemap_links(
    body: bytes | str, base_url: str, *, max_bytes: int = defaults.MAX_BODY_BYTES
) -> list[str]:
    """The `<loc>` URLs of a sitemap or sitemap index, in document order."""
    return [entry.url for entry in read_sitemap(body, base_url, max_bytes=max_bytes)[1]]
