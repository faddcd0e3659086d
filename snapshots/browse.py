"""Reading the history a page at a time, filtered in the database: what a dashboard or an API
needs when the store holds a hundred thousand versions and only fifty are shown.

The same values as `Store.current_records` and `Store.changes` come back (`StoredRecord`,
`ChangeEvent`), so their `to_dict()` stays the one JSON shape. Cursors are opaque strings; a
cursor that was not made here raises `ValueError`."""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from snapshots.queries import _EVENT_COLUMNS, _VERSION_COLUMNS, _stored, event_from_row
from snapshots.schema import checks, events, pages, versions
from snapshots.types import ChangeEvent, StoredRecord

if TYPE_CHECKING:
    from snapshots.store import Store

__all__ = [
    "ChangeFilter",
    "ChangePage",
    "RecordFilter",
    "RecordPage",
    "changes_page",
    "history_stamp",
    "record_months",
    "records_all",
    "records_page",
]

#: Sorts after every character of an ISO date, so "2024-07" + this covers all of July.
_AFTER_DATE = "~"


@dataclass(frozen=True, slots=True)
class RecordFilter:
    """Which records: every field narrows; None means any. `watches` None is every watch, an
    empty tuple none. Dates are ISO prefixes (YYYY, YYYY-MM or YYYY-MM-DD): a record is kept
    when its span [start, end or start] meets [date_from, date_to]."""

    type: str | None = None
    direction: str | None = None
    watches: tuple[str, ...] | None = None
    country: str | None = None
    text: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    as_of: datetime | None = None


@dataclass(frozen=True, slots=True)
class ChangeFilter:
    """Which change events: kinds (None: all), watches (None: all), [since, until)."""

    kinds: tuple[str, ...] | None = None
    watches: tuple[str, ...] | None = None
    since: datetime | None = None
    until: datetime | None = None
    include_baseline: bool = True


@dataclass(frozen=True, slots=True)
class RecordPage:
    """One page of records, newest start first; `next` continues after the last one."""

    records: list[StoredRecord]
    next: str | None
    total: int


@dataclass(frozen=True, slots=True)
class ChangePage:
    """One page of change events in the order asked for; `next` continues after the last."""

    events: list[ChangeEvent]
    next: str | None


def _encode(*parts: Any) -> str:
    raw = json.dumps(list(parts), separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, shape: Sequence[type]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
    except (binascii.Error, ValueError):
        raise ValueError("not a cursor from this server") from None
    if not isinstance(parts, list) or len(parts) != len(shape):
        raise ValueError("not a cursor from this server")
    pairs = zip(parts, shape, strict=True)
    if not all(isinstance(p, t) and not isinstance(p, bool) for p, t in pairs):
        raise ValueError("not a cursor from this server")
    return parts


def _start() -> sa.ColumnElement[str]:
    return sa.func.coalesce(versions.c.data["start"].as_string(), "")


def _record_query(where: RecordFilter) -> sa.Select[Any]:
    query = sa.select(*_VERSION_COLUMNS).join(pages, versions.c.page_id == pages.c.id)
    if where.as_of is None:
        query = query.where(versions.c.valid_to_check.is_(None))
    else:
        query = query.where(
            versions.c.valid_from_at <= where.as_of,
            sa.or_(versions.c.valid_to_at.is_(None), versions.c.valid_to_at > where.as_of),
        )
    if where.type is not None:
        query = query.where(versions.c.type == where.type)
    if where.watches is not None:
        query = query.where(pages.c.watch_id.in_(where.watches))
    if where.direction is not None:
        query = query.where(versions.c.data["direction"].as_string() == where.direction)
    text = sa.cast(versions.c.data, sa.Text)
    if where.country is not None:
        # The stored JSON is written compactly (engine._dumps), on both backends as written.
        needle = json.dumps({"country": where.country.upper()}, separators=(",", ":"))[1:-1]
        query = query.where(text.contains(needle, autoescape=True))
    if where.text:
        query = query.where(text.icontains(where.text, autoescape=True))
    start = versions.c.data["start"].as_string()
    if where.date_to is not None:
        query = query.where(start.is_not(None), start <= where.date_to + _AFTER_DATE)
    if where.date_from is not None:
        last = sa.func.coalesce(versions.c.data["end"].as_string(), start)
        query = query.where(last.is_not(None), last + _AFTER_DATE >= where.date_from)
    return query


#: The order of a filtered view, remembered until the history moves: (store, stamp, filter)
#: -> [(start, id), ...] newest first. Sorting by a date inside the JSON costs a parse of
#: every matching row; paging through a view, or showing it again, should not.
_ORDERS: OrderedDict[tuple[str, tuple[int, int], RecordFilter], list[tuple[str, int]]] = (
    OrderedDict()
)
_ORDERS_KEPT = 4
_ORDERS_LOCK = threading.Lock()


def _order(connection: sa.Connection, store_url: str, where: RecordFilter) -> list[tuple[str, int]]:
    key = (store_url, _stamp(connection), where)
    with _ORDERS_LOCK:
        known = _ORDERS.get(key)
        if known is not None:
            _ORDERS.move_to_end(key)
            return known
    query = _record_query(where).with_only_columns(_start(), versions.c.id)
    rows = connection.execute(query.order_by(_start().desc(), versions.c.id.desc())).all()
    order = [(row[0], row[1]) for row in rows]
    with _ORDERS_LOCK:
        _ORDERS[key] = order
        while len(_ORDERS) > _ORDERS_KEPT:
            _ORDERS.popitem(last=False)
    return order


def records_page(
    store: Store, where: RecordFilter, *, cursor: str | None = None, limit: int = 50
) -> RecordPage:
    """The filtered records by start, newest first (undated last), `limit` at a time."""
    after = _decode(cursor, (str, int)) if cursor else None

    def read(connection: sa.Connection) -> RecordPage:
        order = _order(connection, store.url, where)
        at = 0
        if after is not None:
            # The list runs from the largest (start, id) down; skip those not below the cursor.
            at = bisect.bisect_left(order, 1, key=lambda item: _below(item, after))
        chosen = order[at : at + limit]
        wanted = [row_id for _, row_id in chosen]
        rows = connection.execute(
            sa.select(*_VERSION_COLUMNS)
            .join(pages, versions.c.page_id == pages.c.id)
            .where(versions.c.id.in_(wanted))
        ).all()
        by_id = {row.id: row for row in rows}
        found = [_stored(by_id[row_id]) for row_id in wanted if row_id in by_id]
        following = None
        if at + limit < len(order) and chosen:
            following = _encode(*chosen[-1])
        return RecordPage(found, following, len(order))

    return store._read("cannot read records", read)


def _below(item: tuple[str, int], cursor: list[Any]) -> int:
    """Bisect key: 0 while `item` is at or above the cursor, 1 once below it."""
    return 0 if (item[0], item[1]) >= (cursor[0], cursor[1]) else 1


def records_all(store: Store, where: RecordFilter) -> list[StoredRecord]:
    """Every filtered record, by start, newest first (for downloads, maps and timelines)."""
    query = _record_query(where).order_by(_start().desc(), versions.c.id.desc())
    return store._read(
        "cannot read records", lambda c: [_stored(row) for row in c.execute(query).all()]
    )


def record_months(store: Store, where: RecordFilter) -> list[tuple[str, str, str, str | None]]:
    """(watch, type, start, direction) of every filtered record with a start date: the few
    fields a timeline counts, without decoding whole records."""
    query = (
        _record_query(where)
        .with_only_columns(
            pages.c.watch_id,
            versions.c.type,
            versions.c.data["start"].as_string(),
            versions.c.data["direction"].as_string(),
        )
        .where(versions.c.data["start"].as_string().is_not(None))
    )
    return store._read(
        "cannot read records",
        lambda c: [(r[0], r[1], r[2], r[3]) for r in c.execute(query).all()],
    )


def changes_page(
    store: Store,
    where: ChangeFilter,
    *,
    cursor: str | None = None,
    limit: int = 100,
    newest_first: bool = True,
) -> ChangePage:
    """Change events in the CLI's order, by time then id (newest first unless told),
    `limit` at a time."""
    after = _decode(cursor, (str, int)) if cursor else None
    query = sa.select(*_EVENT_COLUMNS).join(pages, events.c.page_id == pages.c.id)
    if where.kinds is not None:
        query = query.where(events.c.kind.in_(where.kinds))
    if where.watches is not None:
        query = query.where(pages.c.watch_id.in_(where.watches))
    if where.since is not None:
        query = query.where(events.c.at >= where.since)
    if where.until is not None:
        query = query.where(events.c.at < where.until)
    if not where.include_baseline:
        query = query.where(events.c.baseline.is_(False))
    if after is not None:
        try:
            at = datetime.fromisoformat(after[0])
        except ValueError:
            raise ValueError("not a cursor from this server") from None
        if at.tzinfo is None:
            raise ValueError("not a cursor from this server")
        if newest_first:
            query = query.where(
                sa.or_(events.c.at < at, sa.and_(events.c.at == at, events.c.id < after[1]))
            )
        else:
            query = query.where(
                sa.or_(events.c.at > at, sa.and_(events.c.at == at, events.c.id > after[1]))
            )
    if newest_first:
        order = (events.c.at.desc(), events.c.id.desc())
    else:
        order = (events.c.at.asc(), events.c.id.asc())

    def read(connection: sa.Connection) -> ChangePage:
        rows = connection.execute(query.order_by(*order).limit(limit + 1)).all()
        found = [event_from_row(row) for row in rows[:limit]]
        following = None
        if len(rows) > limit and found:
            following = _encode(found[-1].at.isoformat(), found[-1].id)
        return ChangePage(found, following)

    return store._read("cannot read changes", read)


def _stamp(connection: sa.Connection) -> tuple[int, int]:
    check = connection.execute(sa.select(sa.func.max(checks.c.id))).scalar()
    event = connection.execute(sa.select(sa.func.max(events.c.id))).scalar()
    return (check or 0, event or 0)


def history_stamp(store: Store) -> tuple[int, int]:
    """The newest check and event ids: the history changed when these did (versions are
    written only with a check)."""
    return store._read("cannot read the history's state", _stamp)
