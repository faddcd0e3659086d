"""Whether a database holds a citywatch history, found out without creating anything.

Read-only commands ask this before opening the `Store` (which would create and migrate an
empty database): SQLite is opened read-only through its URI form, so a missing file stays
missing; PostgreSQL is asked for its `alembic_version` table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa

from citywatch.errors import StorageError
from snapshots.engine import open_engine, safe_url
from snapshots.migrate import current_revision

__all__ = ["history_exists", "sqlite_path"]


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for any other database."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def history_exists(url: str) -> bool:
    """True when the database exists and has been migrated at least once."""
    path = sqlite_path(url)
    if path is not None:
        if not path.is_file():
            return False
        try:
            connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as error:
            raise StorageError(f"cannot open database: {error}", url=safe_url(url)) from None
        try:
            found = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
        except sqlite3.DatabaseError as error:
            raise StorageError(f"not a SQLite database: {error}", url=safe_url(url)) from None
        finally:
            connection.close()
        return found is not None
    engine = open_engine(url)
    try:
        return current_revision(engine) is not None
    finally:
        engine.dispose()
