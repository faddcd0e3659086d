"""Alembic, configured in code: the revisions ship inside the package, so no alembic.ini is read."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from citywatch.errors import StorageError
from snapshots.engine import safe_url, storage_errors, writing

__all__ = ["alembic_config", "current_revision", "head_revision", "upgrade"]

_SCRIPT_LOCATION = "snapshots:migrations"
# Any fixed number: PostgreSQL processes starting together take this lock to migrate one by one.
_PG_MIGRATION_LOCK = 0x63697479


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """A Config pointing at the packaged revisions; env.py runs on `connection`."""
    config = Config()
    config.set_main_option("script_location", _SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships at least one revision"
    return head


def current_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    shown = safe_url(str(engine.url))
    with storage_errors("cannot read the schema revision", url=shown), engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the database to `revision` in one transaction (a write lock on SQLite, so two
    processes starting together migrate once)."""
    shown = safe_url(str(engine.url))
    action = f"cannot migrate the database to {revision}"
    with storage_errors(action, url=shown), writing(engine) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_MIGRATION_LOCK)))
        try:
            command.upgrade(alembic_config(connection), revision)
        except CommandError as error:
            raise StorageError(f"{action}: {error}", url=shown) from error
