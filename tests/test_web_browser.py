"""The dashboard in a real headless browser (Debian's chromium driven by Playwright), after a
crawl of the offline demo sites: every page loads without a console error, the map shades the
countries the records name and filters by a click, the timeline shows the records' months, a
filter changes the table, and hostile scraped strings never run nor become live links.

Screenshots of each page go to $CITYWATCH_SCREENSHOTS (docs/screenshots when refreshing the
README's), else to the test's tmp dir. The server runs on a thread of this process and the
browser is closed in teardown: nothing outlives the test."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from citywatch.model import Place
from scheduler.status_view import status_json
from snapshots import Store
from tests.support.db import PageFeed, visit
from tests.support.e2e import LocalSites
from web import create_app
from web.serve import serving_in_thread

CHROMIUM = os.environ.get("CITYWATCH_CHROMIUM", "/usr/bin/chromium")
playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM) and os.environ.get("CI", "").lower() != "true",
        reason=f"no chromium at {CHROMIUM} (apt-get install chromium)",
    ),
]

HOSTILE_TITLE = (
    "<script>window.__pwned = 'title'</script><img src=x onerror=\"window.__pwned='img'\">"
)
HOSTILE_PLACE = '" onmouseover="window.__pwned=\'attr\'" data-x="'
HOSTILE_URL = "javascript:window.__pwned='link'"


@dataclass
class Site:
    base: str
    shots: Path
    store_url: str


def _hostile(store: Store) -> None:
    feed = PageFeed(watch_id="hostile", url=HOSTILE_URL, site="generic")
    store.record_check(
        feed.changed(
            visit(
                "v-hostile",
                start="2024-02-03",
                title=HOSTILE_TITLE,
                summary=HOSTILE_URL,
                places=(Place(HOSTILE_PLACE, "KR"),),
                participants=(HOSTILE_URL,),
            )
        )
    )


@pytest.fixture
def site(local_sites: LocalSites, tmp_path: Path) -> Iterator[Site]:
    report = local_sites.crawl()
    assert report.checked and not report.failed, report.to_dict()
    shots = Path(os.environ.get("CITYWATCH_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    sources = local_sites.sources()
    with Store(local_sites.db_url) as store:
        _hostile(store)
        app = create_app(
            store,
            sources=sources,
            status=lambda s: status_json(s, local_sites.db_url, sources),
        )
        with serving_in_thread(app) as base:
            yield Site(base.rstrip("/"), shots, local_sites.db_url)


@pytest.fixture
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Watched:
    page: Any
    problems: list[str]


@pytest.fixture
def tab(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    try:
        yield Watched(page, problems)
    finally:
        context.close()


def _open(tab: Watched, url: str) -> None:
    response = tab.page.goto(url)
    assert response is not None and response.status == 200, url
    tab.page.wait_for_load_state("load")


def _pwned(tab: Watched) -> Any:
    return tab.page.evaluate("() => window.__pwned")


def _records(site: Site, **filters: str) -> list[dict[str, Any]]:
    with Store(site.store_url) as store:
        return [r.to_dict() for r in store.current_records(**filters)]  # type: ignore[arg-type]


PAGES = ["changes", "records", "events", "timeline", "map", "watches"]


def test_every_page_loads_clean_and_is_photographed(site: Site, tab: Watched) -> None:
    key = next(r["key"] for r in _records(site, type="visit") if r["places"] and r["title"])
    paths = [*PAGES, f"records/{key}", "diff/saitama-history"]
    for name in paths:
        _open(tab, f"{site.base}/{name}")
        shot = name.replace("/", "-") if not name.startswith("records/") else "record"
        tab.page.screenshot(path=str(site.shots / f"{shot}.png"), full_page=True)
    assert tab.problems == []
    assert _pwned(tab) is None


def test_the_map_shades_each_country_and_a_click_filters(site: Site, tab: Watched) -> None:
    named = {
        p["country"] for r in _records(site, type="visit") for p in r["places"] if p["country"]
    }
    assert named
    _open(tab, f"{site.base}/map")
    shaded = set(
        tab.page.eval_on_selector_all("path.country.shaded", "els => els.map(e => e.dataset.code)")
    )
    assert shaded == named
    for code in shaded:
        fill = tab.page.eval_on_selector(
            f'path.country.shaded[data-code="{code}"]', "e => getComputedStyle(e).fill"
        )
        assert fill != "rgb(217, 222, 227)"  # not the unshaded grey
    code = sorted(shaded)[0]
    tab.page.click(f'#worldmap a[data-code="{code}"]')
    tab.page.wait_for_url(re.compile(rf"/records\?.*country={code}"))
    rows = tab.page.eval_on_selector_all("#records tbody tr[data-key]", "els => els.length")
    expected = [
        r for r in _records(site, type="visit") if code in {p["country"] for p in r["places"]}
    ]
    assert rows == len(expected) > 0
    assert tab.problems == []


def test_the_timeline_shows_the_records_months(site: Site, tab: Watched) -> None:
    months = {
        r["start"][:7]
        for r in _records(site, type="visit")
        if r["start"] and len(r["start"]) >= 7 and r["direction"]
    }
    # The timeline draws the newest months (web.views.MAX_MONTHS); the register's histories
    # go back further.
    _open(tab, f"{site.base}/timeline")
    shown = set(
        tab.page.eval_on_selector_all("#months tbody tr", "els => els.map(e => e.dataset.month)")
    )
    bars = set(
        tab.page.eval_on_selector_all(
            "svg.timeline rect.bar", "els => els.map(e => e.dataset.month)"
        )
    )
    # Only months older than every month drawn may be left out: the window keeps the newest.
    assert all(m < min(shown) for m in months - shown), sorted(months - shown)
    assert shown <= months and bars == shown
    assert tab.problems == []


def test_a_filter_changes_the_table(site: Site, tab: Watched) -> None:
    _open(tab, f"{site.base}/records")
    before = tab.page.eval_on_selector_all("#records tbody tr[data-key]", "els => els.length")
    tab.page.select_option('select[name="type"]', "programme")  # the script submits on change
    tab.page.wait_for_url(re.compile(r"/records\?type=programme$"))
    after = tab.page.eval_on_selector_all("#records tbody tr[data-key]", "els => els.length")
    programmes = len(_records(site, type="programme"))
    assert after == min(programmes, 50) and after != before
    assert tab.problems == []


def test_hostile_strings_never_run_nor_link(site: Site, tab: Watched) -> None:
    for path in [
        "/records?country=KR",
        "/records/v-hostile",
        "/changes?watch=hostile",
        "/map?country=KR",
        "/timeline",
    ]:
        _open(tab, site.base + path)
        tab.page.hover("body")
        for element in tab.page.query_selector_all("[data-x], td, li"):
            element.hover(trial=True)
        hrefs = tab.page.eval_on_selector_all(
            "a[href]", "els => els.map(e => e.getAttribute('href'))"
        )
        assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")], path
        assert tab.page.query_selector("[onmouseover], [onerror], img[src='x']") is None, path
        assert _pwned(tab) is None, path
    _open(tab, site.base + "/records/v-hostile")
    assert HOSTILE_TITLE in tab.page.inner_text("h1")  # shown as text, whole
    tab.page.screenshot(path=str(site.shots / "hostile.png"), full_page=True)
    assert tab.problems == []
