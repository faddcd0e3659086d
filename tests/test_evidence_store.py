"""Evidence is stored with each record version and shown in alerts, but never makes a change:
an evidence-only difference is no record_changed, and versions stored before records carried
evidence still load."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from citywatch.model import Evidence, Programme, Visit, record_from_dict
from scheduler.messages import evidence_line, message_for
from snapshots import ChangeEvent, Store
from snapshots.diffing import changed_fields
from snapshots.schema import versions
from tests.support.db import PageFeed, store_url, visit  # noqa: F401  (fixtures)

SAID = Evidence(
    when="1 日時 令和6年5月10日(金曜日)から5月13日(月曜日)まで",
    where="3 場所 ドイツ・フランクフルト市",
    direction="市長がフランクフルト市を訪問しました。",
)
REWORDED = dataclasses.replace(SAID, direction="市長がフランクフルト市を訪れました。")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:  # noqa: F811
    with Store(store_url) as opened:
        yield opened


def test_evidence_round_trips_and_old_dicts_load_without_it() -> None:
    record = dataclasses.replace(visit("v1"), evidence=SAID)
    data = record.to_dict()
    assert data["evidence"]["when"] == SAID.when
    assert record_from_dict(data).evidence == SAID
    old = {k: v for k, v in data.items() if k != "evidence"}
    assert record_from_dict(old).evidence == Evidence()
    assert Evidence().to_dict() == {}
    programme = Programme(start="2012-04", evidence=Evidence(partners="X市と協定を締結"))
    assert record_from_dict(programme.to_dict()).evidence.partners == "X市と協定を締結"


def test_evidence_is_not_the_record_value() -> None:
    plain = Visit("outbound", start="2024-05-10")
    assert dataclasses.replace(plain, evidence=SAID) == plain
    before = dataclasses.replace(plain, evidence=SAID).to_dict()
    assert changed_fields(before, dataclasses.replace(plain, evidence=REWORDED).to_dict()) == ()
    assert changed_fields({k: v for k, v in before.items() if k != "evidence"}, before) == ()


def test_a_reworded_page_changes_no_record_and_versions_keep_their_evidence(
    store: Store,
) -> None:
    feed = PageFeed()
    first = dataclasses.replace(visit("v1", end="2024-05-13"), evidence=SAID)
    store.record_check(feed.changed(first, baseline=True))
    again = store.record_check(feed.changed(dataclasses.replace(first, evidence=REWORDED)))
    assert [e.kind for e in again.events if e.kind.startswith("record_")] == []
    assert [v.record.evidence for v in store.history("v1")] == [SAID]

    moved = dataclasses.replace(first, end="2024-05-14", evidence=REWORDED)
    changed = store.record_check(feed.changed(moved))
    record_events = [(e.kind, e.fields) for e in changed.events if e.kind.startswith("record_")]
    assert record_events == [("record_changed", ("end",))]
    assert [v.record.evidence for v in store.history("v1")] == [SAID, REWORDED]


def test_a_version_stored_before_evidence_existed_loads_and_changes_nothing(
    store: Store,
    store_url: str,  # noqa: F811
) -> None:
    feed = PageFeed()
    store.record_check(feed.changed(visit("v1"), baseline=True))
    engine = sa.create_engine(store_url)
    try:
        with engine.begin() as connection:
            old = {k: v for k, v in visit("v1").to_dict().items() if k != "evidence"}
            connection.execute(sa.update(versions).values(data=old))
    finally:
        engine.dispose()
    assert store.history("v1")[0].record.evidence == Evidence()
    later = store.record_check(feed.changed(dataclasses.replace(visit("v1"), evidence=SAID)))
    assert [e.kind for e in later.events if e.kind.startswith("record_")] == []


def _event(record: dict[str, Any] | None, kind: str = "record_added") -> ChangeEvent:
    at = datetime(2024, 6, 1, tzinfo=UTC)
    return ChangeEvent(
        id=1, check_id=1, at=at, watch="w", url="https://example.org/a", kind=kind,
        record=record, before=None, fields=(), baseline=False, error=None,
    )  # fmt: skip


def test_alerts_carry_one_short_evidence_line() -> None:
    record = dataclasses.replace(visit("v1"), evidence=SAID).to_dict()
    line = evidence_line(_event(record))
    assert line.startswith("Evidence: 1 日時 令和6年5月10日") and "フランクフルト" in line
    assert len(line) <= 300
    text = message_for([_event(record)], home="さいたま市")
    assert text.splitlines()[1] == f"  {line}"
    long = dataclasses.replace(visit("v1"), evidence=Evidence(when="あ" * 900)).to_dict()
    assert len(evidence_line(_event(long))) == 300
    assert evidence_line(_event(visit("v1").to_dict())) == ""
    assert evidence_line(_event(None, kind="page_changed")) == ""
