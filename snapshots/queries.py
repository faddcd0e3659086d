"""Reading the history back as typed values. Every function takes an open connection so the
caller decides the transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa

from citywatch.errors import StorageError
from citywatch.model import record_from_dict
from snapshots.schema import checks, events, pages, versions
from snapshots.types import (
    ChangeEvent,
    CheckRow,
    EventKind,
    Outcome,
    PageState,
    RecordVersion,
    StoredRecord,
    WatchStatus,
)

__all__ = [
    "all_page_states",
    "change_events",
    "check_rows",
    "current_records",
    "event_from_row",
    "has_baseline",
    "page_state",
    "page_states",
    "record_history",
    "records_as_of",
    "watch_status",
    "watches_with_baseline",
]

_EVENT_COLUMNS = (*events.c, pages.c.watch_id, pages.c.url)
_VERSION_COLUMNS = (*versions.c, pages.c.watch_id, pages.c.url)


def _page_from_row(row: sa.Row) -> PageState:
    return PageState(
        watch_id=row.watch_id,
        url=row.url,
        site=row.site,
        found_on=row.found_on,
        etag=row.etag,
        last_modified=row.last_modified,
        sha256=row.sha256,
        last_checked_at=row.last_checked_at,
        last_outcome=cast(Outcome | None, row.last_outcome),
        consecutive_failures=row.consecutive_failures,
        last_error=row.last_error,
        last_check_id=row.last_check_id,
    )


def page_state(connection: sa.Connection, watch_id: str, url: str) -> PageState | None:
    row = connection.execute(
        sa.select(pages).where(pages.c.watch_id == watch_id, pages.c.url == url)
    ).first()
    return None if row is None else _page_from_row(row)


def page_states(connection: sa.Connection, watch_id: str) -> list[PageState]:
    """The watch's own page first (found on no other page), then discovered pages by first sight."""
    rows = connection.execute(
        sa.select(pages)
        .where(pages.c.watch_id == watch_id)
        .order_by(pages.c.found_on.is_not(None), pages.c.id)
    ).all()
    return [_page_from_row(row) for row in rows]


def has_baseline(connection: sa.Connection, watch_id: str) -> bool:
    """Whether the watch's own page (found on no other) has a successful check. A first crawl
    stores that check after the pages it leads to, so one cut short is still the baseline."""
    query = (
        sa.select(checks.c.id)
        .join(pages, checks.c.page_id == pages.c.id)
        .where(
            pages.c.watch_id == watch_id,
            pages.c.found_on.is_(None),
            checks.c.outcome != "failed",
        )
        .limit(1)
    )
    return connection.execute(query).first() is not None


def all_page_states(connection: sa.Connection) -> list[PageState]:
    """Every page of every watch, for a crawl that reads them once at its start."""
    return [_page_from_row(row) for row in connection.execute(sa.select(pages))]


def watches_with_baseline(connection: sa.Connection) -> set[str]:
    """The watches with a successful check (has_baseline for all of them in one query)."""
    succeeded = (
        sa.select(checks.c.id)
        .where(checks.c.page_id == pages.c.id, checks.c.outcome != "failed")
        .exists()
    )
    query = sa.select(pages.c.watch_id).where(pages.c.found_on.is_(None), succeeded).distinct()
    return set(connection.execute(query).scalars())


def event_from_row(row: sa.Row) -> ChangeEvent:
    return ChangeEvent(
        id=row.id,
        at=row.at,
        kind=cast(EventKind, row.kind),
        watch=row.watch_id,
        url=row.url,
        record=row.record,
        before=row.before,
        fields=tuple(row.fields or ()),
        baseline=bool(row.baseline),
        check_id=row.check_id,
        error=row.error,
    )


def change_events(
    connection: sa.Connection,
    *,
    since: datetime | None = None,
    watch: str | None = None,
    include_baseline: bool = True,
) -> list[ChangeEvent]:
    query = sa.select(*_EVENT_COLUMNS).join(pages, events.c.page_id == pages.c.id)
    if since is not None:
        query = query.where(events.c.at >= since)
    if watch is not None:
        query = query.where(pages.c.watch_id == watch)
    if not include_baseline:
        query = query.where(events.c.baseline.is_(False))
    rows = connection.execute(query.order_by(events.c.at, events.c.id)).all()
    return [event_from_row(row) for row in rows]


def _stored(row: sa.Row) -> StoredRecord:
    return StoredRecord(
        key=row.key,
        record=record_from_dict(row.data),
        watch=row.watch_id,
        url=row.url,
        valid_from=row.valid_from_at,
        valid_to=row.valid_to_at,
        version=row.version,
    )


def _version_query(type: str | None, watch: str | None) -> sa.Select[Any]:
    query = sa.select(*_VERSION_COLUMNS).join(pages, versions.c.page_id == pages.c.id)
    if type is not None:
        query = query.where(versions.c.type == type)
    if watch is not None:
        query = query.where(pages.c.watch_id == watch)
    return query


def current_records(
    connection: sa.Connection, *, type: str | None = None, watch: str | None = None
) -> list[StoredRecord]:
    """Open versions, by watch, page and first appearance."""
    query = _version_query(type, watch).where(versions.c.valid_to_check.is_(None))
    rows = connection.execute(query.order_by(pages.c.watch_id, pages.c.id, versions.c.id)).all()
    return [_stored(row) for row in rows]


def records_as_of(
    connection: sa.Connection, at: datetime, *, type: str | None = None, watch: str | None = None
) -> list[StoredRecord]:
    """Versions valid at `at`: seen by a check at or before it, not yet closed by a later one."""
    if at.tzinfo is None:
        raise StorageError("as-of time must be an aware datetime", at=at.isoformat())
    query = _version_query(type, watch).where(
        versions.c.valid_from_at <= at,
        sa.or_(versions.c.valid_to_at.is_(None), versions.c.valid_to_at > at),
    )
    rows = connection.execute(query.order_by(pages.c.watch_id, pages.c.id, versions.c.id)).all()
    return [_stored(row) for row in rows]


def record_history(connection: sa.Connection, key: str) -> list[RecordVersion]:
    query = (
        sa.select(*_VERSION_COLUMNS)
        .join(pages, versions.c.page_id == pages.c.id)
        .where(versions.c.key == key)
        .order_by(versions.c.version)
    )
    return [
        RecordVersion(
            key=row.key,
            version=row.version,
            record=record_from_dict(row.data),
            valid_from=row.valid_from_at,
            valid_to=row.valid_to_at,
            check_id=row.valid_from_check,
            watch=row.watch_id,
            url=row.url,
            valid_to_check=row.valid_to_check,
        )
        for row in connection.execute(query).all()
    ]


def check_rows(
    connection: sa.Connection, watch_id: str, *, url: str | None = None, limit: int | None = None
) -> list[CheckRow]:
    """The watch's checks, newest first."""
    query = (
        sa.select(*checks.c, pages.c.watch_id, pages.c.url)
        .join(pages, checks.c.page_id == pages.c.id)
        .where(pages.c.watch_id == watch_id)
        .order_by(checks.c.id.desc())
    )
    if url is not None:
        query = query.where(pages.c.url == url)
    if limit is not None:
        query = query.limit(limit)
    return [
        CheckRow(
            id=row.id,
            watch=row.watch_id,
            url=row.url,
            started_at=row.started_at,
            finished_at=row.finished_at,
            outcome=cast(Outcome, row.outcome),
            http_status=row.http_status,
            error=row.error,
            attempts=row.attempts,
            sha256=row.sha256,
            body_sha256=row.body_sha256,
            text_sha256=row.text_sha256,
            content_type=row.content_type,
            encoding=row.encoding,
            etag=row.etag,
            last_modified=row.last_modified,
            baseline=bool(row.baseline),
            record_count=row.record_count,
        )
        for row in connection.execute(query).all()
    ]


def watch_status(connection: sa.Connection) -> list[WatchStatus]:
    """Per watch: its newest check over all its pages, and its worst failing page."""
    counts = (
        sa.select(
            pages.c.watch_id,
            sa.func.count(sa.distinct(pages.c.id)).label("pages"),
            sa.func.count(checks.c.id).label("checks"),
            sa.func.max(checks.c.id).label("last_check"),
            sa.func.max(pages.c.consecutive_failures).label("failures"),
        )
        .select_from(pages.outerjoin(checks, checks.c.page_id == pages.c.id))
        .group_by(pages.c.watch_id)
        .subquery()
    )
    rows = connection.execute(
        sa.select(
            counts,
            checks.c.finished_at,
            checks.c.outcome,
            checks.c.attempts,
        )
        .select_from(counts.outerjoin(checks, checks.c.id == counts.c.last_check))
        .order_by(counts.c.watch_id)
    ).all()
    failing = connection.execute(
        sa.select(pages.c.watch_id, pages.c.last_error)
        .where(pages.c.consecutive_failures > 0)
        .order_by(pages.c.last_checked_at)
    ).all()
    last_error = {row.watch_id: row.last_error for row in failing}
    return [
        WatchStatus(
            watch=row.watch_id,
            pages=row.pages,
            checks=row.checks,
            last_check_at=row.finished_at,
            last_outcome=cast(Outcome | None, row.outcome),
            consecutive_failures=row.failures or 0,
            last_error=last_error.get(row.watch_id),
            tries=row.attempts,
        )
        for row in rows
    ]
