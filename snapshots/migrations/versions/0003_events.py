"""Real-world events: one row per trip or programme, its versions, its sources (the records
that tell of it) and their lookup index; and the view `current_events`.

Records stored before this revision are not linked here: each page's records are linked by its
next check that parses it anew.

Revision ID: 0003_events
Revises: 0002_outbox
Create Date: 2025-01-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_events"
down_revision = "0002_outbox"
branch_labels = None
depends_on = None

CURRENT_EVENTS = """
CREATE VIEW current_events AS
SELECT e.id AS id, e.type AS type, v.version AS version, v.data AS data,
       e.created_at AS created_at, v.valid_from_at AS updated_at,
       (SELECT count(*) FROM real_event_sources s
         WHERE s.event_id = e.id AND s.left_check IS NULL) AS sources
FROM real_events e
JOIN real_event_versions v ON v.event_id = e.id AND v.valid_to_check IS NULL
WHERE e.removed_check IS NULL
"""


def _at() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "real_events",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("created_check", sa.Integer, nullable=False),
        sa.Column("created_at", _at(), nullable=False),
        sa.Column("removed_check", sa.Integer, nullable=True),
        sa.Column("removed_at", _at(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_real_events"),
        sa.ForeignKeyConstraint(
            ["created_check"], ["checks.id"], name="fk_real_events_created_check_checks"
        ),
        sa.ForeignKeyConstraint(
            ["removed_check"], ["checks.id"], name="fk_real_events_removed_check_checks"
        ),
    )
    op.create_table(
        "real_event_versions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("valid_from_check", sa.Integer, nullable=False),
        sa.Column("valid_from_at", _at(), nullable=False),
        sa.Column("valid_to_check", sa.Integer, nullable=True),
        sa.Column("valid_to_at", _at(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_real_event_versions"),
        sa.UniqueConstraint("event_id", "version", name="uq_real_event_versions_event_id_version"),
        sa.ForeignKeyConstraint(
            ["event_id"], ["real_events.id"], name="fk_real_event_versions_event_id_real_events"
        ),
        sa.ForeignKeyConstraint(
            ["valid_from_check"],
            ["checks.id"],
            name="fk_real_event_versions_valid_from_check_checks",
        ),
        sa.ForeignKeyConstraint(
            ["valid_to_check"], ["checks.id"], name="fk_real_event_versions_valid_to_check_checks"
        ),
    )
    op.create_index(
        "ix_real_event_versions_event_id_valid_to_check",
        "real_event_versions",
        ["event_id", "valid_to_check"],
    )
    op.create_table(
        "real_event_sources",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("page_id", sa.Integer, nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", _at(), nullable=False),
        sa.Column("last_seen_at", _at(), nullable=False),
        sa.Column("joined_check", sa.Integer, nullable=False),
        sa.Column("joined_at", _at(), nullable=False),
        sa.Column("left_check", sa.Integer, nullable=True),
        sa.Column("left_at", _at(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_real_event_sources"),
        sa.ForeignKeyConstraint(
            ["event_id"], ["real_events.id"], name="fk_real_event_sources_event_id_real_events"
        ),
        sa.ForeignKeyConstraint(
            ["page_id"], ["pages.id"], name="fk_real_event_sources_page_id_pages"
        ),
        sa.ForeignKeyConstraint(
            ["joined_check"], ["checks.id"], name="fk_real_event_sources_joined_check_checks"
        ),
        sa.ForeignKeyConstraint(
            ["left_check"], ["checks.id"], name="fk_real_event_sources_left_check_checks"
        ),
    )
    op.create_index(
        "ix_real_event_sources_event_id_left_check",
        "real_event_sources",
        ["event_id", "left_check"],
    )
    op.create_index(
        "ix_real_event_sources_page_id_left_check", "real_event_sources", ["page_id", "left_check"]
    )
    op.create_index(
        "uq_real_event_sources_open_key",
        "real_event_sources",
        ["key"],
        unique=True,
        sqlite_where=sa.text("left_check IS NULL"),
        postgresql_where=sa.text("left_check IS NULL"),
    )
    op.create_table(
        "real_event_links",
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("country", sa.String(8), nullable=False),
        sa.Column("block", sa.String(200), nullable=False),
        sa.Column("lo", sa.Integer, nullable=True),
        sa.Column("hi", sa.Integer, nullable=True),
        sa.Column("published", sa.Integer, nullable=True),
        sa.PrimaryKeyConstraint("source_id", "country", name="pk_real_event_links"),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["real_event_sources.id"],
            name="fk_real_event_links_source_id_real_event_sources",
        ),
    )
    op.create_index(
        "ix_real_event_links_block_country_lo", "real_event_links", ["block", "country", "lo"]
    )
    op.create_index(
        "ix_real_event_links_block_country_published",
        "real_event_links",
        ["block", "country", "published"],
    )
    op.execute(CURRENT_EVENTS)


def downgrade() -> None:
    op.execute("DROP VIEW current_events")
    for table in ("real_event_links", "real_event_sources", "real_event_versions", "real_events"):
        op.drop_table(table)
