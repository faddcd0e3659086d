"""The Atom feed file: valid for feedparser, escaped, bounded, deduplicated, rewritten whole."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from citywatch.errors import StorageError
from scheduler.feed import FeedEntry, append_entries, read_entries

T0 = datetime(2024, 7, 10, 9, 0, tzinfo=UTC)


def entry(
    n: int, *, text: str = "New visit: さいたま市 → ウィーン市 (AT)", watch: str = "w"
) -> FeedEntry:
    return FeedEntry(
        id=FeedEntry.entry_id(watch, n),
        title=f"citywatch: 1 change on {watch}",
        updated=T0 + timedelta(minutes=n),
        link=f"https://example.org/p{n}.html?a=1&b=2",
        text=text,
        watch=watch,
    )


def parsed(path: Path) -> feedparser.FeedParserDict:
    feed = feedparser.parse(path.read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def test_a_new_feed_is_valid_atom_with_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "out" / "changes.atom"
    assert append_entries(path, [entry(1)]) == 1
    feed = parsed(path)
    assert feed.version == "atom10"
    assert feed.feed.title == "citywatch: changes"
    [got] = feed.entries
    assert got.id == "urn:citywatch:w:check:1"
    assert got.link == "https://example.org/p1.html?a=1&b=2"
    assert got.content[0].value == "New visit: さいたま市 → ウィーン市 (AT)"
    assert got.updated_parsed[:5] == (2024, 7, 10, 9, 1)
    assert feed.feed.updated_parsed[:5] == (2024, 7, 10, 9, 1)


def test_page_text_is_escaped_and_unrepresentable_characters_dropped(tmp_path: Path) -> None:
    path = tmp_path / "changes.atom"
    nasty = "<script>alert('x')</script> & </content></entry><entry> \x00\x07\x1b ok\ufffe."
    append_entries(path, [entry(1, text=nasty, watch="w")])
    raw = path.read_text(encoding="utf-8")
    assert "<script>" not in raw and "</content></entry><entry> " not in raw
    assert "&lt;script&gt;" in raw and "&amp;" in raw
    [got] = parsed(path).entries
    assert got.content[0].value == "<script>alert('x')</script> & </content></entry><entry>  ok."


def test_the_same_check_is_one_entry_however_often_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "changes.atom"
    assert append_entries(path, [entry(1), entry(2)]) == 2
    before = path.read_bytes()
    assert append_entries(path, [entry(2), entry(1), entry(2)]) == 0
    assert path.read_bytes() == before  # nothing new: the file is not rewritten
    assert append_entries(path, [entry(2), entry(3)]) == 1
    assert [e.id for e in parsed(path).entries] == [FeedEntry.entry_id("w", n) for n in (3, 2, 1)]


def test_the_feed_keeps_only_the_newest_entries(tmp_path: Path) -> None:
    path = tmp_path / "changes.atom"
    for n in range(1, 13):
        append_entries(path, [entry(n)], limit=5)
    ids = [e.id for e in parsed(path).entries]
    assert ids == [FeedEntry.entry_id("w", n) for n in (12, 11, 10, 9, 8)]
    # an old entry arriving late does not push out newer ones
    append_entries(path, [entry(0)], limit=5)
    assert [e.id for e in read_entries(path)] == ids


def test_writes_are_atomic_and_keep_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "changes.atom"
    append_entries(path, [entry(1)])
    os.chmod(path, 0o640)
    inode = path.stat().st_ino
    append_entries(path, [entry(2)])
    assert path.stat().st_ino != inode  # replaced by rename, never written in place
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in ("changes.atom",)]
    assert leftovers == ["changes.atom.lock"]


def test_a_damaged_feed_is_started_afresh(tmp_path: Path) -> None:
    path = tmp_path / "changes.atom"
    append_entries(path, [entry(1)])
    path.write_bytes(path.read_bytes()[:150])  # a truncated file
    assert read_entries(path) == []
    assert append_entries(path, [entry(2)]) == 1
    assert [e.id for e in parsed(path).entries] == [FeedEntry.entry_id("w", 2)]


def test_xml_tricks_in_an_existing_file_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "changes.atom"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE f [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>&e;</title></feed>',
        encoding="utf-8",
    )
    assert read_entries(path) == []
    append_entries(path, [entry(1)])
    assert "root:" not in path.read_text(encoding="utf-8")
    assert len(parsed(path).entries) == 1


def test_an_unwritable_place_is_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StorageError, match="cannot write the feed"):
        append_entries(blocker / "changes.atom", [entry(1)])
