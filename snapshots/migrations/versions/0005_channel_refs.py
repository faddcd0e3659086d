"""Outbox channels by reference: `deliveries.channel` keeps a digest of the apprise URL, never
the URL (which may carry passwords and tokens). Rows written before this revision are rewritten
to the reference the code now stores (`sha256:` and the first 24 hex digits of the URL's SHA-256,
see citywatch/channels.py); internal channels (`citywatch:…`) stay as they are. A data
migration only: no table or column changes.

The digest cannot be turned back into the URL, so the downgrade leaves the references in place
(an older citywatch would then fail those rows as channels apprise does not know).

Revision ID: 0005_channel_refs
Revises: 0004_views
Create Date: 2026-12-07
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0005_channel_refs"
down_revision = "0004_views"
branch_labels = None
depends_on = None

# The rule as of this revision, written out so later changes to the code cannot change it.
_PREFIX = "sha256:"
_DIGITS = 24
_KEEP = ("sha256:", "citywatch:")

_deliveries = sa.table(
    "deliveries", sa.column("id", sa.Integer), sa.column("channel", sa.Text)
)


def _ref(url: str) -> str:
    return _PREFIX + hashlib.sha256(url.encode("utf-8")).hexdigest()[:_DIGITS]


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_deliveries.c.id, _deliveries.c.channel)).all()
    changed = [
        {"row_id": row.id, "ref": _ref(row.channel)}
        for row in rows
        if not row.channel.startswith(_KEEP)
    ]
    if changed:
        bind.execute(
            sa.update(_deliveries)
            .where(_deliveries.c.id == sa.bindparam("row_id"))
            .values(channel=sa.bindparam("ref")),
            changed,
        )


def downgrade() -> None:
    """Nothing to undo: a digest does not give the URL back."""
