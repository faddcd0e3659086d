"""The versioned history: bodies, checks, record versions, change events and the alert outbox,
on SQLite or PostgreSQL through SQLAlchemy, migrated by Alembic. Imports only `citywatch`."""

from snapshots.event_types import EventDetail, EventSource, EventVersion, StoredEvent
from snapshots.probe import history_exists
from snapshots.reconcile import Disagreement, Reconciliation, Statement
from snapshots.store import Store
from snapshots.types import (
    EVENT_KINDS,
    ChangeEvent,
    CheckInput,
    CheckOutcome,
    CheckRow,
    Delivery,
    EventKind,
    GcReport,
    Outcome,
    PageIndex,
    PageState,
    RecordVersion,
    StoredRecord,
    WatchStatus,
)

__all__ = [
    "EVENT_KINDS",
    "ChangeEvent",
    "CheckInput",
    "CheckOutcome",
    "CheckRow",
    "Delivery",
    "Disagreement",
    "EventDetail",
    "EventKind",
    "EventSource",
    "EventVersion",
    "GcReport",
    "Outcome",
    "PageIndex",
    "PageState",
    "Reconciliation",
    "RecordVersion",
    "Statement",
    "Store",
    "StoredEvent",
    "StoredRecord",
    "WatchStatus",
    "history_exists",
]
