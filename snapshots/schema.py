"""The tables at the head revision. Alembic revisions build exactly this (a test compares them), so
a change here needs a new revision under `migrations/versions/`.

Layout: `blobs` holds bodies and page texts by sha256; `pages` one row per watched URL with what the
fetcher needs; `checks` one small row per check; `versions` the chain of each record key;
`events` what each check noticed; `deliveries` the alert outbox (one row per check and channel).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

__all__ = [
    "UTCDateTime",
    "blobs",
    "checks",
    "deliveries",
    "events",
    "json_type",
    "metadata",
    "pages",
    "real_event_links",
    "real_event_sources",
    "real_event_versions",
    "real_events",
    "versions",
]


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on both backends.

    SQLite keeps naive text, so values are normalised to UTC and stored without an offset (text
    order is then time order); PostgreSQL keeps `timestamptz`.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} (aware UTC expected)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def json_type() -> sa.types.TypeEngine[Any]:
    """JSON kept as written (not JSONB, which reorders keys): records read back in the field
    order `to_dict()` gives, on both backends. Nothing queries inside these values."""
    return sa.JSON()


metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

blobs = sa.Table(
    "blobs",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("codec", sa.String(8), nullable=False),
    # NULL once `gc` dropped the body; the row stays so checks keep their reference.
    sa.Column("data", sa.LargeBinary, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

pages = sa.Table(
    "pages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("watch_id", sa.String(100), nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("site", sa.String(64), nullable=False),
    sa.Column("found_on", sa.Text, nullable=True),
    sa.Column("etag", sa.Text, nullable=True),
    sa.Column("last_modified", sa.Text, nullable=True),
    sa.Column("sha256", sa.String(64), nullable=True),
    sa.Column("text_sha256", sa.String(64), nullable=True),
    sa.Column("last_check_id", sa.Integer, nullable=True),
    sa.Column("last_checked_at", UTCDateTime, nullable=True),
    sa.Column("last_outcome", sa.String(10), nullable=True),
    sa.Column("consecutive_failures", sa.Integer, nullable=False),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.UniqueConstraint("watch_id", "url"),
)

checks = sa.Table(
    "checks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("page_id", sa.Integer, sa.ForeignKey("pages.id"), nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime, nullable=False),
    sa.Column("outcome", sa.String(10), nullable=False),
    sa.Column("http_status", sa.Integer, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=True),
    sa.Column("body_sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=True),
    sa.Column("text_sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=True),
    sa.Column("content_type", sa.String(100), nullable=True),
    sa.Column("encoding", sa.String(40), nullable=True),
    sa.Column("etag", sa.Text, nullable=True),
    sa.Column("last_modified", sa.Text, nullable=True),
    sa.Column("baseline", sa.Boolean, nullable=False),
    sa.Column("record_count", sa.Integer, nullable=True),
    sa.CheckConstraint("outcome IN ('changed', 'unchanged', 'failed')", name="outcome"),
    sa.Index(None, "page_id", "id"),
    sa.Index(None, "body_sha256"),
)

versions = sa.Table(
    "versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("page_id", sa.Integer, sa.ForeignKey("pages.id"), nullable=False),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("data", json_type(), nullable=False),
    sa.Column("valid_from_check", sa.Integer, sa.ForeignKey("checks.id"), nullable=False),
    sa.Column("valid_from_at", UTCDateTime, nullable=False),
    sa.Column("valid_to_check", sa.Integer, sa.ForeignKey("checks.id"), nullable=True),
    sa.Column("valid_to_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("key", "version"),
    sa.Index(None, "page_id", "valid_to_check"),
    sa.Index(None, "valid_from_check"),
    sa.Index(None, "valid_from_at"),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("check_id", sa.Integer, sa.ForeignKey("checks.id"), nullable=False),
    sa.Column("page_id", sa.Integer, sa.ForeignKey("pages.id"), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("key", sa.String(200), nullable=True),
    sa.Column("record", json_type(), nullable=True),
    sa.Column("before", json_type(), nullable=True),
    sa.Column("fields", json_type(), nullable=False),
    sa.Column("baseline", sa.Boolean, nullable=False),
    sa.Column("error", sa.Text, nullable=True),
    # Added in 0002_outbox: whether the event goes into the check's alert.
    sa.Column("alert", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index(None, "check_id"),
    sa.Index(None, "at"),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("check_id", sa.Integer, sa.ForeignKey("checks.id"), nullable=False),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("delivered_at", UTCDateTime, nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    # Added in 0006_claim_holder: the process holding the row's lease (`host:pid:start`).
    sa.Column("claimed_by", sa.Text, nullable=True),
    sa.UniqueConstraint("check_id", "channel"),
    sa.Index(
        "ix_deliveries_due",
        "next_attempt_at",
        sqlite_where=sa.text("delivered_at IS NULL"),
        postgresql_where=sa.text("delivered_at IS NULL"),
    ),
)


# Added in 0003_events: real-world events above record versions (see snapshots/events.py).
real_events = sa.Table(
    "real_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("created_check", sa.Integer, sa.ForeignKey("checks.id"), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("removed_check", sa.Integer, sa.ForeignKey("checks.id"), nullable=True),
    sa.Column("removed_at", UTCDateTime, nullable=True),
)

real_event_versions = sa.Table(
    "real_event_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.Integer, sa.ForeignKey("real_events.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("data", json_type(), nullable=False),
    sa.Column("valid_from_check", sa.Integer, sa.ForeignKey("checks.id"), nullable=False),
    sa.Column("valid_from_at", UTCDateTime, nullable=False),
    sa.Column("valid_to_check", sa.Integer, sa.ForeignKey("checks.id"), nullable=True),
    sa.Column("valid_to_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("event_id", "version"),
    sa.Index(None, "event_id", "valid_to_check"),
)

# One row per stay of a record in an event: closed (left_*) when it leaves, never deleted.
real_event_sources = sa.Table(
    "real_event_sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.Integer, sa.ForeignKey("real_events.id"), nullable=False),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("page_id", sa.Integer, sa.ForeignKey("pages.id"), nullable=False),
    sa.Column("record", json_type(), nullable=False),
    sa.Column("facts", json_type(), nullable=False),
    sa.Column("first_seen_at", UTCDateTime, nullable=False),
    sa.Column("last_seen_at", UTCDateTime, nullable=False),
    sa.Column("joined_check", sa.Integer, sa.ForeignKey("checks.id"), nullable=False),
    sa.Column("joined_at", UTCDateTime, nullable=False),
    sa.Column("left_check", sa.Integer, sa.ForeignKey("checks.id"), nullable=True),
    sa.Column("left_at", UTCDateTime, nullable=True),
    sa.Index(None, "event_id", "left_check"),
    sa.Index(None, "page_id", "left_check"),
    # A record is in one event at a time: two writers linking it at once cannot both win.
    sa.Index(
        "uq_real_event_sources_open_key",
        "key",
        unique=True,
        sqlite_where=sa.text("left_check IS NULL"),
        postgresql_where=sa.text("left_check IS NULL"),
    ),
)

# The lookup index of open sources: one row per source and country (derived, so rows go when
# their source leaves). Dated sources have lo/hi (day ordinals), undated ones `published`.
real_event_links = sa.Table(
    "real_event_links",
    metadata,
    sa.Column("source_id", sa.Integer, sa.ForeignKey("real_event_sources.id"), primary_key=True),
    sa.Column("country", sa.String(8), primary_key=True),
    sa.Column("block", sa.String(200), nullable=False),
    sa.Column("lo", sa.Integer, nullable=True),
    sa.Column("hi", sa.Integer, nullable=True),
    sa.Column("published", sa.Integer, nullable=True),
    sa.Index(None, "block", "country", "lo"),
    sa.Index(None, "block", "country", "published"),
)
