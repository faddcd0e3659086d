"""Initial schema: blobs, pages, checks, record versions and change events.

Revision ID: 0001_initial
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON()


def _at() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("codec", sa.String(8), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=True),
        sa.Column("created_at", _at(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_blobs"),
    )
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("watch_id", sa.String(100), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("found_on", sa.Text, nullable=True),
        sa.Column("etag", sa.Text, nullable=True),
        sa.Column("last_modified", sa.Text, nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("text_sha256", sa.String(64), nullable=True),
        sa.Column("last_check_id", sa.Integer, nullable=True),
        sa.Column("last_checked_at", _at(), nullable=True),
        sa.Column("last_outcome", sa.String(10), nullable=True),
        sa.Column("consecutive_failures", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_pages"),
        sa.UniqueConstraint("watch_id", "url", name="uq_pages_watch_id_url"),
    )
    op.create_table(
        "checks",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("page_id", sa.Integer, nullable=False),
        sa.Column("started_at", _at(), nullable=False),
        sa.Column("finished_at", _at(), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("http_status", sa.Integer, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("body_sha256", sa.String(64), nullable=True),
        sa.Column("text_sha256", sa.String(64), nullable=True),
        sa.Column("content_type", sa.String(100), nullable=True),
        sa.Column("encoding", sa.String(40), nullable=True),
        sa.Column("etag", sa.Text, nullable=True),
        sa.Column("last_modified", sa.Text, nullable=True),
        sa.Column("baseline", sa.Boolean, nullable=False),
        sa.Column("record_count", sa.Integer, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_checks"),
        sa.CheckConstraint(
            "outcome IN ('changed', 'unchanged', 'failed')", name="ck_checks_outcome"
        ),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name="fk_checks_page_id_pages"),
        sa.ForeignKeyConstraint(
            ["body_sha256"], ["blobs.sha256"], name="fk_checks_body_sha256_blobs"
        ),
        sa.ForeignKeyConstraint(
            ["text_sha256"], ["blobs.sha256"], name="fk_checks_text_sha256_blobs"
        ),
    )
    op.create_index("ix_checks_page_id_id", "checks", ["page_id", "id"])
    op.create_index("ix_checks_body_sha256", "checks", ["body_sha256"])
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("page_id", sa.Integer, nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("data", _json(), nullable=False),
        sa.Column("valid_from_check", sa.Integer, nullable=False),
        sa.Column("valid_from_at", _at(), nullable=False),
        sa.Column("valid_to_check", sa.Integer, nullable=True),
        sa.Column("valid_to_at", _at(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_versions"),
        sa.UniqueConstraint("key", "version", name="uq_versions_key_version"),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name="fk_versions_page_id_pages"),
        sa.ForeignKeyConstraint(
            ["valid_from_check"], ["checks.id"], name="fk_versions_valid_from_check_checks"
        ),
        sa.ForeignKeyConstraint(
            ["valid_to_check"], ["checks.id"], name="fk_versions_valid_to_check_checks"
        ),
    )
    op.create_index("ix_versions_page_id_valid_to_check", "versions", ["page_id", "valid_to_check"])
    op.create_index("ix_versions_valid_from_check", "versions", ["valid_from_check"])
    op.create_index("ix_versions_valid_from_at", "versions", ["valid_from_at"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("check_id", sa.Integer, nullable=False),
        sa.Column("page_id", sa.Integer, nullable=False),
        sa.Column("at", _at(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("key", sa.String(200), nullable=True),
        sa.Column("record", _json(), nullable=True),
        sa.Column("before", _json(), nullable=True),
        sa.Column("fields", _json(), nullable=False),
        sa.Column("baseline", sa.Boolean, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.ForeignKeyConstraint(["check_id"], ["checks.id"], name="fk_events_check_id_checks"),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name="fk_events_page_id_pages"),
    )
    op.create_index("ix_events_check_id", "events", ["check_id"])
    op.create_index("ix_events_at", "events", ["at"])


def downgrade() -> None:
    for table in ("events", "versions", "checks", "pages", "blobs"):
        op.drop_table(table)
