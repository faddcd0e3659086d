"""Feeds and sitemaps come from servers we do not control, so XML from them is parsed safely:
no entity expansion (billion laughs, quadratic blow-up), no external entities or DTDs (local
files, requests to the local network), in every encoding a parser might auto-detect. A refusal
is a ParseError; anything else must be a list of clean http(s) links."""

from __future__ import annotations

import gzip
import time
import tracemalloc
from collections.abc import Callable

import pytest

from citywatch.errors import ParseError
from scraper.discover import SitemapEntry, feed_links, read_sitemap, sitemap_links
from tests.support.httpserver import TestServer

BASE = "http://www.city.example.jp/feed.xml"
Finder = Callable[[bytes, str], list[str]]
FINDERS: dict[str, Finder] = {"feed": feed_links, "sitemap": sitemap_links}

LAUGHS = '<!ENTITY a "aaaaaaaaaa">' + "".join(
    f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)
ITEM = "<item><title>{x}</title><link>http://www.city.example.jp/{x}</link></item>"


def _rss(doctype: str, body: str) -> str:
    return (
        f'<?xml version="1.0" encoding="{{enc}}"?>\n{doctype}\n'
        f'<rss version="2.0"><channel><title>t</title>{body}</channel></rss>\n'
    )


def _documents(server: TestServer) -> dict[str, str]:
    dtd = server.url("/evil.dtd")
    return {
        "billion-laughs": _rss(f"<!DOCTYPE rss [{LAUGHS}]>", ITEM.format(x="&i;")),
        "quadratic": _rss(
            f'<!DOCTYPE rss [<!ENTITY q "{"q" * 50_000}">]>', ITEM.format(x="&q;" * 2000)
        ),
        "xxe-file": _rss(
            '<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>', ITEM.format(x="&x;")
        ),
        "xxe-http": _rss(f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{dtd}">]>', ITEM.format(x="&x;")),
        "external-dtd": _rss(f'<!DOCTYPE rss SYSTEM "{dtd}">', ITEM.format(x="a")),
        "parameter-entity": _rss(
            f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{dtd}"> %p;]>', ITEM.format(x="a")
        ),
        "sitemap-xxe": (
            '<?xml version="1.0" encoding="{enc}"?>\n'
            '<!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>http://www.city.example.jp/&x;</loc></url></urlset>\n"
        ),
        "xinclude": _rss(
            "",
            '<item xmlns:xi="http://www.w3.org/2001/XInclude"><title>t</title>'
            "<link>http://www.city.example.jp/a</link><description>"
            '<xi:include href="file:///etc/passwd" parse="text"/></description></item>',
        ),
    }


# utf-16 and utf-32 with a BOM, and UTF-16 without one: a byte-level "<!ENTITY" check misses
# the last, and expat and feedparser both detect it from the first bytes.
# name -> (what the XML declaration says, the Python codec that writes the bytes)
ENCODINGS = {
    "utf-8": ("UTF-8", "utf-8"),
    "utf-16": ("UTF-16", "utf-16"),
    "utf-16le-nobom": ("UTF-16", "utf-16-le"),
    "utf-16be-nobom": ("UTF-16", "utf-16-be"),
}


@pytest.fixture
def dtd_server(server: TestServer) -> TestServer:
    server.set(
        "/evil.dtd", '<!ENTITY x SYSTEM "file:///etc/passwd">', content_type="application/xml-dtd"
    )
    return server


def _outcome(finder: Finder, data: bytes) -> tuple[list[str] | None, float, int]:
    tracemalloc.start()
    started = time.monotonic()
    try:
        links: list[str] | None = finder(data, BASE)
    except ParseError:
        links = None
    finally:
        took = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return links, took, peak


@pytest.mark.parametrize("finder", sorted(FINDERS))
@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize(
    "doc",
    [
        "billion-laughs",
        "quadratic",
        "xxe-file",
        "xxe-http",
        "external-dtd",
        "parameter-entity",
        "sitemap-xxe",
        "xinclude",
    ],
)
def test_hostile_xml_is_refused_or_read_without_expanding_anything(
    dtd_server: TestServer, finder: str, encoding: str, doc: str
) -> None:
    declared, codec = ENCODINGS[encoding]
    data = _documents(dtd_server)[doc].format(enc=declared).encode(codec)
    links, took, peak = _outcome(FINDERS[finder], data)
    assert took < 5, f"{took:.1f} s"
    assert peak < 16 * 1024 * 1024, f"{peak / 1e6:.0f} MB"
    assert dtd_server.requests() == [], "an external entity or DTD was fetched"
    for link in links or []:
        assert "root:" not in link and "aaaaaaaaaa" not in link and "qqqqq" not in link, link


def test_a_gzipped_sitemap_bomb_is_refused_within_its_cap() -> None:
    inner = b'<?xml version="1.0"?><urlset>' + b" " * (200 * 1024 * 1024) + b"</urlset>"
    bomb = gzip.compress(inner, compresslevel=9)
    del inner
    links, _, peak = _outcome(lambda d, u: sitemap_links(d, u, max_bytes=1024 * 1024), bomb)
    assert links is None
    assert peak < 8 * 1024 * 1024, f"{peak / 1e6:.0f} MB for a 200 MB bomb"


@pytest.mark.parametrize(
    "encoding",
    [
        "utf-16-le",
        "utf-16-be",
        "utf-32",
    ],
)
def test_sitemap_links_in_an_odd_encoding_are_clean_urls_or_refused(encoding: str) -> None:
    """Bytes that are not UTF-8 text must not come back as 'URLs' full of NUL characters."""
    data = (
        '<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>http://www.city.example.jp/a</loc></url></urlset>\n"
    ).encode(encoding)
    links, _, _ = _outcome(sitemap_links, data)
    for link in links or []:
        assert link.isprintable() and " " not in link, repr(link[:80])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_sitemap_in_utf16_with_or_without_a_bom_gives_its_urls(encoding: str) -> None:
    data = (
        '<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>http://www.city.example.jp/a</loc><lastmod>2024-06-20</lastmod></url>"
        "</urlset>\n"
    ).encode(encoding)
    assert read_sitemap(data, BASE) == (
        False,
        [SitemapEntry("http://www.city.example.jp/a", "2024-06-20")],
    )


def test_an_entity_declaration_in_bomless_utf16be_is_refused() -> None:
    data = (
        '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaa">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&a;</loc></url>'
        "</urlset>"
    ).encode("utf-16-be")
    with pytest.raises(ParseError, match="unsafe XML refused"):
        read_sitemap(data, BASE)


@pytest.mark.parametrize(
    "link",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://x/y",
        "data:text/html,x",
        "//127.0.0.1:9/x",
    ],
)
def test_feed_entries_give_only_http_links(link: str) -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>x</title><link>{link}</link></item>"
        "<item><title>y</title><link>https://www.city.example.jp/ok</link></item>"
        "</channel></rss>"
    ).encode()
    found = feed_links(feed, BASE)
    assert all(u.startswith(("http://", "https://")) for u in found), found
    assert "https://www.city.example.jp/ok" in found
