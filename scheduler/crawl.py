"""One crawl: check every watch once — fetch, decide unchanged, parse, store, report.

Every page check ends as a stored check row, whatever happens: a fetch error, a parse error or a
bug in a parser is recorded as a failed check and the crawl goes on. Only a storage failure for
one page is reported without a row (there is nowhere to write it)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from typing import Any

from citywatch import defaults
from citywatch.errors import CitywatchError, FetchError
from citywatch.model import ParseResult
from citywatch.sources import (
    ROBOTS_SITEMAPS,
    FollowLevel,
    Sources,
    Watch,
    alert_kinds,
    merge_alert_urls,
)
from scheduler.listings import FEED, SITEMAP, Listing, listing_result, newest_first, read_listing
from scheduler.outcomes import CrawlReport, PageOutcome, Progress, fresh
from scheduler.parse_worker import parse_bytes
from scraper import Fetcher, FetchResult, Validators
from scraper.discover import SitemapEntry
from snapshots import CheckInput, CheckOutcome, PageIndex, PageState, Store

__all__ = ["CrawlReport", "Crawler", "PageOutcome", "Progress", "parse_bytes"]

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


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
        self._thread: ThreadPoolExecutor | None = None  # parses when no executor is given
        self._index: PageIndex | None = None  # page states read once by run()
        self._batch: list[tuple[CheckInput, asyncio.Future[PageOutcome]]] = []
        self._flush_at: asyncio.TimerHandle | None = None
        self._checking = 0  # page checks under way, those waiting for their batch included

    async def run(self, watches: Iterable[Watch] | None = None) -> CrawlReport:
        started = _now()
        chosen = list(self.sources.watches if watches is None else watches)
        try:
            self._index = self.store.page_index()
        except CitywatchError as exc:  # each page reads its own state instead
            log.warning("cannot read the page states at once: %s", exc.one_line())
        try:
            if self._fetcher is not None:
                outcomes = await self._run_all(self._fetcher, chosen)
            else:
                async with Fetcher(user_agent=self.sources.defaults.user_agent) as fetcher:
                    outcomes = await self._run_all(fetcher, chosen)
        finally:
            self._index = None
            self.flush()
            if self._thread is not None:
                self._thread.shutdown(wait=False)
                self._thread = None
        return CrawlReport(tuple(outcomes), started_at=started, finished_at=_now())

    async def _run_all(self, fetcher: Fetcher, watches: Sequence[Watch]) -> list[PageOutcome]:
        results = await asyncio.gather(*(self.check_watch(fetcher, w) for w in watches))
        return [o for group in results for o in group]

    async def check_watch(self, fetcher: Fetcher, watch: Watch) -> list[PageOutcome]:
        """The watch's own page, then the pages it leads to (follow, feed, sitemap).

        On a watch's first crawl its own page's check is stored last: until then the watch has
        no baseline, so a first crawl cut short and run again is still the baseline (its pages
        are not news), and the pages it stored meanwhile are skipped when `recheck` allows."""
        known = self._index
        has_baseline = known.has_baseline if known is not None else self.store.has_baseline
        baseline = not has_baseline(watch.id)
        leads = bool(watch.follows or watch.feed or watch.sitemap)
        if not (leads and baseline):
            index, fetched = await self.check_page(fetcher, watch, watch.url, None, baseline)
            if not leads:
                return [index]
            held = None
        else:
            self._checking += 1
            try:
                held, records, fetched = await self._check_page(
                    fetcher, watch, watch.url, None, baseline
                )
            finally:
                self._checking -= 1
        listings: list[PageOutcome] = []
        try:
            targets = await self._discover(fetcher, watch, fetched, listings, baseline)
        except CitywatchError as exc:  # a bad selector: say so, keep going
            log.warning("discovery for watch %s: %s", watch.id, exc.one_line())
            read = {o.url for o in listings}
            targets = {
                p.url: p.found_on or watch.url
                for p in self.store.pages(watch.id)
                if p.url != watch.url and p.url not in read
            }
        found = await asyncio.gather(
            *(self._check_followed(fetcher, watch, u, on, baseline) for u, on in targets.items())
        )
        if held is not None:
            index = self._store(held, records=records)
        return [index, *listings, *found]

    async def _check_followed(
        self, fetcher: Fetcher, watch: Watch, url: str, found_on: str, baseline: bool
    ) -> PageOutcome:
        """A followed page: skipped while `recheck` says its last good check is fresh."""
        if fresh(self._page_state(watch.id, url), watch.recheck, _now()):
            outcome = PageOutcome(watch.id, url, "skipped")
            if self.progress is not None:
                self.progress(outcome)
            return outcome
        return (await self.check_page(fetcher, watch, url, found_on, baseline))[0]

    async def _discover(
        self,
        fetcher: Fetcher,
        watch: Watch,
        fetched: FetchResult | None,
        listings: list[PageOutcome],
        baseline: bool,
    ) -> dict[str, str]:
        """The pages the watch's page (through its levels of listings), feed and sitemaps lead
        to now, up to follow_limit, each with the page it was found on.

        When a page was unchanged its stored body is read again, so links are the same as
        last time; when it cannot be read at all, the pages already known from it are checked.
        The checks of listing pages, the feed and sitemaps are appended to `listings`."""
        body = fetched.body if fetched is not None else None
        base = fetched.url if fetched is not None else watch.url
        if body is None:
            body = self._stored_body(watch.id, watch.url)
        links: dict[str, str] = {}
        if body is not None and watch.follows:
            links |= await self._follow(fetcher, watch, base, body, listings, baseline)
        if watch.feed:
            feed = await self._check_listing(fetcher, watch, watch.feed, FEED, baseline, listings)
            links |= {url: watch.url for url in feed.urls if url not in links}
        if watch.sitemap:
            pages = await self._sitemap_pages(fetcher, watch, baseline, listings)
            links |= {url: watch.url for url in pages if url not in links}
        failed = {o.url for o in listings if o.outcome == "failed"}
        if (not links and body is None) or failed:  # keep checking what is known
            for page in self.store.pages(watch.id):
                if not failed or body is None or page.found_on in failed | {watch.url}:
                    links.setdefault(page.url, page.found_on or watch.url)
        read = {o.url for o in listings}
        ordered = [(u, on) for u, on in links.items() if u != watch.url and u not in read]
        return dict(ordered[: watch.follow_limit])

    async def _follow(
        self,
        fetcher: Fetcher,
        watch: Watch,
        url: str,
        body: bytes,
        listings: list[PageOutcome],
        baseline: bool,
    ) -> dict[str, str]:
        """Walk the watch's follow levels from its own page: the links of every level but the
        last are listing pages, checked and stored like the watch's page (and always fetched,
        so that new pages are found); the last level's links are the pages watched."""
        levels = watch.follow_levels()
        pages: list[tuple[str, bytes]] = [(url, body)]
        for depth, level in enumerate(levels):
            found = await self._links(pages, level, watch, exclude={watch.url})
            if depth == len(levels) - 1:
                return found
            pages = []
            checks = await asyncio.gather(
                *(self.check_page(fetcher, watch, u, on, baseline) for u, on in found.items())
            )
            for (listing_url, _), (outcome, got) in zip(found.items(), checks, strict=True):
                listings.append(outcome)
                page_body = got.body if got is not None else None
                if page_body is None:
                    page_body = self._stored_body(watch.id, listing_url)
                if page_body is not None:
                    pages.append((got.url if got is not None else listing_url, page_body))
        return {}

    async def _links(
        self, pages: list[tuple[str, bytes]], level: FollowLevel, watch: Watch, exclude: set[str]
    ) -> dict[str, str]:
        """One level's links from its pages, each with the first page it was found on."""
        found: dict[str, str] = {}
        for page_url, page_body in pages:
            for link in await _follow_links(
                page_body,
                page_url,
                selector=level.selector,
                pattern=level.pattern,
                limit=watch.follow_limit,
            ):
                if link not in exclude:
                    found.setdefault(link, page_url)
                if len(found) >= watch.follow_limit:
                    return found
        return found

    def _stored_body(self, watch_id: str, url: str) -> bytes | None:
        state = self.store.page_state(watch_id, url)
        if state is not None and state.sha256:
            return self.store.body(state.sha256)
        return None

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
        pattern = watch.follow_levels()[-1].pattern
        wanted = re.compile(pattern) if pattern else None
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
            "failing_after": watch.alert_after_failures,
            "city": watch.city,
            "alert_on": alert_kinds(self.sources, watch),
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
        self._checking += 1
        try:
            check, records, fetched = await self._check_page(
                fetcher, watch, url, found_on, baseline
            )
            if check.outcome == "unchanged":
                return await self._store_later(check), None
            return self._store(check, records=records), fetched
        finally:
            self._checking -= 1

    async def _check_page(
        self, fetcher: Fetcher, watch: Watch, url: str, found_on: str | None, baseline: bool
    ) -> tuple[CheckInput, int, FetchResult | None]:
        """Fetch and parse one page: the check to store, its record count, and what was
        fetched when a new body came."""
        started = _now()
        state = self._page_state(watch.id, url)
        common: dict[str, Any] = {
            "watch_id": watch.id,
            "url": url,
            "site": watch.site,
            "found_on": found_on,
            "started_at": started,
            "baseline": baseline,
            "alert_initial": self.alert_initial,
            "channels": tuple(merge_alert_urls(self.sources, watch)),
            "failing_after": watch.alert_after_failures,
            "city": watch.city,
            "alert_on": alert_kinds(self.sources, watch),
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
            return check, 0, None
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
            return check, 0, None
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
            return check, 0, fetched
        except BrokenProcessPool as exc:  # the pool replaces itself on the next parse
            log.warning("the parse process died parsing %s: %s", url, exc)
            check = CheckInput(
                **common,
                **fetch_facts,
                finished_at=_now(),
                outcome="failed",
                error="parser error: the parse process died (crashed or killed)",
            )
            return check, 0, fetched
        except Exception as exc:  # a parser bug must not stop the crawl
            log.exception("parser %s crashed on %s", watch.site, url)
            check = CheckInput(
                **common,
                **fetch_facts,
                finished_at=_now(),
                outcome="failed",
                error=f"parser error: {type(exc).__name__}: {exc}"[:300],
            )
            return check, 0, fetched
        check = CheckInput(
            **common, **fetch_facts, finished_at=_now(), outcome="changed", result=result
        )
        return check, len(result.records), fetched

    async def _parse(self, fetched: FetchResult, watch: Watch) -> ParseResult:
        args = (
            fetched.body or b"",
            fetched.url,
            watch.site,
            watch.city,
            fetched.content_type,
            fetched.encoding,
        )
        executor = self.executor
        if executor is None:  # one thread: off the loop, and parsers never run concurrently
            if self._thread is None:
                self._thread = ThreadPoolExecutor(1, thread_name_prefix="citywatch-parse")
            executor = self._thread
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(executor, parse_bytes, *args)

    def _page_state(self, watch_id: str, url: str) -> PageState | None:
        if self._index is not None:
            return self._index.state(watch_id, url)
        return self.store.page_state(watch_id, url)

    def _store(self, check: CheckInput, *, records: int = 0) -> PageOutcome:
        try:
            stored: CheckOutcome | CitywatchError = self.store.record_check(check)
        except CitywatchError as exc:
            stored = exc
        return self._outcome(check, stored, records)

    def _outcome(
        self, check: CheckInput, stored: CheckOutcome | Exception, records: int = 0
    ) -> PageOutcome:
        if isinstance(stored, Exception):
            said = stored.one_line() if isinstance(stored, CitywatchError) else repr(stored)
            log.error("could not store the check of %s: %s", check.url, said)
            outcome = PageOutcome(check.watch_id, check.url, "failed", error=f"storage: {said}")
        else:
            outcome = PageOutcome(
                check.watch_id, check.url, check.outcome, tuple(stored.events), check.error, records
            )
        if self.progress is not None:
            self.progress(outcome)
        return outcome

    async def _store_later(self, check: CheckInput) -> PageOutcome:
        """Store an unchanged check with others in one transaction: at CHECK_BATCH checks, when
        every check under way is waiting for the batch (nothing else could join it), or
        CHECK_BATCH_WAIT seconds after the first. Each check is still stored whole; a check
        whose task is cancelled meanwhile is stored all the same."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[PageOutcome] = loop.create_future()
        self._batch.append((check, waiter))
        if len(self._batch) >= min(defaults.CHECK_BATCH, self._checking):
            self.flush()
        elif self._flush_at is None:
            self._flush_at = loop.call_later(defaults.CHECK_BATCH_WAIT, self.flush)
        return await waiter

    def flush(self) -> None:
        """Store the unchanged checks waiting for their batch (a daemon calls it at stop)."""
        if self._flush_at is not None:
            self._flush_at.cancel()
            self._flush_at = None
        batch, self._batch = self._batch, []
        if not batch:
            return
        answers: list[CheckOutcome | Exception]
        try:
            answers = list(self.store.record_checks([check for check, _ in batch]))
        except Exception as exc:  # a bug here must not leave the checks waiting forever
            answers = [exc] * len(batch)
        for (check, waiter), answer in zip(batch, answers, strict=True):
            outcome = self._outcome(check, answer)
            if not waiter.done():
                waiter.set_result(outcome)


async def _follow_links(body: bytes, base: str, **options: Any) -> list[str]:
    """Links of a page, found in a thread: reading a large or hostile page takes time the
    loop's other fetches need."""
    from scraper.discover import follow_links

    return await asyncio.to_thread(follow_links, body, base, **options)


async def _read_listing(kind: str, body: bytes, url: str, max_bytes: int) -> Listing:
    """Read a listing in a thread: its XML is untrusted and may be large."""
    return await asyncio.to_thread(read_listing, kind, body, url, max_bytes)


def _validators(state: PageState | None) -> Validators | None:
    if state is None or (state.last_outcome == "failed" and not state.sha256):
        return None
    return Validators(etag=state.etag, last_modified=state.last_modified)


def _keep(state: PageState | None, name: str) -> str | None:
    return None if state is None else getattr(state, name)
