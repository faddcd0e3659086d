"""Reading real-world events back as typed values (now, as of a time, or one event whole).
Every function takes an open connection so the caller decides the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from citywatch.errors import StorageError
from snapshots.event_types import EventDetail, EventSource, EventVersion, StoredEvent
from snapshots.reconcile import reconcile
from snapshots.schema import pages, real_event_sources, real_event_versions, real_events

__all__ = ["event_detail", "events_as_of", "events_by_id"]

S, V, E = real_event_sources, real_event_versions, real_events


def _source(row: Any) -> EventSource:
    """Last seen: an open source stood on its page at the page's last good check."""
    last = row.last_seen_at
    if row.left_at is None and row.last_outcome != "failed" and row.last_checked_at is not None:
        last = max(last, row.last_checked_at)
    return EventSource(
        key=row.key,
        url=row.url,
        watch=row.watch_id,
        first_seen=row.first_seen_at,
        last_seen=last,
        joined_at=row.joined_at,
        left_at=row.left_at,
    )


def _sources(
    connection: sa.Connection, ids: Sequence[int], at: datetime | None, *, all_stays: bool = False
) -> dict[int, list[EventSource]]:
    query = (
        sa.select(
            S.c.event_id,
            S.c.key,
            S.c.first_seen_at,
            S.c.last_seen_at,
            S.c.joined_at,
            S.c.left_at,
            pages.c.url,
            pages.c.watch_id,
            pages.c.last_checked_at,
            pages.c.last_outcome,
        )
        .join(pages, pages.c.id == S.c.page_id)
        .where(S.c.event_id.in_(ids))
        .order_by(S.c.id)
    )
    if at is not None:
        query = query.where(S.c.joined_at <= at, sa.or_(S.c.left_at.is_(None), S.c.left_at > at))
    elif not all_stays:
        query = query.where(S.c.left_check.is_(None))
    out: dict[int, list[EventSource]] = {}
    for row in connection.execute(query):
        out.setdefault(row.event_id, []).append(_source(row))
    return out


def _events(
    connection: sa.Connection, where: Sequence[Any], at: datetime | None
) -> list[StoredEvent]:
    query = (
        sa.select(
            E.c.id,
            E.c.type,
            E.c.created_at,
            E.c.removed_at,
            V.c.version,
            V.c.data,
            V.c.valid_from_at,
        )
        .join(V, V.c.event_id == E.c.id)
        .where(*where)
        .order_by(E.c.id)
    )
    rows = connection.execute(query).all()
    sources = _sources(connection, [row.id for row in rows], at) if rows else {}
    return [
        StoredEvent(
            id=row.id,
            type=row.type,
            version=row.version,
            data=row.data,
            sources=tuple(sources.get(row.id, ())),
            created_at=row.created_at,
            updated_at=row.valid_from_at,
            removed_at=row.removed_at,
        )
        for row in rows
    ]


def events_as_of(
    connection: sa.Connection, at: datetime | None = None, *, type: str | None = None
) -> list[StoredEvent]:
    """The events now (at None), or as they stood at `at`; oldest first."""
    if at is None:
        where: list[Any] = [E.c.removed_check.is_(None), V.c.valid_to_check.is_(None)]
    else:
        if at.tzinfo is None:
            raise StorageError("as-of time must be an aware datetime", at=at.isoformat())
        where = [V.c.valid_from_at <= at, sa.or_(V.c.valid_to_at.is_(None), V.c.valid_to_at > at)]
    if type is not None:
        where.append(E.c.type == type)
    return _events(connection, where, at)


def events_by_id(connection: sa.Connection, ids: Sequence[int]) -> list[StoredEvent]:
    """These events as they stand now (removed ones with their last fields and no sources)."""
    chain = V.alias("chain")
    latest = (
        sa.select(sa.func.max(chain.c.version)).where(chain.c.event_id == E.c.id).scalar_subquery()
    )
    return _events(connection, [E.c.id.in_(ids), V.c.version == latest], None)


def event_detail(connection: sa.Connection, event_id: int) -> EventDetail | None:
    """One event with every version and every source stay, or None when there is no such id."""
    found = events_by_id(connection, [event_id])
    if not found:
        return None
    query = sa.select(V).where(V.c.event_id == event_id).order_by(V.c.version)
    chain = tuple(
        EventVersion(
            version=row.version,
            data=row.data,
            valid_from=row.valid_from_at,
            valid_to=row.valid_to_at,
            check_id=row.valid_from_check,
        )
        for row in connection.execute(query)
    )
    stays = _sources(connection, [event_id], None, all_stays=True).get(event_id, [])
    reconciled = reconcile(connection, event_id=event_id)
    return EventDetail(found[0], chain, tuple(stays), reconciled[0] if reconciled else None)
