"""One crawl: check every watch once — fetch, decide unchanged, parse, store, report.

Every page check ends as a stored check row, whatever happens: a fetch error, a parse error or a
bug in a parser is recorded as a failed check and the crawl goes on. Only a storage failure for
one page is reported without a row (there is nowhere to write it)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import parsers
from citywatch import defaults
from citywatch.errors import CitywatchError, FetchError
from citywatch.model import Page, ParseResult
from citywatch.sources import ROBOTS_SITEMAPS, Sources, Watch, merge_alert_urls
from scheduler.listings import FEED, SITEMAP, Listing, listing_result, newest_first, read_listing
from scraper import Fetcher, FetchResult, Validators
from scraper.discover import SitemapEntry, follow_links
from snapshots import ChangeEvent, CheckInput, PageState, Store

__all__ = ["CrawlReport", "Crawler", "PageOutcome", "parse_bytes"]

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def parse_bytes(
    body: bytes,
    url: str,
    site: str,
    city: str | None,
    content_type: str | None,
    encoding: str | None,
) -> ParseResult:
    """Top-level so a process pool can run it."""
    page = Page(body=body, url=url, content_type=content_type, encoding=encoding, city=city)
    return parsers.parse_page(page, site)


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """What one page check came to."""

    watch: str
    url: str
    outcome: str  # changed | unchanged | failed
    events: tuple[ChangeEvent, ...] = ()
    error: str | None = None
    records: int = 0


@dataclass(frozen=True, slots=True)
class CrawlReport:
    outcomes: tuple[PageOutcome, ...] = ()
    started_at: datetime = field(default_factory=_now)
    finished_at: datetime = field(default_factory=_now)

    def _count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def checked(self) -> int:
        return len(self.outcomes)

    @property
    def failed(self) -> int:
        return self._count("failed")

    @property
    def changes(self) -> list[ChangeEvent]:
        return [e for o in self.outcomes for e in o.events]

    def to_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "unchanged": self._count("unchanged"),
            "changed": self._count("changed"),
            "failed": self.failed,
            "changes": [e.to_dict() for e in self.changes],
            "errors": [
                {"watch": o.watch, "url": o.url, "error": o.error}
                for o in self.outcomes
                if o.outcome == "failed"
            ],
        }


Progress = Callable[[PageOutcome], None]


class Crawler:
    """Checks watches against one store. One instance serves a one-off crawl or a daemon."""

    def __init__(
        self,
        store: Store,
        sources: Sources,
        *,
        alert_initial: bool = False,
        executor: Executor | None = None,
        progress: Progress | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        self.store = store
        self.sources = sources
        self.alert_initial = alert_initial
        self.executor = executor
        self.progress = progress
        self._fetcher = fetcher

    async def run(self, watches: Iterable[Watch] | None = None) -> CrawlReport:
        started = _now()
        chosen = list(self.sources.watches if watches is None else watches)
        if self._fetcher is not None:
            outcomes = await self._run_all(self._fetcher, chosen)
        else:
            async with Fetcher(user_agent=self.sources.defaults.user_agent) as fetcher:
                outcomes = await self._run_all(fetcher, chosen)
        return CrawlReport(tuple(outcomes), started_at=started, finished_at=_now())

    async def _run_all(self, fetcher: Fetcher, watches: Sequence[Watch]) -> list[PageOutcome]:
        results = await asyncio.gather(*(self.check_watch(fetcher, w) for w in watches))
        return [o for group in results for o in group]

    async def check_watch(self, fetcher: Fetcher, watch: Watch) -> list[PageOutcome]:
        """The watch's own page, then the pages it leads to (follow, feed)."""
        baseline = not self.store.has_baseline(watch.id)
        index, fetched = await self.check_page(fetcher, watch, watch.url, None, baseline)
        outcomes = [index]
        if not (watch.follow or watch.follow_pattern or watch.feed or watch.sitemap):
            return outcomes
        listings: list[PageOutcome] = []
        try:
            targets = await self._discover(fetcher, watch, fetched, listings, baseline)
        except CitywatchError as exc:  # a bad selector: say so, keep going
            log.warning("discovery for watch %s: %s", watch.id, exc.one_line())
            targets = [p.url for p in self.store.pages(watch.id) if p.url != watch.url]
            targets = [u for u in targets if u not in {o.url for o in listings}]
        outcomes.extend(listings)
        if targets:
            found = await asyncio.gather(
                *(self.check_page(fetcher, watch, url, watch.url, baseline) for url in targets)
            )
            outcomes.extend(o for o, _ in found)
        return outcomes

    async def _discover(
        self,
        fetcher: Fetcher,
        watch: Watch,
        fetched: FetchResult | None,
        listings: list[PageOutcome],
        baseline: bool,
    ) -> list[str]:
        """The pages the watch's page, feed and sitemaps lead to now, up to follow_limit.

        When the index was unchanged its stored body is read again, so links are the same as
        last time; when it cannot be read at all, the pages already known are checked. The
        checks of the feed and sitemaps are appended to `listings`."""
        body = fetched.body if fetched is not None else None
        base = fetched.url if fetched is not None else watch.url
        if body is None:
            state = self.store.page_state(watch.id, watch.url)
            if state is not None and state.sha256:
                body = self.store.body(state.sha256)
        links: list[str] = []
        if body is not None and (watch.follow or watch.follow_pattern):
            links += follow_links(
                body,
                base,
                selector=watch.follow,
                pattern=watch.follow_pattern,
                limit=watch.follow_limit,
            )
        if watch.feed:
            feed = await self._check_listing(fetcher, watch, watch.feed, FEED, baseline, listings)
            links += feed.urls
        if watch.sitemap:
            links += await self._sitemap_pages(fetcher, watch, baseline, listings)
        listing_failed = any(o.outcome == "failed" for o in listings)
        if (not links and body is None) or listing_failed:  # keep checking what is known
            links += [p.url for p in self.store.pages(watch.id)]
        read = {o.url for o in listings}
        ordered = list(dict.fromkeys(u for u in links if u != watch.url and u not in read))
        return ordered[: watch.follow_limit]

    async def _sitemap_pages(
        self, fetcher: Fetcher, watch: Watch, baseline: bool, listings: list[PageOutcome]
    ) -> list[str]:
        """Pages from the watch's sitemaps (one level of sitemap index followed), newest
        `<lastmod>` first, kept by `follow_pattern` when there is one."""
        if watch.sitemap == ROBOTS_SITEMAPS:
            try:
                queue = list((await fetcher.robots(watch.url, watch)).sitemaps)
            except FetchError as exc:
                log.warning("robots.txt of watch %s: %s", watch.id, exc.one_line())
                queue = []
        else:
            queue = [watch.sitemap] if watch.sitemap else []
        wanted = re.compile(watch.follow_pattern) if watch.follow_pattern else None
        entries: list[SitemapEntry] = []
        seen: set[str] = set()
        while queue and len(seen) < defaults.SITEMAPS_PER_WATCH:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            listing = await self._check_listing(fetcher, watch, url, SITEMAP, baseline, listings)
            if listing.is_index and len(seen) == 1:  # an index's children, not theirs
                queue.extend(listing.urls)
            elif not listing.is_index:
                entries += [e for e in listing.entries if wanted is None or wanted.search(e.url)]
        return [entry.url for entry in newest_first(entries)]

    async def _check_listing(
        self,
        fetcher: Fetcher,
        watch: Watch,
        url: str,
        kind: str,
        baseline: bool,
        listings: list[PageOutcome],
    ) -> Listing:
        """Fetch and read one feed or sitemap, storing the check (see scheduler/listings.py).
        A failure is a failed check in `listings` and an empty Listing."""
        started = _now()
        state = self.store.page_state(watch.id, url)
        common: dict[str, Any] = {
            "watch_id": watch.id,
            "url": url,
            "site": watch.site,
            "found_on": watch.url,
            "started_at": started,
            "baseline": baseline,
            "alert_initial": self.alert_initial,
            "channels": tuple(merge_alert_urls(self.sources, watch)),
        }
        facts: dict[str, Any] = {}
        try:
            fetched = await fetcher.fetch(url, watch, validators=_validators(state))
            facts = {"http_status": fetched.status, "attempts": fetched.attempts}
            same = state is not None and fetched.sha256 == state.sha256
            if fetched.not_modified or same:
                assert state is not None
                body = self.store.body(state.sha256) if state.sha256 else None
                listing = await _read_listing(kind, body or b"", url, watch.max_bytes)
                check = CheckInput(
                    **common,
                    **facts,
                    finished_at=_now(),
                    outcome="unchanged",
                    etag=fetched.etag or state.etag,
                    last_modified=fetched.last_modified or state.last_modified,
                    sha256=state.sha256,
                )
            else:
                body = fetched.body or b""
                facts.update(
                    body=body,
                    content_type=fetched.content_type,
                    encoding=fetched.encoding,
                    etag=fetched.etag,
                    last_modified=fetched.last_modified,
                    sha256=fetched.sha256,
                )
                listing = await _read_listing(kind, body, url, watch.max_bytes)
                result = listing_result(url, watch.site, listing)
                check = CheckInput(
                    **common, **facts, finished_at=_now(), outcome="changed", result=result
                )
        except CitywatchError as exc:  # unreachable, refused (unsafe XML) or not a feed/sitemap
            error = exc.one_line(omit=("url",))
            failed = {k: v for k, v in facts.items() if k != "sha256"}
            if isinstance(exc, FetchError):
                failed = {
                    "http_status": exc.context.get("status"),
                    "attempts": exc.context.get("attempts", 1),
                }
            check = CheckInput(
                **common, **failed, finished_at=_now(), outcome="failed", error=f"{kind}: {error}"
            )
            listing = Listing(())
        listings.append(self._store(check))
        return listing

    async def check_page(
        self, fetcher: Fetcher, watch: Watch, url: str, found_on: str | None, baseline: bool
    ) -> tuple[PageOutcome, FetchResult | None]:
        """Check one page and store the check. Returns the outcome and what was fetched, when
        a new body came (None when the page failed or was unchanged)."""
        started = _now()
        state = self.store.page_state(watch.id, url)
        common: dict[str, Any] = {
            "watch_id": watch.id,
            "url": url,
            "site": watch.site,
            "found_on": found_on,
            "started_at": started,
            "baseline": baseline,
            "alert_initial": self.alert_initial,
            "channels": tuple(merge_alert_urls(self.sources, watch)),
        }
        body: bytes | None = None
        try:
            fetched = await fetcher.fetch(url, watch, validators=_validators(state))
        except FetchError as exc:
            check = CheckInput(
                **common,
                finished_at=_now(),
                outcome="failed",
                error=exc.one_line(omit=("url",)),
                http_status=exc.context.get("status"),
                attempts=exc.context.get("attempts", 1),
            )
            return self._store(check), None
        if fetched.not_modified or (state is not None and fetched.sha256 == state.sha256):
            check = CheckInput(
                **common,
                finished_at=_now(),
                outcome="unchanged",
                http_status=fetched.status,
                attempts=fetched.attempts,
                etag=fetched.etag or _keep(state, "etag"),
                last_modified=fetched.last_modified or _keep(state, "last_modified"),
                sha256=fetched.sha256 or _keep(state, "sha256"),
            )
            return self._store(check), None
        body = fetched.body
        fetch_facts: dict[str, Any] = {
            "http_status": fetched.status,
            "attempts": fetched.attempts,
            "body": body,
            "content_type": fetched.content_type,
            "encoding": fetched.encoding,
            "etag": fetched.etag,
            "last_modified": fetched.last_modified,
            "sha256": fetched.sha256,
        }
        try:
            result = await self._parse(fetched, watch)
        except CitywatchError as exc:
            check = CheckInput(
                **common,
                **fetch_facts,
                finished_at=_now(),
                outcome="failed",
                error=exc.one_line(omit=("url",)),
            )
            return self._store(check), fetched
        except Exception as exc:  # a parser bug must not stop the crawl
            log.exception("parser %s crashed on %s", watch.site, url)
            check = CheckInput(
                **common,
                **fetch_facts,
                finished_at=_now(),
                outcome="failed",
                error=f"parser error: {type(exc).__name__}: {exc}"[:300],
            )
            return self._store(check), fetched
        check = CheckInput(
            **common, **fetch_facts, finished_at=_now(), outcome="changed", result=result
        )
        return self._store(check, records=len(result.records)), fetched

    async def _parse(self, fetched: FetchResult, watch: Watch) -> ParseResult:
        args = (
            fetched.body or b"",
            fetched.url,
            watch.site,
            watch.city,
            fetched.content_type,
            fetched.encoding,
        )
        if self.executor is None:
            return parse_bytes(*args)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, parse_bytes, *args)

    def _store(self, check: CheckInput, *, records: int = 0) -> PageOutcome:
        try:
            stored = self.store.record_check(check)
        except CitywatchError as exc:
            log.error("could not store the check of %s: %s", check.url, exc.one_line())
            outcome = PageOutcome(
                check.watch_id, check.url, "failed", error=f"storage: {exc.one_line()}"
            )
        else:
            outcome = PageOutcome(
                check.watch_id, check.url, check.outcome, tuple(stored.events), check.error, records
            )
        if self.progress is not None:
            self.progress(outcome)
        return outcome


async def _read_listing(kind: str, body: bytes, url: str, max_bytes: int) -> Listing:
    """Read a listing in a thread: its XML is untrusted and may be large."""
    return await asyncio.to_thread(read_listing, kind, body, url, max_bytes)


def _validators(state: PageState | None) -> Validators | None:
    if state is None or (state.last_outcome == "failed" and not state.sha256):
        return None
    return Validators(etag=state.etag, last_modified=state.last_modified)


def _keep(state: PageState | None, name: str) -> str | None:
    return None if state is None else getattr(state, name)
