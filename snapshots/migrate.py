"""Alembic, configured in code: the revisions ship inside the package, so no alembic.ini is read.

Alembic itself is imported only to migrate: a database already at the head is recognised by
reading its `alembic_version` row and the shipped revision files, which keeps start-up cheap
for every command that opens the store."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from citywatch.errors import StorageError
from snapshots.engine import safe_url, storage_errors, writing

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["alembic_config", "current_revision", "head_revision", "upgrade"]

_SCRIPT_LOCATION = "snapshots:migrations"
_VERSIONS = Path(__file__).with_name("migrations") / "versions"
_REVISION_LINE = re.compile(
    r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:None|[\"']([^\"']+)[\"'])", re.M
)
# Any fixed number: PostgreSQL processes starting together take this lock to migrate one by one.
_PG_MIGRATION_LOCK = 0x63697479


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """A Config pointing at the packaged revisions; env.py runs on `connection`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


@functools.cache
def head_revision() -> str:
    """The newest shipped revision: the one no other revision names as its `down_revision`.

    Read from the revision files' `revision = ...` lines rather than through Alembic's
    ScriptDirectory (tests check that both agree)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in _VERSIONS.glob("*.py"):
        found = dict((m[1], m[2]) for m in _REVISION_LINE.finditer(path.read_text("utf-8")))
        if found.get("revision"):
            revisions.add(found["revision"])
            if found.get("down_revision"):
                parents.add(found["down_revision"])
    heads = revisions - parents
    assert len(heads) == 1, f"the package ships one head revision, not {sorted(heads)}"
    return heads.pop()


def current_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    shown = safe_url(str(engine.url))
    with storage_errors("cannot read the schema revision", url=shown), engine.connect() as conn:
        if not engine.dialect.has_table(conn, "alembic_version"):
            return None
        rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    if len(rows) > 1:
        raise StorageError("the database has more than one schema revision", url=shown)
    return rows[0] if rows else None


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the database to `revision` in one transaction (a write lock on SQLite, so two
    processes starting together migrate once)."""
    from alembic import command
    from alembic.util import CommandError

    shown = safe_url(str(engine.url))
    action = f"cannot migrate the database to {revision}"
    with storage_errors(action, url=shown), writing(engine) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_MIGRATION_LOCK)))
        try:
            command.upgrade(alembic_config(connection), revision)
        except CommandError as error:
            raise StorageError(f"{action}: {error}", url=shown) from error
