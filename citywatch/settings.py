"""Process-wide settings. The environment is read here and nowhere else."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from citywatch import defaults

__all__ = ["Settings", "database_url"]


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the database and the watch list live, and how loudly to log.

    Command-line flags win over the environment, which wins over `citywatch.defaults`.
    """

    db_url: str = defaults.DB_URL
    sources_path: str = defaults.SOURCES_PATH
    feed_path: str = defaults.FEED_PATH
    log_level: str = "WARNING"
    web_token: str | None = None  # the dashboard's access token (CITYWATCH_WEB_TOKEN)

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        db_url: str | None = None,
        sources_path: str | None = None,
    ) -> Settings:
        env = os.environ if env is None else env
        return cls(
            db_url=database_url(db_url or env.get("CITYWATCH_DB") or defaults.DB_URL),
            sources_path=sources_path or env.get("CITYWATCH_SOURCES") or defaults.SOURCES_PATH,
            feed_path=env.get("CITYWATCH_FEED") or defaults.FEED_PATH,
            log_level=(env.get("CITYWATCH_LOG_LEVEL") or "WARNING").upper(),
            web_token=env.get("CITYWATCH_WEB_TOKEN") or None,
        )


def database_url(value: str) -> str:
    """A database URL; a bare path (`/tmp/x.db`, `history.db`) means a SQLite file there.

    Only what looks like a file path is taken so: anything else stays as given, and the store
    says it is not a URL (showing the `sqlite:///` form)."""
    looks_like_file = "/" in value or value.endswith((".db", ".sqlite", ".sqlite3"))
    if "://" in value or not looks_like_file or any(c.isspace() for c in value):
        return value
    return f"sqlite:///{value}"
