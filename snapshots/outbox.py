"""The alert outbox. Rows are written with the check that caused them (see `recording`); here
they are claimed, marked delivered or failed.

A claim is a lease: the claimed rows' `next_attempt_at` moves `lease` into the future, so a
second process does not take them, and a process that dies mid-delivery leaves them to be taken
again when the lease runs out. On PostgreSQL the claim skips rows another claim has locked
(FOR UPDATE SKIP LOCKED); on SQLite the write transaction itself serialises claims.

A claim names its holder (`claimed_by`, see citywatch/holders.py). Rows whose holder is known to
be gone (a process on this host that no longer runs) are due at once, whatever their lease says:
a crawl killed mid-delivery does not hold its alerts back until the next run after the lease.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from citywatch.errors import StorageError
from citywatch.holders import holder_gone
from snapshots.queries import event_from_row
from snapshots.schema import checks, deliveries, events, pages
from snapshots.types import ChangeEvent, Delivery

__all__ = ["claim_due", "list_deliveries", "mark_delivered", "mark_failed"]


def _with_events(connection: sa.Connection, rows: Sequence[sa.Row]) -> list[Delivery]:
    check_ids = sorted({row.check_id for row in rows})
    by_check: dict[int, list[ChangeEvent]] = defaultdict(list)
    if check_ids:
        query = (
            sa.select(*events.c, pages.c.watch_id, pages.c.url)
            .join(pages, events.c.page_id == pages.c.id)
            .where(events.c.check_id.in_(check_ids), events.c.alert.is_(True))
            .order_by(events.c.id)
        )
        for row in connection.execute(query).all():
            by_check[row.check_id].append(event_from_row(row))
    return [
        Delivery(
            id=row.id,
            channel=row.channel,
            check_id=row.check_id,
            watch=row.watch_id,
            url=row.url,
            events=by_check[row.check_id],
            attempts=row.attempts,
            created_at=row.created_at,
            next_attempt_at=row.next_attempt_at,
            delivered_at=row.delivered_at,
            last_error=row.last_error,
            claimed_by=row.claimed_by,
        )
        for row in rows
    ]


def _select() -> sa.Select[Any]:
    return (
        sa.select(*deliveries.c, pages.c.watch_id, pages.c.url)
        .join(checks, deliveries.c.check_id == checks.c.id)
        .join(pages, checks.c.page_id == pages.c.id)
    )


def _gone_holders(
    connection: sa.Connection, now: datetime, holder: str, gone: Callable[[str], bool]
) -> list[str]:
    """Holders of leases still running whose process is known to have ended."""
    held = connection.execute(
        sa.select(deliveries.c.claimed_by)
        .where(
            deliveries.c.delivered_at.is_(None),
            deliveries.c.next_attempt_at > now,
            deliveries.c.claimed_by.is_not(None),
            deliveries.c.claimed_by != holder,
        )
        .distinct()
    )
    return sorted(h for h in held.scalars().all() if gone(h))


def claim_due(
    connection: sa.Connection,
    *,
    now: datetime,
    limit: int,
    lease: timedelta,
    holder: str,
    gone: Callable[[str], bool] = holder_gone,
) -> list[Delivery]:
    """Take up to `limit` due deliveries, oldest first, for `lease`, as `holder`; rows held by a
    process that is `gone` are due at once. Run in a write transaction."""
    due = deliveries.c.next_attempt_at <= now
    if dead := _gone_holders(connection, now, holder, gone):
        due = sa.or_(due, deliveries.c.claimed_by.in_(dead))
    ids = (
        connection.execute(
            sa.select(deliveries.c.id)
            .where(deliveries.c.delivered_at.is_(None), due)
            .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        .scalars()
        .all()
    )
    if not ids:
        return []
    rows = connection.execute(
        _select().where(deliveries.c.id.in_(ids)).order_by(deliveries.c.id)
    ).all()
    connection.execute(
        sa.update(deliveries)
        .where(deliveries.c.id.in_(ids))
        .values(next_attempt_at=now + lease, claimed_by=holder)
    )
    return _with_events(connection, rows)


def list_deliveries(
    connection: sa.Connection, *, check_id: int | None = None, pending_only: bool = False
) -> list[Delivery]:
    """Outbox rows without claiming them (for status, tests and the CLI)."""
    query = _select().order_by(deliveries.c.id)
    if check_id is not None:
        query = query.where(deliveries.c.check_id == check_id)
    if pending_only:
        query = query.where(deliveries.c.delivered_at.is_(None))
    return _with_events(connection, connection.execute(query).all())


def _update(connection: sa.Connection, delivery_id: int, **values: Any) -> None:
    done = connection.execute(
        sa.select(deliveries.c.delivered_at).where(deliveries.c.id == delivery_id)
    ).first()
    if done is None:
        raise StorageError("no such delivery", delivery=delivery_id)
    if done.delivered_at is not None:
        return  # delivered already: a late failure report must not resurrect it
    connection.execute(
        sa.update(deliveries)
        .where(deliveries.c.id == delivery_id)
        .values(attempts=deliveries.c.attempts + 1, **values)
    )


def mark_delivered(connection: sa.Connection, delivery_ids: Sequence[int], *, at: datetime) -> None:
    """Mark sent, in one statement for the lot: it runs between a send and its record, the
    window in which a crash means the alert goes again. Rows delivered already are left."""
    ids = list(dict.fromkeys(delivery_ids))
    done = connection.execute(
        sa.update(deliveries)
        .where(deliveries.c.id.in_(ids), deliveries.c.delivered_at.is_(None))
        .values(
            attempts=deliveries.c.attempts + 1, delivered_at=at, last_error=None, claimed_by=None
        )
    )
    if done.rowcount == len(ids):
        return
    known = connection.execute(sa.select(deliveries.c.id).where(deliveries.c.id.in_(ids)))
    missing = sorted(set(ids) - set(known.scalars().all()))
    if missing:
        raise StorageError("no such delivery", delivery=missing[0])


def mark_failed(
    connection: sa.Connection, delivery_id: int, *, error: str, retry_at: datetime
) -> None:
    _update(
        connection,
        delivery_id,
        last_error=" ".join(error.split()),
        next_attempt_at=retry_at,
        claimed_by=None,  # waiting for its retry, held by no one
    )
