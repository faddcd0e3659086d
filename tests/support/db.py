"""Database fixtures, loaded as a pytest plugin (`pytest_plugins = ["tests.support.db"]`).

`store_url` gives every test a fresh, empty database on each backend: a SQLite file in the test's
tmp dir, and a PostgreSQL schema of its own (dropped afterwards), so tests share nothing and run
in any order. Without a PostgreSQL server the PostgreSQL half skips with the reason, except
under CI=true, where it fails.

`CITYWATCH_TEST_PG` overrides the server URL (default: postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from psycopg import sql

from citywatch.model import Milestone, PageInfo, ParseResult, Place, Programme, Record, Visit
from snapshots import CheckInput

__all__ = [
    "PG_URL",
    "RECORD_ALERTS",
    "PageFeed",
    "pg_admin_url",
    "pg_schema_url",
    "postgres_unavailable",
    "programme",
    "sqlite_url",
    "store_url",
    "visit",
]

PG_URL = os.environ.get("CITYWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pg_admin_url() -> str:
    """The server URL in the form psycopg takes."""
    return sa.make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)


@cache
def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used here, or None when it can."""
    try:
        with psycopg.connect(pg_admin_url(), connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"PostgreSQL at {sa.make_url(PG_URL).render_as_string()} is unreachable: {first}"
    return None


def _need_postgres() -> None:
    reason = postgres_unavailable()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run)")
    pytest.skip(reason)


def sqlite_url(path: os.PathLike[str] | str) -> str:
    return f"sqlite:///{os.fspath(path)}"


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A URL whose default schema is a fresh PostgreSQL schema, dropped after the test."""
    _need_postgres()
    schema = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(pg_admin_url(), autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    url = sa.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(pg_admin_url(), autocommit=True) as connection:
            drop = sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
            connection.execute(drop)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh database URL, once per backend."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path_factory.mktemp("db") / "citywatch.db")
    return str(request.getfixturevalue("pg_schema_url"))


#: What PageFeed's checks alert on: record-level news, which most store tests are about (the
#: event level has tests of its own).
RECORD_ALERTS = ("record_added", "record_changed", "record_removed")


@dataclass
class PageFeed:
    """Builds the `CheckInput`s of one page as a crawl would, on a clock that moves one minute
    per check, so tests can say what a page showed without repeating plumbing."""

    watch_id: str = "w"
    url: str = "https://example.org/a"
    site: str = "saitama"
    found_on: str | None = None
    channels: tuple[str, ...] = ()
    clock: datetime = field(default_factory=lambda: datetime(2024, 1, 1, tzinfo=UTC))
    checks: int = 0

    def _times(self) -> tuple[datetime, datetime]:
        self.checks += 1
        started = self.clock + timedelta(minutes=self.checks)
        return started, started + timedelta(seconds=2)

    def changed(
        self,
        *records: Record,
        text: str | None = None,
        body: bytes | None = None,
        **extra: Any,
    ) -> CheckInput:
        """A fetched and parsed body. The body and text follow the records unless given."""
        if text is None:
            text = "\n".join(f"{r.key} {r.start} {r.title}" for r in records)
        if body is None:
            body = json.dumps([r.to_dict() for r in records], ensure_ascii=False).encode()
        started, finished = self._times()
        info = PageInfo(url=self.url, site=self.site)
        return self._build(
            extra,
            started_at=started,
            finished_at=finished,
            outcome="changed",
            http_status=200,
            body=body,
            content_type="text/html",
            encoding="utf-8",
            etag=f'"{hashlib.sha256(body).hexdigest()[:12]}"',
            sha256=hashlib.sha256(body).hexdigest(),
            result=ParseResult(info=info, records=tuple(records), text=text),
        )

    def unchanged(self, **extra: Any) -> CheckInput:
        started, finished = self._times()
        return self._build(
            extra, started_at=started, finished_at=finished, outcome="unchanged", http_status=304
        )

    def failed(self, error: str = "HTTP 503 from server", **extra: Any) -> CheckInput:
        started, finished = self._times()
        return self._build(
            extra,
            started_at=started,
            finished_at=finished,
            outcome="failed",
            http_status=503,
            error=error,
            attempts=3,
        )

    def _build(self, extra: dict[str, Any], **values: Any) -> CheckInput:
        common: dict[str, Any] = {
            "watch_id": self.watch_id,
            "url": self.url,
            "site": self.site,
            "found_on": self.found_on,
            "channels": self.channels,
            "alert_on": RECORD_ALERTS,
        }
        return CheckInput(**{**common, **values, **extra})


def visit(key: str, start: str | None = "2023-08-06", **fields: Any) -> Visit:
    """A visit with a fixed key; fields override the defaults."""
    values: dict[str, Any] = {
        "direction": "outbound",
        "start": start,
        "end": None,
        "places": (Place("クアラルンプール", "MY"),),
        "participants": ("清水勇人市長",),
        "title": f"visit {key}",
    }
    values.update(fields)
    return Visit(key=key, **values)


def programme(key: str, **fields: Any) -> Programme:
    values: dict[str, Any] = {
        "start": "2019",
        "places": (Place("Kuala Lumpur", "MY"),),
        "partners": ("CITYNET",),
        "milestones": (Milestone("2019-04", "MoU signed"),),
        "title": f"programme {key}",
    }
    values.update(fields)
    return Programme(key=key, **values)
