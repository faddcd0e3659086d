"""The views people query by hand (`current_records`, `recent_changes`, migration 0004), read
with plain SQL on both backends: sqlite3 on the file itself, and SQL on PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from snapshots import Store
from tests.support.db import PageFeed, programme, visit

CURRENT = (
    'key, type, direction, start, "end", countries, places, title, watch, url, first_seen, '
    "last_seen"
)


def _fill(url: str) -> None:
    feed = PageFeed(clock=datetime.now(UTC) - timedelta(days=1))
    with Store(url) as store:
        store.record_check(feed.changed(visit("a", start="2024-05-01"), programme("b")))
        store.record_check(feed.changed(visit("a", start="2024-05-02")))


def test_views_on_the_sqlite_file_with_plain_sql(tmp_path) -> None:
    path = tmp_path / "cw.db"
    _fill(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        rows = connection.execute(f"SELECT {CURRENT} FROM current_records").fetchall()  # noqa: S608
        assert len(rows) == 1
        key, kind, direction, start, _end, countries, places, *_, first, last = rows[0]
        assert (key, kind, start) == ("a", "visit", "2024-05-02")
        assert (countries, places) == ("MY", "クアラルンプール")
        assert direction in ("inbound", "outbound")
        assert first is not None and last is not None and first <= last
        changes = connection.execute(
            "SELECT id, at, kind, watch, url, key, type, title, baseline FROM recent_changes"
        ).fetchall()
        assert changes and changes[0][0] == max(c[0] for c in changes)
        assert {c[2] for c in changes} >= {"record_added", "record_changed"}
        views = {
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='view'")
        }
        assert views == {"current_events", "current_records", "recent_changes"}


def test_views_on_postgresql(pg_schema_url: str) -> None:
    _fill(pg_schema_url)
    engine = sa.create_engine(pg_schema_url)
    try:
        with engine.connect() as connection:
            query = f"SELECT {CURRENT} FROM current_records"  # noqa: S608
            rows = connection.exec_driver_sql(query).all()
            assert len(rows) == 1 and rows[0].start == "2024-05-02"
            kinds = connection.exec_driver_sql("SELECT kind FROM recent_changes").scalars().all()
            assert "record_changed" in kinds
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", ["current_records", "recent_changes"])
def test_views_are_dropped_on_downgrade(tmp_path, name: str) -> None:
    from snapshots.engine import open_engine
    from snapshots.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'cw.db'}"
    Store(url).close()
    engine = open_engine(url)
    try:
        from alembic import command

        from snapshots.engine import writing
        from snapshots.migrate import alembic_config

        with writing(engine) as connection:
            command.downgrade(alembic_config(connection), "0002_outbox")
        with engine.connect() as connection:
            assert name not in sa.inspect(connection).get_view_names()
        upgrade(engine)
        with engine.connect() as connection:
            assert name in sa.inspect(connection).get_view_names()
    finally:
        engine.dispose()


def test_views_say_whose_record_it_is_and_records_without_a_city_read_fine(tmp_path) -> None:
    """Migration 0007: `city` and `city_name` from the record; empty for records stored before
    records carried them."""
    path = tmp_path / "cw.db"
    feed = PageFeed(clock=datetime.now(UTC) - timedelta(days=1))
    with Store(f"sqlite:///{path}") as store:
        store.record_check(
            feed.changed(visit("old"), visit("new", city="hyogo-pref", city_name="兵庫県"))
        )
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT key, city, city_name FROM current_records").fetchall()
        changes = connection.execute("SELECT key, city, city_name FROM recent_changes").fetchall()
    assert set(rows) == {("old", None, None), ("new", "hyogo-pref", "兵庫県")}
    assert set(changes) >= {("old", None, None), ("new", "hyogo-pref", "兵庫県")}
