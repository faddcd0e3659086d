"""Every default in one place, so a reader can see what citywatch does when told nothing."""

from __future__ import annotations

from citywatch import __version__

__all__ = [
    "ALERT_BATCH",
    "ALERT_MIN_LEASE",
    "ALERT_POLL",
    "ALERT_RETRY_BASE",
    "ALERT_RETRY_MAX",
    "CHECK_BATCH",
    "CHECK_BATCH_WAIT",
    "CHECK_CONCURRENCY",
    "CONNECT_TIMEOUT",
    "DB_BUSY_TIMEOUT",
    "DB_URL",
    "DELIVERY_LEASE",
    "FAILING_AFTER",
    "FEED_ENTRIES",
    "FEED_PATH",
    "FOLLOW_LIMIT",
    "INTERVAL",
    "JITTER_FRACTION",
    "MAX_BODY_BYTES",
    "MAX_REDIRECTS",
    "PER_HOST_CONCURRENCY",
    "PER_HOST_DELAY",
    "READ_TIMEOUT",
    "RETRIES",
    "RETRY_AFTER_CAP",
    "RETRY_BACKOFF",
    "SITEMAPS_PER_WATCH",
    "SOURCES_PATH",
    "SOURCES_POLL",
    "STARTUP_SPREAD",
    "STOP_DEADLINE",
    "STOP_GRACE",
    "TOTAL_TIMEOUT",
    "USER_AGENT",
    "ZSTD_LEVEL",
]

DB_URL = "sqlite:///citywatch.db"
DB_BUSY_TIMEOUT = 30.0  # seconds a SQLite writer waits for the lock
ZSTD_LEVEL = 12  # bodies are written once and read rarely: favour size
SOURCES_PATH = "sources.toml"
FEED_PATH = "citywatch-changes.atom"

INTERVAL = "6h"
PER_HOST_DELAY = "1s"
PER_HOST_CONCURRENCY = 2
JITTER_FRACTION = 0.1
FOLLOW_LIMIT = 50
SITEMAPS_PER_WATCH = 5  # sitemap files read per watch and check, index children included
USER_AGENT = f"citywatch/{__version__} (+https://github.com/citywatch/citywatch)"

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 20.0
TOTAL_TIMEOUT = 60.0
MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
RETRIES = 3
RETRY_BACKOFF = 0.5
RETRY_AFTER_CAP = 120.0

CHECK_BATCH = 64  # unchanged checks stored in one transaction (one commit)
CHECK_BATCH_WAIT = 0.05  # seconds an unchanged check waits for others before it is stored
FAILING_AFTER = 3
ALERT_RETRY_BASE = 30.0
ALERT_RETRY_MAX = 6 * 3600.0
DELIVERY_LEASE = ALERT_RETRY_BASE  # a claimed delivery is free again after this

# The daemon
ALERT_POLL = 5.0  # seconds between outbox polls
SOURCES_POLL = 2.0  # seconds between looks at sources.toml for changes
CHECK_CONCURRENCY = 16  # checks running at once (bodies in memory, database writers)
STARTUP_SPREAD = 600.0  # overdue and new watches start within min(interval, this)
STOP_GRACE = 5.0  # running checks may finish within this after SIGTERM
STOP_DEADLINE = 9.0  # everything is closed by then (the promise is 10 s)

# Alerts
ALERT_BATCH = 20  # outbox rows claimed at a time
ALERT_MIN_LEASE = 15.0  # a claim lasts at least this long
FEED_ENTRIES = 200  # entries kept in the Atom feed file
