"""The Atom feed file of changes: one entry per alerting check, newest first, bounded.

The file is rewritten whole (temp file, fsync, rename), so a reader or a crash never sees half a
feed. Entries carry stable ids (watch and check), so writing the same check twice, as a retried
delivery after a crash may, leaves one entry. Page text goes in as XML text nodes, which
ElementTree escapes; characters XML cannot carry at all are dropped first, since one stray control
character from a page would make the whole feed unreadable.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from defusedxml.ElementTree import parse as safe_parse

from citywatch import __version__, defaults
from citywatch.errors import StorageError

__all__ = ["FeedEntry", "append_entries", "read_entries"]

log = logging.getLogger(__name__)


_ATOM = "http://www.w3.org/2005/Atom"
_FEED_ID = "urn:citywatch:changes"
# XML 1.0 Char production: tab, newline, carriage return and most of the BMP and above.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _q(tag: str) -> str:
    return f"{{{_ATOM}}}{tag}"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One alerting check as a feed entry. `id` is stable for the check (see `entry_id`)."""

    id: str
    title: str
    updated: datetime
    link: str
    text: str
    watch: str

    @staticmethod
    def entry_id(watch: str, check_id: int) -> str:
        return f"urn:citywatch:{watch}:check:{check_id}"


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, _q(tag), attrs)
    node.text = _clean(text)
    return node


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _tree(entries: Sequence[FeedEntry], now: datetime) -> ET.ElementTree:
    ET.register_namespace("", _ATOM)
    feed = ET.Element(_q("feed"))
    _text(feed, "id", _FEED_ID)
    _text(feed, "title", "citywatch: changes")
    _text(feed, "subtitle", "New and changed visits and programmes on the watched city pages")
    _text(feed, "updated", _stamp(entries[0].updated if entries else now))
    author = ET.SubElement(feed, _q("author"))
    _text(author, "name", "citywatch")
    _text(feed, "generator", "citywatch", version=__version__)
    for entry in entries:
        node = ET.SubElement(feed, _q("entry"))
        _text(node, "id", entry.id)
        _text(node, "title", entry.title, type="text")
        _text(node, "updated", _stamp(entry.updated))
        if entry.link:
            ET.SubElement(node, _q("link"), {"rel": "alternate", "href": _clean(entry.link)})
        ET.SubElement(node, _q("category"), {"term": _clean(entry.watch)})
        _text(node, "content", entry.text, type="text")
    return ET.ElementTree(feed)


def _entry_from(node: ET.Element) -> FeedEntry | None:
    def text(tag: str) -> str:
        child = node.find(_q(tag))
        return (child.text or "") if child is not None else ""

    try:
        updated = datetime.fromisoformat(text("updated").replace("Z", "+00:00"))
    except ValueError:
        return None
    link = node.find(_q("link"))
    category = node.find(_q("category"))
    entry_id = text("id")
    if not entry_id:
        return None
    return FeedEntry(
        id=entry_id,
        title=text("title"),
        updated=updated if updated.tzinfo else updated.replace(tzinfo=UTC),
        link=link.get("href", "") if link is not None else "",
        text=text("content"),
        watch=category.get("term", "") if category is not None else "",
    )


def read_entries(path: str | Path) -> list[FeedEntry]:
    """The entries of an existing feed file; a missing file has none.

    A file that cannot be parsed (edited by hand, truncated by a full disk) is logged once and
    treated as empty: the feed is a view of the history, and the next entries rebuild it."""
    try:
        tree = safe_parse(str(path))
    except FileNotFoundError:
        return []
    except Exception as exc:
        log.warning("feed %s is not readable Atom, starting it afresh: %s", path, exc)
        return []
    root = tree.getroot()
    return [e for node in root.iter(_q("entry")) if (e := _entry_from(node)) is not None]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An advisory lock beside the feed, so a `crawl` and the daemon do not interleave their
    read-merge-write and drop each other's entries."""
    try:
        import fcntl
    except ImportError:  # no advisory locks: the atomic rename still keeps the file whole
        yield
        return
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write(path: Path, tree: ET.ElementTree) -> None:
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            tree.write(handle, encoding="utf-8", xml_declaration=True)
            handle.write(b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def append_entries(
    path: str | Path,
    entries: Sequence[FeedEntry],
    *,
    limit: int = defaults.FEED_ENTRIES,
    now: datetime | None = None,
) -> int:
    """Add `entries` to the feed at `path` (created if missing), keep the newest `limit`.

    Returns how many entries were new. An entry whose id is already in the file is not added
    again. Raises StorageError when the file cannot be written."""
    target = Path(path)
    if limit < 1:
        raise StorageError("a feed keeps at least one entry", path=str(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _locked(target):
            existing = read_entries(target)
            known = {e.id for e in existing}
            fresh = [e for e in {e.id: e for e in entries}.values() if e.id not in known]
            if not fresh and target.exists():
                return 0
            merged = sorted([*existing, *fresh], key=lambda e: e.updated, reverse=True)[:limit]
            _write(target, _tree(merged, now or datetime.now(UTC)))
    except OSError as exc:
        raise StorageError("cannot write the feed", path=str(target), error=exc.strerror) from None
    return len(fresh)
