"""Dropping old bodies without losing what the history stands on, and page text diffs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from citywatch.errors import NotFoundError, StorageError
from snapshots import Store
from tests.support.db import (  # noqa: F401  (fixtures)
    PageFeed,
    pg_schema_url,
    store_url,
    visit,
)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:  # noqa: F811
    with Store(store_url) as opened:
        yield opened


def _body(n: int) -> bytes:
    return f"<html><body>{'版' * 500} revision {n}</body></html>".encode()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_gc_keeps_newest_bodies_and_every_body_a_version_stands_on(store: Store) -> None:
    feed = PageFeed()
    # bodies 0 and 2 create record versions; 1, 3, 4 only change the text; 5 is the latest
    steps = [
        ((visit("v1"),), "t0"),
        ((visit("v1"),), "t1"),
        ((visit("v1", "2023-08-07"),), "t2"),
        ((visit("v1", "2023-08-07"),), "t3"),
        ((visit("v1", "2023-08-07"),), "t4"),
        ((visit("v1", "2023-08-07"),), "t5"),
    ]
    for n, (records, text) in enumerate(steps):
        store.record_check(feed.changed(*records, text=text, body=_body(n), baseline=n == 0))
        store.record_check(feed.unchanged())
    other = PageFeed(watch_id="other", url="https://example.org/other")
    store.record_check(other.changed(visit("o1"), body=_body(3), baseline=True))
    history_before = store.history("v1")

    report = store.gc(keep=1)

    dropped = [n for n in range(6) if store.body(_sha(_body(n))) is None]
    assert dropped == [1, 4]  # 3 is the other page's latest body
    assert report.bodies_dropped == 2
    assert report.bytes_dropped == len(_body(1)) + len(_body(4))
    assert 0 < report.stored_bytes_dropped < report.bytes_dropped
    assert store.gc(keep=1).bodies_dropped == 0
    assert store.history("v1") == history_before
    assert all(store.body(_sha(_body(n))) is not None for n in (0, 2, 3, 5))
    for version in store.history("v1"):
        [check] = [c for c in store.checks("w") if c.id == version.check_id]
        assert check.body_sha256 is not None and store.body(check.body_sha256) is not None
    assert "t4" in store.page_text_diff("w")  # texts stay

    # the same body fetched again gets its bytes back
    store.record_check(feed.changed(visit("v1", "2023-08-07"), text="t1", body=_body(1)))
    assert store.body(_sha(_body(1))) == _body(1)


def test_gc_keep_counts_distinct_bodies_per_page(store: Store) -> None:
    feed = PageFeed()
    store.record_check(feed.changed(visit("v1"), text="same", body=_body(0), baseline=True))
    for n in (1, 2, 1, 3, 4):
        store.record_check(feed.changed(visit("v1"), text="same", body=_body(n)))
    assert store.gc(keep=3).bodies_dropped == 1  # newest distinct: 4, 3, 1; 0 has a version
    assert store.body(_sha(_body(2))) is None
    assert store.body(_sha(_body(1))) == _body(1)
    with pytest.raises(StorageError):
        store.gc(keep=-1)


def test_text_diff_between_checks(store: Store) -> None:
    feed = PageFeed()
    first = store.record_check(feed.changed(visit("v1"), text="a\nb\nc", baseline=True))
    store.record_check(feed.changed(visit("v1"), text="a\nB\nc"))
    unchanged = store.record_check(feed.unchanged())
    last = store.record_check(feed.changed(visit("v1"), text="a\nB\nc\nd"))

    latest = store.page_text_diff("w")
    assert "+d" in latest and "-b" not in latest
    assert f"check {last.check_id}" in latest
    whole = store.page_text_diff("w", from_check=first.check_id, to_check=last.check_id)
    assert "-b" in whole and "+B" in whole and "+d" in whole
    # an unchanged check stands for the text it confirmed
    assert store.page_text_diff("w", from_check=first.check_id, to_check=unchanged.check_id)
    assert "+d" not in store.page_text_diff(
        "w", from_check=first.check_id, to_check=unchanged.check_id
    )
    assert store.page_text_diff("w", from_check=last.check_id, to_check=last.check_id) == ""


def test_text_diff_needs_a_known_page_and_one_text_means_no_difference(store: Store) -> None:
    feed = PageFeed()
    with pytest.raises(NotFoundError):
        store.page_text_diff("w")
    store.record_check(feed.changed(visit("v1"), text="only", baseline=True))
    assert store.page_text_diff("w") == ""  # a page that never changed: no difference
    with pytest.raises(NotFoundError):
        store.page_text_diff("w", url="https://example.org/none")


def test_text_diff_of_a_discovered_page(store: Store) -> None:
    index = PageFeed()
    detail = PageFeed(url="https://example.org/press/1", found_on=index.url)
    store.record_check(index.changed(visit("i1"), text="index", baseline=True))
    store.record_check(detail.changed(visit("d1"), text="one", baseline=True))
    changed = store.record_check(detail.changed(visit("d1"), text="two"))
    assert "+two" in store.page_text_diff("w", url=detail.url)
    assert "+two" in store.page_text_diff("w", to_check=changed.check_id)
