"""Opening a database: URL checks, SQLite connection settings, and one place that turns
SQLAlchemy and driver errors into `StorageError`s with context."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc

from citywatch import defaults
from citywatch.errors import StorageError

__all__ = ["open_engine", "safe_url", "storage_errors", "writing"]

#: How long a SQLite writer waits for another writer before giving up.

_BACKENDS = ("sqlite", "postgresql")
_BEGIN_OPTION = "citywatch_sqlite_begin"


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return url


@contextmanager
def storage_errors(action: str, **context: Any) -> Iterator[None]:
    """Re-raise database errors as one-line `StorageError`s that say what was being done."""
    try:
        yield
    except StorageError:
        raise
    except exc.SQLAlchemyError as error:
        cause = getattr(error, "orig", None) or error
        detail = " ".join(str(cause).split("\n")[0].split())
        raise StorageError(f"{action}: {detail}", cause=error, **context) from error


def _dumps(value: Any) -> str:
    # Japanese text stays readable and a third of the size of \u escapes.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _configure_sqlite(engine: sa.Engine) -> None:
    """WAL (synchronous NORMAL), foreign keys and a busy timeout on every connection;
    transactions begun by us.

    pysqlite's own transaction handling starts transactions late and never for reads, so it is
    switched off and BEGIN is issued here: deferred for reads, IMMEDIATE for writes (set with the
    `writing()` execution option) so that two writers queue on the busy timeout instead of
    failing when a read lock cannot be upgraded.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(defaults.DB_BUSY_TIMEOUT * 1000)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            # Under WAL, NORMAL syncs at checkpoints rather than at every commit: a commit stays
            # atomic and a killed process loses nothing; only a power cut may undo the last few.
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if mode == "immediate" else "BEGIN")


def open_engine(url: str) -> sa.Engine:
    """An engine for a SQLite or PostgreSQL URL; anything else is a `StorageError` naming it."""
    shown = safe_url(url)
    try:
        parsed = sa.make_url(url)
    except exc.ArgumentError as error:
        raise StorageError(
            "bad database URL (a SQLite file is sqlite:///PATH)", url=shown, cause=error
        ) from error
    if parsed.get_backend_name() not in _BACKENDS:
        raise StorageError(
            "unsupported database (use sqlite:/// or postgresql+psycopg://)", url=shown
        )
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    kwargs: dict[str, Any] = {"json_serializer": _dumps}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise StorageError("an in-memory SQLite database cannot hold history", url=shown)
        kwargs["connect_args"] = {"timeout": defaults.DB_BUSY_TIMEOUT}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = sa.create_engine(parsed, **kwargs)
    except (exc.SQLAlchemyError, ImportError) as error:
        raise StorageError(f"cannot open database: {error}", url=shown, cause=error) from error
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


@contextmanager
def writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A write transaction: BEGIN IMMEDIATE on SQLite, a plain transaction on PostgreSQL."""
    with engine.connect() as connection:
        connection = connection.execution_options(**{_BEGIN_OPTION: "immediate"})
        with connection.begin():
            yield connection
