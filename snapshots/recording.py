"""Writing one check: body, check row, record versions, change events and outbox rows, all on the
caller's transaction so a check is stored whole or not at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from citywatch.channels import channel_ref
from citywatch.errors import StorageError
from snapshots.blobs import put_blob, sha256_hex
from snapshots.diffing import diff_records
from snapshots.events import link_page
from snapshots.schema import checks, deliveries, events, pages, versions
from snapshots.types import OUTCOMES, ChangeEvent, CheckInput, CheckOutcome, EventKind

__all__ = ["validate_check", "write_check"]


@dataclass(frozen=True, slots=True)
class _NewEvent:
    """An event before it has an id. `alert`: record and layout events always; page_failed only
    on the try that makes the page failing; page_recovered once; page_changed never."""

    kind: EventKind
    key: str | None = None
    record: Mapping[str, Any] | None = None
    before: Mapping[str, Any] | None = None
    fields: tuple[str, ...] = ()
    error: str | None = None
    alert: bool = False


def validate_check(check: CheckInput) -> None:
    """Refuse inputs that would store a half-truth, before any transaction starts."""
    context = {"watch": check.watch_id, "url": check.url}
    if check.outcome not in OUTCOMES:
        raise StorageError(f"unknown check outcome {check.outcome!r}", **context)
    for name in ("started_at", "finished_at"):
        value: datetime = getattr(check, name)
        if value.tzinfo is None or value.utcoffset() is None:
            raise StorageError(f"{name} must be an aware datetime", **context)
    if check.outcome == "changed" and (check.body is None or check.result is None):
        raise StorageError("a changed check needs its body and parse result", **context)
    if check.outcome == "unchanged" and check.body is not None:
        raise StorageError("an unchanged check stores no body", **context)
    if check.outcome == "failed" and check.result is not None:
        raise StorageError("a failed check has no parse result", **context)
    if check.failing_after < 1:
        raise StorageError("failing_after must be at least 1", **context)
    seen: set[str] = set()
    for record in check.result.records if check.result else ():
        if not record.key:
            raise StorageError("a record without a key cannot be versioned", **context)
        if record.key in seen:
            raise StorageError("two records on one page share a key", key=record.key, **context)
        seen.add(record.key)


# Statements built once: building a Core statement costs more than running it on SQLite, and
# an unchanged check runs three of them. Values come as bound parameters at execution.
_PAGE = (
    sa.select(pages)
    .where(pages.c.watch_id == sa.bindparam("p_watch"), pages.c.url == sa.bindparam("p_url"))
    .with_for_update()
)
_NEW_PAGE = {
    name: dialect.insert(pages).on_conflict_do_nothing()
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_NEW_CHECK = sa.insert(checks).returning(checks.c.id)
_PAGE_UPDATE = sa.update(pages).where(pages.c.id == sa.bindparam("p_id"))


def _lock_page(connection: sa.Connection, check: CheckInput) -> sa.Row:
    """The page row, created on first sight and locked (PostgreSQL) for this transaction."""
    key = {"p_watch": check.watch_id, "p_url": check.url}
    row = connection.execute(_PAGE, key).first()
    if row is None:
        connection.execute(
            _NEW_PAGE[connection.dialect.name],
            {
                "watch_id": check.watch_id,
                "url": check.url,
                "site": check.site,
                "found_on": check.found_on,
                "consecutive_failures": 0,
            },
        )
        row = connection.execute(_PAGE, key).one()
    return row


def _record_events(
    connection: sa.Connection, page: sa.Row, check: CheckInput, check_id: int
) -> list[_NewEvent]:
    """Move the page's version chains to what this parse says and name what moved."""
    assert check.result is not None
    at = check.finished_at
    open_rows = connection.execute(
        sa.select(versions.c.id, versions.c.key, versions.c.data)
        .where(versions.c.page_id == page.id, versions.c.valid_to_check.is_(None))
        .order_by(versions.c.id)
    ).all()
    before = {row.key: row.data for row in open_rows}
    open_ids = {row.key: row.id for row in open_rows}
    now = {record.key: record.to_dict() for record in check.result.records}
    types = {record.key: record.type for record in check.result.records}

    def close(keys: Sequence[str]) -> None:
        if keys:
            connection.execute(
                sa.update(versions)
                .where(versions.c.id.in_([open_ids[key] for key in keys]))
                .values(valid_to_check=check_id, valid_to_at=at)
            )

    if before and not now:
        close(list(before))
        return [_NewEvent("layout_changed", alert=True)]

    diff = diff_records(before, now)
    changed = dict(diff.changed)
    opening = [key for key in now if key in changed or key not in before]
    close(diff.removed + tuple(changed))
    if opening:
        latest = dict(
            connection.execute(
                sa.select(versions.c.key, sa.func.max(versions.c.version))
                .where(versions.c.key.in_(opening))
                .group_by(versions.c.key)
            ).all()
        )
        connection.execute(
            sa.insert(versions),
            [
                {
                    "page_id": page.id,
                    "key": key,
                    "version": (latest.get(key) or 0) + 1,
                    "type": types[key],
                    "data": now[key],
                    "valid_from_check": check_id,
                    "valid_from_at": at,
                }
                for key in opening
            ],
        )
    out = []
    for key in opening:
        if key in changed:
            out.append(
                _NewEvent("record_changed", key, now[key], before[key], changed[key], alert=True)
            )
        else:
            out.append(_NewEvent("record_added", key, now[key], alert=True))
    out.extend(_NewEvent("record_removed", key, before[key], alert=True) for key in diff.removed)
    return out


_HEALTH_KINDS = frozenset({"page_failed", "page_recovered"})
_NEWS_PREFIXES = ("record_", "event_")


def _alerts(event: _NewEvent, alerting: bool, alert_on: tuple[str, ...] = ()) -> bool:
    """A baseline holds back news, not health: a new watch that keeps failing still alerts.
    News (record and event kinds) alerts only when its kind is in the check's `alert_on`."""
    if event.kind.startswith(_NEWS_PREFIXES) and event.kind not in alert_on:
        return False
    return event.alert and (alerting or event.kind in _HEALTH_KINDS)


def _insert_events(
    connection: sa.Connection,
    new: list[_NewEvent],
    *,
    page: sa.Row,
    check: CheckInput,
    check_id: int,
    alerting: bool,
) -> list[ChangeEvent]:
    if not new:
        return []
    rows = [
        {
            "check_id": check_id,
            "page_id": page.id,
            "at": check.finished_at,
            "kind": event.kind,
            "key": event.key,
            "record": dict(event.record) if event.record is not None else None,
            "before": dict(event.before) if event.before is not None else None,
            "fields": list(event.fields),
            "baseline": check.baseline,
            "error": event.error,
            "alert": _alerts(event, alerting, check.alert_on),
        }
        for event in new
    ]
    ids = connection.execute(
        sa.insert(events).returning(events.c.id, sort_by_parameter_order=True), rows
    ).scalars()
    return [
        ChangeEvent(
            id=event_id,
            at=check.finished_at,
            kind=event.kind,
            watch=check.watch_id,
            url=check.url,
            record=dict(event.record) if event.record is not None else None,
            before=dict(event.before) if event.before is not None else None,
            fields=event.fields,
            baseline=check.baseline,
            check_id=check_id,
            error=event.error,
        )
        for event_id, event in zip(ids, new, strict=True)
    ]


def write_check(connection: sa.Connection, check: CheckInput) -> CheckOutcome:
    """Store one check on `connection` (already in a write transaction)."""
    page = _lock_page(connection, check)
    at = check.finished_at
    body_sha = put_blob(connection, check.body, at=at) if check.body is not None else None
    text_sha = None
    if check.result is not None:
        text_sha = put_blob(connection, check.result.text.encode("utf-8"), at=at)
    failed = check.outcome == "failed"
    check_id = connection.execute(
        _NEW_CHECK,
        {
            "page_id": page.id,
            "started_at": check.started_at,
            "finished_at": at,
            "outcome": check.outcome,
            "http_status": check.http_status,
            "error": check.error,
            "attempts": check.attempts,
            "sha256": check.sha256 or body_sha,
            "body_sha256": body_sha,
            "text_sha256": text_sha,
            "content_type": check.content_type,
            "encoding": check.encoding,
            "etag": check.etag,
            "last_modified": check.last_modified,
            "baseline": check.baseline,
            "record_count": len(check.result.records) if check.result is not None else None,
        },
    ).scalar_one()

    new: list[_NewEvent] = []
    failures = page.consecutive_failures + 1 if failed else 0
    if failed:
        error = check.error or "check failed"
        alert = failures == check.failing_after
        new.append(_NewEvent("page_failed", error=error, alert=alert))
    elif page.consecutive_failures >= check.failing_after:
        new.append(_NewEvent("page_recovered", alert=True))
    if check.result is not None:
        moved = _record_events(connection, page, check, check_id)
        if not moved and page.text_sha256 is not None and page.text_sha256 != text_sha:
            moved = [_NewEvent("page_changed")]
        new.extend(moved)
        # A page that yields no records (a broken layout) says nothing about the trips its
        # records told of: their events stay until it yields records again (no removal storm).
        if check.result.records:
            new.extend(
                _NewEvent(c.kind, c.key, c.record, c.before, c.fields, alert=True)
                for c in link_page(connection, page.id, check, check_id)
            )

    alerting = not check.baseline or check.alert_initial
    stored = _insert_events(
        connection, new, page=page, check=check, check_id=check_id, alerting=alerting
    )

    values: dict[str, Any] = {
        "site": check.site,
        "last_check_id": check_id,
        "last_checked_at": at,
        "last_outcome": check.outcome,
        "consecutive_failures": failures,
        "last_error": (check.error or "check failed") if failed else None,
    }
    if check.found_on is not None:
        values["found_on"] = check.found_on
    if check.outcome == "changed":
        assert check.body is not None
        values.update(
            etag=check.etag,
            last_modified=check.last_modified,
            sha256=body_sha or sha256_hex(check.body),
            text_sha256=text_sha,
        )
    elif check.outcome == "unchanged":
        if check.etag is not None:
            values["etag"] = check.etag
        if check.last_modified is not None:
            values["last_modified"] = check.last_modified
    connection.execute(_PAGE_UPDATE, {"p_id": page.id, **values})

    if any(_alerts(event, alerting, check.alert_on) for event in new):
        # never the URL itself: it may hold passwords (see citywatch/channels.py)
        channels = list(dict.fromkeys(channel_ref(c) for c in check.channels))
        if channels:
            connection.execute(
                sa.insert(deliveries),
                [
                    {
                        "check_id": check_id,
                        "channel": channel,
                        "created_at": at,
                        "next_attempt_at": at,
                        "attempts": 0,
                    }
                    for channel in channels
                ],
            )
    return CheckOutcome(check_id=check_id, events=stored)
