"""HTTP for citywatch: polite, conditional, bounded and guarded fetching, plus link discovery.

Imports only `citywatch`; the scheduler joins this layer to parsers and storage."""

from scraper.discover import alternate_feeds, feed_links, follow_links, sitemap_links
from scraper.fetcher import Fetcher
from scraper.guard import Resolver, is_public
from scraper.politeness import HostGates, jittered, stable_offset, stagger
from scraper.result import FetchResult, Validators
from scraper.robots import RobotsRules

__all__ = [
    "FetchResult",
    "Fetcher",
    "HostGates",
    "Resolver",
    "RobotsRules",
    "Validators",
    "alternate_feeds",
    "feed_links",
    "follow_links",
    "is_public",
    "jittered",
    "sitemap_links",
    "stable_offset",
    "stagger",
]
