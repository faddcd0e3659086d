"""Every default in one place, so a reader can see what citywatch does when told nothing."""

from __future__ import annotations

from citywatch import __version__

__all__ = [
    "ALERT_AFTER_FAILURES",
    "ALERT_BATCH",
    "ALERT_MIN_LEASE",
    "ALERT_ON",
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
    "EVENT_MAX_SPAN_DAYS",
    "EVENT_PUBLISHED_WITHIN_DAYS",
    "FAILED_CHECK_RETRIES",
    "FAILING_AFTER",
    "FEED_ENTRIES",
    "FEED_PATH",
    "FLEET_ALIVE_EVERY",
    "FLEET_CHECK_ATTEMPTS",
    "FLEET_CLEANUP_EVERY",
    "FLEET_CONNECT_TIMEOUT",
    "FLEET_FETCH_POLL",
    "FLEET_FORGET_AFTER",
    "FLEET_GRACEFUL",
    "FLEET_HEARTBEAT",
    "FLEET_KEEP_FINISHED_HOURS",
    "FLEET_RETRY_POLL",
    "FLEET_SCHEDULER_POOL",
    "FLEET_STALLED_AFTER",
    "FLEET_STORAGE_RETRY_WAIT",
    "FLEET_SWEEP",
    "FLEET_TIMER_SLACK",
    "FLEET_WARM_UP_TIMEOUT",
    "FLEET_WORKER_CONCURRENCY",
    "FLEET_WORKER_POOL_MAX",
    "FOLLOW_LIMIT",
    "INTERVAL",
    "JITTER_FRACTION",
    "MAX_BODY_BYTES",
    "MAX_REDIRECTS",
    "PARSE_PARENT_POLL",
    "PARSE_WORKERS",
    "PER_HOST_CONCURRENCY",
    "PER_HOST_DELAY",
    "READ_TIMEOUT",
    "REGISTER_SITES",
    "RETRIES",
    "RETRY_AFTER_CAP",
    "RETRY_BACKOFF",
    "SITEMAPS_PER_WATCH",
    "SOURCES_PATH",
    "SOURCES_POLL",
    "STARTUP_SPREAD",
    "STOP_DEADLINE",
    "STOP_GRACE",
    "THIRD_PARTY_SITES",
    "TOTAL_TIMEOUT",
    "USER_AGENT",
    "WEB_HOST",
    "WEB_PAGE_SIZE",
    "WEB_PAGE_SIZE_MAX",
    "WEB_PORT",
    "ZSTD_LEVEL",
]

DB_URL = "sqlite:///citywatch.db"
DB_BUSY_TIMEOUT = 30.0  # seconds a SQLite writer waits for the lock
ZSTD_LEVEL = 9  # on 30 KB pages: the ratio of level 12 (7.7) at 0.24 ms instead of 0.6
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
ALERT_AFTER_FAILURES = FAILING_AFTER  # failed checks in a row before a failure alert
FAILED_CHECK_RETRIES = (300.0, 900.0, 3600.0)  # a failed check is tried again after these
# (seconds; the last repeats), never later than the watch's own interval
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
PARSE_WORKERS = 1  # parse processes of the daemon and of a fleet worker
PARSE_PARENT_POLL = 1.0  # seconds between a parse process's looks at whether its parent lives

# Alerts
ALERT_BATCH = 20  # outbox rows claimed at a time
ALERT_MIN_LEASE = 15.0  # a claim lasts at least this long
FEED_ENTRIES = 200  # entries kept in the Atom feed file
# Alerts are about real-world events (one per trip, whatever the number of pages telling it);
# event_source_added and the record-level kinds alert only when a watch or [alerts] asks.
ALERT_ON = ("event_added", "event_changed", "event_removed")

# Linking records into events (snapshots/linking.py)
EVENT_PUBLISHED_WITHIN_DAYS = 28  # an undated record's page came out this soon after the event
EVENT_MAX_SPAN_DAYS = 366  # a longer stated visit is taken as this long (bounds the lookup)

# Reconciling programmes (snapshots/reconcile.py): the register's sites, and the sites whose
# pages are neither the register nor a city's own (a press wire, a network of cities)
REGISTER_SITES = frozenset({"clair"})
THIRD_PARTY_SITES = frozenset({"prtimes", "citynet"})

# The fleet (`citywatch scheduler` and `citywatch worker`)
FLEET_STALLED_AFTER = 30.0  # a worker silent this long is dead: its checks are run again
FLEET_FORGET_AFTER = 300.0  # silent workers are forgotten after max(this, 10 x stalled-after)
FLEET_SWEEP = 5.0  # seconds between the scheduler's looks for checks of dead workers
FLEET_RETRY_POLL = 30.0  # seconds between the scheduler's looks for failed checks to retry
FLEET_CLEANUP_EVERY = 3600.0  # seconds between deletions of old finished jobs
FLEET_KEEP_FINISHED_HOURS = 24 * 7  # failed and aborted jobs stay this long for a look
FLEET_TIMER_SLACK = 0.25  # a timer firing this early still names the slot it was set for
FLEET_SCHEDULER_POOL = 4  # database connections of a scheduler's queue
FLEET_WORKER_POOL_MAX = 10  # database connections of a worker's queue, at the most
FLEET_WORKER_CONCURRENCY = 8  # checks a worker runs at once
FLEET_HEARTBEAT = 5.0  # seconds between a worker's heartbeats
FLEET_GRACEFUL = 20.0  # running checks may finish within this after SIGTERM; then requeued
FLEET_FETCH_POLL = 5.0  # seconds between a worker's looks at the queue (besides LISTEN)
FLEET_ALIVE_EVERY = 5.0  # seconds between touches of --alive-file
FLEET_WARM_UP_TIMEOUT = 120.0  # a worker waits this long for its parse process to load
FLEET_CHECK_ATTEMPTS = 5  # runs of one check job before it is failed
FLEET_STORAGE_RETRY_WAIT = 5  # seconds before retrying a check the database refused, x attempts
FLEET_CONNECT_TIMEOUT = 10  # seconds to connect to the fleet's database

# The dashboard (`citywatch serve`, `daemon --serve`)
WEB_HOST = "127.0.0.1"  # any other address needs a token or --public
WEB_PORT = 8080
WEB_PAGE_SIZE = 50  # rows per page of a table or an API answer
WEB_PAGE_SIZE_MAX = 1000  # the most `limit` may ask for
