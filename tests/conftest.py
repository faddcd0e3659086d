"""Shared fixtures. Plugin modules hold the fixtures of each part:

- tests.support.server_fixtures: the session-scoped local HTTP server (`http_server`, `server`);
- tests.support.db: database URLs for SQLite and PostgreSQL (`store_url`);
- tests.support.e2e: a mutable copy of the watched sites served locally, and crawl helpers;
- tests.support.reaper: the session leaves no process alive (checked at teardown).
"""

pytest_plugins = [
    "tests.support.server_fixtures",
    "tests.support.db",
    "tests.support.e2e",
    "tests.support.reaper",
]
