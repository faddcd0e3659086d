"""Feeds and sitemaps in a crawl: pages they list become watched pages, each listing is a check
of its own (conditional, failed when broken), and a failed listing stops nothing else."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from citywatch.sources import Sources, sources_from_dict
from scheduler.crawl import Crawler, CrawlReport
from snapshots import Store
from tests.support.httpserver import TestServer, reset_connection

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
VISIT = "<html><head><title>{0}</title></head><body><h1>{0}</h1><p>{0}</p></body></html>"


def urlset(*entries: tuple[str, str | None]) -> str:
    items = "".join(
        f"<url><loc>{loc}</loc>" + (f"<lastmod>{mod}</lastmod>" if mod else "") + "</url>"
        for loc, mod in entries
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{items}</urlset>'


def sources(server: TestServer, **watch: Any) -> Sources:
    defaults = {"allow_private": True, "per_host_delay": "0s", "timeout": "3s", "retries": 0}
    entry = {"id": "w", "url": server.url("/index.html"), "site": "generic", **watch}
    return sources_from_dict({"defaults": defaults, "watch": [entry]})


def crawl(db: Path, listed: Sources) -> CrawlReport:
    with Store(f"sqlite:///{db}") as store:
        return asyncio.run(Crawler(store, listed).run())


def outcomes(report: CrawlReport) -> dict[str, str]:
    return {o.url: o.outcome for o in report.outcomes}


@pytest.fixture
def site(server: TestServer) -> TestServer:
    server.set("/index.html", VISIT.format("index"))
    for name in ("a", "b", "c", "d"):
        server.set(f"/p/{name}.html", VISIT.format(name))
    return server


def test_pages_a_sitemap_lists_are_checked_newest_first_within_the_limit(
    site: TestServer, tmp_path: Path
) -> None:
    site.set(
        "/sitemap.xml",
        urlset(
            (site.url("/p/a.html"), "2024-01-01"),
            (site.url("/p/b.html"), None),
            (site.url("/p/c.html"), "2024-06-20"),
            (site.url("/other/x.html"), "2025-01-01"),
        ),
        content_type="application/xml",
    )
    listed = sources(site, sitemap=site.url("/sitemap.xml"), follow_pattern="/p/", follow_limit=2)
    report = crawl(tmp_path / "cw.db", listed)
    assert report.failed == 0, report.to_dict()["errors"]
    assert list(outcomes(report)) == [
        site.url("/index.html"),
        site.url("/sitemap.xml"),
        site.url("/p/c.html"),  # newest lastmod first
        site.url("/p/a.html"),
    ]
    assert site.count("/p/b.html") == site.count("/other/x.html") == 0
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        found = {p.url: p.found_on for p in store.pages("w")}
    assert found[site.url("/p/c.html")] == site.url("/index.html")


def test_a_sitemap_index_is_followed_one_level_and_robots_sitemaps_are_read(
    site: TestServer, tmp_path: Path
) -> None:
    site.set("/robots.txt", f"User-agent: *\nAllow: /\nSitemap: {site.url('/index.xml')}\n")
    site.set(
        "/index.xml",
        f'<?xml version="1.0"?><sitemapindex {NS}><sitemap><loc>{site.url("/s1.xml")}</loc>'
        f"</sitemap></sitemapindex>",
        content_type="application/xml",
    )
    site.set("/s1.xml", urlset((site.url("/p/d.html"), None)), content_type="application/xml")
    report = crawl(tmp_path / "cw.db", sources(site, sitemap="robots"))
    assert report.failed == 0, report.to_dict()["errors"]
    assert set(outcomes(report)) == {
        site.url(p) for p in ("/index.html", "/index.xml", "/s1.xml", "/p/d.html")
    }


def test_an_unchanged_listing_is_a_conditional_304_and_still_gives_its_pages(
    site: TestServer, tmp_path: Path
) -> None:
    site.set("/sitemap.xml", urlset((site.url("/p/a.html"), None)), content_type="text/xml")
    listed = sources(site, sitemap=site.url("/sitemap.xml"))
    crawl(tmp_path / "cw.db", listed)
    site.clear_log()
    again = crawl(tmp_path / "cw.db", listed)
    assert again.failed == 0 and again.changes == []
    assert outcomes(again) == {
        site.url("/index.html"): "unchanged",
        site.url("/sitemap.xml"): "unchanged",
        site.url("/p/a.html"): "unchanged",
    }
    [request] = site.requests("/sitemap.xml")
    assert request.header("if-none-match")


def test_a_broken_sitemap_is_a_failed_check_and_known_pages_are_still_checked(
    site: TestServer, tmp_path: Path
) -> None:
    site.set("/sitemap.xml", urlset((site.url("/p/a.html"), None)), content_type="text/xml")
    listed = sources(site, sitemap=site.url("/sitemap.xml"))
    crawl(tmp_path / "cw.db", listed)
    site.set("/sitemap.xml", "<urlset><url><loc>broken", content_type="text/xml")
    report = crawl(tmp_path / "cw.db", listed)
    [error] = report.to_dict()["errors"]
    assert error["url"] == site.url("/sitemap.xml")
    assert error["error"].startswith("sitemap: sitemap is not well-formed XML")
    assert outcomes(report)[site.url("/p/a.html")] == "unchanged"
    kinds = [e.kind for e in report.changes]
    assert "record_removed" not in kinds


def test_a_feed_that_cannot_be_fetched_is_a_failed_check_of_its_watch(
    site: TestServer, tmp_path: Path
) -> None:
    site.route("/feed.xml", reset_connection())
    report = crawl(tmp_path / "cw.db", sources(site, feed=site.url("/feed.xml")))
    [error] = report.to_dict()["errors"]
    assert (error["watch"], error["url"]) == ("w", site.url("/feed.xml"))
    assert error["error"].startswith("feed: connection lost")
    assert outcomes(report)[site.url("/index.html")] == "changed"
