"""Discovery: follow links, feeds and sitemaps, and the XML attacks they must refuse."""

from __future__ import annotations

import gzip
import time

import pytest

from citywatch.errors import ConfigError, ParseError
from scraper import alternate_feeds, feed_links, follow_links, sitemap_links
from tests.support.httpserver import deep_html

BASE = "https://www.city.example.jp/press/index.html"

INDEX = """<!DOCTYPE html><html><head><title>記者発表</title></head><body>
<nav><a href="/">top</a><a href="/about.html">about</a></nav>
<ul class="news">
  <li><a href="2024/visit-01.html#top">市長がクアラルンプールを訪問</a></li>
  <li><a href="https://www.city.example.jp/press/2024/visit-02.html">表敬訪問</a></li>
  <li><a href="2024/visit-01.html">duplicate</a></li>
  <li><a href="mailto:press@city.example.jp">mail</a></li>
  <li><a href="javascript:void(0)">js</a></li>
  <li><a href="ftp://files.example/x">ftp</a></li>
  <li><a href="  2024/visit-03.html
  ">whitespace</a></li>
  <li><a href="index.html">this page</a></li>
  <li><a href="http://other.example/report.pdf">elsewhere</a></li>
</ul>
<div class="news"><a href="2024/visit-04.html">more</a></div>
<map><area href="2024/map.html"></map>
</body></html>"""


def test_follow_selector_picks_links_inside_matches_in_page_order():
    links = follow_links(INDEX, BASE, selector="ul.news", pattern=None, limit=50)
    assert links == [
        "https://www.city.example.jp/press/2024/visit-01.html",
        "https://www.city.example.jp/press/2024/visit-02.html",
        "https://www.city.example.jp/press/2024/visit-03.html",
        "http://other.example/report.pdf",
    ]


def test_follow_selector_may_name_the_anchors_themselves():
    links = follow_links(INDEX, BASE, selector=".news a", pattern=None, limit=50)
    assert links[-1] == "https://www.city.example.jp/press/2024/visit-04.html"
    assert "https://www.city.example.jp/about.html" not in links


def test_follow_pattern_filters_absolute_urls():
    links = follow_links(INDEX, BASE, selector=None, pattern=r"/press/2024/visit-\d+", limit=50)
    assert links == [
        "https://www.city.example.jp/press/2024/visit-01.html",
        "https://www.city.example.jp/press/2024/visit-02.html",
        "https://www.city.example.jp/press/2024/visit-03.html",
        "https://www.city.example.jp/press/2024/visit-04.html",
    ]


def test_selector_and_pattern_combine_and_limit_cuts_in_page_order():
    links = follow_links(INDEX, BASE, selector="ul.news", pattern=r"visit", limit=2)
    assert links == [
        "https://www.city.example.jp/press/2024/visit-01.html",
        "https://www.city.example.jp/press/2024/visit-02.html",
    ]
    assert follow_links(INDEX, BASE, selector="ul.news", pattern=None, limit=0) == []


def test_no_selector_and_no_pattern_means_every_link_including_areas():
    links = follow_links(INDEX, BASE, selector=None, pattern=None, limit=50)
    assert "https://www.city.example.jp/" in links
    assert "https://www.city.example.jp/press/2024/map.html" in links
    assert BASE not in links


def test_bytes_are_decoded_with_their_meta_charset():
    page = (
        '<html><head><meta charset="Shift_JIS"></head><body>'
        '<a href="/新着/1.html">新着</a></body></html>'
    ).encode("cp932")
    links = follow_links(page, BASE, selector=None, pattern="新着", limit=5)
    assert links == ["https://www.city.example.jp/新着/1.html"]


@pytest.mark.parametrize(
    ("base_tag", "expected"),
    [
        ('<base href="/archive/">', "https://www.city.example.jp/archive/x.html"),
        ('<base href="https://evil.example/">', "https://www.city.example.jp/press/x.html"),
        ('<base href="javascript:alert(1)//">', "https://www.city.example.jp/press/x.html"),
        ('<base href="file:///etc/">', "https://www.city.example.jp/press/x.html"),
    ],
)
def test_base_href_is_honoured_only_on_the_same_host_over_http(base_tag, expected):
    page = f'<html><head>{base_tag}</head><body><a href="x.html">x</a></body></html>'
    assert follow_links(page, BASE, selector=None, pattern=None, limit=5) == [expected]


def test_a_bad_selector_is_a_config_error():
    with pytest.raises(ConfigError, match="bad follow selector"):
        follow_links(INDEX, BASE, selector="ul[", pattern=None, limit=5)


def test_deeply_nested_html_does_not_break_discovery():
    links = follow_links(deep_html(5_000), BASE, selector="a", pattern=None, limit=5)
    assert links == ["https://www.city.example.jp/deep"]


def test_markup_that_looks_like_a_url_raises_no_warning():
    assert follow_links("https://x.example/", BASE, selector=None, pattern=None, limit=5) == []


def test_alternate_feeds_are_found_and_resolved():
    page = """<html><head>
    <link rel="alternate" type="application/rss+xml" href="/rss/press.xml">
    <link rel="Alternate Feed" type="application/atom+xml; charset=utf-8" href="atom.xml#x">
    <link rel="alternate" type="text/html" hreflang="en" href="/en/">
    <link rel="stylesheet" type="application/rss+xml" href="/not-a-feed.xml">
    </head></html>"""
    assert alternate_feeds(page, BASE) == [
        "https://www.city.example.jp/rss/press.xml",
        "https://www.city.example.jp/press/atom.xml",
    ]


# -- feeds ------------------------------------------------------------------------------------

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Press</title><link>https://www.city.example.jp/</link>
<item><title>one</title><link>https://www.city.example.jp/press/1.html</link></item>
<item><title>two</title><link>/press/2.html#frag</link></item>
<item><title>dup</title><link>https://www.city.example.jp/press/1.html</link></item>
<item><title>bad</title><link>javascript:alert(1)</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>CITYNET</title>
<entry><title>横浜</title><link rel="alternate" href="https://citynet.example/news/a"/></entry>
<entry><title>b</title><link href="news/b"/></entry>
</feed>"""


def test_rss_entry_links_in_order_deduplicated_and_absolute():
    assert feed_links(RSS, "https://www.city.example.jp/rss.xml") == [
        "https://www.city.example.jp/press/1.html",
        "https://www.city.example.jp/press/2.html",
    ]


def test_atom_entry_links_from_text():
    assert feed_links(ATOM, "https://citynet.example/feed/") == [
        "https://citynet.example/news/a",
        "https://citynet.example/feed/news/b",
    ]


def test_a_feed_declaring_entities_is_refused_before_feedparser_sees_it():
    sneaky = RSS.replace(
        b"<rss", b'<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<rss', 1
    )
    with pytest.raises(ParseError, match="unsafe XML refused"):
        feed_links(sneaky, "https://www.city.example.jp/rss.xml")


def test_a_body_that_looks_like_a_file_name_is_not_opened():
    assert feed_links(b"/etc/passwd", "https://www.city.example.jp/rss.xml") == []
    assert feed_links("/etc/hostname", "https://www.city.example.jp/rss.xml") == []


def test_html_given_as_a_feed_gives_nothing():
    assert feed_links(INDEX.encode(), BASE) == []


# -- sitemaps ---------------------------------------------------------------------------------

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://www.city.example.jp/a.html</loc><lastmod>2024-01-01</lastmod></url>
  <url><loc> https://www.city.example.jp/b.html </loc></url>
  <url><loc>https://www.city.example.jp/a.html</loc></url>
  <url><loc>ftp://www.city.example.jp/c</loc></url>
</urlset>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<urlset><url><loc>&lol9;</loc></url></urlset>"""


def test_sitemap_locs_in_order():
    assert sitemap_links(URLSET, "https://www.city.example.jp/sitemap.xml") == [
        "https://www.city.example.jp/a.html",
        "https://www.city.example.jp/b.html",
    ]


def test_sitemap_index_gives_child_sitemaps():
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://www.city.example.jp/sitemap-1.xml</loc></sitemap></sitemapindex>"""
    assert sitemap_links(index, "https://www.city.example.jp/sitemap.xml") == [
        "https://www.city.example.jp/sitemap-1.xml"
    ]


def test_gzipped_and_plain_text_sitemaps():
    url = "https://www.city.example.jp/sitemap.xml.gz"
    assert sitemap_links(gzip.compress(URLSET), url)[0] == "https://www.city.example.jp/a.html"
    text = b"https://www.city.example.jp/x.html\n\nhttps://www.city.example.jp/y.html\n"
    assert sitemap_links(text, url) == [
        "https://www.city.example.jp/x.html",
        "https://www.city.example.jp/y.html",
    ]


def test_a_gzipped_sitemap_bomb_is_cut_off():
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    with pytest.raises(ParseError, match="sitemap larger than"):
        sitemap_links(bomb, "https://www.city.example.jp/s.xml.gz", max_bytes=1024 * 1024)


def test_billion_laughs_is_refused_quickly():
    started = time.monotonic()
    with pytest.raises(ParseError, match="unsafe XML refused"):
        sitemap_links(BILLION_LAUGHS, "https://www.city.example.jp/sitemap.xml")
    assert time.monotonic() - started < 5  # refused, not expanded
    with pytest.raises(ParseError, match="unsafe XML refused"):
        feed_links(BILLION_LAUGHS.replace(b"urlset", b"rss"), "https://x.example/feed")


def test_external_entities_are_refused():
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<urlset><url><loc>&x;</loc></url></urlset>"
    )
    with pytest.raises(ParseError, match="unsafe XML refused"):
        sitemap_links(xxe, "https://www.city.example.jp/sitemap.xml")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<urlset><url><loc>x</url>", "not well-formed"),
        (b"<html><body>no</body></html>", "not a sitemap"),
    ],
)
def test_bad_sitemaps_are_parse_errors(body, message):
    with pytest.raises(ParseError, match=message):
        sitemap_links(body, "https://www.city.example.jp/sitemap.xml")


def test_a_feed_given_as_a_sitemap_gives_its_entries():
    assert sitemap_links(RSS, "https://www.city.example.jp/rss.xml")[0] == (
        "https://www.city.example.jp/press/1.html"
    )
