"""Alembic environment: migrations run on the connection `snapshots.migrate` hands over, inside
its transaction, so a failed upgrade leaves the database as it was."""

from __future__ import annotations

from alembic import context

from citywatch.errors import StorageError
from snapshots.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise StorageError(
        "migrations run through snapshots.migrate.upgrade(), which passes a connection"
    )

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    transactional_ddl=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
