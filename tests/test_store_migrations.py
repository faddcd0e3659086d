"""Alembic revisions: a database made by an older citywatch upgrades itself with its data."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from citywatch.channels import channel_ref
from citywatch.errors import StorageError
from snapshots import Store
from snapshots.engine import open_engine, writing
from snapshots.migrate import alembic_config, head_revision
from snapshots.schema import metadata
from tests.support.db import (  # noqa: F401  (fixtures)
    PageFeed,
    pg_schema_url,
    store_url,
    visit,
)

FIRST = "0001_initial"
AT = datetime(2023, 5, 1, 12, 0, tzinfo=UTC)
OLD_RECORD = visit("old-1", "2023-04-20").to_dict()


def _at_first_revision(url: str) -> None:
    """Build the database as the first release did and put one checked page in it."""
    engine = open_engine(url)
    try:
        with writing(engine) as connection:
            command.upgrade(alembic_config(connection), FIRST)
        old = sa.MetaData()
        old.reflect(engine)
        assert "deliveries" not in old.tables
        with writing(engine) as connection:
            page_id = connection.execute(
                old.tables["pages"]
                .insert()
                .values(
                    watch_id="w",
                    url="https://example.org/a",
                    site="saitama",
                    sha256="0" * 64,
                    consecutive_failures=0,
                    last_checked_at=AT,
                )
                .returning(old.tables["pages"].c.id)
            ).scalar_one()
            check_id = connection.execute(
                old.tables["checks"]
                .insert()
                .values(
                    page_id=page_id,
                    started_at=AT,
                    finished_at=AT,
                    outcome="changed",
                    attempts=1,
                    baseline=True,
                    record_count=1,
                )
                .returning(old.tables["checks"].c.id)
            ).scalar_one()
            connection.execute(
                old.tables["versions"].insert(),
                [
                    {
                        "page_id": page_id,
                        "key": "old-1",
                        "version": 1,
                        "type": "visit",
                        "data": OLD_RECORD,
                        "valid_from_check": check_id,
                        "valid_from_at": AT,
                    }
                ],
            )
            connection.execute(
                old.tables["events"].insert(),
                [
                    {
                        "check_id": check_id,
                        "page_id": page_id,
                        "at": AT,
                        "kind": "record_added",
                        "key": "old-1",
                        "record": OLD_RECORD,
                        "fields": [],
                        "baseline": True,
                    }
                ],
            )
    finally:
        engine.dispose()


def test_revisions_are_named_and_ordered() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    chain = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert chain[:2] == [FIRST, "0002_outbox"]
    assert chain[-1] == head_revision()
    # 0003 (the events layer) is on another branch until merged: numbers rise, gaps allowed.
    numbers = [int(name[:4]) for name in chain]
    assert numbers == sorted(set(numbers)) and numbers[0] == 1


def test_an_old_database_upgrades_itself_with_its_data(store_url: str) -> None:  # noqa: F811
    _at_first_revision(store_url)
    with pytest.raises(StorageError, match="not current"):
        Store(store_url, migrate=False)

    with Store(store_url) as store:
        assert store.revision() == head_revision()
        [record] = store.current_records()
        assert record.record.to_dict() == OLD_RECORD and record.valid_from == AT
        [event] = store.changes()
        assert (event.kind, event.record) == ("record_added", OLD_RECORD)
        assert store.has_baseline("w")

        feed = PageFeed(channels=("json://127.0.0.1:9/hook",))
        changed = store.record_check(feed.changed(visit("old-1", "2023-04-21")))
        record_level = [e for e in changed.events if e.kind.startswith("record_")]
        assert [(e.kind, e.fields) for e in record_level] == [("record_changed", ("start",))]
        assert changed.events[0].before == OLD_RECORD
        assert [v.version for v in store.history("old-1")] == [1, 2]
        # old events were never queued: only the new check's alert is pending
        [delivery] = store.deliveries()
        assert delivery.check_id == changed.check_id

    with Store(store_url, migrate=False) as again:
        assert len(again.history("old-1")) == 2


def test_migrated_schema_matches_the_tables_the_code_uses(store_url: str) -> None:  # noqa: F811
    Store(store_url).close()
    engine = sa.create_engine(store_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_opening_twice_migrates_once(store_url: str) -> None:  # noqa: F811
    with Store(store_url) as first, Store(store_url) as second:
        assert first.revision() == second.revision() == head_revision()


def test_0005_rewrites_stored_channel_urls_as_references(store_url: str) -> None:  # noqa: F811
    """Rows queued before 0005 held the clear apprise URL; after it they hold its digest, the
    reference delivery resolves from the watch list. Internal channels are kept."""
    secret_url = "json://hookuser:Pa55word@127.0.0.1:9/hook?+X-Token=T0kenValue"
    engine = open_engine(store_url)
    try:
        with writing(engine) as connection:
            command.upgrade(alembic_config(connection), "0004_views")
        old = sa.MetaData()
        old.reflect(engine)
        pages_t, checks_t, out = (old.tables[n] for n in ("pages", "checks", "deliveries"))
        with writing(engine) as connection:
            page_id = connection.execute(
                pages_t.insert()
                .values(
                    watch_id="w",
                    url="https://example.org/a",
                    site="saitama",
                    sha256="0" * 64,
                    consecutive_failures=0,
                    last_checked_at=AT,
                )
                .returning(pages_t.c.id)
            ).scalar_one()
            check_id = connection.execute(
                checks_t.insert()
                .values(
                    page_id=page_id,
                    started_at=AT,
                    finished_at=AT,
                    outcome="changed",
                    attempts=1,
                    baseline=False,
                    record_count=0,
                )
                .returning(checks_t.c.id)
            ).scalar_one()
            connection.execute(
                out.insert(),
                [
                    {
                        "check_id": check_id,
                        "channel": channel,
                        "created_at": AT,
                        "next_attempt_at": AT,
                        "attempts": 0,
                    }
                    for channel in (secret_url, "citywatch:atom-feed")
                ],
            )
    finally:
        engine.dispose()

    with Store(store_url) as store:
        assert store.revision() == head_revision()
        channels = [d.channel for d in store.deliveries()]
    assert channels == [channel_ref(secret_url), "citywatch:atom-feed"]
    assert channels[0] == "sha256:" + hashlib.sha256(secret_url.encode()).hexdigest()[:24]
