"""Outbox claims name their holder: `deliveries.claimed_by` is the process (`host:pid:start`)
holding a row's lease, so a later run on the same host takes over the rows of a process that is
gone at once instead of waiting the lease out. Empty for rows not claimed.

Revision ID: 0006_claim_holder
Revises: 0005_channel_refs
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_claim_holder"
down_revision = "0005_channel_refs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("claimed_by", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("claimed_by")
